/**
 * The pack's evaluator (policies/lib/expression.ts, issue 14 item 9) follows Cloudflare's header
 * case rule (issue 14 item 2): the `http.request.headers` map has lower-case keys only, while
 * `http.request.headers.names` keeps the client's case (HTTP/1.1 `Content-Length`, HTTP/2
 * `content-length`). A rule that relies on a header name's case matches for some clients only, so
 * it never counts as coverage: the policy must not accept a WAF family that HTTP/1.1 clients get
 * past.
 */
import { describe, expect, it } from "vitest";
import { matchesProbe, type ProbeRequest, type Truth } from "../../policies/lib/expression";
import { compliantStack, customWafRuleset, replace, ruleset, urnOf, WAF_FAMILY_EXPRESSIONS } from "./fixtures";
import { violation, violationsOf } from "./helpers";

const UPLOAD: ProbeRequest = { path: "/api/zz-probe", method: "POST", headers: { "content-type": ["multipart/form-data; boundary=x"], "content-length": ["1024"] } };

describe("header names are known only up to case; the header map's keys are lower case", () => {
  it.each<[string, string, Truth]>([
    ["names eq a lower-case name holds for HTTP/2 clients only", 'any(http.request.headers.names[*] eq "content-length")', undefined],
    ["names eq the HTTP/1.1 spelling holds for HTTP/1.1 clients only", 'any(http.request.headers.names[*] eq "Content-Length")', undefined],
    ["the pre-item-2 size check's missing-length test is not known false", 'not any(http.request.headers.names[*] eq "content-length")', undefined],
    ["lower(names) is known (Cloudflare's documented form)", 'any(lower(http.request.headers.names[*])[*] eq "content-length")', true],
    ["upper(names) is known", 'any(upper(http.request.headers.names[*]) eq "CONTENT-LENGTH")', true],
    ["a name the request lacks is false in every case", 'any(http.request.headers.names[*] eq "X-Csrf-Token")', false],
    ["contains a letter-free part is known", 'any(http.request.headers.names[*] contains "-")', true],
    ["contains a lettered part depends on the case", 'any(http.request.headers.names[*] contains "length")', undefined],
    ["wildcard is case-insensitive, so known", 'any(http.request.headers.names[*] wildcard "Content-*")', true],
    ["in {…} depends on the case", 'http.request.headers.names[0] in {"content-type" "content-length"}', undefined],
    ["len does not depend on the case", 'len(http.request.headers.names[0]) eq 12', true],
    ["the map read with the lower-case key", 'any(http.request.headers["content-length"][*] matches "^[0-9]+$")', true],
    ["the map read with a capitalised key finds nothing", 'any(http.request.headers["Content-Length"][*] matches "^[0-9]+$")', false],
    ["a header the request lacks spreads to nothing: any() is false", 'any(http.request.headers["transfer-encoding"][*] eq "chunked")', false],
    ["… and all() is true", 'all(http.request.headers["transfer-encoding"][*] eq "chunked")', true],
    ["a capitalised key's value is absent", 'starts_with(lower(http.request.headers["Content-Type"][0]), "multipart/form-data")', false],
  ])("%s", (_title, expression, expected) => {
    expect(matchesProbe(expression, UPLOAD)).toBe(expected);
  });
});

describe("waf-baseline: an upload family that depends on header case does not block the probe", () => {
  const urn = urnOf("cloudflare:index/ruleset:Ruleset", "edge-waf-custom");
  const withUploadRule = (expression: string) =>
    replace(
      compliantStack(),
      ruleset(
        "edge-waf-custom",
        "http_request_firewall_custom",
        (customWafRuleset().inputs.rules as Record<string, unknown>[]).map((r) => (r.ref === "waf-file-upload" ? { ...r, expression } : r)),
      ),
    );
  const notBlocked = violation(
    "waf-baseline",
    `rule ref "waf-file-upload" of ruleset "edge-waf-custom" does not block a multipart upload POSTed to an API route that is not an upload route (POST /api/zz-probe) whatever its host or source: no enabled blocking rule of the family matches it. The guide's file-upload protection must cover every request.`,
    urn,
  );
  const BODY = 'starts_with(lower(http.request.headers["content-type"][0]), "multipart/form-data")';

  it.each<[string, string, ReturnType<typeof violation>[]]>([
    ["the rule as the edge registers it", WAF_FAMILY_EXPRESSIONS["waf-file-upload"] as string, []],
    ["gated on the lower-case header name (misses HTTP/1.1 clients)", `any(http.request.headers.names[*] eq "content-type") and ${BODY}`, [notBlocked]],
    ["gated on the HTTP/1.1 spelling (misses HTTP/2 clients)", `any(http.request.headers.names[*] eq "Content-Type") and ${BODY}`, [notBlocked]],
    ["gated on lower(names): every client", `any(lower(http.request.headers.names[*])[*] eq "content-type") and ${BODY}`, []],
    ["the type read with a capitalised map key (never present)", 'starts_with(lower(http.request.headers["Content-Type"][0]), "multipart/form-data")', [notBlocked]],
  ])("%s", async (_title, expression, expected) => {
    expect(await violationsOf("waf-baseline", withUploadRule(expression))).toEqual(expected);
  });
});
