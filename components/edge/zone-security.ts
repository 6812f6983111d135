import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { statefulOptions } from "../shared/stateful";
import type { PlanTier } from "./plans";
import type { HstsSettings, MinTlsVersion } from "./types";

/** Plans a zone subscription can select by API; Free is every zone's default and Enterprise is set by contract. */
const SELF_SERVE_PAID_PLANS: readonly PlanTier[] = ["pro", "business"];

/** The guide's HSTS: max-age one year, includeSubDomains, no preload. */
export const DEFAULT_HSTS: HstsSettings = { enabled: true, maxAgeSeconds: 31_536_000, includeSubdomains: true, preload: false };

export interface ZoneSecurityArgs {
  /** Cloudflare account that owns the zone. */
  accountId: string;
  /** Apex domain (the zone name). */
  domain: string;
  /** Zone plan. Pro and Business are subscribed here; Free is the default; Enterprise is contracted. Cost: paid plans bill monthly. */
  plan: PlanTier;
  /**
   * Lowest TLS version accepted. Security: 1.0 and 1.1 are deprecated; the policy
   * `edge-tls-baseline` refuses anything below 1.2. @default "1.2"
   */
  minTlsVersion?: MinTlsVersion;
  /**
   * HSTS sent by the zone's security_header setting. Security: the policy `security-headers`
   * refuses it off or weaker than the guide. @default enabled, max-age 31536000, includeSubDomains, no preload
   */
  hsts?: HstsSettings;
  /** Sign the zone with DNSSEC. @default true */
  dnssec?: boolean;
  /** Protect the zone from deletion (and retain it if removed from the program). @default false */
  protect?: boolean;
}

/** One zone setting: its v6 (API, snake_case) id and value. */
export interface ZoneSettingSpec {
  id: string;
  value: unknown;
}

/**
 * The zone's TLS and HTTPS settings. Setting ids and nested value keys are the API's snake_case:
 * the provider passes `value` through untouched, so camelCase keys would never match what the API
 * returns and show a diff on every run.
 */
export function zoneSettingSpecs(args: Required<Pick<ZoneSecurityArgs, "minTlsVersion" | "hsts">>): ZoneSettingSpec[] {
  return [
    { id: "ssl", value: "strict" },
    { id: "min_tls_version", value: args.minTlsVersion },
    { id: "tls_1_3", value: "on" },
    { id: "always_use_https", value: "on" },
    { id: "automatic_https_rewrites", value: "on" },
    {
      id: "security_header",
      value: {
        strict_transport_security: {
          enabled: args.hsts.enabled,
          max_age: args.hsts.maxAgeSeconds,
          include_subdomains: args.hsts.includeSubdomains,
          preload: args.hsts.preload,
          nosniff: true,
        },
      },
    },
  ];
}

/**
 * The zone, its plan, and the guide's "HTTPS/TLS" step of the traffic flow: SSL Full (strict),
 * the configured minimum TLS version (1.2 by default) with 1.3 on, port 80 → 443 (Always Use HTTPS),
 * HSTS, DNSSEC.
 */
export class ZoneSecurity extends pulumi.ComponentResource {
  readonly zone: cloudflare.Zone;
  /** The plan subscription (Pro or Business), or undefined on Free and Enterprise. */
  readonly subscription: cloudflare.ZoneSubscription | undefined;
  /**
   * The zone id to build on. When a plan is subscribed here it resolves only once the subscription
   * exists, so every resource created from it waits for the paid plan: rulesets that need it (five
   * rate-limit rules with 120 s periods, the `matches` operator, managed WAF rulesets), the health
   * check and tagged DNS records would otherwise race the upgrade and fail on the Free plan every
   * new zone starts on.
   */
  readonly zoneId: pulumi.Output<string>;
  readonly nameServers: pulumi.Output<string[]>;
  /** DS record to add at the registrar (empty when DNSSEC is off). */
  readonly dnssecDs: pulumi.Output<string>;

  constructor(name: string, args: ZoneSecurityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:edge:ZoneSecurity", name, {}, opts);
    const minTlsVersion = args.minTlsVersion ?? "1.2";
    const hsts = args.hsts ?? DEFAULT_HSTS;
    const dnssec = args.dnssec ?? true;

    this.zone = new cloudflare.Zone(`${name}-zone`, { account: { id: args.accountId }, name: args.domain, type: "full" }, { parent: this, ...statefulOptions(args.protect ?? false) });
    const zoneId = this.zone.id;
    this.nameServers = this.zone.nameServers;

    this.subscription = SELF_SERVE_PAID_PLANS.includes(args.plan)
      ? new cloudflare.ZoneSubscription(`${name}-plan`, { zoneId, frequency: "monthly", ratePlan: { id: args.plan } }, { parent: this })
      : undefined;
    // Carries the subscription as a dependency of everything built on it (Output resources).
    this.zoneId = this.subscription ? pulumi.all([zoneId, this.subscription.id]).apply(([id]) => id) : zoneId;

    // TLS, HTTPS and DNSSEC are on every plan: they need not wait for the subscription.
    for (const setting of zoneSettingSpecs({ minTlsVersion, hsts })) {
      new cloudflare.ZoneSetting(`${name}-setting-${setting.id.replace(/_/g, "-")}`, { zoneId, settingId: setting.id, value: setting.value }, { parent: this });
    }
    this.dnssecDs = dnssec ? new cloudflare.ZoneDnssec(`${name}-dnssec`, { zoneId, status: "active" }, { parent: this }).ds : pulumi.output("");

    this.registerOutputs({ zoneId: this.zoneId, nameServers: this.nameServers, dnssecDs: this.dnssecDs });
  }
}
