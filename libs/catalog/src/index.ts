export { InstanceCatalog, architectureOf, isBurstableFamily, defaultDataDirectory, azInRegion, advisorFileProblems, ADVISOR_BUCKET_MIDPOINTS } from './instance-catalog';
export type { InstanceTypeInfo, AdvisorEntry, AdvisorFile, Architecture, OnDemandQuote, OnDemandPriceRow, OnDemandPriceOrigin } from './instance-catalog';
export { CatalogModule } from './catalog.module';
