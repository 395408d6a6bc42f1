export { PATTERNS, PASSWORD_MIN_LENGTH, PASSWORD_MAX_BYTES } from './common/validation-patterns';
export { IsPassword, Trim, NormalizeEmail } from './common/validators';
export { ErrorResponseDto, ErrorDetailsDto, FieldErrorDto, SuccessResponseDto } from './common/error-response.dto';
export { PageQueryDto, PageMetaDto } from './common/page.dto';
export { ClientBaseDto } from './common/client-base.dto';
export { SignupRequestDto, LoginRequestDto, TokenResponseDto, SignupResponseDto, MeResponseDto } from './auth/auth.dto';
export { CreateClientRequestDto, AdminClientDto, ClientCreatedDto, AdminClientPageDto } from './admin/admin-clients.dto';
export { AgentConfigDto, AgentIntervalsDto } from './agents/agent-config.dto';
export {
  ContinuitySettingsDto,
  CutoverStepDto,
  DataVolumeSettingDto,
  DnsRecordSettingDto,
  ElasticIpSettingDto,
  HookSettingDto,
  HooksSettingDto,
  NetworkInterfaceSettingDto,
  TargetGroupsSettingDto,
  VolumeTagDto,
} from './agents/continuity.dto';
export {
  RegisterAgentRequestDto,
  RegisterAgentResponseDto,
  HeartbeatRequestDto,
  HeartbeatResponseDto,
  CAPACITY_MODES,
  AGENT_ROLES,
} from './agents/register-agent.dto';
export type { AgentRole } from './agents/register-agent.dto';
export {
  ClientInfoDto,
  ClientLimitsDto,
  ClientTotalsDto,
  AgentSummaryDto,
  AgentPageDto,
  ListAgentsQueryDto,
  AGENT_STATUS_FILTERS,
  InstanceDto,
  InstancePageDto,
  ListInstancesQueryDto,
  INSTANCE_STATUS_FILTERS,
} from './client/client-views.dto';
export { ClientTokenRotatedDto } from './client/client-token.dto';
export { HealthResponseDto, HealthComponentsDto, DatabaseHealthDto, RedisHealthDto, PricingHealthDto, OnDemandPricingHealthDto, SpotAdvisorHealthDto, PricingRegionDto } from './health.dto';
export { PriceObservationDto, PricingReportRequestDto, PricingReportResponseDto, RejectedObservationDto } from './pricing/pricing-report.dto';
export {
  PRICE_SOURCES,
  PriceHistoryQueryDto,
  PricePointDto,
  PoolPriceHistoryDto,
  CandidatePoolHistoryDto,
  InstancePriceHistoryDto,
  SwitchOptionDto,
  InstancePricingDto,
  DataQualityQueryDto,
  DataQualityDayDto,
  DataQualityDto,
  AdminDataQualityDto,
  HeldSourceDto,
  HeldObservationDto,
  GapFillRequestDto,
  FilledGapDto,
  SkippedGapDto,
  GapFillResultDto,
} from './pricing/price-views.dto';
export { CommandDto, PendingCommandsQueryDto, PendingCommandsResponseDto, CommandExecutedRequestDto, CommandExecutedResponseDto, SETTINGS_STAMPED_COMMANDS } from './decisions/commands.dto';
export type { CommandSettingsPayload } from './decisions/commands.dto';
export { RecommendationDto, DecisionDto, DecisionResultDto, AgentDecisionDto, AgentDecisionPageDto } from './decisions/decisions.dto';
export {
  SwitchReportRequestDto,
  SwitchDto,
  SwitchImpactDto,
  PlacementPriceDto,
  SwitchProjectionDto,
  SwitchReportResponseDto,
  SwitchPageDto,
  ForceSwitchRequestDto,
  ForceSwitchResponseDto,
  FORCE_SWITCH_TARGETS,
} from './decisions/switches.dto';
export { SavingsDayDto, SavingsTodayDto, SavingsDayPageDto, ClientSavingsDto } from './decisions/savings.dto';
export { CleanupReportRequestDto, CleanupReportResponseDto, CleanupLogDto, CLEANUP_TYPES } from './agents/cleanup-report.dto';
export {
  InterruptionReportDto,
  RebalanceReportDto,
  TerminationReportDto,
  InterruptionSignalDto,
  InterruptionResponseDto,
  SIGNAL_TYPES,
  INSTANCE_ACTIONS,
} from './sentinel/interruptions.dto';
export {
  CreateReplicaRequestDto,
  UpdateReplicaRequestDto,
  ReplicaStatusRequestDto,
  ReplicaSyncRequestDto,
  PromoteReplicaRequestDto,
  ReplicaDto,
  ReplicaCreatedDto,
  ReplicaPromotedDto,
  ReplicaPageDto,
  ListReplicasQueryDto,
  REPLICA_TYPES,
  REPLICA_STATUSES,
} from './sentinel/replicas.dto';
export { UpdateAgentSettingsRequestDto } from './sentinel/agent-settings.dto';
export { ListNotificationsQueryDto, NotificationDto, NotificationPageDto, MarkedReadDto } from './sentinel/notifications.dto';
export { SystemHealthDto, JobRunDto, AgentStatusCountsDto, GrowthQueryDto, GrowthDayDto, GrowthDto } from './sentinel/system-health.dto';
export { MODEL_SESSION_STATUSES, ModelUploadRequestDto, ModelValidationDto, ModelSessionDto, ModelSessionPageDto, ActivateModelRequestDto, ModelRollbackDto } from './models/ml-models.dto';
export { OnDemandPriceQualityDto, MissingOnDemandPriceDto } from './pricing/ondemand-prices.dto';
export { SetSafeModeRequestDto, SafeModeDto } from './admin/safe-mode.dto';
