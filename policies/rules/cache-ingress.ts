/**
 * cache-ingress: the cache ports of every security group attached to an ElastiCache replication
 * group, cache cluster or serverless cache are open only to the application segment's security
 * group and to the configured Vercel Secure Compute CIDRs (never to a world-sized range, never to a prefix list). Rules that do not
 * reach the cache port (other ports of a shared database-segment group) are not this policy's.
 * A rule whose group id is not known yet (a new group in a real preview) cannot be matched and
 * is checked on the next run.
 */
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { CACHE_PORT } from "../guide";
import { CACHE_LAYER_TYPES as AWS_TYPES, type EcsServiceInputs, type IngressRuleInputs, type ReplicationGroupInputs, type SecurityGroupInputs, type SecurityGroupRuleInputs } from "../lib/aws-shapes";
import { reachesTcpPort } from "../lib/aws";
import { cidrContains, isWorldRange, parseCidr } from "../lib/cidr";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    allowedCidrs: {
      type: "array",
      items: { type: "string", minLength: 9 },
      description: "CIDR blocks allowed to reach the cache port: the stack's Vercel Secure Compute network (promptandpause:app.secureCompute.cidr), else none.",
      default: [],
    },
    allowPeeredNetworks: {
      type: "boolean",
      description:
        "Also allow a CIDR this stack routes through a VPC peering it accepts (Vercel Secure Compute: accepter + routes from app.secureCompute). Set false to allow only allowedCidrs.",
      default: true,
    },
    applicationSecurityGroupTag: {
      type: "object",
      properties: { key: { type: "string", minLength: 1 }, value: { type: "string", minLength: 1 } },
      required: ["key", "value"],
      additionalProperties: false,
      description: "Tag that marks the application segment's security group (besides the groups of ECS services).",
      default: { key: "segment", value: "application" },
    },
  },
} as const;

interface Config {
  allowedCidrs: string[];
  allowPeeredNetworks: boolean;
  applicationSecurityGroupTag: { key: string; value: string };
}

interface Source {
  label: string;
  urn: string;
  cidrs: string[];
  /** Each source group as the set of names it is known by: its id and, when in the stack, its URN. */
  securityGroups: Array<{ text: string; keys: Set<string> }>;
  prefixLists: string[];
  reachesPort: boolean;
  /** The target group's id and URN (when the group is in the stack). */
  groupKeys: Set<string>;
  groupText: string;
}

/**
 * How a resource names a group in one property: the literal ids and the URNs of the resources the
 * property depends on. The plan sees inputs (ids of groups in the stack are resolved outputs of
 * those groups); the engine sees outputs; both carry property dependencies. Matching on either
 * keeps the check right in both.
 */
function keysOf(resource: PolicyResource, prop: string, literals: ReadonlyArray<string | undefined>): Set<string> {
  const keys = new Set<string>(literals.filter((l): l is string => typeof l === "string" && l.length > 0));
  for (const dep of resource.propertyDependencies?.[prop] ?? []) keys.add(dep.urn);
  return keys;
}

function overlaps(a: Set<string>, b: Set<string>): boolean {
  for (const k of a) if (b.has(k)) return true;
  return false;
}

function ingressSources(resources: PolicyResource[], port: number): Source[] {
  const out: Source[] = [];
  for (const r of resources) {
    if (r.type === AWS_TYPES.ingressRule) {
      const p = r.props as IngressRuleInputs;
      out.push({
        label: `Ingress rule "${r.name}"`,
        urn: r.urn,
        cidrs: [p.cidrIpv4, p.cidrIpv6].filter((c): c is string => typeof c === "string"),
        securityGroups: p.referencedSecurityGroupId ? [{ text: p.referencedSecurityGroupId, keys: keysOf(r, "referencedSecurityGroupId", [p.referencedSecurityGroupId]) }] : [],
        prefixLists: p.prefixListId ? [p.prefixListId] : [],
        reachesPort: reachesTcpPort(p.ipProtocol, p.fromPort, p.toPort, port),
        groupKeys: keysOf(r, "securityGroupId", [p.securityGroupId]),
        groupText: p.securityGroupId,
      });
    } else if (r.type === AWS_TYPES.securityGroupRule && (r.props as SecurityGroupRuleInputs).type === "ingress") {
      const p = r.props as SecurityGroupRuleInputs;
      const groupKeys = keysOf(r, "securityGroupId", [p.securityGroupId]);
      const source = p.sourceSecurityGroupId ? { text: p.sourceSecurityGroupId, keys: keysOf(r, "sourceSecurityGroupId", [p.sourceSecurityGroupId]) } : p.self ? { text: p.securityGroupId, keys: groupKeys } : undefined;
      out.push({
        label: `Security group rule "${r.name}"`,
        urn: r.urn,
        cidrs: [...(p.cidrBlocks ?? []), ...(p.ipv6CidrBlocks ?? [])],
        securityGroups: source ? [source] : [],
        prefixLists: p.prefixListIds ?? [],
        reachesPort: reachesTcpPort(p.protocol, p.fromPort, p.toPort, port),
        groupKeys,
        groupText: p.securityGroupId,
      });
    } else if (r.type === AWS_TYPES.securityGroup) {
      const p = r.props as SecurityGroupInputs;
      const groupKeys = new Set([r.urn]);
      (p.ingress ?? []).forEach((rule, i) => {
        out.push({
          label: `Inline ingress #${i} of security group "${r.name}"`,
          urn: r.urn,
          cidrs: [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])],
          securityGroups: [...(rule.securityGroups ?? []).map((sg) => ({ text: sg, keys: keysOf(r, "ingress", [sg]) })), ...(rule.self ? [{ text: r.name, keys: groupKeys }] : [])],
          prefixLists: rule.prefixListIds ?? [],
          reachesPort: reachesTcpPort(rule.protocol, rule.fromPort, rule.toPort, port),
          groupKeys,
          groupText: r.name,
        });
      });
    }
  }
  return out;
}

/** Destinations this stack routes through a VPC peering it accepts (the Secure Compute network). */
function peeredCidrs(resources: PolicyResource[]): string[] {
  const accepters = new Set<string>();
  for (const r of resources) {
    if (r.type !== AWS_TYPES.peeringAccepter) continue;
    accepters.add(r.urn);
    const id = (r.props as { vpcPeeringConnectionId?: string }).vpcPeeringConnectionId;
    if (id) accepters.add(id);
  }
  const out: string[] = [];
  for (const r of resources) {
    if (r.type !== AWS_TYPES.route) continue;
    const p = r.props as { destinationCidrBlock?: string; vpcPeeringConnectionId?: string };
    if (p.destinationCidrBlock && overlaps(keysOf(r, "vpcPeeringConnectionId", [p.vpcPeeringConnectionId]), accepters)) out.push(p.destinationCidrBlock);
  }
  return [...new Set(out)];
}

export function validateCacheIngress(args: StackValidationArgs, reportViolation: ReportViolation): void {
  // Every cache the stack runs, however it is declared, and the ports each serves (a serverless
  // cache answers on 6379 and, for reads from replicas, 6380).
  const CACHE_TYPES: readonly string[] = [AWS_TYPES.replicationGroup, AWS_TYPES.cacheCluster, AWS_TYPES.serverlessCache];
  const groups = args.resources.filter((r) => CACHE_TYPES.includes(r.type));
  if (groups.length === 0) {
    args.notApplicable("The stack has no ElastiCache replication group, cluster or serverless cache.");
    return;
  }
  const ports = new Set(groups.flatMap((g) => (g.type === AWS_TYPES.serverlessCache ? [CACHE_PORT, CACHE_PORT + 1] : [(g.props as { port?: number }).port ?? CACHE_PORT])));
  const cfg = configFrom<Config>(configSchema, args);
  const cacheGroups = new Set<string>();
  for (const g of groups) for (const k of keysOf(g, "securityGroupIds", (g.props as ReplicationGroupInputs).securityGroupIds ?? [])) cacheGroups.add(k);
  const allowedGroups = new Set<string>();
  for (const r of args.resources) {
    if (r.type === AWS_TYPES.ecsService) {
      for (const k of keysOf(r, "networkConfiguration", (r.props as EcsServiceInputs).networkConfiguration?.securityGroups ?? [])) allowedGroups.add(k);
    }
    if (r.type === AWS_TYPES.securityGroup && (r.props as SecurityGroupInputs).tags?.[cfg.applicationSecurityGroupTag.key] === cfg.applicationSecurityGroupTag.value) allowedGroups.add(r.urn);
  }
  const peered = cfg.allowPeeredNetworks ? peeredCidrs(args.resources) : [];
  const allowedTexts = [...new Set([...cfg.allowedCidrs, ...peered])];
  const allowedCidrs = allowedTexts.map(parseCidr).filter((c) => c !== undefined);
  // A rule that opens several cache ports is reported once, at the first port it opens. Keyed by
  // label too: a group's inline rules share its URN and are reported one by one.
  const reported = new Set<string>();
  for (const port of ports) {
    for (const source of ingressSources(args.resources, port)) {
      const key = `${source.urn} ${source.label}`;
      if (reported.has(key) || !overlaps(source.groupKeys, cacheGroups) || !source.reachesPort) continue;
      const report = (message: string) => {
        reported.add(key);
        reportViolation(message, source.urn);
      };
      const where = `${source.label} opens the cache's security group ${source.groupText} on port ${port}`;
      if (source.cidrs.length > 0 && isWorldRange(source.cidrs)) {
        report(`${where} to a world-sized range (${source.cidrs.join(", ")}). Only the application segment and the Vercel Secure Compute network may reach the cache.`);
        continue;
      }
      for (const text of source.cidrs) {
        const cidr = parseCidr(text);
        if (!cidr || !allowedCidrs.some((allowed) => cidrContains(allowed, cidr))) {
          const allowed = allowedTexts.length > 0 ? `the Secure Compute CIDRs (${allowedTexts.join(", ")})` : "any allowed CIDR (no Secure Compute CIDR is configured or peered)";
          report(`${where} to ${text}, outside ${allowed}. Add the Secure Compute CIDR to this policy's allowedCidrs, or remove the rule.`);
        }
      }
      for (const sg of source.securityGroups) {
        if (!overlaps(sg.keys, allowedGroups)) report(`${where} to security group ${sg.text}, which is not the application segment's. Only the application segment and the Vercel Secure Compute network may reach the cache.`);
      }
      for (const pl of source.prefixLists) report(`${where} to prefix list ${pl}; prefix lists can grow without review. Use the application security group or the Secure Compute CIDR.`);
    }
  }
}

export const cacheIngress: StackValidationPolicy = {
  name: "cache-ingress",
  description: "The cache port is reachable only from the application segment's security group and the configured Vercel Secure Compute CIDR; never from a world-sized range.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateCacheIngress,
};
