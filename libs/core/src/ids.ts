import { createHash, randomBytes } from 'node:crypto';
import { Clock, SystemClock } from './clock';

/** Randomness is a port so tests can make ids and secrets predictable. */
export abstract class IdGenerator {
  /** A time-ordered UUID (v7), so new rows land at the end of InnoDB primary keys. */
  abstract uuid(): string;
  /** URL-safe random string carrying `bytes` bytes of entropy. */
  abstract secret(bytes: number): string;
}

export class CryptoIdGenerator extends IdGenerator {
  constructor(private readonly clock: Clock = new SystemClock()) {
    super();
  }

  uuid(): string {
    const bytes = randomBytes(16);
    const ms = this.clock.nowMs();
    // RFC 9562 UUIDv7: 48-bit Unix milliseconds, version 7, variant 10, the rest random.
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = (bytes[6] & 0x0f) | 0x70;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  secret(bytes: number): string {
    return randomBytes(bytes).toString('base64url');
  }
}

/** Deterministic ids for tests: uuid-shaped, ordered, unique per generator. */
export class SequentialIdGenerator extends IdGenerator {
  private counter = 0;

  constructor(private readonly prefix = '00000000') {
    super();
  }

  uuid(): string {
    this.counter += 1;
    const tail = this.counter.toString(16).padStart(12, '0');
    return `${this.prefix}-0000-4000-8000-${tail}`;
  }

  secret(bytes: number): string {
    this.counter += 1;
    return createHash('sha256').update(`${this.prefix}:${this.counter}`).digest('base64url').slice(0, Math.ceil((bytes * 4) / 3));
  }
}

/** SHA-256 hex digest; used to store high-entropy tokens without keeping them. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
