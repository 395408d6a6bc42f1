import { CHROMIUM_INSTALL_COMMAND, ChromiumHost, ensureChromium, planChromium } from './support/chromium';

/**
 * The Chromium finder's decisions with injected commands: no real apt, no real browser
 * (issue 22, finding 12: `npm test` on a fresh Debian machine).
 */
const facts = { configuredExists: false, found: null, isRoot: false, hasAptGet: true, installAttempted: false };

describe('planChromium', () => {
  it('uses CHROMIUM_PATH when it exists, and refuses a wrong one rather than guessing', () => {
    expect(planChromium({ ...facts, configuredPath: '/opt/chrome/chrome', configuredExists: true })).toEqual({ action: 'use', path: '/opt/chrome/chrome' });
    const wrong = planChromium({ ...facts, configuredPath: '/nope/chromium', found: '/usr/bin/chromium' });
    expect(wrong).toEqual({ action: 'fail', message: expect.stringContaining('CHROMIUM_PATH=/nope/chromium does not exist') });
  });

  it('uses a Chromium already installed', () => {
    expect(planChromium({ ...facts, found: '/usr/bin/chromium', isRoot: true })).toEqual({ action: 'use', path: '/usr/bin/chromium' });
  });

  it('installs Debian’s package as root, once', () => {
    expect(planChromium({ ...facts, isRoot: true })).toEqual({ action: 'install', command: 'apt-get update && apt-get install -y chromium' });
    expect(planChromium({ ...facts, isRoot: true, installAttempted: true })).toEqual({ action: 'fail', message: expect.stringContaining('still missing after') });
  });

  it('otherwise fails with the exact command to run', () => {
    const plan = planChromium(facts);
    expect(plan.action).toBe('fail');
    expect((plan as { message: string }).message).toContain(`sudo sh -c '${CHROMIUM_INSTALL_COMMAND}'`);
    expect((planChromium({ ...facts, isRoot: true, hasAptGet: false }) as { message: string }).message).toContain('install Chromium with your package manager');
  });
});

describe('ensureChromium', () => {
  function fakeHost(options: { root: boolean; installed?: string[]; installSucceeds?: boolean; env?: Record<string, string> }) {
    const installed = new Set(options.installed ?? []);
    const ran: string[] = [];
    const logs: string[] = [];
    const host: ChromiumHost = {
      env: { ...options.env },
      exists: (path) => installed.has(path),
      which: (name) => (name === 'apt-get' ? '/usr/bin/apt-get' : installed.has(`/usr/bin/${name}`) ? `/usr/bin/${name}` : null),
      isRoot: () => options.root,
      run: (command) => {
        ran.push(command);
        if (options.installSucceeds === false) return { status: 100, output: 'E: Unable to locate package chromium' };
        installed.add('/usr/bin/chromium');
        return { status: 0, output: '' };
      },
      log: (line) => logs.push(line),
    };
    return { host, ran, logs };
  }

  it('finds an installed Chromium and hands its path to the workers', () => {
    const { host, ran } = fakeHost({ root: true, installed: ['/usr/bin/chromium-browser'] });
    expect(ensureChromium(host)).toBe('/usr/bin/chromium-browser');
    expect(host.env.CHROMIUM_PATH).toBe('/usr/bin/chromium-browser');
    expect(ran).toEqual([]);
  });

  it('as root installs it once, saying so, then uses it', () => {
    const { host, ran, logs } = fakeHost({ root: true });
    expect(ensureChromium(host)).toBe('/usr/bin/chromium');
    expect(ran).toEqual([CHROMIUM_INSTALL_COMMAND]);
    expect(logs[0]).toBe(`[test setup] Chromium not found; running as root, so installing Debian's package once: ${CHROMIUM_INSTALL_COMMAND}`);
  });

  it('stops with the install output when apt fails, without trying again', () => {
    const { host, ran } = fakeHost({ root: true, installSucceeds: false });
    expect(() => ensureChromium(host)).toThrow(/failed \(exit 100\):\nE: Unable to locate package chromium/);
    expect(ran).toHaveLength(1);
  });

  it('as another user runs nothing and fails first with the command', () => {
    const { host, ran } = fakeHost({ root: false });
    expect(() => ensureChromium(host)).toThrow(`sudo sh -c '${CHROMIUM_INSTALL_COMMAND}'`);
    expect(ran).toEqual([]);
  });
});
