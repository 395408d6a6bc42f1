import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_CONFIG_VARIABLES } from '../../agent/src/agent-settings';
import { envFile, installScript, SYSTEMD_UNIT, TOKEN_PLACEHOLDER, userData } from '../src/lib/agent-install';

describe('the portal’s agent install snippets', () => {
  it('show the systemd unit of apps/agent/deploy verbatim', () => {
    expect(SYSTEMD_UNIT).toBe(readFileSync(join(__dirname, '../../agent/deploy/spot-optimizer-agent.service'), 'utf8'));
  });

  it('name only variables the agent reads, with the API URL and a token placeholder', () => {
    const read = new Set(AGENT_CONFIG_VARIABLES.map((v) => v.name));
    for (const snippet of [envFile('https://spot.example.com'), installScript('https://spot.example.com'), userData('https://spot.example.com')]) {
      expect(snippet).toContain('CENTRAL_SERVER_URL');
      expect(snippet).toContain('https://spot.example.com');
      expect(snippet).toContain(`CLIENT_TOKEN`);
      expect(snippet).toContain(TOKEN_PLACEHOLDER);
      expect(snippet).not.toContain('SPOT_CLIENT_TOKEN');
    }
    const assigned = [...envFile('x').matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
    expect(assigned.length).toBeGreaterThan(0);
    for (const name of assigned) expect(read.has(name)).toBe(true);
  });
});

describe('the portal’s wording', () => {
  // The agent reads CLIENT_TOKEN (apps/agent/src/agent-settings.ts); an old page said SPOT_CLIENT_TOKEN.
  it('never names SPOT_CLIENT_TOKEN', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (['.next', 'test', 'node_modules'].includes(name)) continue;
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(tsx?|css|md|json|mjs)$/.test(name) && readFileSync(path, 'utf8').includes('SPOT_CLIENT_TOKEN')) offenders.push(path);
      }
    };
    walk(join(__dirname, '..'));
    expect(offenders).toEqual([]);
  });
});
