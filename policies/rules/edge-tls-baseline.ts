/**
 * edge-tls-baseline: the Cloudflare zone encrypts end to end and never serves plain HTTP:
 * SSL mode strict (Full (strict): the origin certificate is validated), minimum TLS version at
 * least 1.2, and Always Use HTTPS on (the guide's port 80 → HTTPS redirect).
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { PHASES, TLS, TYPES } from "../guide";
import { configFrom, enabledRules, hasType, ruleLabel, rulesetsInPhase, zoneSettings } from "../lib/util";

export const configSchema = {
  properties: {
    allowedSslModes: {
      type: "array",
      items: { type: "string", enum: ["strict", "origin_pull", "full", "flexible", "off"] },
      minItems: 1,
      description: "Accepted values of the zone's `ssl` setting.",
      default: TLS.sslModes,
    },
    minTlsVersion: {
      type: "string",
      enum: ["1.0", "1.1", "1.2", "1.3"],
      description: "Lowest acceptable value of the zone's `min_tls_version` setting.",
      default: TLS.minTlsVersion,
    },
  },
} as const;

interface Config {
  allowedSslModes: string[];
  minTlsVersion: string;
}

export function validateEdgeTlsBaseline(args: StackValidationArgs, reportViolation: ReportViolation): void {
  if (!hasType(args.resources, TYPES.zone)) args.notApplicable("The stack has no Cloudflare zone.");
  const cfg = configFrom<Config>(configSchema, args);
  const settings = zoneSettings(args.resources);
  const missing = (id: string, value: string) =>
    reportViolation(`The zone setting "${id}" is not managed by this stack. Add a cloudflare.ZoneSetting with settingId "${id}" and value "${value}".`);

  const ssl = settings.get("ssl");
  if (!ssl) missing("ssl", cfg.allowedSslModes[0] ?? "strict");
  else if (!cfg.allowedSslModes.includes(String(ssl.props.value))) {
    reportViolation(`Zone setting "${ssl.resource.name}" sets ssl to "${String(ssl.props.value)}"; it must be one of ${cfg.allowedSslModes.join(", ")} (Full (strict) validates the origin certificate).`, ssl.resource.urn);
  }

  // Configuration Rules override the zone's SSL mode for the requests they match: the floor holds
  // there too (a "flexible" rule on /api/* would send API traffic to the origin unencrypted).
  for (const { ruleset, rule, index } of enabledRules(rulesetsInPhase(args.resources, PHASES.config))) {
    const mode = rule.action === "set_config" ? rule.actionParameters?.ssl : undefined;
    if (mode !== undefined && !cfg.allowedSslModes.includes(mode)) {
      reportViolation(`${ruleLabel(ruleset, rule, index)} sets ssl to "${mode}" where "${rule.expression}" matches; it must be one of ${cfg.allowedSslModes.join(", ")} for every request.`, ruleset.resource.urn);
    }
  }

  const tls = settings.get("mintlsversion");
  if (!tls) missing("min_tls_version", cfg.minTlsVersion);
  else if (!(Number.parseFloat(String(tls.props.value)) >= Number.parseFloat(cfg.minTlsVersion))) {
    reportViolation(`Zone setting "${tls.resource.name}" sets min_tls_version to "${String(tls.props.value)}"; it must be at least "${cfg.minTlsVersion}".`, tls.resource.urn);
  }

  const https = settings.get("alwaysusehttps");
  if (!https) missing("always_use_https", TLS.alwaysUseHttps);
  else if (https.props.value !== TLS.alwaysUseHttps) {
    reportViolation(`Zone setting "${https.resource.name}" sets always_use_https to "${String(https.props.value)}"; it must be "${TLS.alwaysUseHttps}" so plain HTTP is redirected to HTTPS.`, https.resource.urn);
  }
}

export const edgeTlsBaseline: StackValidationPolicy = {
  name: "edge-tls-baseline",
  description: "The Cloudflare zone uses SSL mode strict, a minimum TLS version of at least 1.2, and Always Use HTTPS.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateEdgeTlsBaseline,
};
