// Lints source texts with the repository's eslint.config.mjs, for test/lint-rules.spec.ts.
// A child process because ESLint loads its flat config with import(), which Jest's CommonJS
// sandbox refuses. Reads [{ filePath, code }] (paths relative to the repository) on stdin and
// writes [{ filePath, messages: [{ ruleId, message }] }] on stdout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(import.meta.dirname, '..', '..');
const cases = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({ cwd: root, overrideConfigFile: join(root, 'eslint.config.mjs') });
const results = [];
for (const { filePath, code } of cases) {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath), warnIgnored: true });
  results.push({ filePath, messages: result.messages.map(({ ruleId, message }) => ({ ruleId, message })) });
}
process.stdout.write(JSON.stringify(results));
