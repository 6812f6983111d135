import * as pulumi from "@pulumi/pulumi";
import type { EdgeSettings } from "../../stacks/schema/edge";
import { GUIDE } from "../../stacks/guide";
import { mergeTags, platformTags, type Tags, toCloudflareTags } from "../shared/tags";
import { CacheRules } from "./cache-rules";
import { Dns } from "./dns";
import { HealthCheck } from "./health-check";
import { Performance } from "./performance";
import { RateLimits } from "./rate-limits";
import type { RulesetNaming } from "./ruleset";
import { SecurityHeaders } from "./security-headers";
import { PHASES, type Phase } from "./types";
import { Waf } from "./waf";
import { assertWebhookExemption, type WebhookExemption } from "./webhook-exemption";
import { ZoneSecurity } from "./zone-security";

export interface EdgeArgs {
  /** Project name, for physical names and tags. */
  project: string;
  /** Environment label, for physical names and tags (never branched on). */
  environment: string;
  /** Apex domain: the zone. */
  domain: string;
  /** Validated `promptandpause:edge` settings (guide values as defaults). */
  settings: EdgeSettings;
  /** Security contact (CAA iodef) and DMARC report address. */
  contacts: { security: string; dmarcReports: string };
  /** Where the app lives: Vercel's apex address and CNAME target, and its health endpoint. */
  origin: { apexIpv4: string; cname: string; healthCheckPath: string };
  /**
   * Largest request body the app accepts, bytes (Vercel Functions: 4.5 MB). Not the storage limit:
   * files never pass the edge; the browser uploads them to Supabase Storage with signed upload URLs,
   * and the bucket enforces the guide's 50 MB.
   */
  maxRequestBodyBytes: number;
  /** Protect the zone from deletion. @default false */
  protect?: boolean;
  /** Extra tags on DNS records, over the platform's. @default {} */
  tags?: Tags;
  /** Health-check regions and interval, owned by the monitoring layer. @default Cloudflare's */
  healthCheckSchedule?: { checkRegions?: string[]; intervalSeconds?: number };
  /**
   * Exact paths of the app's webhook routes (`AppOutputs.webhookPaths`). POSTs to exactly these
   * paths skip the OWASP Core Ruleset and leave the per-client rate-limit classes for their own
   * limit (`settings.webhooks`); see webhook-exemption.ts. @default [] (no exemption)
   */
  webhookPaths?: readonly string[];
}

/** Ruleset id of every phase the edge layer owns. */
export type RulesetIds = Record<Phase, pulumi.Output<string>>;

/** What the edge layer hands to the stack and the monitoring layer. */
export interface EdgeOutputs {
  zoneId: pulumi.Output<string>;
  zoneName: string;
  /** Name servers to set at the registrar. */
  nameServers: pulumi.Output<string[]>;
  /** DNSSEC DS record for the registrar ("" when DNSSEC is off). */
  dnssecDs: pulumi.Output<string>;
  rulesetIds: RulesetIds;
  /** For the monitoring layer's health-check alert (notification filter `health_check_id`). */
  healthCheckId: pulumi.Output<string>;
  healthCheckName: pulumi.Output<string>;
}

/**
 * Cloudflare in front of the app: the guide's traffic flow "User → CDN (HTTPS/TLS, edge cache) →
 * WAF (DDoS filter, rate limits) → health-checked origin", plus DNS and mail records.
 * Each ruleset phase is owned by exactly one child component.
 */
export class Edge extends pulumi.ComponentResource {
  readonly outputs: EdgeOutputs;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:edge:Edge", name, {}, opts);
    const s = args.settings;
    const naming: RulesetNaming = { project: args.project, environment: args.environment };
    const child = { parent: this };

    const zone = new ZoneSecurity(
      `${name}-zone-security`,
      { accountId: s.accountId, domain: args.domain, plan: s.plan, minTlsVersion: s.minTlsVersion, hsts: s.hsts, dnssec: s.dnssec, protect: args.protect ?? false },
      child,
    );
    const zoneId = zone.zoneId;
    const performance = new Performance(`${name}-performance`, { zoneId, naming, compressTypes: GUIDE.compression.types, tieredCache: s.tieredCache }, child);
    const dns = new Dns(
      `${name}-dns`,
      {
        zoneId,
        naming,
        domain: args.domain,
        apexIpv4: args.origin.apexIpv4,
        cname: args.origin.cname,
        email: s.email,
        dmarcReports: args.contacts.dmarcReports,
        securityContact: args.contacts.security,
        caaIssuers: s.caaIssuers,
        tags: s.plan === "free" ? [] : toCloudflareTags(mergeTags(platformTags(args.project, args.environment), args.tags)),
      },
      child,
    );
    const webhookPaths = args.webhookPaths ?? [];
    let webhookExemption: WebhookExemption | undefined;
    if (webhookPaths.length > 0) {
      webhookExemption = { paths: webhookPaths, ...s.webhooks };
      assertWebhookExemption(webhookExemption, `Edge "${name}"`);
    }
    const waf = new Waf(`${name}-waf`, { zoneId, naming, waf: s.waf, maxRequestBodyBytes: args.maxRequestBodyBytes, webhookExemption }, child);
    const rateLimits = new RateLimits(
      `${name}-rate-limits`,
      { zoneId, naming, plan: s.plan, classes: s.rateLimits.classes, action: s.rateLimits.action, webhookExemption },
      child,
    );
    const cache = new CacheRules(`${name}-cache`, { zoneId, naming, cache: s.cache }, child);
    const headers = new SecurityHeaders(
      `${name}-headers`,
      { zoneId, naming, headers: { hsts: s.hsts, ...s.headers, privateBrowserTtls: s.cache.privateBrowserTtls } },
      child,
    );
    const health = new HealthCheck(
      `${name}-health`,
      {
        zoneId,
        nameParts: [args.project, args.environment],
        host: args.domain,
        originAddress: args.origin.cname,
        path: s.healthCheck.path ?? args.origin.healthCheckPath,
        expectedCodes: s.healthCheck.expectedCodes,
        timeoutSeconds: s.healthCheck.timeoutSeconds,
        consecutiveFails: s.healthCheck.consecutiveFails,
        ...args.healthCheckSchedule,
      },
      child,
    );

    this.outputs = {
      zoneId,
      zoneName: args.domain,
      nameServers: zone.nameServers,
      dnssecDs: zone.dnssecDs,
      rulesetIds: {
        [PHASES.managedWaf]: waf.managedRulesetId,
        [PHASES.customWaf]: waf.customRulesetId,
        [PHASES.rateLimit]: rateLimits.rulesetId,
        [PHASES.cache]: cache.rulesetId,
        [PHASES.responseHeaders]: headers.rulesetId,
        [PHASES.compression]: performance.compressionRulesetId,
        [PHASES.redirect]: dns.redirectRulesetId,
      },
      healthCheckId: health.healthCheckId,
      healthCheckName: health.healthCheckName,
    };
    this.registerOutputs({ ...this.outputs, rulesetIds: this.outputs.rulesetIds });
  }
}
