import { InitialSchema1795478400000 } from './1795478400000-InitialSchema';
import { DecisionInputs1795600000000 } from './1795600000000-DecisionInputs';
import { SentinelJobRunsAndActionTime1795700000000 } from './1795700000000-SentinelJobRunsAndActionTime';
import { ConsensusPriceSeries1795860000000 } from './1795860000000-ConsensusPriceSeries';

/** Every migration, oldest first. Add new ones at the end; never edit a released one. */
export const MIGRATIONS = [InitialSchema1795478400000, DecisionInputs1795600000000, SentinelJobRunsAndActionTime1795700000000, ConsensusPriceSeries1795860000000];
