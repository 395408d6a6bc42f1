import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../../..');

/**
 * The portal's API types are generated from openapi.json (npm run portal:client, also run by
 * npm run openapi): this fails when the committed ones are stale or were edited by hand.
 */
describe('portal API client', () => {
  it('matches what openapi-typescript generates from openapi.json', () => {
    const script: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['portal:client'];
    const [, ...args] = script.split(/\s+/);
    const outputIndex = args.indexOf('--output');
    const committed = args[outputIndex + 1];
    const dir = mkdtempSync(join(tmpdir(), 'portal-client-'));
    try {
      args[outputIndex + 1] = join(dir, 'schema.d.ts');
      execFileSync(process.execPath, [join(root, 'node_modules/openapi-typescript/bin/cli.js'), ...args], { cwd: root, stdio: 'pipe' });
      const fresh = readFileSync(join(dir, 'schema.d.ts'), 'utf8');
      expect(readFileSync(join(root, committed), 'utf8') === fresh ? 'up to date' : 'stale: run npm run portal:client').toBe('up to date');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is the only way the portal reaches the API', () => {
    const sources = execFileSync('git', ['ls-files', 'apps/portal/app', 'apps/portal/src'], { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => /\.tsx?$/.test(f));
    expect(sources.length).toBeGreaterThan(10);
    // Only the generated client (openapi-fetch) and the server-side forwarder call fetch.
    const callers = sources.filter((f) => /\bfetch\(|XMLHttpRequest|axios/.test(readFileSync(join(root, f), 'utf8')));
    expect(callers).toEqual(['apps/portal/src/server/forward.ts']);
  });
});
