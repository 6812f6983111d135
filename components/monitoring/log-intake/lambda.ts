/**
 * The intake's Lambda entry point (`index.handler` of the bundle built by
 * components/monitoring/log-intake-bundle.ts). Configuration from the function's environment:
 * `LOG_GROUP_NAME`, `VERCEL_VERIFY_CODE`, `LOG_DRAIN_SECRET` (secret; Lambda encrypts environment
 * variables at rest with KMS), `DEDUPE_TABLE` (the DynamoDB dedupe table; without it, dedupe is per
 * instance), optional `MAX_BODY_BYTES`.
 */
import { CloudWatchSink } from "./cloudwatch-sink";
import { createIntakeHandler, DEFAULT_MAX_BODY_BYTES, type HttpApiEvent, type HttpApiResult, lambdaAdapter } from "./handler";
import { DynamoDedupe } from "./dynamo-dedupe";
import { MemoryDedupe } from "./sink";

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`log intake: environment variable ${name} is not set`);
  return v;
}

let cached: ((event: HttpApiEvent) => Promise<HttpApiResult>) | undefined;

export async function handler(event: HttpApiEvent): Promise<HttpApiResult> {
  cached ??= lambdaAdapter(
    createIntakeHandler({
      secret: required("LOG_DRAIN_SECRET"),
      verificationCode: required("VERCEL_VERIFY_CODE"),
      sink: new CloudWatchSink({ logGroupName: required("LOG_GROUP_NAME") }),
      dedupe: process.env.DEDUPE_TABLE ? new DynamoDedupe({ tableName: process.env.DEDUPE_TABLE }) : new MemoryDedupe(),
      maxBodyBytes: Number(process.env.MAX_BODY_BYTES ?? DEFAULT_MAX_BODY_BYTES),
      onProblem: (summary) => console.warn(JSON.stringify({ level: "warn", service: "log-intake", message: summary })),
    }),
  );
  return cached(event);
}
