'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { envFile, installScript, SYSTEMD_UNIT, userData } from '../lib/agent-install';
import { CopyBlock } from './copy-block';

/**
 * How to put the agent on an instance (README.md, "Installing the agent on an EC2 instance").
 * CENTRAL_SERVER_URL is this portal's address: it forwards every /api call to the API
 * (src/server/forward.ts), so agents that reach the portal reach the API.
 */
export function AgentInstall() {
  const [apiUrl, setApiUrl] = useState('https://<this portal>');
  useEffect(() => setApiUrl(window.location.origin), []);
  return (
    <div className="card stack" data-testid="agent-install">
      <h2>Install the agent</h2>
      <p>
        The agent runs on each instance it manages (Node 20) and registers with your client token. It needs an instance profile with the
        permissions of <code>apps/agent/deploy/iam-policy.json</code> and IMDSv2. Replace the token placeholder with your client token
        (shown once at sign-up; <Link href="/token">rotate it</Link> if you no longer have it). Agents reach the API at{' '}
        <code data-testid="agent-api-url">{apiUrl}</code>.
      </p>
      <CopyBlock title="Install script" text={installScript(apiUrl)} testId="install-script" />
      <CopyBlock title="EC2 user data" text={userData(apiUrl)} testId="user-data" />
      <p className="muted">Or by hand: build the repository (<code>npm ci &amp;&amp; npm run build</code>) into /opt/spot-agent, then these two files.</p>
      <CopyBlock title="Environment file /opt/spot-agent/.env" text={envFile(apiUrl)} testId="env-file" />
      <CopyBlock title="systemd unit /etc/systemd/system/spot-optimizer-agent.service" text={SYSTEMD_UNIT} testId="systemd-unit" />
      <p className="muted">
        Then <code>sudo useradd --system --home /opt/spot-agent spot-agent</code>, <code>sudo systemctl daemon-reload &amp;&amp; sudo systemctl enable --now spot-optimizer-agent</code>;
        the log (<code>journalctl -u spot-optimizer-agent</code>) shows <code>[CORE-AGENT] [REGISTER] [SUCCESS]</code> and the agent appears here.
      </p>
    </div>
  );
}
