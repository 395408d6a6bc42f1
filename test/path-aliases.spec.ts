import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/**
 * The @spot/* aliases are written by hand in four places: tsconfig.json (type-check), .swcrc
 * (build), jest.config.js (tests) and nest-cli.json (Nest's projects). They must name the same
 * aliases and point at the same folders, and every lib under libs/ must have one.
 */
const ROOT = join(__dirname, '..');
const json = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
/** 'libs/core/src', whatever the spelling ('./libs/core/src', '<rootDir>/libs/core/src/'). */
const folder = (path: string) => posix.normalize(path.replace(/^<rootDir>\//, '')).replace(/\/$/, '');

type Aliases = Record<string, string>;

function fromPaths(paths: Record<string, string[]>, source: string): Aliases {
  const aliases: Aliases = {};
  for (const [alias, targets] of Object.entries(paths)) {
    if (!alias.startsWith('@spot/')) continue;
    expect({ source, alias, targets: targets.length }).toEqual({ source, alias, targets: 1 });
    aliases[alias] = folder(targets[0]);
  }
  return aliases;
}

function tsconfigAliases(): Aliases {
  return fromPaths(json('tsconfig.json').compilerOptions.paths, 'tsconfig.json');
}

function swcAliases(): Aliases {
  const { jsc } = json('.swcrc');
  expect(folder(jsc.baseUrl)).toBe('.');
  return fromPaths(jsc.paths, '.swcrc');
}

function jestAliases(): Aliases {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.config.js is CommonJS, read as Jest reads it
  const { moduleNameMapper } = require(join(ROOT, 'jest.config.js')) as { moduleNameMapper: Record<string, string> };
  const aliases: Aliases = {};
  for (const [pattern, target] of Object.entries(moduleNameMapper)) {
    if (!pattern.includes('@spot/')) continue;
    const alias = /^\^(@spot\/[a-z-]+)\$$/.exec(pattern)?.[1];
    expect({ pattern, exact: alias !== undefined }).toEqual({ pattern, exact: true });
    aliases[alias as string] = folder(target);
  }
  return aliases;
}

function nestAliases(): Aliases {
  const { projects } = json('nest-cli.json') as { projects: Record<string, { type: string; sourceRoot: string }> };
  const aliases: Aliases = {};
  for (const [name, project] of Object.entries(projects)) {
    if (project.type === 'library') aliases[`@spot/${name}`] = folder(project.sourceRoot);
  }
  return aliases;
}

const sorted = (aliases: Aliases) => Object.fromEntries(Object.entries(aliases).sort(([a], [b]) => a.localeCompare(b)));

describe('the @spot/* path aliases', () => {
  const tsconfig = sorted(tsconfigAliases());

  it('name the same folders in tsconfig.json, .swcrc, jest.config.js and nest-cli.json', () => {
    expect(Object.keys(tsconfig).length).toBeGreaterThan(20);
    expect({ '.swcrc': sorted(swcAliases()) }).toEqual({ '.swcrc': tsconfig });
    expect({ 'jest.config.js': sorted(jestAliases()) }).toEqual({ 'jest.config.js': tsconfig });
    expect({ 'nest-cli.json': sorted(nestAliases()) }).toEqual({ 'nest-cli.json': tsconfig });
  });

  it('give every lib under libs/ the alias @spot/<lib> for libs/<lib>/src, beside migrations and the test harness', () => {
    const libs = readdirSync(join(ROOT, 'libs'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    const expected = Object.fromEntries([
      ...libs.map((lib) => [`@spot/${lib}`, `libs/${lib}/src`]),
      ['@spot/migrations', 'migrations'],
      ['@spot/testing', 'test/support'],
    ]);
    expect(tsconfig).toEqual(sorted(expected));
  });
});
