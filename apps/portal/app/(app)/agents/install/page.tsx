'use client';
import Link from 'next/link';
import { AgentInstall } from '../../../../src/components/agent-install';

export default function InstallAgentPage() {
  return (
    <>
      <p><Link href="/agents">← Agents</Link></p>
      <h1>Install an agent</h1>
      <AgentInstall />
    </>
  );
}
