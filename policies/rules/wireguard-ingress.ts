/**
 * wireguard-ingress: the WireGuard gateway's security group (its rules carry the tag
 * `promptandpause:role = wireguard-gateway`) opens only UDP 51820, only from address ranges, and
 * never to the world: not one rule, nor all of them together (the union check of
 * policies/lib/cidr.ts). When the stack's policy config lists `allowedSources` (the development
 * network's ranges), every rule's range must be one of them.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { AWS_TYPES } from "../guide";
import { isWorldRange } from "../lib/cidr";
import type { SecurityGroupIngressRuleInputs } from "../lib/shapes";
import { configFrom } from "../lib/util";
import { WIREGUARD_PORT, WIREGUARD_ROLE_TAG } from "../lib/vpn";

export const configSchema = {
  properties: {
    allowedSources: {
      type: "array",
      items: { type: "string", minLength: 9 },
      description: "The development network's CIDRs: the only sources a WireGuard ingress rule may name. Empty: any range that is not the world.",
      default: [],
    },
  },
} as const;

interface Config {
  allowedSources: string[];
}

function isWireGuardRule(r: PolicyResource): boolean {
  return r.type === AWS_TYPES.ingressRule && (r.props as SecurityGroupIngressRuleInputs).tags?.[WIREGUARD_ROLE_TAG.key] === WIREGUARD_ROLE_TAG.value;
}

export const wireguardIngress: StackValidationPolicy = {
  name: "wireguard-ingress",
  description: `The WireGuard gateway's security group opens only UDP ${WIREGUARD_PORT}, only from the configured development ranges, never from the whole internet.`,
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: (args, reportViolation) => {
    const cfg = configFrom<Config>(configSchema, args);
    const rules = args.resources.filter(isWireGuardRule);
    const sources: string[] = [];
    for (const r of rules) {
      const p = r.props as SecurityGroupIngressRuleInputs;
      const name = `WireGuard ingress rule "${r.name}"`;
      if (p.ipProtocol !== "udp" || p.fromPort !== WIREGUARD_PORT || p.toPort !== WIREGUARD_PORT) {
        reportViolation(`${name} opens ${p.ipProtocol} ${p.fromPort ?? "any"}-${p.toPort ?? "any"}; the gateway may open only udp ${WIREGUARD_PORT}.`, r.urn);
      }
      const cidr = p.cidrIpv4 ?? p.cidrIpv6;
      if (cidr === undefined) {
        reportViolation(`${name} names no address range (prefix list or security group source); list the development network's CIDRs.`, r.urn);
        continue;
      }
      sources.push(cidr);
      if (isWorldRange([cidr])) reportViolation(`${name} admits ${cidr}, the whole internet; admit only the development network's ranges.`, r.urn);
      else if (cfg.allowedSources.length > 0 && !cfg.allowedSources.includes(cidr)) {
        reportViolation(`${name} admits ${cidr}, which is not one of the configured development ranges (${cfg.allowedSources.join(", ")}).`, r.urn);
      }
    }
    if (sources.length > 1 && isWorldRange(sources) && !sources.some((c) => isWorldRange([c]))) {
      reportViolation(`The WireGuard ingress rules together admit ${sources.join(", ")}: at least a quarter of the address space, the whole internet in effect. Admit only the development network's ranges.`);
    }
  },
};
