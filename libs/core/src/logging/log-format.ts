export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export const LOG_LEVEL_RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/**
 * One log event in the seed-003 traceability format:
 *   <timestamp> [COMPONENT-ID] [ACTION] [RESULT] [DURATION] message key=value…
 */
export interface LogEvent {
  level: LogLevel;
  component: string;
  action: string;
  result: string;
  durationMs?: number;
  message?: string;
  correlationId?: string;
  fields?: Record<string, unknown>;
}

export function formatDuration(durationMs: number | undefined): string {
  if (durationMs === undefined) return '-';
  if (durationMs < 1000) return `${Math.round(durationMs)}ms`;
  return `${(durationMs / 1000).toFixed(1)}s`;
}

function formatValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[\s"=]/.test(text ?? '') ? JSON.stringify(text) : String(text);
}

export function formatTextLine(timestamp: Date, event: LogEvent): string {
  const parts = [
    timestamp.toISOString(),
    `[${event.component}]`,
    `[${event.action}]`,
    `[${event.result}]`,
    `[${formatDuration(event.durationMs)}]`,
  ];
  if (event.message) parts.push(event.message);
  if (event.correlationId) parts.push(`cid=${event.correlationId}`);
  for (const [key, value] of Object.entries(event.fields ?? {})) {
    if (value !== undefined) parts.push(`${key}=${formatValue(value)}`);
  }
  return parts.join(' ');
}

export function formatJsonLine(timestamp: Date, event: LogEvent): string {
  return JSON.stringify({
    ts: timestamp.toISOString(),
    level: event.level,
    component: event.component,
    action: event.action,
    result: event.result,
    duration_ms: event.durationMs === undefined ? undefined : Math.round(event.durationMs),
    message: event.message,
    correlation_id: event.correlationId,
    ...event.fields,
  });
}
