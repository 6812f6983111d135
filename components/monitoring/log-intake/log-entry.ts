/**
 * The guide's structured log line ("Log Configuration": `interface LogEntry` and `logger`), shared
 * by the app (which writes it) and the log intake (which stores it). Plain TypeScript: no Pulumi,
 * no AWS SDK, so the Next.js app can import it as it is.
 *
 * How a line travels (the guide's `sendToLogAggregator`): the app's `logger` prints one JSON
 * `LogEntry` per line on stdout → Vercel collects it → the stack's log drain POSTs it to
 * `https://logs.<domain>` → the intake (./handler.ts) verifies, normalises, redacts, dedupes and
 * writes it to CloudWatch Logs, where metric filters count errors and failed sign-ins.
 */
import { redactMetadata, redactText } from "./redact";

/** The guide's levels, lowest first. */
export const LOG_LEVELS = ["info", "warn", "error", "critical"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The guide's `LogEntry`, field for field. */
export interface LogEntry {
  /** ISO-8601 UTC time the line was produced. */
  timestamp: string;
  level: LogLevel;
  /** Which part of the platform wrote the line (`promptandpause`, `vercel:lambda`, …). */
  service: string;
  /** The signed-in user (Supabase Auth user id), when there is one. */
  userId?: string;
  /** Client IP address; `"-"` when unknown (build logs, background jobs). */
  ip: string;
  /** Client user agent; `"-"` when unknown. */
  userAgent: string;
  message: string;
  metadata: Record<string, unknown>;
}

/**
 * `metadata.event` of a failed sign-in. The app logs one with `logger.warn(...)` whenever Supabase
 * Auth refuses credentials; the intake's `failed-sign-ins` metric filter counts exactly this value
 * (components/monitoring/log-intake-filters.ts), so the two cannot drift apart.
 */
export const AUTH_SIGN_IN_FAILED_EVENT = "auth.sign_in_failed";

/** Where the request context of a line comes from (the guide's getClientIP / getUserAgent). */
export interface LogContext {
  ip?: string;
  userAgent?: string;
  userId?: string;
}

export interface LoggerOptions {
  /** `LogEntry.service`. @default "promptandpause" (the guide's) */
  service?: string;
  /** The current request's client IP, user agent and user. @default none ("-") */
  context?: () => LogContext;
  /** Writes one serialised line (the guide's sendToLogAggregator). @default stdout, which Vercel drains */
  write?: (line: string) => void;
  /** Clock. @default `() => new Date()` */
  now?: () => Date;
}

export type LogMethod = (message: string, metadata?: Record<string, unknown>) => LogEntry;
export type Logger = Record<LogLevel, LogMethod>;

/** True when `value` is a LogEntry this module wrote (the intake keeps its fields). */
export function isLogEntry(value: unknown): value is LogEntry {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.timestamp === "string" &&
    typeof v.level === "string" &&
    (LOG_LEVELS as readonly string[]).includes(v.level) &&
    typeof v.service === "string" &&
    typeof v.message === "string" &&
    (v.userId === undefined || typeof v.userId === "string") &&
    (v.metadata === undefined || (typeof v.metadata === "object" && v.metadata !== null && !Array.isArray(v.metadata)))
  );
}

/**
 * The guide's `logger`, with its four levels. Messages and metadata are redacted before they
 * leave the process (a token logged by mistake never reaches Vercel either). Returns the entry.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const service = options.service ?? "promptandpause";
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const make =
    (level: LogLevel): LogMethod =>
    (message, metadata = {}) => {
      const ctx = options.context?.() ?? {};
      const entry: LogEntry = {
        timestamp: now().toISOString(),
        level,
        service,
        ...(ctx.userId ? { userId: ctx.userId } : {}),
        ip: ctx.ip ?? "-",
        userAgent: ctx.userAgent ?? "-",
        message: redactText(message),
        metadata: redactMetadata(metadata),
      };
      write(JSON.stringify(entry));
      return entry;
    };
  return { info: make("info"), warn: make("warn"), error: make("error"), critical: make("critical") };
}

/** The app's default logger: service `promptandpause`, lines on stdout (drained by Vercel). */
export const logger: Logger = createLogger();
