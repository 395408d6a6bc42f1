export { DemoFleet, DEMO_WORKLOADS, DEFAULT_SCRIPT } from './demo-fleet';
export type { AgentFactory, DemoFleetOptions, DemoScript, DemoWorkload, FleetAgent, FleetTimers } from './demo-fleet';
