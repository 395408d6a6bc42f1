import { Global, Module } from '@nestjs/common';
import { InstanceCatalog } from './instance-catalog';

/** One InstanceCatalog per process, loaded from resources/aws-data at start-up. */
@Global()
@Module({
  providers: [{ provide: InstanceCatalog, useFactory: () => InstanceCatalog.fromDirectory() }],
  exports: [InstanceCatalog],
})
export class CatalogModule {}
