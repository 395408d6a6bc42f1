/**
 * @jest-environment ./test/support/native-typed-arrays-environment.js
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { ManualClock } from '@spot/core';
import { ApiActor, bearer, createTestDatabase, freshInstanceId, garbageModel, goodModel, startTestApi, TEST_ADMIN, TestApi, TestDatabase } from '@spot/testing';

/**
 * The portal in a real browser (Debian's Chromium through playwright-core) against the API on
 * SQLite: the API runs in-process on a free port, `next start` serves the built portal and
 * forwards its /api calls there. The test plays the agent's side over HTTP (claiming the switch
 * command, reporting the switch, bringing the replica up). Screenshots: test-artifacts/portal/.
 */
const root = join(__dirname, '../../..');
const portalDir = join(root, 'apps/portal');
const artifacts = join(root, 'test-artifacts/portal');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const USER = { org: 'Demo Shop', email: 'owner@demo-shop.test', password: 'demo-password-1' };
const NEWCOMER = { org: 'Initech', email: 'owner@initech.test', password: 'initech-password-1' };
const UI_TIMEOUT = 15_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.next' || entry.name === 'test' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `next build` unless the last build is newer than every portal source file. */
function buildPortalIfStale(): void {
  const buildId = join(portalDir, '.next/BUILD_ID');
  if (existsSync(buildId) && statSync(buildId).mtimeMs > newestSource(portalDir)) return;
  execFileSync(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'build', portalDir], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'pipe',
  });
}

async function startPortal(port: number, apiUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'start', portalDir, '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', PORTAL_API_URL: apiUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  for (let i = 0; i < 120; i += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/login`)).ok) return child;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGTERM');
  throw new Error(`the portal did not start:\n${output}`);
}

describe('portal in a browser [sqlite]', () => {
  let database: TestDatabase;
  let modelStorage: string;
  let api: TestApi;
  let portal: ChildProcess;
  let browser: Browser;
  let page: Page;
  let base: string;
  let owner: { userToken: string; clientId: string; clientToken: string };
  let agent: { agentId: string; agentToken: string };
  const shots: string[] = [];
  const browserLog: string[] = [];

  const http = () => api.http();
  const shot = async (name: string) => {
    const file = join(artifacts, `${String(shots.length + 1).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
  };

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    buildPortalIfStale();
    database = await createTestDatabase('sqlite');
    modelStorage = mkdtempSync(join(tmpdir(), 'portal-models-'));
    api = await startTestApi(database, { clock: new ManualClock(new Date()), env: { MODEL_STORAGE_DIR: modelStorage, MODEL_VALIDATION_TIMEOUT_MS: '4000' } });
    const apiPort = await freePort();
    await api.app.listen(apiPort, '127.0.0.1');
    const portalPort = await freePort();
    portal = await startPortal(portalPort, `http://127.0.0.1:${apiPort}`);
    base = `http://127.0.0.1:${portalPort}`;

    // A client with one agent on spot m5.large in eu-west-1a and a market of candidate pools.
    const actor = new ApiActor(api);
    owner = await actor.signup(USER.org, USER.email, USER.password);
    agent = await actor.register(owner.clientToken, { logical_agent_id: 'web-1', instance_type: 'm5.large', az: 'eu-west-1a', mode: 'spot' });
    const now = api.clock.now().getTime();
    const observations = [];
    for (const minutesAgo of [60, 55, 50, 25, 20, 10, 5, 0]) {
      const observed_at = new Date(now - minutesAgo * 60_000).toISOString();
      observations.push(
        { instance_type: 'm5.large', az: 'eu-west-1a', spot_price: 0.045, observed_at },
        { instance_type: 'm5.large', az: 'eu-west-1b', spot_price: 0.041, observed_at },
        { instance_type: 'm5.large', az: 'eu-west-1c', spot_price: 0.043, observed_at },
        { instance_type: 'm5a.large', az: 'eu-west-1b', spot_price: 0.03 + minutesAgo / 100_000, observed_at },
      );
    }
    await http().post(`/api/agents/${agent.agentId}/pricing-report`).set(bearer(agent.agentToken)).send({ observations }).expect(200);
    // The 30-minute hole in every series gets filled: the charts mark those points as interpolated.
    const admin = await actor.adminToken();
    const filled = await http().post('/api/admin/pricing/gap-fill').set(bearer(admin)).send({ hours: 2 }).expect(200);
    expect(filled.body.points_filled).toBeGreaterThan(0);
    await http().post(`/api/agents/${agent.agentId}/decide`).set(bearer(agent.agentToken)).send({}).expect(200);

    if (!existsSync(CHROMIUM)) {
      // npm test's globalSetup (test/support/chromium.ts) finds or installs it first; this is for other runners.
      throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's package (apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH`);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('console', (message) => browserLog.push(`console.${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => browserLog.push(`pageerror: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) browserLog.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
  }, 240_000);

  afterEach(async () => {
    // The page as the last test left it: the first thing to look at when a test fails.
    await page?.screenshot({ path: join(artifacts, `after-${(expect.getState().currentTestName ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`), fullPage: true });
  });

  afterAll(async () => {
    writeFileSync(join(artifacts, 'browser.log'), browserLog.join('\n') + '\n');
    await browser?.close();
    portal?.kill('SIGTERM');
    await api?.close();
    await database?.dispose();
    if (modelStorage) rmSync(modelStorage, { recursive: true, force: true });
  });

  it('signs in and shows the dashboard: spend, savings, agents', async () => {
    await page.goto(`${base}/`);
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(USER.email);
    await page.getByLabel('Password').fill(USER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/dashboard');
    await page.getByRole('heading', { name: USER.org }).waitFor();
    expect(await page.getByTestId('spend-hourly').textContent()).toMatch(/^\$0\.0450\/h$/);
    expect(await page.getByTestId('agents-online').textContent()).toBe('1 online');
    expect(await page.getByTestId('savings-projected').textContent()).toMatch(/^\$[\d,.]+\/mo$/);
    await shot('dashboard');
  });

  it('shows the switching panel, forces a switch after confirmation and follows it until the report arrives', async () => {
    await page.getByRole('link', { name: 'Instances', exact: true }).click();
    await page.getByRole('cell', { name: '$0.0450/h' }).waitFor(); // the current pool's price: none recorded before a switch
    await page.getByRole('link', { name: /^i-/ }).click();
    const panel = page.getByTestId('switching-panel');
    await panel.waitFor();
    const rows = panel.locator('li');
    // On-demand first, red; the current pool disabled with its badge; the cheapest pool green.
    expect(await rows.first().getAttribute('data-pool')).toBe('on-demand');
    expect(await rows.first().locator('button').getAttribute('class')).toBe('danger');
    const current = panel.locator('li[data-pool="m5.large.eu-west-1a"]');
    expect(await current.locator('button').isDisabled()).toBe(true);
    expect(await current.textContent()).toContain('Current');
    const cheapest = panel.locator('li.cheapest');
    expect(await cheapest.getAttribute('data-pool')).toBe('m5a.large.eu-west-1b');
    expect(await cheapest.textContent()).toContain('Cheapest');
    expect(await cheapest.locator('button').getAttribute('class')).toBe('success');
    expect(await panel.locator('li[data-pool="m5.large.eu-west-1b"]').textContent()).toMatch(/saves \d+\.\d%/);
    // Engine reasons and the 7-day charts with interpolated points marked.
    expect(await page.getByTestId('decision-reasons').locator('li').count()).toBeGreaterThan(0);
    await page.locator('circle[data-interpolated="true"]').first().waitFor({ state: 'attached' });
    await shot('instance-detail');

    await panel.locator('li[data-pool="m5.large.eu-west-1b"]').getByRole('button', { name: /Switch to/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm the switch' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('m5.large in eu-west-1b');
    await shot('switch-confirmation');
    await dialog.getByRole('button', { name: 'Confirm switch' }).click();
    await page.locator('[data-testid="command-status"][data-status="pending"]').waitFor();
    expect(await page.getByTestId('switch-progress').textContent()).toContain('queued');

    // The agent claims the command (the page follows it), carries it out and reports.
    const poll = await http().get(`/api/agents/${agent.agentId}/pending-commands`).set(bearer(agent.agentToken)).expect(200);
    const [command] = poll.body.commands;
    expect(command).toMatchObject({ origin: 'manual', payload: { pool_id: 'm5.large.eu-west-1b' } });
    await page.locator('[data-testid="command-status"][data-status="executing"]').waitFor();
    await shot('switch-executing');
    const newInstanceId = freshInstanceId();
    await http().post(`/api/agents/${agent.agentId}/commands/${command.id}/executed`).set(bearer(agent.agentToken)).send({ success: true, result: { new_instance_id: newInstanceId } }).expect(200);
    await page.locator('[data-testid="command-status"][data-status="completed"]').waitFor();
    await http()
      .post(`/api/agents/${agent.agentId}/switch-report`)
      .set(bearer(agent.agentToken))
      .send({ command_id: command.id, new_instance_id: newInstanceId, mode: 'spot', pool_id: 'm5.large.eu-west-1b', price: 0.041, success: true, downtime_ms: 1200 })
      .expect(200);

    // Polling shows the completion without a reload.
    await page.getByTestId('switch-complete').waitFor();
    expect(await page.getByTestId('switch-complete').textContent()).toContain('m5.large.eu-west-1b');
    expect(await page.getByTestId('switch-timeline').textContent()).toContain('m5.large.eu-west-1a → m5.large.eu-west-1b');
    await shot('switch-complete');

    // An hour on the new pool later, the dashboard counts the savings and lists the switch.
    api.clock.advanceSeconds(3600);
    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    await page.getByTestId('recent-activity').getByText(/Switched: m5\.large\.eu-west-1a → m5\.large\.eu-west-1b/).waitFor();
    expect(await page.getByTestId('spend-hourly').textContent()).toBe('$0.0410/h');
    expect(await page.getByTestId('savings-projected').textContent()).not.toBe('$0.00/mo');
    expect(await page.getByTestId('savings-month').textContent()).not.toBe('$0.00');
    await page.getByRole('img', { name: /Savings per day/ }).waitFor();
    await shot('dashboard-after-switch');
  });

  it('explains the mutual-exclusion rule when the configuration is refused, then applies a valid change', async () => {
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    await page.getByRole('button', { name: 'Configure web-1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Configure web-1' });
    await dialog.getByLabel(/Manual replica/).check();
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const refusal = dialog.getByTestId('config-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Cannot enable manual mode while auto-switch active');
    await shot('agent-config-refused');

    await dialog.getByLabel(/Auto-switch/).uncheck();
    await dialog.getByLabel(/Auto-terminate/).uncheck();
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('manual replica on').waitFor();
  });

  it('creates a replica, shows its sync progress and promotes it with the demote option', async () => {
    await page.getByRole('link', { name: 'Replicas', exact: true }).click();
    await page.getByRole('combobox', { name: 'Pool' }).locator('option', { hasText: 'm5.large eu-west-1c' }).waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Create replica' }).click();
    const row = page.locator('tr[data-replica]');
    await row.waitFor();
    const replicaId = await row.getAttribute('data-replica');

    // The replica's agent comes up and syncs.
    const registered = await http()
      .post('/api/agents/register')
      .set(bearer(owner.clientToken))
      .send({ logical_agent_id: 'web-1', instance_id: freshInstanceId(), instance_type: 'm5.large', region: 'eu-west-1', az: 'eu-west-1c', mode: 'spot', replica_id: replicaId })
      .expect(201);
    const replicaToken = registered.body.agent_token;
    await http().post(`/api/agents/${agent.agentId}/replicas/${replicaId}/sync-status`).set(bearer(replicaToken)).send({ progress: 40 }).expect(200);
    await page.locator(`tr[data-replica="${replicaId}"][data-status="syncing"]`).getByText('40%').waitFor();
    await shot('replica-syncing');
    await http().post(`/api/agents/${agent.agentId}/replicas/${replicaId}/sync-status`).set(bearer(replicaToken)).send({ progress: 100 }).expect(200);
    const promote = page.locator(`tr[data-replica="${replicaId}"]`).getByRole('button', { name: 'Promote' });
    await page.locator(`tr[data-replica="${replicaId}"][data-status="ready"]`).waitFor();
    await promote.click();
    const dialog = page.getByRole('dialog', { name: 'Promote the replica' });
    expect(await dialog.getByLabel(/demote it/).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Promote' }).click();
    await page.locator(`tr[data-replica="${replicaId}"][data-status="promoted"]`).waitFor();
    await shot('replica-promoted');
  });

  it('counts unread notifications and marks them all read', async () => {
    const badge = page.getByTestId('unread-count');
    // Browser-side expressions are strings: this file is type-checked without the DOM library.
    await page.waitForFunction(`Number(document.querySelector('[data-testid="unread-count"]')?.textContent) > 0`, undefined, { timeout: UI_TIMEOUT });
    await page.getByRole('link', { name: /Notifications/ }).click();
    await page.getByText('web-1: replica promoted').waitFor();
    await shot('notifications');
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByTestId('notifications-unread').getByText('0 unread').waitFor();
    await page.locator('[data-testid="unread-count"]', { hasText: /^0$/ }).waitFor();
    expect(await badge.textContent()).toBe('0');
  });

  it('is usable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${base}/dashboard`);
      await page.getByRole('button', { name: 'Menu' }).click();
      await page.getByRole('link', { name: 'Instances', exact: true }).waitFor();
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await shot('dashboard-phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('logs out; a super-admin creates a client and sees its token exactly once', async () => {
    await page.goto(`${base}/dashboard`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(TEST_ADMIN.email);
    await page.getByLabel('Password').fill(TEST_ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/admin/clients');
    await page.getByLabel('Name').fill('Globex');
    await page.getByRole('button', { name: 'Create client' }).click();
    const token = page.getByTestId('one-time-secret');
    await token.waitFor();
    expect(await token.textContent()).toMatch(/^spc_/);
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    await page.getByRole('cell', { name: 'Globex' }).waitFor();
    await shot('admin-client-created');

    await page.reload();
    await page.getByRole('cell', { name: 'Globex' }).waitFor();
    expect(await page.getByTestId('one-time-secret').count()).toBe(0);

    await page.getByRole('link', { name: 'System health' }).click();
    await page.getByRole('heading', { name: /System health/ }).waitFor();
    await shot('admin-system-health');
    await page.getByRole('link', { name: 'Data quality' }).click();
    await page.getByText('Share of interpolated prices per day').waitFor();
    await shot('admin-data-quality');
  });

  it('lets a super-admin upload models: a broken one is refused with the reasons, a good one is validated, activated and rolled back', async () => {
    await page.getByRole('link', { name: 'ML models' }).click();
    await page.getByRole('heading', { name: 'ML models' }).waitFor();
    const file = page.getByLabel('ONNX model file');
    const validation = page.getByTestId('model-validation');

    await file.setInputFiles({ name: 'broken.onnx', mimeType: 'application/octet-stream', buffer: garbageModel() });
    await page.getByRole('button', { name: 'Upload' }).click();
    await validation.getByText(/The model was refused/).waitFor();
    await shot('admin-model-rejected');

    await file.setInputFiles({ name: 'risk-v1.onnx', mimeType: 'application/octet-stream', buffer: goodModel(-3) });
    await page.getByRole('button', { name: 'Upload' }).click();
    await validation.getByText(/Valid: risk-v1\.onnx is pending/).waitFor();
    const row = page.locator('tr[data-model]', { hasText: 'risk-v1.onnx' });
    await row.getByRole('button', { name: 'Activate' }).click();
    await page.locator('tr[data-model][data-status="activated"]', { hasText: 'risk-v1.onnx' }).getByText('live').waitFor();
    expect(await page.getByTestId('live-model').textContent()).not.toBe('built-in engine');
    await shot('admin-model-live');

    await page.getByRole('button', { name: 'Fall back' }).click();
    await page.locator('tr[data-model][data-status="retired"]', { hasText: 'risk-v1.onnx' }).waitFor();
    expect(await page.getByTestId('live-model').textContent()).toBe('built-in engine');
    expect(shots.length).toBeGreaterThanOrEqual(12);
  });

  describe('a new client onboarding (issue 16)', () => {
    let firstToken: string;
    const viaPortal = (path: string, token: string, body: unknown) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const registration = () => ({ logical_agent_id: 'initech-web', instance_id: freshInstanceId(), instance_type: 'm5.large', region: 'eu-west-1', az: 'eu-west-1a', mode: 'spot' });
    const atBothWidths = async (name: string) => {
      await page.setViewportSize({ width: 1440, height: 900 });
      await shot(`${name}-1440`);
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow).toBeLessThanOrEqual(0);
        await shot(`${name}-390`);
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    };

    it('signs up: the welcome page names CLIENT_TOKEN (never SPOT_CLIENT_TOKEN); the empty agents page shows the install snippets', async () => {
      await page.goto(`${base}/dashboard`);
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL('**/login');
      await page.goto(`${base}/signup`);
      await page.getByLabel('Organisation name').fill(NEWCOMER.org);
      await page.getByLabel('Email').fill(NEWCOMER.email);
      await page.getByLabel(/Password/).fill(NEWCOMER.password);
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.getByRole('heading', { name: 'Welcome aboard' }).waitFor();
      firstToken = (await page.getByTestId('one-time-secret').textContent()) ?? '';
      expect(firstToken).toMatch(/^spc_/);
      const welcome = (await page.locator('main').textContent()) ?? '';
      expect(welcome).toContain('CLIENT_TOKEN');
      expect(welcome).not.toContain('SPOT_CLIENT_TOKEN');

      await page.getByRole('link', { name: 'Install an agent' }).click();
      await page.waitForURL('**/agents/install');
      await page.getByTestId('agent-install').waitFor();
      await page.getByRole('link', { name: 'Agents', exact: true }).click();
      await page.getByTestId('no-agents').waitFor();
      const install = page.getByTestId('agent-install');
      await install.waitFor();
      await page.locator('[data-testid="agent-api-url"]', { hasText: base }).waitFor();
      const script = (await page.getByTestId('install-script').textContent()) ?? '';
      const userData = (await page.getByTestId('user-data').textContent()) ?? '';
      const envFile = (await page.getByTestId('env-file').textContent()) ?? '';
      const unit = (await page.getByTestId('systemd-unit').textContent()) ?? '';
      for (const snippet of [script, userData]) {
        expect(snippet).toContain(`CENTRAL_SERVER_URL='${base}'`);
        expect(snippet).toContain("CLIENT_TOKEN='<your client token, spc_…>'");
        expect(snippet).toContain('systemctl enable --now spot-optimizer-agent');
      }
      expect(userData.startsWith('#!/bin/bash')).toBe(true);
      expect(envFile).toContain(`CENTRAL_SERVER_URL=${base}\n`);
      expect(envFile).toContain('CLIENT_TOKEN=<your client token, spc_…>');
      expect(unit).toContain('EnvironmentFile=/opt/spot-agent/.env');
      expect(unit).toContain('ExecStart=/usr/bin/node /opt/spot-agent/dist/apps/agent/src/main.js');
      // The portal never prints a token it does not have.
      expect(await install.textContent()).not.toContain(firstToken);
      expect(await page.locator('body').textContent()).not.toContain('SPOT_CLIENT_TOKEN');
      await page.getByRole('button', { name: 'Copy Install script' }).waitFor();
      await atBothWidths('agents-empty-install');
    });

    it('rotates the client token only after confirmation, shows the new one once; the old one no longer registers agents', async () => {
      // An agent registered through the portal's address (the CENTRAL_SERVER_URL of the snippets) before the rotation.
      const runningRegistration = registration();
      const before = await viaPortal('/api/agents/register', firstToken, runningRegistration);
      expect(before.status).toBe(201);
      const running = (await before.json()) as { agent_id: string; agent_token: string };

      await page.getByRole('link', { name: 'Client token', exact: true }).click();
      const hint = page.getByTestId('client-token-hint');
      await page.locator('[data-testid="client-token-hint"]', { hasText: firstToken.slice(-4) }).waitFor();
      const oldHint = await hint.textContent();
      await page.getByRole('button', { name: /Rotate the client token/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Rotate the client token?' });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('stops working at once');
      await shot('token-rotate-confirmation');
      // Cancelling changes nothing.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await page.getByTestId('one-time-secret').count()).toBe(0);
      expect((await viaPortal('/api/agents/register', firstToken, registration())).status).toBe(201);

      await page.getByRole('button', { name: /Rotate the client token/ }).click();
      await dialog.getByRole('button', { name: 'Rotate the token' }).click();
      const secret = page.getByTestId('one-time-secret');
      await secret.waitFor();
      const newToken = (await secret.textContent()) ?? '';
      expect(newToken).toMatch(/^spc_/);
      expect(newToken).not.toBe(firstToken);
      await page.getByRole('button', { name: 'Copy', exact: true }).waitFor();
      expect(await page.getByTestId('rotation-warning').textContent()).toContain('CLIENT_TOKEN');
      await page.locator('[data-testid="client-token-hint"]', { hasText: newToken.slice(-4) }).waitFor();
      expect(await hint.textContent()).not.toBe(oldHint);
      await atBothWidths('token-rotated');

      // The old token is refused, the new one registers; a running agent's own token still works.
      expect((await viaPortal('/api/agents/register', firstToken, registration())).status).toBe(401);
      expect((await viaPortal('/api/agents/register', newToken, registration())).status).toBe(201);
      await http().post(`/api/agents/${running.agent_id}/heartbeat`).set(bearer(running.agent_token)).send({ report_id: randomUUID(), instance_id: runningRegistration.instance_id }).expect(200);

      // Shown once: gone after a reload.
      await page.reload();
      await page.locator('[data-testid="client-token-hint"]', { hasText: newToken.slice(-4) }).waitFor();
      expect(await page.getByTestId('one-time-secret').count()).toBe(0);
    });
  });
});
