import { AgentDecisionHistoryEntity } from './agent-decision-history.entity';
import { AgentHealthMetricEntity } from './agent-health-metric.entity';
import { AgentEntity } from './agent.entity';
import { CleanupLogEntity } from './cleanup-log.entity';
import { ClientDailySnapshotEntity } from './client-daily-snapshot.entity';
import { ClientEntity } from './client.entity';
import { CommandEntity } from './command.entity';
import { InstanceEntity } from './instance.entity';
import { ModelUploadSessionEntity } from './model-upload-session.entity';
import { NotificationEntity } from './notification.entity';
import { OnDemandPriceEntity } from './ondemand-price.entity';
import { PoolRiskAnalysisEntity } from './pool-risk-analysis.entity';
import { PricingHeldObservationEntity } from './pricing-held-observation.entity';
import { PricingSnapshotCleanEntity } from './pricing-snapshot-clean.entity';
import { PricingSnapshotInterpolatedEntity } from './pricing-snapshot-interpolated.entity';
import { PricingSubmissionRawEntity } from './pricing-submission-raw.entity';
import { ReplicaCostLogEntity } from './replica-cost-log.entity';
import { ReplicaInstanceEntity } from './replica-instance.entity';
import { RevokedTokenEntity } from './revoked-token.entity';
import { SavingsSnapshotEntity } from './savings-snapshot.entity';
import { SpotInterruptionEventEntity } from './spot-interruption-event.entity';
import { SpotPoolEntity } from './spot-pool.entity';
import { SwitchEntity } from './switch.entity';
import { SystemEventEntity } from './system-event.entity';
import { SchedulerJobRunEntity } from './scheduler-job-run.entity';
import { UserEntity } from './user.entity';
import { SchedulerJobPeriodEntity } from './scheduler-job-period.entity';
import { RateLimitSlotEntity } from './rate-limit-slot.entity';

export * from './agent-decision-history.entity';
export * from './agent-health-metric.entity';
export * from './agent.entity';
export * from './cleanup-log.entity';
export * from './client-daily-snapshot.entity';
export * from './client.entity';
export * from './command.entity';
export * from './instance.entity';
export * from './model-upload-session.entity';
export * from './notification.entity';
export * from './ondemand-price.entity';
export * from './pool-risk-analysis.entity';
export * from './pricing-held-observation.entity';
export * from './pricing-snapshot-clean.entity';
export * from './pricing-snapshot-interpolated.entity';
export * from './pricing-submission-raw.entity';
export * from './replica-cost-log.entity';
export * from './replica-instance.entity';
export * from './revoked-token.entity';
export * from './savings-snapshot.entity';
export * from './spot-interruption-event.entity';
export * from './spot-pool.entity';
export * from './switch.entity';
export * from './system-event.entity';
export * from './scheduler-job-run.entity';
export * from './user.entity';
export * from './scheduler-job-period.entity';
export * from './rate-limit-slot.entity';

/** Every table of the schema; the migrations must build exactly these (see schema-drift test). */
export const ALL_ENTITIES = [
  ClientEntity,
  UserEntity,
  RevokedTokenEntity,
  AgentEntity,
  InstanceEntity,
  ReplicaInstanceEntity,
  SpotPoolEntity,
  PricingSubmissionRawEntity,
  PricingSnapshotCleanEntity,
  PricingSnapshotInterpolatedEntity,
  SwitchEntity,
  CommandEntity,
  SpotInterruptionEventEntity,
  SystemEventEntity,
  NotificationEntity,
  AgentDecisionHistoryEntity,
  ClientDailySnapshotEntity,
  ModelUploadSessionEntity,
  CleanupLogEntity,
  SavingsSnapshotEntity,
  AgentHealthMetricEntity,
  PoolRiskAnalysisEntity,
  ReplicaCostLogEntity,
  SchedulerJobRunEntity,
  SchedulerJobPeriodEntity,
  RateLimitSlotEntity,
  OnDemandPriceEntity,
  PricingHeldObservationEntity,
];
