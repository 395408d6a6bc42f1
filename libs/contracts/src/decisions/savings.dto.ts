import { ApiProperty } from '@nestjs/swagger';
import { PageMetaDto } from '../common/page.dto';

export class SavingsTodayDto {
  @ApiProperty({ example: '2026-11-24', description: 'UTC day' })
  date: string;

  @ApiProperty({ description: 'What the hours would have cost on-demand, $' })
  on_demand_cost: number;

  @ApiProperty({ description: 'What they cost, $' })
  actual_cost: number;

  @ApiProperty()
  savings: number;

  @ApiProperty()
  savings_percent: number;
}

export class SavingsDayDto extends SavingsTodayDto {
  @ApiProperty({ description: 'Instance hours with known prices' })
  instance_hours: number;

  @ApiProperty()
  switch_count: number;

  @ApiProperty()
  interruption_count: number;
}

export class SavingsDayPageDto extends PageMetaDto {
  @ApiProperty({ type: [SavingsDayDto], description: 'Finished days, newest first' })
  items: SavingsDayDto[];
}

export class ClientSavingsDto {
  @ApiProperty({ example: 1234.5678, description: 'Lifetime savings, $' })
  total_savings: number;

  @ApiProperty({ description: 'Savings per hour of the instances running now' })
  current_savings_per_h: number;

  @ApiProperty({ description: 'current_savings_per_h over a 730-hour month' })
  projected_monthly: number;

  @ApiProperty({ description: 'current_savings_per_h over a year (12 × 730 h)' })
  projected_yearly: number;

  @ApiProperty({ type: SavingsTodayDto, description: 'Today so far, computed live' })
  today: SavingsTodayDto;

  @ApiProperty({ type: SavingsDayPageDto })
  daily: SavingsDayPageDto;
}
