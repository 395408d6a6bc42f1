import { Transform } from 'class-transformer';
import { buildMessage, ValidateBy, ValidationOptions } from 'class-validator';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH } from './validation-patterns';

/** 8 to 72 bytes: bcrypt silently ignores anything past byte 72. */
export function IsPassword(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPassword',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && value.length >= PASSWORD_MIN_LENGTH && Buffer.byteLength(value, 'utf8') <= PASSWORD_MAX_BYTES,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a string of ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_BYTES} bytes`,
          options,
        ),
      },
    },
    options,
  );
}

/** Trims strings; leaves anything else for the validators to reject. */
export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** Trims and lower-cases e-mail addresses so look-ups are case-insensitive. */
export const NormalizeEmail = () => Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

/**
 * C0/C1 control characters, and the Unicode bidirectional controls and invisible separators
 * (U+061C, U+200B–U+200F, U+2028–U+202E, U+2060–U+206F, U+FEFF) that make a name display as
 * something else: "Acme\u202Egnp.exe" shows as "Acmeexe.png" (issue 22, finding 7).
 */
// eslint-disable-next-line no-control-regex
export const UNSAFE_NAME_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;

/** A name shown to people (organisation, client, host, version): printable characters only. */
export function IsDisplayName(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDisplayName',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !UNSAFE_NAME_CHARACTERS.test(value),
        defaultMessage: buildMessage((each) => `${each}$property must not contain control or bidirectional-override characters`, options),
      },
    },
    options,
  );
}

/** A JSON object kept as text: at most `maxChars` characters once serialised (the column is a TEXT). */
export function MaxJsonSize(maxChars: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxJsonSize',
      constraints: [maxChars],
      validator: {
        validate: (value: unknown) => {
          try {
            return JSON.stringify(value).length <= maxChars;
          } catch {
            return false;
          }
        },
        defaultMessage: buildMessage((each) => `${each}$property must be at most $constraint1 characters as JSON`, options),
      },
    },
    options,
  );
}

/** Earliest and latest instants a datetime(3) column holds on every dialect we run on. */
const MIN_TIMESTAMP_MS = Date.UTC(1970, 0, 1);
const MAX_TIMESTAMP_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO-8601 date-time (UTC unless it names a zone), between 1970 and 9999: what the database can store. */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || value.length > 40 || !ISO_8601.test(value)) return false;
          const ms = Date.parse(value);
          return Number.isFinite(ms) && ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS;
        },
        defaultMessage: buildMessage((each) => `${each}$property must be an ISO-8601 date-time between 1970 and 9999`, options),
      },
    },
    options,
  );
}

/**
 * Query-string integers: only a plain run of digits becomes a number; anything else ("1e3",
 * "0x10", "", "true") stays a string for @IsInt to refuse. Unlike @Type(() => Number), which
 * turns "" into 0 and "99999999999999999999" into 1e20.
 */
export const ToInteger = () => Transform(({ value }) => (typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value));
