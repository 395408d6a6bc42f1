export { InstanceCatalog, architectureOf, isBurstableFamily, defaultDataDirectory, azInRegion, ADVISOR_BUCKET_MIDPOINTS } from './instance-catalog';
export type { InstanceTypeInfo, AdvisorEntry, Architecture } from './instance-catalog';
export { CatalogModule } from './catalog.module';
