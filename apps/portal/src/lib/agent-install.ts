// What the portal hands a user to install the agent on an instance (README.md, "Installing the
// agent on an EC2 instance"): the agent reads CENTRAL_SERVER_URL and CLIENT_TOKEN
// (apps/agent/src/agent-settings.ts). The portal never knows the client token after it was shown
// once, so every snippet carries a placeholder for it.

export const TOKEN_PLACEHOLDER = '<your client token, spc_…>';

/** apps/agent/deploy/spot-optimizer-agent.service, verbatim (apps/portal/test/agent-install.spec.ts keeps them equal). */
export const SYSTEMD_UNIT = `# Spot Optimizer agent (seed 001 Deployment, seed 004 Agent Backend Setup).
# Install: see "Installing the agent on an EC2 instance" in README.md.
[Unit]
Description=Spot Optimizer agent
Documentation=https://github.com/spot-optimizer/spot-optimizer#installing-the-agent-on-an-ec2-instance
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
User=spot-agent
Group=spot-agent
WorkingDirectory=/opt/spot-agent
# CENTRAL_SERVER_URL, CLIENT_TOKEN, intervals … (copied from apps/agent/.env.example)
EnvironmentFile=/opt/spot-agent/.env
ExecStart=/usr/bin/node /opt/spot-agent/dist/apps/agent/src/main.js
# SIGTERM: the loops stop and the report queue gets a last flush (kept on disk otherwise).
KillSignal=SIGTERM
TimeoutStopSec=20
Restart=always
RestartSec=5
# The on-disk report queue survives restarts here.
StateDirectory=spot-agent
Environment=SPOT_AGENT_STATE_DIR=/var/lib/spot-agent
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true
ReadWritePaths=/var/lib/spot-agent

[Install]
WantedBy=multi-user.target
`;

/** /opt/spot-agent/.env: the two settings the agent cannot start without; the rest default (apps/agent/.env.example). */
export function envFile(apiUrl: string): string {
  return `# /opt/spot-agent/.env (read by the systemd unit; all settings: apps/agent/.env.example)
CENTRAL_SERVER_URL=${apiUrl}
CLIENT_TOKEN=${TOKEN_PLACEHOLDER}
# Stable name of the workload; empty = the hostname. Instances a switch creates keep it.
SPOT_LOGICAL_AGENT_ID=
`;
}

function installBody(apiUrl: string): string {
  return `CENTRAL_SERVER_URL='${apiUrl}'
CLIENT_TOKEN='${TOKEN_PLACEHOLDER}'
# Where the agent's source comes from: the git URL of your Spot Optimizer repository.
SPOT_SOURCE='<git URL of the Spot Optimizer repository>'

case "$CLIENT_TOKEN" in spc_*) ;; *) echo "Set CLIENT_TOKEN to your client token (spc_…)" >&2; exit 1 ;; esac

# Node 20 and git (Debian/Ubuntu through NodeSource; on other images install Node 20 at /usr/bin/node first).
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  if command -v apt-get >/dev/null; then
    curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
    apt-get install -y nodejs git
  else
    echo "Install Node 20 (at /usr/bin/node) and git, then run this again" >&2; exit 1
  fi
fi

# Build the agent on the instance.
git clone "$SPOT_SOURCE" /opt/spot-agent
cd /opt/spot-agent
npm ci
npm run build

# Its settings (read by systemd as root; only root can read the token).
cat > /opt/spot-agent/.env <<ENV
CENTRAL_SERVER_URL=$CENTRAL_SERVER_URL
CLIENT_TOKEN=$CLIENT_TOKEN
SPOT_LOGICAL_AGENT_ID=
ENV
chmod 600 /opt/spot-agent/.env

# The service (apps/agent/deploy/spot-optimizer-agent.service).
id spot-agent >/dev/null 2>&1 || useradd --system --home /opt/spot-agent spot-agent
cp apps/agent/deploy/spot-optimizer-agent.service /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now spot-optimizer-agent
`;
}

/** Run as root on the instance (sudo bash install-agent.sh). */
export function installScript(apiUrl: string): string {
  return `#!/bin/bash
# Installs the Spot Optimizer agent on this instance; run as root: sudo bash install-agent.sh
set -euo pipefail
${installBody(apiUrl)}
journalctl -u spot-optimizer-agent -n 20 --no-pager
`;
}

/** EC2 user data: the same install at first boot, logged to /var/log/spot-agent-install.log. */
export function userData(apiUrl: string): string {
  return `#!/bin/bash
# EC2 user data: installs the Spot Optimizer agent at first boot (runs as root).
# The instance needs an instance profile with apps/agent/deploy/iam-policy.json and IMDSv2.
exec > >(tee -a /var/log/spot-agent-install.log) 2>&1
set -euo pipefail
${installBody(apiUrl)}`;
}
