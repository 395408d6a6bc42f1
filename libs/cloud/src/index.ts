export { CloudProvider, RoleAssumer } from './cloud-provider';
export type {
  AssumeRoleRequest,
  CapacityMode,
  CreateImageRequest,
  ImageDescription,
  ImageQuery,
  ImageState,
  InstanceDescription,
  InstanceState,
  LaunchRequest,
  Mutation,
  SpotPricePoint,
  SpotPriceQuery,
  TemporaryCredentials,
} from './cloud-provider';
export { AwsCloudProvider, AwsRoleAssumer, createEc2Client, createStsClient } from './aws/aws-cloud-provider';
export type { AwsCloudOptions } from './aws/aws-cloud-provider';
export { backoffDelayMs, toDomainError as awsToDomainError, DEFAULT_RETRY_POLICY } from './aws/aws-errors';
export type { RetryPolicy } from './aws/aws-errors';
export { cleanUpImages, imagesPastRetention } from './image-cleanup';
export { SpotPriceReference, NoSpotPriceReference, CloudSpotPriceReference } from './spot-price-reference';
export type { CleanupOutcome, CleanupPolicy } from './image-cleanup';
export { SimulatedCloud } from './simulated/simulated-cloud';
export type { InstanceMetadataView, LaunchListener, SimulatedCloudOptions, SimulatedInstanceView } from './simulated/simulated-cloud';
export type { PlannedInterruption, SimulatedMarket } from './simulated/simulated-market';
export { FixedMarket } from './simulated/fixed-market';
export { ImdsServer } from './simulated/imds-server';
export type { MetadataSource } from './simulated/imds-server';
export { TraceReplayMarket } from './simulated/trace-replay-market';
export type { ReplayOptions } from './simulated/trace-replay-market';
export { ContinuityCloud } from './continuity-cloud';
export type {
  AddressDescription,
  ARecordChange,
  AssociateAddressRequest,
  AttachmentState,
  DnsChangeStatus,
  InstanceAddressing,
  NetworkInterfaceDescription,
  SnapshotDescription,
  SnapshotQuery,
  SnapshotState,
  TargetHealth,
  TargetHealthState,
  VolumeDescription,
  VolumeQuery,
  VolumeState,
} from './continuity-cloud';
export { AwsContinuityCloud, createElbv2Client, createRoute53Client } from './aws/aws-continuity-cloud';
export type { AwsContinuityOptions } from './aws/aws-continuity-cloud';
export { SimulatedContinuity, DEFAULT_CONTINUITY_LATENCIES } from './simulated/simulated-continuity';
export type { ContinuityLatencies, SimulatedContinuityOptions, TargetGroupSpec } from './simulated/simulated-continuity';
