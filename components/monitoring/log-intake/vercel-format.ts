/**
 * Vercel log-drain payloads → the guide's {@link LogEntry}.
 *
 * Format (Vercel, "Log Drains Reference", https://vercel.com/docs/drains/reference/logs):
 * `deliveryFormat: "json"` POSTs a JSON array of log objects; `"ndjson"` one object per line.
 * Required fields: `id` (unique per entry: the dedupe key; Vercel retries failed deliveries),
 * `deploymentId`, `source` (build | edge | lambda | static | external | firewall | redirect),
 * `host`, `timestamp` (Unix ms), `projectId`, `level` (info | warning | error | fatal).
 * Optional: `message`, `buildId`, `entrypoint`, `destination`, `path`, `type`, `statusCode`
 * (-1: the function crashed), `requestId`, `environment`, `branch`, `executionRegion`,
 * `proxy` { timestamp, method, host, path, userAgent (string[] in the current docs, a string
 * in older ones), referer, statusCode, clientIp, region, cacheId, vercelCache, … }.
 */
import { isLogEntry, type LogEntry, type LogLevel } from "./log-entry";

/** One Vercel log object, as far as the intake reads it. */
export interface VercelLogLine {
  id: string;
  timestamp: number;
  source?: string;
  level?: string;
  message?: string;
  projectId?: string;
  deploymentId?: string;
  host?: string;
  path?: string;
  type?: string;
  statusCode?: number;
  requestId?: string;
  environment?: string;
  branch?: string;
  entrypoint?: string;
  executionRegion?: string;
  proxy?: {
    method?: string;
    host?: string;
    path?: string;
    userAgent?: string | string[];
    referer?: string;
    statusCode?: number;
    clientIp?: string;
    region?: string;
    vercelCache?: string;
  };
}

/** A payload that is not a Vercel batch (bad JSON, an entry without `id`/`timestamp`). */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PayloadError";
  }
}

/** Parses a JSON array, a single object or NDJSON into Vercel log lines; throws PayloadError. */
export function parseVercelBatch(body: string): VercelLogLine[] {
  const text = body.trim();
  if (text.length === 0) return [];
  let items: unknown[];
  if (text.startsWith("[")) {
    items = parseJson(text, "body") as unknown[];
    if (!Array.isArray(items)) throw new PayloadError("body: expected a JSON array");
  } else {
    items = text
      .split(/\r?\n/)
      .filter((l) => l.trim().length > 0)
      .map((l, i) => parseJson(l, `line ${i + 1}`));
  }
  return items.map((item, i) => checkLine(item, i));
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PayloadError(`${where}: not valid JSON`);
  }
}

function checkLine(item: unknown, index: number): VercelLogLine {
  if (typeof item !== "object" || item === null || Array.isArray(item)) throw new PayloadError(`entry ${index}: expected an object`);
  const o = item as Record<string, unknown>;
  if (typeof o.id !== "string" || o.id.length === 0 || o.id.length > 256) throw new PayloadError(`entry ${index}: "id" must be a non-empty string`);
  if (typeof o.timestamp !== "number" || !Number.isFinite(o.timestamp)) throw new PayloadError(`entry ${index}: "timestamp" must be Unix milliseconds`);
  return o as unknown as VercelLogLine;
}

/** Vercel's levels → the guide's. */
const LEVELS: Record<string, LogLevel> = { info: "info", warning: "warn", warn: "warn", error: "error", fatal: "critical" };

function levelOf(line: VercelLogLine): LogLevel {
  const mapped = line.level ? LEVELS[line.level] : undefined;
  if (mapped) return mapped;
  if (line.statusCode === -1 || (line.statusCode ?? 0) >= 500) return "error";
  return line.type === "stderr" ? "error" : "info";
}

function userAgentOf(ua: string | string[] | undefined): string {
  if (Array.isArray(ua)) return ua.join(" ") || "-";
  return ua || "-";
}

/** The app's own structured line inside `message`, when the message is one. */
function embeddedEntry(message: string | undefined): LogEntry | undefined {
  if (!message) return undefined;
  const start = message.indexOf("{");
  if (start < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(message.slice(start));
    return isLogEntry(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Drops undefined values (keeps stored lines compact). */
function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * One Vercel line as a LogEntry. A message that is the app's own LogEntry (written by
 * `logger`) keeps its timestamp, level, service, userId, message and metadata; Vercel's fields go under
 * `metadata.vercel`. IP and user agent come from the proxy fields when the app did not know them.
 */
export function toLogEntry(line: VercelLogLine): LogEntry {
  const app = embeddedEntry(line.message);
  const vercel = compact({
    id: line.id,
    source: line.source,
    type: line.type,
    projectId: line.projectId,
    deploymentId: line.deploymentId,
    environment: line.environment,
    branch: line.branch,
    host: line.host,
    path: line.path,
    entrypoint: line.entrypoint,
    statusCode: line.statusCode,
    requestId: line.requestId,
    region: line.executionRegion,
    proxy: line.proxy
      ? compact({
          method: line.proxy.method,
          host: line.proxy.host,
          path: line.proxy.path,
          statusCode: line.proxy.statusCode,
          region: line.proxy.region,
          cache: line.proxy.vercelCache,
          referer: line.proxy.referer,
        })
      : undefined,
  });
  const ip = app && app.ip !== "-" ? app.ip : (line.proxy?.clientIp ?? "-");
  const userAgent = app && app.userAgent !== "-" ? app.userAgent : userAgentOf(line.proxy?.userAgent);
  return {
    timestamp: app && !Number.isNaN(Date.parse(app.timestamp)) ? new Date(app.timestamp).toISOString() : new Date(line.timestamp).toISOString(),
    level: app?.level ?? levelOf(line),
    service: app?.service ?? `vercel:${line.source ?? "unknown"}`,
    ...(app?.userId ? { userId: app.userId } : {}),
    ip,
    userAgent,
    message: app?.message ?? line.message ?? "",
    metadata: { ...(app?.metadata ?? {}), vercel },
  };
}
