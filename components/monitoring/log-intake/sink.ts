/**
 * Where the intake stores entries, and how it remembers which it stored. Both are small
 * interfaces so the handler is tested with local implementations over real HTTP, and runs on
 * AWS with CloudWatch Logs (./cloudwatch-sink.ts).
 */
import type { LogEntry } from "./log-entry";

/** An entry with the id Vercel gave it (the dedupe key). */
export interface StoredEntry {
  id: string;
  entry: LogEntry;
}

/** Durable storage for log entries. `write` resolves once every entry is stored, or rejects. */
export interface LogSink {
  write(entries: readonly StoredEntry[]): Promise<void>;
}

/**
 * Remembers stored entry ids so a retried batch is stored once. `unseen` filters a batch;
 * `remember` is called only after the sink stored the entries (a failed write is retried by
 * Vercel and must not be dropped as a duplicate).
 */
export interface DedupeStore {
  unseen(ids: readonly string[]): Promise<Set<string>>;
  remember(ids: readonly string[]): Promise<void>;
}

/**
 * In-memory dedupe with a bounded number of ids (oldest forgotten first). On Lambda this lives
 * as long as the warm instance: the intake runs with reserved concurrency 1 so one instance sees
 * every delivery, which covers Vercel's retries (minutes apart); an id retried after the
 * instance was recycled is stored twice (see docs/monitoring.md "Log intake").
 */
export class MemoryDedupe implements DedupeStore {
  private readonly ids = new Map<string, true>();
  constructor(private readonly capacity = 100_000) {}
  async unseen(ids: readonly string[]): Promise<Set<string>> {
    return new Set(ids.filter((id) => !this.ids.has(id)));
  }
  async remember(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      this.ids.delete(id);
      this.ids.set(id, true);
    }
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.keys().next().value;
      if (oldest === undefined) break;
      this.ids.delete(oldest);
    }
  }
}

/** A sink that keeps entries in memory (local runs and tests). */
export class MemorySink implements LogSink {
  readonly entries: StoredEntry[] = [];
  async write(entries: readonly StoredEntry[]): Promise<void> {
    this.entries.push(...entries);
  }
}
