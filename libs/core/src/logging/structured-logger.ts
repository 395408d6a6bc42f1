import { LoggerService } from '@nestjs/common';
import { Clock, SystemClock } from '../clock';
import { CorrelationContext } from './correlation';
import { formatJsonLine, formatTextLine, LOG_LEVEL_RANK, LogEvent, LogLevel } from './log-format';

export type LogSink = (line: string, level: LogLevel) => void;

const stdoutSink: LogSink = (line, level) => {
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
};

export interface StructuredLoggerOptions {
  level?: LogLevel;
  format?: 'text' | 'json';
  clock?: Clock;
  sink?: LogSink;
  /** Component id used for Nest's own messages (e.g. CORE-API). */
  defaultComponent?: string;
}

/**
 * The one logger of every process. Domain code calls `event()` with a component id and action;
 * Nest's internal messages go through the LoggerService methods and come out in the same format.
 */
export class StructuredLogger implements LoggerService {
  private readonly level: LogLevel;
  private readonly format: 'text' | 'json';
  private readonly clock: Clock;
  private readonly sink: LogSink;
  private readonly defaultComponent: string;

  constructor(options: StructuredLoggerOptions = {}) {
    this.level = options.level ?? 'info';
    this.format = options.format ?? 'text';
    this.clock = options.clock ?? new SystemClock();
    this.sink = options.sink ?? stdoutSink;
    this.defaultComponent = options.defaultComponent ?? 'CORE';
  }

  isEnabled(level: LogLevel): boolean {
    return LOG_LEVEL_RANK[level] <= LOG_LEVEL_RANK[this.level];
  }

  event(event: Omit<LogEvent, 'correlationId'> & { correlationId?: string }): void {
    if (!this.isEnabled(event.level)) return;
    const full: LogEvent = { ...event, correlationId: event.correlationId ?? CorrelationContext.current() };
    const now = this.clock.now();
    this.sink(this.format === 'json' ? formatJsonLine(now, full) : formatTextLine(now, full), event.level);
  }

  /** Runs `fn`, then logs its outcome and duration. Rethrows failures after logging them. */
  async timed<T>(component: string, action: string, fn: () => Promise<T>, fields?: Record<string, unknown>): Promise<T> {
    const started = performance.now();
    try {
      const result = await fn();
      this.event({ level: 'info', component, action, result: 'SUCCESS', durationMs: performance.now() - started, fields });
      return result;
    } catch (error) {
      this.event({
        level: 'error',
        component,
        action,
        result: 'FAILURE',
        durationMs: performance.now() - started,
        message: error instanceof Error ? error.message : String(error),
        fields,
      });
      throw error;
    }
  }

  log(message: unknown, context?: string): void {
    this.nest('info', message, context);
  }

  error(message: unknown, ...rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = rest.find((r) => typeof r === 'string' && r.includes('\n    at '));
    this.nest('error', message, context, stack as string | undefined);
  }

  warn(message: unknown, context?: string): void {
    this.nest('warn', message, context);
  }

  debug(message: unknown, context?: string): void {
    this.nest('debug', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.nest('debug', message, context);
  }

  fatal(message: unknown, context?: string): void {
    this.nest('error', message, context);
  }

  private nest(level: LogLevel, message: unknown, context?: string, stack?: string): void {
    this.event({
      level,
      component: this.defaultComponent,
      action: context ? context.toUpperCase() : 'LOG',
      result: level.toUpperCase(),
      message: message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message),
      fields: stack ? { stack } : undefined,
    });
  }
}
