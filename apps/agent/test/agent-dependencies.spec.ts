import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** Every module file a fresh Node process requires when it loads `entry` (see support/load-entry.js). */
function modulesLoadedBy(entry: string): string[] {
  const out = execFileSync(process.execPath, [join(__dirname, 'support', 'load-entry.js'), join(ROOT, entry)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  return (JSON.parse(out) as string[]).map((file) => relative(ROOT, file));
}

/**
 * The agent runs on customers' instances: it must not carry the control plane's database stack
 * (TypeORM, mysql2, the persistence lib), which also made it load ~1200 modules instead of ~700.
 * The whole graph is loaded in a child process, so Jest's own module registry cannot hide anything.
 */
describe("the agent's module graph", () => {
  it.each(['apps/agent/src/main.ts', 'apps/agent/src/index.ts'])('%s loads no typeorm, mysql2 or @spot/persistence', (entry) => {
    const loaded = modulesLoadedBy(entry);
    expect(loaded.length).toBeGreaterThan(50); // the loader really walked the graph
    expect(loaded.some((f) => f.startsWith('apps/agent/src/'))).toBe(true);
    const forbidden = loaded.filter((f) => /node_modules\/(typeorm|mysql2)\//.test(f) || f.startsWith('libs/persistence/') || f.startsWith('libs/data-valve/'));
    expect(forbidden).toEqual([]);
  });
});
