/**
 * GetProducts answers shaped exactly like AWS's documented output (the AWS CLI's
 * `aws pricing get-products` example): FormatVersion, NextToken and PriceList, where each
 * PriceList item is a JSON *string* with product.attributes, serviceCode, terms.OnDemand
 * keyed `<sku>.<offerTermCode>` with priceDimensions keyed `<sku>.<offerTermCode>.<rateCode>`,
 * version and publicationDate.
 */
export function computeInstanceItem(input: { sku: string; instanceType: string; region: string; location: string; usd: string; operation?: string; vcpu?: string; memory?: string }): string {
  const term = `${input.sku}.JRTCKXETXF`;
  const rate = `${term}.6YS6EN2CT7`;
  return JSON.stringify({
    product: {
      productFamily: 'Compute Instance',
      attributes: {
        enhancedNetworkingSupported: 'Yes',
        intelTurboAvailable: 'Yes',
        memory: input.memory ?? '8 GiB',
        dedicatedEbsThroughput: 'Up to 4750 Mbps',
        vcpu: input.vcpu ?? '2',
        classicnetworkingsupport: 'false',
        capacitystatus: 'Used',
        locationType: 'AWS Region',
        storage: 'EBS only',
        instanceFamily: 'General purpose',
        operatingSystem: 'Linux',
        intelAvx2Available: 'Yes',
        regionCode: input.region,
        physicalProcessor: 'Intel Xeon Platinum 8175',
        clockSpeed: '3.1 GHz',
        ecu: '10',
        networkPerformance: 'Up to 10 Gigabit',
        servicename: 'Amazon Elastic Compute Cloud',
        gpuMemory: 'NA',
        vpcnetworkingsupport: 'true',
        instanceType: input.instanceType,
        tenancy: 'Shared',
        usagetype: `BoxUsage:${input.instanceType}`,
        normalizationSizeFactor: '4',
        intelAvxAvailable: 'Yes',
        processorFeatures: 'Intel AVX; Intel AVX2; Intel AVX512; Intel Turbo',
        servicecode: 'AmazonEC2',
        licenseModel: 'No License required',
        currentGeneration: 'Yes',
        preInstalledSw: 'NA',
        location: input.location,
        processorArchitecture: '64-bit',
        marketoption: 'OnDemand',
        operation: input.operation ?? 'RunInstances',
        availabilityzone: 'NA',
      },
      sku: input.sku,
    },
    serviceCode: 'AmazonEC2',
    terms: {
      OnDemand: {
        [term]: {
          priceDimensions: {
            [rate]: {
              unit: 'Hrs',
              endRange: 'Inf',
              description: `$${Number(input.usd)} per On Demand Linux ${input.instanceType} Instance Hour`,
              appliesTo: [],
              rateCode: rate,
              beginRange: '0',
              pricePerUnit: { USD: input.usd },
            },
          },
          sku: input.sku,
          effectiveDate: '2026-11-01T00:00:00Z',
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
    },
    version: '20261120183317',
    publicationDate: '2026-11-20T18:33:17Z',
  });
}

/** The AWS CLI documentation's own GetProducts item (an EBS volume, not an instance), verbatim in shape. */
export const DOCUMENTED_STORAGE_ITEM =
  '{"product":{"productFamily":"Storage","attributes":{"storageMedia":"SSD-backed","maxThroughputvolume":"320 MB/sec","volumeType":"Provisioned IOPS","maxIopsvolume":"20000","servicecode":"AmazonEC2","usagetype":"APS1-EBS:VolumeUsage.piops","locationType":"AWS Region","location":"Asia Pacific (Singapore)","servicename":"Amazon Elastic Compute Cloud","maxVolumeSize":"16 TiB","operation":""},"sku":"3MKHN58N7RDDVGKJ"},"serviceCode":"AmazonEC2","terms":{"OnDemand":{"3MKHN58N7RDDVGKJ.JRTCKXETXF":{"priceDimensions":{"3MKHN58N7RDDVGKJ.JRTCKXETXF.6YS6EN2CT7":{"unit":"GB-Mo","endRange":"Inf","description":"$0.138 per GB-month of Provisioned IOPS SSD (io1)  provisioned storage - Asia Pacific (Singapore)","appliesTo":[],"rateCode":"3MKHN58N7RDDVGKJ.JRTCKXETXF.6YS6EN2CT7","beginRange":"0","pricePerUnit":{"USD":"0.1380000000"}}},"sku":"3MKHN58N7RDDVGKJ","effectiveDate":"2018-08-01T00:00:00Z","offerTermCode":"JRTCKXETXF","termAttributes":{}}}},"version":"20180808005701","publicationDate":"2018-08-08T00:57:01Z"}';

export const US_EAST_1 = [
  { sku: 'DQ578CGN99KG6ECF', instanceType: 'm5.large', usd: '0.0960000000' },
  { sku: 'ZAC36C76RQQPDNWJ', instanceType: 'm5a.large', usd: '0.0860000000' },
  { sku: 'GT4HD6XG8NRKMKCA', instanceType: 'm6i.large', usd: '0.0960000000' },
  { sku: 'QG5G45WKDWDDHTFV', instanceType: 'r5.large', usd: '0.1260000000' },
  { sku: 'XUXPYTJUZXQYFZKN', instanceType: 'c5.large', usd: '0.0850000000' },
].map((p) => ({ ...p, region: 'us-east-1', location: 'US East (N. Virginia)' }));

export const AP_SOUTHEAST_2 = [
  { sku: 'JV5VTW2JTWQGZBX8', instanceType: 'm5.large', usd: '0.1200000000' },
  { sku: 'PWS5MJ2WDKYRC2SQ', instanceType: 'm5a.large', usd: '0.1080000000' },
  { sku: 'FG9AAS9UCWVCCZFH', instanceType: 'm6i.large', usd: '0.1200000000' },
].map((p) => ({ ...p, region: 'ap-southeast-2', location: 'Asia Pacific (Sydney)' }));
