/**
 * Dedupe across Lambda instances, against dynalite (a DynamoDB implementation for Node, with
 * DynamoDB's condition-expression semantics) on 127.0.0.1: two intake handlers (two instances)
 * share one dedupe table, over real HTTP.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDedupe } from "../../components/monitoring/log-intake/dynamo-dedupe";
import { createIntakeHandler, vercelSignature } from "../../components/monitoring/log-intake/handler";
import { intakeRequestListener } from "../../components/monitoring/log-intake/node-server";
import { MemorySink } from "../../components/monitoring/log-intake/sink";

// dynalite has no types; it returns a node:http server.
const dynalite = require("dynalite") as (o: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => http.Server;

const SECRET = "dynamo-test-secret-0123456789abcdef";
const TABLE = "promptandpause-test-log-intake-dedupe";
let db: http.Server;
let client: DynamoDBClient;
let table = 0;

beforeAll(async () => {
  db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((r) => db.listen(0, "127.0.0.1", r));
  client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(db.address() as AddressInfo).port}`, region: "eu-west-2", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
});
afterAll(() => new Promise<void>((r) => db.close(() => r())));

/** A fresh table shaped as components/monitoring/log-intake.ts creates it. */
async function freshTable(): Promise<string> {
  const name = `${TABLE}-${table++}`;
  await client.send(new CreateTableCommand({ TableName: name, BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }] }));
  return name;
}

describe("DynamoDedupe", () => {
  it("an id is claimed once; a second claim, even concurrent, gets nothing", async () => {
    const tableName = await freshTable();
    const a = new DynamoDedupe({ tableName, client });
    const b = new DynamoDedupe({ tableName, client });
    const [x, y] = await Promise.all([a.claim(["1", "2", "3"]), b.claim(["3", "2", "4"])]);
    expect([...x.mine, ...y.mine].sort()).toEqual(["1", "2", "3", "4"]);
    expect([...x.mine].filter((id) => y.mine.has(id))).toEqual([]);
    // What the other got is still unconfirmed: reported as pending, not as a duplicate.
    expect([...x.pending, ...y.pending].sort()).toEqual(["2", "3"]);
  });

  it("a released claim (failed write) can be claimed again; a confirmed one never", async () => {
    const tableName = await freshTable();
    const d = new DynamoDedupe({ tableName, client });
    expect([...(await d.claim(["r", "c"])).mine].sort()).toEqual(["c", "r"]);
    await d.release(["r"]);
    await d.confirm(["c"]);
    expect(await d.claim(["r", "c"])).toEqual({ mine: new Set(["r"]), pending: new Set() });
    await d.release(["c"]); // never deletes a stored id
    expect(await d.claim(["c"])).toEqual({ mine: new Set(), pending: new Set() });
    const item = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: "c" } } }));
    expect(item.Item?.state?.S).toBe("stored");
    expect(Number(item.Item?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000 + 6 * 24 * 3600);
  });

  it("a pending claim whose lease ran out (its instance died) is taken over", async () => {
    const tableName = await freshTable();
    let now = Date.parse("2026-12-01T10:00:00Z");
    const d = new DynamoDedupe({ tableName, client, now: () => now });
    expect((await d.claim(["p"])).mine).toEqual(new Set(["p"]));
    now += 20_000;
    expect(await d.claim(["p"])).toEqual({ mine: new Set(), pending: new Set(["p"]) });
    // The default lease (30 s) outlasts the intake Lambda's 10 s timeout, and no more.
    now += 11_000;
    expect((await d.claim(["p"])).mine).toEqual(new Set(["p"]));
  });
});

describe("a delivery that finds another's unconfirmed claim", () => {
  it("answers 503 so Vercel retries, and the retry stores the entry the other delivery never wrote", async () => {
    const tableName = await freshTable();
    const sink = new MemorySink();
    const handler = createIntakeHandler({ secret: SECRET, verificationCode: "v", sink, dedupe: new DynamoDedupe({ tableName, client }) });
    // Another instance claimed y1, then died before writing it (no confirm, no release).
    await new DynamoDedupe({ tableName, client }).claim(["y1"]);
    const body = JSON.stringify(["y1", "y2"].map((id) => ({ id, timestamp: Date.now(), source: "lambda", level: "info", message: id })));
    const deliver = (now?: number) => {
      const h = now === undefined ? handler : createIntakeHandler({ secret: SECRET, verificationCode: "v", sink, dedupe: new DynamoDedupe({ tableName, client, now: () => now }) });
      return h({ method: "POST", headers: { "x-vercel-signature": vercelSignature(SECRET, body) }, body: Buffer.from(body) });
    };
    const first = await deliver();
    expect([first.status, JSON.parse(first.body)]).toEqual([503, { error: "entries are being stored by another delivery; retry", stored: 1, pending: 1 }]);
    // Vercel's retry after the lease: y1 is this delivery's now, y2 a duplicate.
    const retry = await deliver(Date.now() + 31_000);
    expect([retry.status, JSON.parse(retry.body)]).toEqual([200, { stored: 1, duplicates: 1 }]);
    expect(sink.entries.map((e) => e.id).sort()).toEqual(["y1", "y2"]);
  });
});

describe("two intake instances sharing the table, over HTTP", () => {
  it("a batch retried on the other instance is stored once", async () => {
    const tableName = await freshTable();
    const sinks = [new MemorySink(), new MemorySink()];
    const servers = sinks.map((sink) => http.createServer(intakeRequestListener(createIntakeHandler({ secret: SECRET, verificationCode: "v", sink, dedupe: new DynamoDedupe({ tableName, client }) }))));
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
    try {
      const body = JSON.stringify([1, 2, 3].map((i) => ({ id: `x${i}`, timestamp: Date.now(), source: "lambda", level: "info", message: `m${i}` })));
      const post = (s: http.Server) =>
        fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/vercel`, { method: "POST", body, headers: { "x-vercel-signature": vercelSignature(SECRET, body) } }).then((r) => r.json());
      // The same batch delivered to both instances at once (a retry after a timeout), then again.
      const results = await Promise.all([post(servers[0] as http.Server), post(servers[1] as http.Server)]);
      // (Either may answer 503 for ids the other still held: Vercel retries those; both report what they stored.)
      const again = await post(servers[1] as http.Server);
      expect(results.map((r) => (r as { stored: number }).stored).reduce((x, y) => x + y, 0)).toBe(3);
      expect(again).toEqual({ stored: 0, duplicates: 3 });
      expect(sinks.flatMap((s) => s.entries.map((e) => e.id)).sort()).toEqual(["x1", "x2", "x3"]);
    } finally {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    }
  });
});
