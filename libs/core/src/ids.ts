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
  private lastMs = -1;
  private sequence = 0;
  /** Random bytes drawn 4 KiB at a time: one system call per 256 ids instead of two per id (the raw price trail mints one id per observation). */
  private pool: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(private readonly clock: Clock = new SystemClock()) {
    super();
  }

  /**
   * RFC 9562 UUIDv7: 48-bit Unix milliseconds, version 7, a 12-bit sequence, variant 10, 62 random
   * bits. The sequence (method 1 of §6.2) keeps ids of one generator strictly increasing even
   * within one millisecond or when the clock steps back.
   */
  uuid(): string {
    let ms = this.clock.nowMs();
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.sequence += 1;
      if (this.sequence > 0xfff) {
        ms += 1;
        this.sequence = 0;
      }
    } else {
      this.sequence = this.random(2).readUInt16BE(0) & 0x3ff; // random start, room to count up
    }
    this.lastMs = ms;
    const bytes = this.random(16);
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = 0x70 | (this.sequence >> 8);
    bytes[7] = this.sequence & 0xff;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  secret(bytes: number): string {
    return randomBytes(bytes).toString('base64url');
  }

  /** Fresh random bytes, never handed out twice. */
  private random(n: number): Buffer {
    if (this.offset + n > this.pool.length) {
      this.pool = randomBytes(4096);
      this.offset = 0;
    }
    const slice = this.pool.subarray(this.offset, this.offset + n);
    this.offset += n;
    return slice;
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
