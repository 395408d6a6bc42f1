import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Set by test/support/test-sequencer.js when the portal's browser suite is among the selected tests. */
export const BROWSER_SUITE_SELECTED = 'SPOT_BROWSER_SUITE_SELECTED';

/** What `npm test` runs to get Debian's Chromium when it runs as root (once: later runs find it). */
export const CHROMIUM_INSTALL_COMMAND = 'apt-get update && apt-get install -y chromium';

/** Where Debian (and Ubuntu's older package) put the browser, when `command -v` does not find it. */
const KNOWN_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export interface ChromiumFacts {
  /** CHROMIUM_PATH, when set. */
  configuredPath?: string;
  configuredExists: boolean;
  /** A Chromium found on PATH or at a known place, else null. */
  found: string | null;
  isRoot: boolean;
  hasAptGet: boolean;
  /** The install already ran in this setup (it is tried once). */
  installAttempted: boolean;
}

export type ChromiumPlan = { action: 'use'; path: string } | { action: 'install'; command: string } | { action: 'fail'; message: string };

/**
 * The decision alone, so it is tested without a real apt (test/chromium-finder.spec.ts): use a
 * configured or found Chromium; as root on Debian install it once; otherwise fail before any test
 * runs, naming the exact command.
 */
export function planChromium(facts: ChromiumFacts): ChromiumPlan {
  if (facts.configuredPath) {
    return facts.configuredExists
      ? { action: 'use', path: facts.configuredPath }
      : { action: 'fail', message: `CHROMIUM_PATH=${facts.configuredPath} does not exist: point it at a Chromium binary, or unset it to use Debian's chromium package.` };
  }
  if (facts.found) return { action: 'use', path: facts.found };
  if (facts.installAttempted) {
    return { action: 'fail', message: `Chromium is still missing after \`${CHROMIUM_INSTALL_COMMAND}\` (see its output above); install it by hand or set CHROMIUM_PATH.` };
  }
  if (facts.isRoot && facts.hasAptGet) return { action: 'install', command: CHROMIUM_INSTALL_COMMAND };
  const how = facts.hasAptGet
    ? `run: sudo sh -c '${CHROMIUM_INSTALL_COMMAND}' (or as root: ${CHROMIUM_INSTALL_COMMAND})`
    : 'install Chromium with your package manager';
  return { action: 'fail', message: `The portal's browser tests need Chromium, which is not installed: ${how}, or set CHROMIUM_PATH to a Chromium binary.` };
}

/** The machine, as the finder sees it; injected in tests. */
export interface ChromiumHost {
  env: Record<string, string | undefined>;
  exists(path: string): boolean;
  /** `command -v name`: the path, or null. */
  which(name: string): string | null;
  isRoot(): boolean;
  /** Runs a shell command; its output is the tail shown when it fails. */
  run(command: string): { status: number; output: string };
  log(line: string): void;
}

/** Finds (or installs, see planChromium) Chromium, sets CHROMIUM_PATH for the test workers and answers the path. */
export function ensureChromium(host: ChromiumHost): string {
  let installAttempted = false;
  for (;;) {
    const configuredPath = host.env.CHROMIUM_PATH || undefined;
    const found = host.which('chromium') ?? host.which('chromium-browser') ?? KNOWN_PATHS.find((p) => host.exists(p)) ?? null;
    const plan = planChromium({
      configuredPath,
      configuredExists: configuredPath ? host.exists(configuredPath) : false,
      found,
      isRoot: host.isRoot(),
      hasAptGet: host.which('apt-get') !== null,
      installAttempted,
    });
    if (plan.action === 'use') {
      host.env.CHROMIUM_PATH = plan.path;
      return plan.path;
    }
    if (plan.action === 'fail') throw new Error(plan.message);
    host.log(`[test setup] Chromium not found; running as root, so installing Debian's package once: ${plan.command}`);
    const result = host.run(plan.command);
    installAttempted = true;
    if (result.status !== 0) {
      throw new Error(`\`${plan.command}\` failed (exit ${result.status}):\n${result.output.slice(-2000)}\nRun it by hand, or set CHROMIUM_PATH.`);
    }
    host.log('[test setup] Chromium installed.');
  }
}

/** This machine. */
export const LOCAL_HOST: ChromiumHost = {
  env: process.env,
  exists: existsSync,
  which: (name) => {
    const result = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    const path = result.status === 0 ? result.stdout.trim() : '';
    return path || null;
  },
  isRoot: () => process.getuid?.() === 0,
  run: (command) => {
    const result = spawnSync('sh', ['-c', command], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 * 1024 * 1024 });
    return { status: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  },
  log: (line) => process.stderr.write(`${line}\n`),
};
