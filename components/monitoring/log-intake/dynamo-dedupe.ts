/**
 * Dedupe across Lambda instances: one DynamoDB item per entry id, claimed with a conditional
 * write (DynamoDB Developer Guide, "Condition expressions": `attribute_not_exists`), so two
 * concurrent deliveries of the same batch never both store an entry.
 *
 * Item: `id` (S, the table's partition key), `state` ("pending" | "stored"), `leaseUntil` (N, Unix
 * s: a pending claim older than this may be taken over — the instance that made it died between
 * claim and write), `expiresAt` (N, Unix s: the table's TTL attribute; Vercel retries within
 * hours, so ids are kept 7 days).
 */
import { ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { Claim, DedupeStore } from "./sink";

export interface DynamoDedupeOptions {
  tableName: string;
  /** @default a client for the Lambda's region */
  client?: DynamoDBClient;
  /**
   * Seconds a pending claim blocks others: longer than a delivery can take, which is the intake
   * Lambda's 10 s timeout (components/monitoring/log-intake.ts), so a claim of a delivery that
   * died is free again by Vercel's next retry. @default 30
   */
  leaseSeconds?: number;
  /** Seconds an id is remembered (the TTL). @default 7 days */
  retainSeconds?: number;
  /** Clock (ms). @default Date.now */
  now?: () => number;
  /** Requests in flight per call. @default 16 */
  parallelism?: number;
}

export class DynamoDedupe implements DedupeStore {
  private readonly client: DynamoDBClient;
  private readonly o: Required<Omit<DynamoDedupeOptions, "client">>;

  constructor(options: DynamoDedupeOptions) {
    this.client = options.client ?? new DynamoDBClient({});
    this.o = { leaseSeconds: 30, retainSeconds: 7 * 24 * 3600, now: Date.now, parallelism: 16, ...options };
  }

  private seconds(): number {
    return Math.floor(this.o.now() / 1000);
  }

  /** Runs `fn` over `ids`, at most `parallelism` at a time. */
  private async each<T>(ids: readonly string[], fn: (id: string) => Promise<T>): Promise<T[]> {
    const out: T[] = new Array(ids.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < ids.length; i = next++) out[i] = await fn(ids[i] as string);
    };
    await Promise.all(Array.from({ length: Math.min(this.o.parallelism, ids.length) }, worker));
    return out;
  }

  async claim(ids: readonly string[]): Promise<Claim> {
    const now = this.seconds();
    const outcome = await this.each(ids, async (id): Promise<"mine" | "stored" | "pending"> => {
      try {
        await this.client.send(
          new PutItemCommand({
            TableName: this.o.tableName,
            Item: { id: { S: id }, state: { S: "pending" }, leaseUntil: { N: String(now + this.o.leaseSeconds) }, expiresAt: { N: String(now + this.o.retainSeconds) } },
            // New id, or a pending claim whose lease ran out. Names go through placeholders (DynamoDB reserves many plain words).
            ConditionExpression: "attribute_not_exists(#id) OR (#state = :pending AND leaseUntil < :now)",
            ExpressionAttributeNames: { "#id": "id", "#state": "state" },
            ExpressionAttributeValues: { ":pending": { S: "pending" }, ":now": { N: String(now) } },
          }),
        );
        return "mine";
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === "ConditionalCheckFailedException")) throw err;
        // Taken: stored (a duplicate), or another delivery's live claim (which may still fail).
        const item = await this.client.send(new GetItemCommand({ TableName: this.o.tableName, Key: { id: { S: id } }, ConsistentRead: true }));
        return item.Item?.state?.S === "stored" ? "stored" : "pending";
      }
    });
    const having = (state: string) => new Set(ids.filter((_, i) => outcome[i] === state));
    return { mine: having("mine"), pending: having("pending") };
  }

  async confirm(ids: readonly string[]): Promise<void> {
    const now = this.seconds();
    await this.each(ids, (id) =>
      this.client.send(new PutItemCommand({ TableName: this.o.tableName, Item: { id: { S: id }, state: { S: "stored" }, expiresAt: { N: String(now + this.o.retainSeconds) } } })),
    );
  }

  async release(ids: readonly string[]): Promise<void> {
    await this.each(ids, async (id) => {
      try {
        await this.client.send(
          new DeleteItemCommand({
            TableName: this.o.tableName,
            Key: { id: { S: id } },
            // Only our own pending claim: never delete a stored id.
            ConditionExpression: "#state = :pending",
            ExpressionAttributeNames: { "#state": "state" },
            ExpressionAttributeValues: { ":pending": { S: "pending" } },
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === "ConditionalCheckFailedException")) throw err;
      }
    });
  }
}
