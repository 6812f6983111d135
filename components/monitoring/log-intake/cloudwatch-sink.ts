/**
 * The intake's real sink: CloudWatch Logs `PutLogEvents` into the stack's intake log group.
 * One log stream per Lambda instance (`<yyyy/mm/dd>/<uuid>`, created on first write), one
 * event per entry (its JSON, so metric filters can match `$.level` and `$.metadata.event`).
 *
 * PutLogEvents limits (CloudWatch Logs API reference, PutLogEvents): at most 10,000 events and
 * 1,048,576 bytes per call (UTF-8 message bytes + 26 per event), in chronological order, spanning
 * at most 24 hours; an event is at most 256 KB (1 MB in newer docs: 256 KB is kept). Batches
 * are split to fit; an over-long message is cut (marked `metadata.truncated`).
 */
import { randomUUID } from "node:crypto";
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand, ResourceAlreadyExistsException } from "@aws-sdk/client-cloudwatch-logs";
import type { LogSink, StoredEntry } from "./sink";

export const PUT_LOG_EVENTS_LIMITS = { maxEvents: 10_000, maxBatchBytes: 1_048_576, perEventOverhead: 26, maxEventBytes: 256 * 1024, maxSpanMs: 24 * 3600 * 1000 } as const;

export interface LogEvent {
  timestamp: number;
  message: string;
}

/** Entries as PutLogEvents events, sorted by time, each within the per-event limit. */
export function toLogEvents(entries: readonly StoredEntry[]): LogEvent[] {
  const limit = PUT_LOG_EVENTS_LIMITS.maxEventBytes - PUT_LOG_EVENTS_LIMITS.perEventOverhead - 1024;
  return entries
    .map(({ entry }) => {
      let message = JSON.stringify(entry);
      if (Buffer.byteLength(message) > limit) {
        const keep = Math.max(0, entry.message.length - (Buffer.byteLength(message) - limit) - 64);
        message = JSON.stringify({ ...entry, message: entry.message.slice(0, keep), metadata: { ...entry.metadata, truncated: true } });
      }
      return { timestamp: Date.parse(entry.timestamp), message };
    })
    .sort((a, b) => a.timestamp - b.timestamp);
}

/** Sorted events split into PutLogEvents calls that each satisfy the limits. */
export function chunkLogEvents(events: readonly LogEvent[]): LogEvent[][] {
  const L = PUT_LOG_EVENTS_LIMITS;
  const chunks: LogEvent[][] = [];
  let current: LogEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = Buffer.byteLength(e.message) + L.perEventOverhead;
    const first = current[0];
    if (first && (current.length >= L.maxEvents || bytes + size > L.maxBatchBytes || e.timestamp - first.timestamp > L.maxSpanMs)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export interface CloudWatchSinkOptions {
  logGroupName: string;
  /** @default `<yyyy/mm/dd>/<random uuid>` (one stream per instance) */
  logStreamName?: string;
  /** @default a client for the Lambda's region (credentials from its role) */
  client?: CloudWatchLogsClient;
}

export class CloudWatchSink implements LogSink {
  private readonly client: CloudWatchLogsClient;
  private readonly logGroupName: string;
  private readonly logStreamName: string;
  private streamReady?: Promise<void>;

  constructor(options: CloudWatchSinkOptions) {
    this.client = options.client ?? new CloudWatchLogsClient({});
    this.logGroupName = options.logGroupName;
    this.logStreamName = options.logStreamName ?? `${new Date().toISOString().slice(0, 10).replace(/-/g, "/")}/${randomUUID()}`;
  }

  private ensureStream(): Promise<void> {
    this.streamReady ??= this.client
      .send(new CreateLogStreamCommand({ logGroupName: this.logGroupName, logStreamName: this.logStreamName }))
      .then(
        () => undefined,
        (err: unknown) => {
          if (err instanceof ResourceAlreadyExistsException || (err as { name?: string }).name === "ResourceAlreadyExistsException") return;
          this.streamReady = undefined;
          throw err;
        },
      );
    return this.streamReady;
  }

  async write(entries: readonly StoredEntry[]): Promise<void> {
    await this.ensureStream();
    for (const logEvents of chunkLogEvents(toLogEvents(entries))) {
      const res = await this.client.send(new PutLogEventsCommand({ logGroupName: this.logGroupName, logStreamName: this.logStreamName, logEvents }));
      const rejected = res.rejectedLogEventsInfo;
      if (rejected && (rejected.tooNewLogEventStartIndex !== undefined || rejected.tooOldLogEventEndIndex !== undefined || rejected.expiredLogEventEndIndex !== undefined)) {
        // Out-of-range timestamps are dropped by CloudWatch, not retried: retrying would not help.
        console.warn(JSON.stringify({ level: "warn", message: "CloudWatch rejected log events outside its time range", rejected }));
      }
    }
  }
}
