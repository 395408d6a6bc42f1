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
