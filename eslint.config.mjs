// ESLint for the whole repository: `npm run lint` (also a step of .ci/run).
// Two parts: a small set of typescript-eslint's correctness rules, and the dependency rules of
// docs/architecture.md ("Dependency rules") written with ESLint's built-in no-restricted-imports
// and no-restricted-syntax (no plugin). test/lint-rules.spec.ts shows each dependency rule failing
// on a violation; test/path-aliases.spec.ts keeps the @spot/* aliases of the four configs in step.
//
// typescript-eslint: `recommended` (not the type-checked sets: they need the whole program and are
// slow on these machines), which main passed with one fix. Configured differently:
// - no-unused-vars ignores names starting with _ (deliberately unused parameters and fields
//   dropped by destructuring, 8 places today);
// - no-require-imports is off for the CommonJS launchers in scripts/ and one spec loading one;
// - no-control-regex (ESLint core) is on, since libs/contracts already disables it where meant,
//   and unused eslint-disable comments are errors.
// Nothing of `recommended` is turned off. Left out of the dependency rules: "no lib imports another
// lib's entities" (issue 19): every entity lives in libs/persistence today, so it cannot pass yet.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const ROOT = import.meta.dirname;
const dirs = (parent) =>
  readdirSync(join(ROOT, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
const LIBS = dirs('libs');
const APPS = dirs('apps');

// The agent runs on customers' instances and must not carry the control plane's database stack
// (apps/agent/test/agent-dependencies.spec.ts checks the loaded module graph). The libs it loads,
// and the market model, are kept persistence-free the same way: they may import only each other.
const PERSISTENCE_FREE_LIBS = ['catalog', 'cloud', 'continuity', 'contracts', 'core', 'demo-fleet', 'market-model', 'price-trace'];
const DATABASE_PACKAGES = ['typeorm', 'mysql2', 'better-sqlite3'];
// The one app-to-app import: the benchmarks boot the real API in-process to measure it (its module
// and bootstrap), as the test harness does (test/support/api-app.ts). Paths below apps/.
const ALLOWED_APP_IMPORTS = { bench: ['api/src/bootstrap', 'api/src/api.module'] };

const SOURCE_EXTENSIONS = '{ts,tsx,js,mjs,cjs}';
// Test code may wire apps together (test/support starts the API and the scheduler; the api's tests
// drive scheduler jobs) and use a database anywhere, so only the deep-import rule applies to it.
const TEST_FILES = ['**/test/**', '**/*.spec.ts', '**/*.spec.tsx'];
// Relative specifiers are checked per folder depth (a glob per depth), since a regex sees only the
// specifier: from libs/x/src/a/b.ts, '../../' is libs/x and '../../../' leaves it. Deeper files than
// this are not checked for relative escapes (the deepest today is 4).
const MAX_DEPTH = 12;

const escapeRe = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const up = (count) => `(?:\\.\\./){${count}}`;
const anyOf = (names) => `(?:${names.map(escapeRe).join('|')})`;

const DEEP_IMPORT = {
  regex: '^@spot/[^/]+/',
  caseSensitive: true,
  message: 'Import a lib only through its index, @spot/<lib>; never a file inside it (docs/architecture.md, "Dependency rules").',
};

/**
 * no-restricted-imports patterns for production code at `depth` folders below the package `path`
 * (libs/<name>, apps/<name> or migrations). One rule option per file, since a later config block
 * replaces a rule's options rather than merging them.
 */
function productionPatterns(kind, name, path, depth) {
  const toRoot = depth + path.split('/').length;
  const toParent = depth + 1;
  const self = escapeRe(name);
  const rules = [];
  const toApps = `${up(toRoot)}apps/${kind === 'app' ? `(?!${self}(?:/|$))` : ''}`;
  const toLibs = `${up(toRoot)}libs/${kind === 'lib' ? `(?!${self}(?:/|$))` : ''}`;
  // A sibling folder of the package: another lib from libs/<name>, another app from apps/<name>.
  const allowed = kind === 'app' ? (ALLOWED_APP_IMPORTS[name] ?? []).map((target) => `${up(toParent)}${escapeRe(target)}$`) : [];
  const exempt = allowed.map((target) => `(?!${target})`).join('');
  const toSibling = kind === 'migrations' ? null : `${exempt}${up(toParent)}(?!${self}(?:/|$)|\\.\\.(?:/|$))[^/]+`;
  const appMessage =
    kind === 'lib'
      ? 'Libs never import apps: move the shared code into a lib (docs/architecture.md, "Dependency rules").'
      : kind === 'app'
        ? 'Apps never import another app: move the shared code into a lib (docs/architecture.md, "Dependency rules").'
        : 'Migrations never import apps (docs/architecture.md, "Dependency rules").';
  const libMessage = 'Import another lib only through its index, @spot/<lib>, not by a relative path (docs/architecture.md, "Dependency rules").';
  rules.push({ regex: `^${toApps}|^apps/`, caseSensitive: true, message: appMessage });
  rules.push({ regex: `^${toLibs}|^libs/${kind === 'lib' ? '|^' + toSibling : ''}`, caseSensitive: true, message: libMessage });
  if (kind === 'app') rules.push({ regex: `^${toSibling}`, caseSensitive: true, message: appMessage });
  const named = [toApps, toLibs, toSibling, ...allowed].filter(Boolean).join('|');
  rules.push({
    regex: `^(?!${named})(?:\\.\\.(?:/|$)){${toParent}}`,
    caseSensitive: true,
    message: `A relative import stays inside ${path}; reach other code through @spot/<lib> (docs/architecture.md, "Dependency rules").`,
  });
  if (kind !== 'app') {
    rules.push({
      regex: '^@spot/testing$',
      caseSensitive: true,
      message: 'Production code never imports @spot/testing (test/support starts the apps).',
    });
  }
  if (kind === 'app' ? name === 'agent' : PERSISTENCE_FREE_LIBS.includes(name)) rules.push(...persistenceFreePatterns(path));
  rules.push(DEEP_IMPORT);
  return rules;
}

function persistenceFreePatterns(path) {
  const why = `${path} is persistence-free: the agent loads it on customers' instances (docs/architecture.md, "Dependency rules")`;
  return [
    { regex: `^${anyOf(DATABASE_PACKAGES)}(?:/|$)`, caseSensitive: true, message: `${why}; no database driver or ORM.` },
    { regex: '^@spot/persistence$', caseSensitive: true, message: `${why}; it never reaches @spot/persistence.` },
    {
      regex: `^@spot/(?!${anyOf([...PERSISTENCE_FREE_LIBS, 'persistence'])}$)[^/]+$`,
      caseSensitive: true,
      message: `${why}; that lib reaches @spot/persistence. Use only ${PERSISTENCE_FREE_LIBS.map((lib) => '@spot/' + lib).join(', ')}.`,
    },
  ];
}

// require() and import() are not seen by no-restricted-imports (`import x = require()` is).
const moduleLoads = (regex) => [`CallExpression[callee.name="require"][arguments.0.value=${regex}]`, `ImportExpression[source.value=${regex}]`];
// esquery regexes cannot contain '/', hence \x2F.
const DEEP_LOAD = moduleLoads('/^@spot\\x2F[^\\x2F]+\\x2F/').map((selector) => ({ selector, message: DEEP_IMPORT.message }));
const PERSISTENCE_LOAD = moduleLoads(
  `/^(?:${DATABASE_PACKAGES.join('|')})(?:\\x2F|$)|^@spot\\x2F(?!${anyOf(PERSISTENCE_FREE_LIBS)}$)/`,
).map((selector) => ({
  selector,
  message: 'The agent and the libs it loads are persistence-free: no database package, no lib that reaches @spot/persistence (docs/architecture.md, "Dependency rules").',
}));

function dependencyRuleBlocks() {
  const packages = [
    ...LIBS.map((name) => ({ kind: 'lib', name, path: `libs/${name}` })),
    ...APPS.map((name) => ({ kind: 'app', name, path: `apps/${name}` })),
    { kind: 'migrations', name: 'migrations', path: 'migrations' },
  ];
  const blocks = [
    {
      name: 'spot/dependency-rules/everywhere',
      files: ['**/*.' + SOURCE_EXTENSIONS],
      rules: {
        'no-restricted-imports': ['error', { patterns: [DEEP_IMPORT] }],
        'no-restricted-syntax': ['error', ...DEEP_LOAD],
      },
    },
  ];
  for (const pkg of packages) {
    for (let depth = 0; depth <= MAX_DEPTH; depth += 1) {
      blocks.push({
        name: `spot/dependency-rules/${pkg.path}/depth-${depth}`,
        files: [`${pkg.path}/${'*/'.repeat(depth)}*.${SOURCE_EXTENSIONS}`],
        ignores: TEST_FILES,
        rules: { 'no-restricted-imports': ['error', { patterns: productionPatterns(pkg.kind, pkg.name, pkg.path, depth) }] },
      });
    }
  }
  blocks.push({
    name: 'spot/dependency-rules/persistence-free-loads',
    files: ['apps/agent/**', ...PERSISTENCE_FREE_LIBS.map((lib) => `libs/${lib}/**`)],
    ignores: TEST_FILES,
    rules: { 'no-restricted-syntax': ['error', ...DEEP_LOAD, ...PERSISTENCE_LOAD] },
  });
  return blocks;
}

export default defineConfig(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'apps/portal/.next/**', 'apps/portal/next-env.d.ts', 'apps/portal/src/api/schema.d.ts', 'data/**', 'resources/**', 'coverage/**'],
  },
  {
    name: 'spot/typescript',
    files: ['apps/**/*.{ts,tsx}', 'libs/**/*.ts', 'migrations/**/*.ts', 'test/**/*.ts', 'scripts/**/*.js'],
    extends: [tseslint.configs.recommended],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Unused names prefixed with _ are deliberate (an ignored parameter of an interface method,
      // a field dropped by destructuring); tsc's noUnusedLocals/noUnusedParameters cover the rest.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Control characters in a regex are a bug unless meant (libs/contracts validators say so).
      'no-control-regex': 'error',
    },
  },
  {
    name: 'spot/commonjs-scripts',
    // The launchers in scripts/ are plain CommonJS run by node.
    files: ['scripts/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    name: 'spot/require-of-commonjs-script',
    // Loads scripts/processes.js (CommonJS, outside the TypeScript project) by path.
    files: ['libs/demo-fleet/test/start-processes.spec.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...dependencyRuleBlocks(),
);
