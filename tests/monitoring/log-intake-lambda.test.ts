/**
 * The deployed artefact: the esbuild bundle `pulumi up` uploads, run in a separate Node process
 * as Lambda runs it (`index.handler` with API Gateway HTTP API 2.0 events, configuration from the
 * environment, the AWS SDK from outside the bundle), writing through the real CloudWatch Logs
 * client to a local CloudWatch Logs endpoint (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS) that speaks the
 * service's JSON 1.1 protocol (`X-Amz-Target: Logs_20140328.<Operation>`), and deduping through
 * the real DynamoDB client against dynalite (AWS_ENDPOINT_URL_DYNAMODB, table `DEDUPE_TABLE`).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLogIntakeBundle } from "../../components/monitoring/log-intake-bundle";
import { vercelSignature } from "../../components/monitoring/log-intake/handler";

const REPO = path.resolve(__dirname, "../..");
const SECRET = "bundle-test-secret-0123456789abcdef";
const calls: { target: string; body: Record<string, unknown> }[] = [];
let server: http.Server;
let db: http.Server;
let dbUrl: string;
let dir: string;
const dynalite = require("dynalite") as (o: { createTableMs: number }) => http.Server;
let bundle: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      calls.push({ target, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown> });
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "test" });
      res.end(target.endsWith("PutLogEvents") ? "{}" : "{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  db = dynalite({ createTableMs: 0 });
  await new Promise<void>((r) => db.listen(0, "127.0.0.1", r));
  dbUrl = `http://127.0.0.1:${(db.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint: dbUrl, region: "eu-west-2", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  await client.send(new CreateTableCommand({ TableName: "dedupe", BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }] }));
  dir = mkdtempSync(path.join(tmpdir(), "intake-bundle-"));
  bundle = path.join(dir, "index.js");
  writeFileSync(bundle, buildLogIntakeBundle());
});
afterAll(() => {
  server.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the bundle's handler on each event in one process (one warm Lambda instance; dedupe in DynamoDB). */
async function invoke(events: object[]): Promise<{ statusCode: number; headers: Record<string, string>; body: string }[]> {
  const script = `const { handler } = require(${JSON.stringify(bundle)});
(async () => { const out = []; for (const e of ${JSON.stringify(events)}) out.push(await handler(e)); process.stdout.write(JSON.stringify(out)); })().catch((e) => { console.error(e); process.exit(1); });`;
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_PATH: path.join(REPO, "node_modules"),
      LOG_GROUP_NAME: "promptandpause-test-app-logs",
      VERCEL_VERIFY_CODE: "verify-123",
      LOG_DRAIN_SECRET: SECRET,
      AWS_REGION: "eu-west-2",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_ENDPOINT_URL_DYNAMODB: dbUrl,
      DEDUPE_TABLE: "dedupe",
    },
  });
  return JSON.parse(stdout) as { statusCode: number; headers: Record<string, string>; body: string }[];
}

const event = (method: string, body?: string, headers: Record<string, string> = {}) => ({ requestContext: { http: { method } }, headers, ...(body !== undefined ? { body, isBase64Encoded: false } : {}) });

describe("the Lambda bundle", () => {
  it("keeps the AWS SDK out of the bundle (the runtime provides it)", () => {
    expect(require("node:fs").readFileSync(bundle, "utf8")).toMatch(/require\("@aws-sdk\/client-cloudwatch-logs"\)/);
  });

  it("answers verification, refuses a forged batch, stores a signed batch once through PutLogEvents", async () => {
    const batch = JSON.stringify([{ id: "b1", timestamp: Date.now(), source: "lambda", level: "error", message: "boom Bearer abc.def", proxy: { clientIp: "203.0.113.1", userAgent: ["ua"] } }]);
    const base64 = Buffer.from(batch).toString("base64");
    const signed = { "x-vercel-signature": vercelSignature(SECRET, batch), "content-type": "application/json" };
    const results = await invoke([
      event("GET"),
      event("POST", batch, { "x-vercel-signature": vercelSignature("wrong-secret-0123456789", batch) }),
      event("POST", batch, signed),
      // Vercel's retry, this time base64-encoded by API Gateway: stored already.
      { ...event("POST", base64, signed), isBase64Encoded: true },
    ]);
    // Another instance (a new process) gets the same retry: the shared table knows the id.
    const other = await invoke([{ ...event("POST", batch, signed) }]);
    expect(JSON.parse(other[0]?.body ?? "{}")).toEqual({ stored: 0, duplicates: 1 });
    expect(results.map((r) => r.statusCode)).toEqual([200, 403, 200, 200]);
    expect(results[0]?.headers["x-vercel-verify"]).toBe("verify-123");
    expect(JSON.parse(results[3]?.body ?? "{}")).toEqual({ stored: 0, duplicates: 1 });
    const puts = calls.filter((c) => c.target === "Logs_20140328.PutLogEvents");
    expect(calls.filter((c) => c.target === "Logs_20140328.CreateLogStream")).toHaveLength(1); // the second instance wrote nothing
    expect(puts).toHaveLength(1);
    expect(puts[0]?.body.logGroupName).toBe("promptandpause-test-app-logs");
    const events = puts[0]?.body.logEvents as { message: string; timestamp: number }[];
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.message ?? "{}")).toMatchObject({ level: "error", service: "vercel:lambda", ip: "203.0.113.1", message: "boom Bearer [REDACTED]" });
  });
});
