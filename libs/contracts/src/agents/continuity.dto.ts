import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

/** docs/continuity.md: what follows the workload on a switch or failover. */
export class TargetGroupsSettingDto {
  @ApiPropertyOptional({ type: [String], example: ['arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/0123456789abcdef'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(256, { each: true })
  arns?: string[];

  @ApiPropertyOptional({ description: 'Find the groups that hold the instance (DescribeTargetHealth) at each cut-over' })
  @IsOptional()
  @IsBoolean()
  discover?: boolean;
}

export class ElasticIpSettingDto {
  @ApiPropertyOptional({ example: 'eipalloc-0123456789abcdef0' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  allocation_id?: string;

  @ApiPropertyOptional({ description: 'The Elastic IP associated with the instance now' })
  @IsOptional()
  @IsBoolean()
  current?: boolean;
}

export class DnsRecordSettingDto {
  @ApiProperty({ example: 'Z0123456789ABCDEFGHIJ' })
  @IsString()
  @MaxLength(64)
  hosted_zone_id: string;

  @ApiProperty({ example: 'app.example.com' })
  @IsString()
  @MaxLength(253)
  name: string;

  @ApiProperty({ example: 60 })
  @IsInt()
  @Min(0)
  @Max(172800)
  ttl: number;
}

export class VolumeTagDto {
  @ApiProperty({ example: 'app' })
  @IsString()
  @MaxLength(128)
  key: string;

  @ApiProperty({ example: 'db-data' })
  @IsString()
  @MaxLength(256)
  value: string;
}

export class DataVolumeSettingDto {
  @ApiPropertyOptional({ example: 'vol-0123456789abcdef0' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  volume_id?: string;

  @ApiPropertyOptional({ type: VolumeTagDto, description: 'Every volume carrying this tag' })
  @IsOptional()
  @ValidateNested()
  @Type(() => VolumeTagDto)
  tag?: VolumeTagDto;

  @ApiPropertyOptional({ example: 'eu-west-1a', description: "The volume's zone, checked against the instance's" })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  az?: string;
}

export class NetworkInterfaceSettingDto {
  @ApiProperty({ example: 'eni-0123456789abcdef0' })
  @IsString()
  @MaxLength(64)
  network_interface_id: string;

  @ApiPropertyOptional({ example: 1, minimum: 1, maximum: 15 })
  @IsOptional()
  @IsInt()
  device_index?: number;
}

export class HookSettingDto {
  @ApiProperty({ example: '/opt/app/drain.sh', description: 'Run by /bin/sh -c on the instance' })
  @IsString()
  @MaxLength(4096)
  command: string;

  @ApiProperty({ example: 30, minimum: 1, maximum: 3600 })
  @IsInt()
  timeout_seconds: number;
}

export class HooksSettingDto {
  @ApiPropertyOptional({ type: HookSettingDto, description: 'Before the old instance stops receiving traffic (drain); at most 90 s' })
  @IsOptional()
  @ValidateNested()
  @Type(() => HookSettingDto)
  pre_switch?: HookSettingDto;

  @ApiPropertyOptional({ type: HookSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => HookSettingDto)
  post_switch?: HookSettingDto;

  @ApiPropertyOptional({ type: HookSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => HookSettingDto)
  pre_promote?: HookSettingDto;

  @ApiPropertyOptional({ type: HookSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => HookSettingDto)
  post_promote?: HookSettingDto;

  @ApiPropertyOptional({ type: HookSettingDto, description: 'After each replica sync round (application-level replication)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => HookSettingDto)
  sync?: HookSettingDto;
}

/** The continuity settings of one agent; every part is optional, an empty object clears them. */
export class ContinuitySettingsDto {
  @ApiPropertyOptional({ type: TargetGroupsSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TargetGroupsSettingDto)
  target_groups?: TargetGroupsSettingDto;

  @ApiPropertyOptional({ type: ElasticIpSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ElasticIpSettingDto)
  elastic_ip?: ElasticIpSettingDto;

  @ApiPropertyOptional({ type: DnsRecordSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DnsRecordSettingDto)
  dns?: DnsRecordSettingDto;

  @ApiPropertyOptional({ type: [DataVolumeSettingDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @ValidateNested({ each: true })
  @Type(() => DataVolumeSettingDto)
  data_volumes?: DataVolumeSettingDto[];

  @ApiPropertyOptional({ description: 'A volume in another zone goes snapshot → CreateVolume there (default true)' })
  @IsOptional()
  @IsBoolean()
  cross_az_snapshot?: boolean;

  @ApiPropertyOptional({ type: NetworkInterfaceSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => NetworkInterfaceSettingDto)
  network_interface?: NetworkInterfaceSettingDto;

  @ApiPropertyOptional({ type: HooksSettingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => HooksSettingDto)
  hooks?: HooksSettingDto;
}

/** One step of a cut-over as the agent reports it. */
export class CutoverStepDto {
  @ApiProperty({ example: 'wait_targets_healthy', maxLength: 100 })
  @IsString()
  @MaxLength(100)
  name: string;

  @ApiProperty({ example: 13000, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(24 * 3600 * 1000)
  duration_ms: number;

  @ApiProperty()
  @IsBoolean()
  ok: boolean;
}
