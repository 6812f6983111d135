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

/** What a claim found: the ids this delivery stores, and those a concurrent delivery holds unconfirmed. */
export interface Claim {
  mine: Set<string>;
  /** Claimed by another delivery that has not confirmed yet: it may still fail, so they are not duplicates. */
  pending: Set<string>;
}

/**
 * Makes each entry id stored once across Vercel's retries. A delivery `claim`s the ids of its
 * batch: `mine` are its own to store (neither stored before nor being stored by a concurrent
 * delivery). After the sink stored them it `confirm`s; if the write failed it `release`s them,
 * so Vercel's retry of the batch stores them instead of skipping them. Ids `pending` in another
 * delivery are not answered as stored: the handler asks Vercel to retry (503), so an entry whose
 * other delivery dies is stored by the retry.
 */
export interface DedupeStore {
  claim(ids: readonly string[]): Promise<Claim>;
  confirm(ids: readonly string[]): Promise<void>;
  release(ids: readonly string[]): Promise<void>;
}

/**
 * In-memory dedupe for one process (local runs, tests, and a Lambda without a dedupe table), with
 * a bounded number of stored ids (oldest forgotten first). Across Lambda instances use the
 * DynamoDB store (./dynamo-dedupe.ts).
 */
export class MemoryDedupe implements DedupeStore {
  private readonly stored = new Map<string, true>();
  private readonly pending = new Set<string>();
  constructor(private readonly capacity = 100_000) {}
  async claim(ids: readonly string[]): Promise<Claim> {
    const pending = new Set(ids.filter((id) => this.pending.has(id)));
    const mine = new Set(ids.filter((id) => !this.stored.has(id) && !pending.has(id)));
    for (const id of mine) this.pending.add(id);
    return { mine, pending };
  }
  async confirm(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      this.pending.delete(id);
      this.stored.delete(id);
      this.stored.set(id, true);
    }
    while (this.stored.size > this.capacity) {
      const oldest = this.stored.keys().next().value;
      if (oldest === undefined) break;
      this.stored.delete(oldest);
    }
  }
  async release(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.pending.delete(id);
  }
}

/** A sink that keeps entries in memory (local runs and tests). */
export class MemorySink implements LogSink {
  readonly entries: StoredEntry[] = [];
  async write(entries: readonly StoredEntry[]): Promise<void> {
    this.entries.push(...entries);
  }
}
