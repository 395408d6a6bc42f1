/** Shapes of AWS and product identifiers accepted on the wire. */
export const PATTERNS = {
  /** i- followed by 8 or 17 hex digits. */
  instanceId: /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
  /** family.size, e.g. m5.large, c6gn.16xlarge, u-6tb1.metal */
  instanceType: /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/,
  /** e.g. eu-west-1, us-gov-west-1, ap-southeast-2 */
  region: /^[a-z]{2}(?:-gov)?-[a-z]+-\d$/,
  /** region + zone letter(s), e.g. eu-west-1a, us-west-2-lax-1a */
  az: /^[a-z]{2}(?:-gov)?-[a-z]+-\d(?:-[a-z0-9]+)*[a-z]$/,
  /** A spot pool: instance type + '.' + AZ, e.g. m5.large.eu-west-1a */
  poolId: /^[a-z][a-z0-9-]*\.[a-z0-9-]+\.[a-z]{2}(?:-gov)?-[a-z]+-\d(?:-[a-z0-9]+)*[a-z]$/,
  /** Chosen by the customer: letters, digits and . _ : / - */
  logicalAgentId: /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
  plan: /^[a-z0-9_-]+$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
} as const;

/** Pool ids are stored in varchar(128) columns. */
export const MAX_POOL_ID_LENGTH = 128;

export const PASSWORD_MIN_LENGTH = 8;
/** bcrypt only reads the first 72 bytes. */
export const PASSWORD_MAX_BYTES = 72;

/** Largest JSON object an agent may attach to a report: it is kept in a TEXT column (64 KB on MySQL). */
export const MAX_REPORT_JSON_CHARS = 16_000;
