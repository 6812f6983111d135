import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { VERCEL_FUNCTION_MAX_REQUEST_BODY_BYTES } from "../../components/app/app";
import { GUIDE } from "../../stacks/guide";
import { planStack } from "../helpers/pulumi";
import { edgeSettings } from "./fixtures";
import { evalPathExpression } from "./path-expression-eval";

// biome-ignore lint/suspicious/noExplicitAny: plan JSON is untyped; the assertions check its shape
type Json = any;

/**
 * The upload path a user gets: the app's /api/upload/* route answers a small JSON request with a
 * signed upload URL, and the browser sends the file straight to Supabase Storage, which enforces
 * the bucket's 50 MB limit and MIME list. Files never pass Cloudflare or the Vercel Function
 * (Vercel refuses request bodies over 4.5 MB: https://vercel.com/docs/functions/limitations).
 * Evaluated on the real stacks' custom WAF rules for concrete requests.
 */
const MB = 1024 * 1024;
const MIGRATION = path.resolve(__dirname, "../../supabase/migrations/20250601000500_storage_reflection_attachments.sql");

describe.each(["staging", "prod"] as const)("uploads through the %s stack's edge", (stack) => {
  let rules: Json[] = [];
  const blockedBy = (method: string, p: string, headers: Record<string, string>) =>
    rules.filter((r) => r.action === "block" && evalPathExpression(r.expression, { method, path: p, headers })).map((r) => r.ref);

  it("plans", async () => {
    const outcome = await planStack(stack);
    if (outcome.kind !== "planned") throw new Error(outcome.problems.join("\n"));
    const custom = outcome.document.resources.find((r: Json) => r.type === "cloudflare:index/ruleset:Ruleset" && r.inputs.phase === "http_request_firewall_custom");
    rules = (custom?.inputs.rules as Json[] | undefined) ?? [];
    expect(rules.length).toBeGreaterThan(0);
  });

  it.each<{ label: string; method: string; p: string; headers: Record<string, string>; refs: string[] }>([
    { label: "the signed-upload-URL request (small JSON)", method: "POST", p: "/api/upload/attachment", headers: { "Content-Type": "application/json", "Content-Length": "180" }, refs: [] },
    { label: "a page's own multipart form (Server Actions)", method: "POST", p: "/journal", headers: { "content-type": "multipart/form-data; boundary=x", "content-length": "2048" }, refs: [] },
    { label: "an ordinary JSON API call", method: "POST", p: "/api/reflections", headers: { "content-type": "application/json", "content-length": "900" }, refs: [] },
    { label: "a 10 MB image to the upload route (Vercel would answer 413)", method: "POST", p: "/api/upload/attachment", headers: { "content-type": "image/png", "content-length": String(10 * MB) }, refs: ["waf-file-upload", "waf-file-upload-type", "waf-file-upload-size"] },
    { label: "a small image to the upload route (files go to Storage)", method: "PUT", p: "/api/upload/attachment", headers: { "content-type": "image/jpeg", "content-length": "2048" }, refs: ["waf-file-upload", "waf-file-upload-type"] },
    { label: "multipart to the upload route", method: "POST", p: "/api/upload/attachment", headers: { "content-type": "multipart/form-data; boundary=x", "content-length": "2048" }, refs: ["waf-file-upload", "waf-file-upload-type"] },
    { label: "a voice note to another API route", method: "POST", p: "/api/reflections/1", headers: { "content-type": "audio/webm", "content-length": "2048" }, refs: ["waf-file-upload"] },
    { label: "a JSON body over Vercel's 4.5 MB to any API route", method: "POST", p: "/api/reflections", headers: { "content-type": "application/json", "content-length": "4500001" }, refs: ["waf-file-upload-size"] },
    { label: "a signed-URL request without a length", method: "POST", p: "/api/upload/attachment", headers: { "content-type": "application/json" }, refs: ["waf-file-upload-size"] },
    { label: "a GET of the upload route", method: "GET", p: "/api/upload/attachment", headers: {}, refs: [] },
  ])("$label → blocked by $refs", ({ method, p, headers, refs }) => {
    expect(blockedBy(method, p, headers)).toEqual(refs);
  });
});

describe("the edge, the Storage bucket and the database settings agree", () => {
  const sql = fs.readFileSync(MIGRATION, "utf8");
  const bucketTypes = [...(/allowed_mime_types\)[\s\S]*?array\[([\s\S]*?)\]/.exec(sql)?.[1] ?? "").matchAll(/'([^']+)'/g)].map((m) => m[1]);
  const bucketLimit = Number(/false,\s*(\d+),\s*array\[/.exec(sql)?.[1]);

  it("the bucket takes the guide's 50 MB per file and a MIME list", () => {
    expect(bucketLimit).toBe(GUIDE.database.fileSizeLimitMb * MB);
    expect(bucketTypes.length).toBeGreaterThan(0);
  });

  it("the file types the edge keeps away from the app are the bucket's allowed_mime_types", () => {
    const edge = edgeSettings().waf.uploadContentTypes;
    expect([...edge].sort()).toEqual([...bucketTypes].sort());
  });

  it("the edge's body limit is Vercel's function request limit (4.5 MB), not the storage limit", () => {
    expect(VERCEL_FUNCTION_MAX_REQUEST_BODY_BYTES).toBe(4_500_000);
    expect(VERCEL_FUNCTION_MAX_REQUEST_BODY_BYTES).toBeLessThan(bucketLimit);
  });
});
