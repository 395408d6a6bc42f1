import { ApiProperty } from '@nestjs/swagger';
import { OnDemandPricingHealthDto } from '../health.dto';

export class MissingOnDemandPriceDto {
  @ApiProperty({ example: 'ap-south-2' })
  region: string;

  @ApiProperty({ example: 'm7i.large' })
  instance_type: string;

  @ApiProperty({ example: 2, description: 'Online agents running this type in this region' })
  agents: number;

  @ApiProperty({ example: 'no on-demand price for m7i.large in ap-south-2' })
  reason: string;
}

export class OnDemandPriceQualityDto {
  @ApiProperty({ type: OnDemandPricingHealthDto })
  on_demand: OnDemandPricingHealthDto;

  @ApiProperty({ type: [MissingOnDemandPriceDto], description: 'Region and type pairs of online agents with no on-demand price: their decisions cannot measure savings' })
  missing: MissingOnDemandPriceDto[];
}
