import { InitialSchema1795478400000 } from './1795478400000-InitialSchema';
import { DecisionInputs1795600000000 } from './1795600000000-DecisionInputs';
import { SentinelJobRunsAndActionTime1795700000000 } from './1795700000000-SentinelJobRunsAndActionTime';
import { OnDemandPrices1795850000000 } from './1795850000000-OnDemandPrices';

/** Every migration, oldest first. Add new ones at the end; never edit a released one. */
export const MIGRATIONS = [InitialSchema1795478400000, DecisionInputs1795600000000, SentinelJobRunsAndActionTime1795700000000, OnDemandPrices1795850000000];
