import { InitialSchema1795478400000 } from './1795478400000-InitialSchema';
import { DecisionInputs1795600000000 } from './1795600000000-DecisionInputs';
import { SentinelJobRunsAndActionTime1795700000000 } from './1795700000000-SentinelJobRunsAndActionTime';
import { PendingInstanceTermination1795810000000 } from './1795810000000-PendingInstanceTermination';
import { AgentReportIdempotency1795820000000 } from './1795820000000-AgentReportIdempotency';
import { JobPeriodsAndRateLimits1795830000000 } from './1795830000000-JobPeriodsAndRateLimits';
import { OnDemandPrices1795850000000 } from './1795850000000-OnDemandPrices';
import { ConsensusPriceSeries1795860000000 } from './1795860000000-ConsensusPriceSeries';
import { ContinuityAndCutoverSteps1795870000000 } from './1795870000000-ContinuityAndCutoverSteps';

/** Every migration, oldest first. Add new ones at the end; never edit a released one. */
export const MIGRATIONS = [
  InitialSchema1795478400000,
  DecisionInputs1795600000000,
  SentinelJobRunsAndActionTime1795700000000,
  PendingInstanceTermination1795810000000,
  AgentReportIdempotency1795820000000,
  JobPeriodsAndRateLimits1795830000000,
  OnDemandPrices1795850000000,
  ConsensusPriceSeries1795860000000,
  ContinuityAndCutoverSteps1795870000000,
];
