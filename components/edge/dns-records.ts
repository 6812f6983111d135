/**
 * The zone's DNS records as data: the app (apex and www, proxied to Vercel), the records Resend
 * needs to send mail as the domain (return-path MX + SPF, DKIM, DMARC), inbound mail for the apex
 * (the mailbox provider's MX and SPF include), DMARC report authorizations for other domains, and CAA.
 */
import { quote } from "./expressions";
import type { RuleSpec } from "./types";

export interface DnsRecordSpec {
  /** Logical role, used in the child's name (`<name>-record-<role>`). */
  role: string;
  type: "A" | "CNAME" | "MX" | "TXT" | "CAA";
  /** Fully qualified name (the API returns FQDNs; `@` would diff forever). */
  name: string;
  content?: string;
  data?: { flags: number; tag: string; value: string };
  priority?: number;
  proxied: boolean;
  comment: string;
}

export interface DnsInputs {
  domain: string;
  apexIpv4: string;
  cname: string;
  email: {
    dkim: ReadonlyArray<{ name: string; value: string }>;
    resendRegion: string;
    returnPathSubdomain: string;
    dmarcPolicy: string;
    /** Apex MX records of the mailbox provider; empty: no inbound mail (mail to the domain bounces). */
    inboundMx: ReadonlyArray<{ host: string; priority: number }>;
    /** `include:` domains of the apex SPF record; empty: no SPF record at the apex. */
    apexSpfIncludes: readonly string[];
    /** Other domains whose DMARC reports this domain accepts (`<other>._report._dmarc.<domain>`). */
    dmarcReportsFor: readonly string[];
  };
  dmarcReports: string;
  securityContact: string;
  caaIssuers: readonly string[];
}

/**
 * TXT content in quotes, split into 255-character strings (RFC 1035 character-strings); the
 * Cloudflare API stores TXT content quoted, so unquoted content would show a diff on every run.
 */
export function txtContent(value: string): string {
  const chunks: string[] = [];
  for (let i = 0; i < value.length; i += 255) chunks.push(quote(value.slice(i, i + 255)));
  return chunks.join(" ");
}

export function dmarcValue(policy: string, reports: string): string {
  return `v=DMARC1; p=${policy}; rua=mailto:${reports}; adkim=r; aspf=r`;
}

/** The apex SPF policy: the mailbox provider's includes, soft-fail for everything else (as Resend's record). */
export function apexSpfValue(includes: readonly string[]): string {
  return ["v=spf1", ...includes.map((d) => `include:${d}`), "~all"].join(" ");
}

/** RFC 7489 §7.1: the record by which `domain` accepts DMARC reports about `other`. */
export function dmarcReportAuthorizationName(other: string, domain: string): string {
  return `${other}._report._dmarc.${domain}`;
}

/** A record role from a host name (`promptandpause-staging.com` → `promptandpause-staging-com`). */
function roleOf(host: string): string {
  return host.replace(/[^a-z0-9]+/g, "-");
}

export function dnsRecords(inp: DnsInputs): DnsRecordSpec[] {
  const d = inp.domain;
  const returnPath = `${inp.email.returnPathSubdomain}.${d}`;
  return [
    { role: "apex", type: "A", name: d, content: inp.apexIpv4, proxied: true, comment: "App (Vercel), through Cloudflare" },
    { role: "www", type: "CNAME", name: `www.${d}`, content: inp.cname, proxied: true, comment: "www (redirected to the apex at the edge)" },
    {
      role: "mail-mx",
      type: "MX",
      name: returnPath,
      content: `feedback-smtp.${inp.email.resendRegion}.amazonses.com`,
      priority: 10,
      proxied: false,
      comment: "Resend return path (bounces)",
    },
    { role: "mail-spf", type: "TXT", name: returnPath, content: txtContent("v=spf1 include:amazonses.com ~all"), proxied: false, comment: "Resend SPF" },
    ...inp.email.dkim.map(
      (k, i): DnsRecordSpec => ({ role: `mail-dkim-${i}`, type: "TXT", name: `${k.name}.${d}`, content: txtContent(k.value), proxied: false, comment: "Resend DKIM" }),
    ),
    { role: "mail-dmarc", type: "TXT", name: `_dmarc.${d}`, content: txtContent(dmarcValue(inp.email.dmarcPolicy, inp.dmarcReports)), proxied: false, comment: "DMARC" },
    ...inp.email.inboundMx.map(
      (mx, i): DnsRecordSpec => ({ role: `mail-inbound-mx-${i}`, type: "MX", name: d, content: mx.host, priority: mx.priority, proxied: false, comment: "Inbound mail for the domain (mailbox provider)" }),
    ),
    ...(inp.email.apexSpfIncludes.length > 0
      ? [{ role: "mail-apex-spf", type: "TXT", name: d, content: txtContent(apexSpfValue(inp.email.apexSpfIncludes)), proxied: false, comment: "SPF for mail sent as the domain (mailbox provider)" } satisfies DnsRecordSpec]
      : []),
    ...inp.email.dmarcReportsFor.map(
      (other): DnsRecordSpec => ({
        role: `mail-dmarc-report-auth-${roleOf(other)}`,
        type: "TXT",
        name: dmarcReportAuthorizationName(other, d),
        content: txtContent("v=DMARC1"),
        proxied: false,
        comment: `Accept DMARC reports about ${other} (RFC 7489 7.1)`,
      }),
    ),
    ...inp.caaIssuers.map((issuer, i): DnsRecordSpec => ({ role: `caa-${i}`, type: "CAA", name: d, data: { flags: 0, tag: "issue", value: issuer }, proxied: false, comment: `CAA: ${issuer} may issue` })),
    { role: "caa-iodef", type: "CAA", name: d, data: { flags: 0, tag: "iodef", value: `mailto:${inp.securityContact}` }, proxied: false, comment: "CAA: report refused issuance" },
  ];
}

/** `http_request_dynamic_redirect`: www → apex, path and query kept, permanent. */
export function wwwRedirectRules(domain: string): RuleSpec[] {
  return [
    {
      ref: "redirect-www-to-apex",
      description: `www.${domain} → ${domain}`,
      expression: `http.host eq ${quote(`www.${domain}`)}`,
      action: "redirect",
      enabled: true,
      actionParameters: {
        fromValue: { statusCode: 301, preserveQueryString: true, targetUrl: { expression: `concat(${quote(`https://${domain}`)}, http.request.uri.path)` } },
      },
    },
  ];
}
