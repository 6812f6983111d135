/**
 * The WAF as data: the managed rulesets the zone executes and the guide's four custom rule
 * families (sql_injection_protection, xss_protection, path_traversal_protection,
 * file_upload_validation). Rules are built by looping over these tables.
 */
import { anyPathExpression, greaterThanRegex, quote } from "./expressions";
import type { RuleSpec } from "./types";
import { type WebhookExemption, webhookExemptionExpression } from "./webhook-exemption";

/** Cloudflare Managed Ruleset (WAF → Managed rules). */
export const CLOUDFLARE_MANAGED_RULESET_ID = "efb7b8c949ac4650a09736fc376e9aee";
/** Cloudflare OWASP Core Ruleset. */
export const OWASP_RULESET_ID = "4814384a9e5d4991b9815dcfc25d2f1f";
/** Last rule of the OWASP ruleset, "949110: Inbound Anomaly Score Exceeded": carries the score threshold and action. */
export const OWASP_SCORE_RULE_ID = "6179ae15870a4bb7b2d480d4843b323c";
/** OWASP score thresholds by sensitivity (Cloudflare docs: low 60, medium 40, high 25). */
export const OWASP_SCORE_THRESHOLDS = { low: 60, medium: 40, high: 25 } as const;

export interface WafSettings {
  owaspSensitivity: keyof typeof OWASP_SCORE_THRESHOLDS;
  owaspParanoiaLevel: number;
  owaspAction: string;
  /** Routes that hand out signed upload URLs: small JSON requests only, with a length. */
  uploadPaths: readonly string[];
  /** Where no file body is accepted and bodies are capped at the app's limit (the API, not the pages: forms post multipart to pages). */
  uploadScopePaths: readonly string[];
  /** Media types of the files users upload (the Storage bucket's allowed_mime_types): never sent through the app. */
  uploadContentTypes: readonly string[];
}

/** Ref of the managed-rules exception for webhook deliveries. */
export const WEBHOOK_OWASP_EXCEPTION_REF = "waf-managed-skip-owasp-webhooks";

/**
 * Exception (skip rule) for webhook deliveries: skips the OWASP Core Ruleset only, for exactly the
 * exempt requests (webhook path, POST, optionally Stripe's IPs). Cloudflare: "Exceptions only apply
 * to rules executing a managed ruleset listed after them", so it comes first; `rulesets: [id]` skips
 * that ruleset and nothing else — the Cloudflare Managed Ruleset still runs on the webhook.
 */
export function webhookOwaspException(exemption: Pick<WebhookExemption, "paths" | "sourceIps">): RuleSpec {
  return {
    ref: WEBHOOK_OWASP_EXCEPTION_REF,
    description: "Webhook deliveries (exact path, POST; signature-verified by the app): skip the OWASP Core Ruleset only (JSON free text scores as false positives)",
    expression: webhookExemptionExpression(exemption),
    action: "skip",
    enabled: true,
    actionParameters: { rulesets: [OWASP_RULESET_ID] },
  };
}

/**
 * `http_request_firewall_managed`: execute both managed rulesets on all traffic, after the webhook
 * exception when the app has webhook routes.
 */
export function managedWafRules(waf: WafSettings, exemption?: Pick<WebhookExemption, "paths" | "sourceIps">): RuleSpec[] {
  const higherLevels = [2, 3, 4].filter((level) => level > waf.owaspParanoiaLevel);
  return [
    ...(exemption && exemption.paths.length > 0 ? [webhookOwaspException(exemption)] : []),
    {
      ref: "waf-managed-cloudflare",
      description: "Execute the Cloudflare Managed Ruleset",
      expression: "true",
      action: "execute",
      enabled: true,
      actionParameters: { id: CLOUDFLARE_MANAGED_RULESET_ID },
    },
    {
      ref: "waf-managed-owasp",
      description: `Execute the OWASP Core Ruleset (paranoia level ${waf.owaspParanoiaLevel}, ${waf.owaspSensitivity} sensitivity)`,
      expression: "true",
      action: "execute",
      enabled: true,
      actionParameters: {
        id: OWASP_RULESET_ID,
        overrides: {
          // Paranoia level N = the rules tagged paranoia-level-1..N; disable the higher tags.
          categories: higherLevels.map((level) => ({ category: `paranoia-level-${level}`, enabled: false })),
          rules: [{ id: OWASP_SCORE_RULE_ID, action: waf.owaspAction, scoreThreshold: OWASP_SCORE_THRESHOLDS[waf.owaspSensitivity], enabled: true }],
        },
      },
    },
  ];
}

/** Inspected request parts: decoded and lower-cased so encodings and case do not slip through. */
const DECODED_QUERY = "lower(url_decode(http.request.uri.query))";
const DECODED_PATH = "lower(url_decode(http.request.uri.path))";
/** The URI as the client sent it (before Cloudflare's normalisation removes `..`). */
const RAW_URI = "lower(raw.http.request.uri)";

/** Signature families: a request whose inspected parts contain any needle is blocked. */
export const WAF_SIGNATURES = [
  {
    ref: "waf-sqli",
    description: "Guide waf_rules: sql_injection_protection",
    fields: [DECODED_QUERY],
    needles: ["union select", "union all select", "' or '1'='1", "' or 1=1", "\" or 1=1", "or 1=1--", "; drop table", "information_schema", "pg_sleep(", "sleep(", "benchmark(", "xp_cmdshell", "'--", "/*!"],
  },
  {
    ref: "waf-xss",
    description: "Guide waf_rules: xss_protection",
    fields: [DECODED_QUERY, DECODED_PATH],
    needles: ["<script", "</script", "javascript:", "onerror=", "onload=", "<iframe", "<svg", "document.cookie", "alert("],
  },
  {
    ref: "waf-path-traversal",
    description: "Guide waf_rules: path_traversal_protection",
    fields: [RAW_URI],
    needles: ["../", "..\\", "..%2f", "..%5c", "%2e%2e", "%252e%252e", "/etc/passwd"],
  },
] as const;

const UPLOAD_METHODS = 'http.request.method in {"POST" "PUT" "PATCH"}';
/**
 * Request headers are read only through the `http.request.headers` map, whose keys Cloudflare
 * lower-cases. Never through `http.request.headers.names`: it keeps "the original case used in the
 * request", so `eq "content-length"` misses every HTTP/1.1 client's `Content-Length`
 * (https://developers.cloudflare.com/ruleset-engine/rules-language/fields/reference/http.request.headers.names/).
 */
const CONTENT_TYPE = 'lower(http.request.headers["content-type"][0])';
const CONTENT_LENGTH = 'http.request.headers["content-length"]';
/** A Content-Length that is a decimal number: missing (chunked) or malformed lengths are refused. */
const HAS_CONTENT_LENGTH = `any(${CONTENT_LENGTH}[*] matches "^[0-9]+$")`;
/** File bodies whatever the file type: forms and raw bytes. */
export const FILE_BODY_TYPES = ["multipart/form-data", "application/octet-stream"] as const;
/** The one body the upload routes take: the request for a signed upload URL. */
export const SIGNED_URL_REQUEST_TYPE = "application/json";

/** `field contains needle` for every field × needle, or-ed. */
export function signatureExpression(fields: readonly string[], needles: readonly string[]): string {
  return `(${fields.flatMap((f) => needles.map((n) => `${f} contains ${quote(n)}`)).join(" or ")})`;
}

/** `http_request_firewall_custom`: the guide's four families. */
export function customWafRules(waf: WafSettings, maxRequestBodyBytes: number): RuleSpec[] {
  const signatures: RuleSpec[] = WAF_SIGNATURES.map((s) => ({
    ref: s.ref,
    description: s.description,
    expression: signatureExpression(s.fields, s.needles),
    action: "block",
    enabled: true,
  }));
  // Uploads go straight from the browser to Supabase Storage with a signed upload URL (the
  // bucket enforces the 50 MB limit and the MIME list): Vercel Functions refuse bodies over
  // 4.5 MB, so no file can come through the app. The upload routes only hand out signed URLs.
  const uploadRoutes = anyPathExpression(waf.uploadPaths);
  const uploadScope = anyPathExpression(waf.uploadScopePaths);
  const isType = (t: string) => `starts_with(${CONTENT_TYPE}, ${quote(t)})`;
  const fileBody = [...FILE_BODY_TYPES, ...waf.uploadContentTypes].map(isType).join(" or ");
  const upload: RuleSpec[] = [
    {
      ref: "waf-file-upload",
      description: `Guide waf_rules: file_upload_validation — no file bodies under ${waf.uploadScopePaths.join(", ")}: files go to Supabase Storage with signed upload URLs (pages keep their multipart forms)`,
      expression: `${UPLOAD_METHODS} and ${wrap(uploadScope)} and (${fileBody})`,
      action: "block",
      enabled: true,
    },
    {
      ref: "waf-file-upload-type",
      description: `Guide waf_rules: file_upload_validation — the upload routes take only the ${SIGNED_URL_REQUEST_TYPE} request for a signed upload URL`,
      expression: `${UPLOAD_METHODS} and ${wrap(uploadRoutes)} and not ${isType(SIGNED_URL_REQUEST_TYPE)}`,
      action: "block",
      enabled: true,
    },
    {
      ref: "waf-file-upload-size",
      description: `Guide waf_rules: file_upload_validation — bodies under ${waf.uploadScopePaths.join(", ")} at most ${maxRequestBodyBytes} bytes (Vercel Functions' limit), length required on the upload routes`,
      expression: `${UPLOAD_METHODS} and ${wrap(uploadScope)} and (${CONTENT_LENGTH}[0] matches ${quote(greaterThanRegex(maxRequestBodyBytes))} or (${wrap(uploadRoutes)} and not ${HAS_CONTENT_LENGTH}))`,
      action: "block",
      enabled: true,
    },
  ];
  return [...signatures, ...upload];
}

function wrap(expression: string): string {
  return expression.startsWith("(") ? expression : `(${expression})`;
}
