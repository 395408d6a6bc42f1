import { Column, ColumnOptions, PrimaryColumn, ValueTransformer } from 'typeorm';

/**
 * Column shapes shared by every entity so both dialects store the same thing:
 * ids as varchar(36) time-ordered UUIDs (no auto-increment: SQLite allows it only on INTEGER keys,
 * too small for MySQL's event tables), money and prices as DECIMAL (read back as numbers),
 * times as datetime(3) in UTC, set by the injected clock rather than database defaults.
 */

/** DECIMAL comes back as a string from mysql2 and as a number from SQLite; expose a number either way. */
export const decimalTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

type Extra = Omit<ColumnOptions, 'type' | 'length' | 'precision' | 'scale'>;

export const UuidPrimaryColumn = () => PrimaryColumn({ type: 'varchar', length: 36 });

export const VarcharPrimaryColumn = (length: number) => PrimaryColumn({ type: 'varchar', length });

export const IntPrimaryColumn = () => PrimaryColumn({ type: 'int' });

export const TimestampPrimaryColumn = () => PrimaryColumn({ type: 'datetime', precision: 3 });

export const DatePrimaryColumn = () => PrimaryColumn({ type: 'date' });

export const UuidColumn = (extra: Extra = {}) => Column({ type: 'varchar', length: 36, ...extra });

export const VarcharColumn = (length: number, extra: Extra = {}) => Column({ type: 'varchar', length, ...extra });

export const TextColumn = (extra: Extra = {}) => Column({ type: 'text', ...extra });

export const IntColumn = (extra: Extra = {}) => Column({ type: 'int', ...extra });

export const BigIntColumn = (extra: Extra = {}) => Column({ type: 'bigint', transformer: decimalTransformer, ...extra });

export const BoolColumn = (extra: Extra = {}) => Column({ type: 'boolean', ...extra });

/** Totals in dollars: DECIMAL(15,4). */
export const MoneyColumn = (extra: Extra = {}) =>
  Column({ type: 'decimal', precision: 15, scale: 4, transformer: decimalTransformer, ...extra });

/** Hourly prices: DECIMAL(12,6), since spot prices of small types go below $0.001/h. */
export const PriceColumn = (extra: Extra = {}) =>
  Column({ type: 'decimal', precision: 12, scale: 6, transformer: decimalTransformer, ...extra });

/** Ratios, probabilities and confidence in [0,1] (or percentages with 2 decimals). */
export const RatioColumn = (precision: number, scale: number, extra: Extra = {}) =>
  Column({ type: 'decimal', precision, scale, transformer: decimalTransformer, ...extra });

export const TimestampColumn = (extra: Extra = {}) => Column({ type: 'datetime', precision: 3, ...extra });

export const DateColumn = (extra: Extra = {}) => Column({ type: 'date', ...extra });

/** JSON kept as text: portable across MySQL 8, MariaDB (whose JSON is LONGTEXT) and SQLite. */
export const JsonColumn = (extra: Extra = {}) => Column({ type: 'simple-json', ...extra });
