/**
 * network-no-world-ingress: security groups admit a world range only on the platform's real public
 * entry points. On AWS there are none by default: the guide's 443/80 are taken at the Cloudflare
 * edge (docs/network.md "Firewall map"); the WireGuard endpoint admits only the development
 * network. A stack that adds a public listener lists it in `publicEntryPoints` (port + protocol).
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { admitsPort, ingressPermissions } from "../lib/aws";
import { isWorldRange } from "../lib/cidr";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    publicEntryPoints: {
      type: "array",
      items: { type: "object", properties: { port: { type: "integer", minimum: 0, maximum: 65535 }, protocol: { type: "string", enum: ["tcp", "udp"] } }, required: ["port", "protocol"], additionalProperties: false },
      description: "Ports where a world range may connect (none on AWS today).",
      default: [],
    },
  },
} as const;

export function validateWorldIngress(args: StackValidationArgs, reportViolation: ReportViolation): void {
  const { publicEntryPoints } = configFrom<{ publicEntryPoints: Array<{ port: number; protocol: "tcp" | "udp" }> }>(configSchema, args);
  const perms = ingressPermissions(args.resources);
  const groups = new Map<string, typeof perms>();
  for (const perm of perms) groups.set(perm.group, [...(groups.get(perm.group) ?? []), perm]);
  for (const [group, list] of groups) {
    // The set of rules covering a port only changes at a rule's first port, so those are the ports to test.
    const candidates = new Set<string>();
    for (const perm of list) for (const protocol of ["tcp", "udp"] as const) candidates.add(`${protocol}/${perm.fromPort}`);
    for (const candidate of candidates) {
      const [protocol, portText] = candidate.split("/") as ["tcp" | "udp", string];
      const port = Number(portText);
      const admitting = list.filter((p) => admitsPort(p, port, protocol));
      if (admitting.length === 0 || !isWorldRange(admitting.flatMap((p) => p.cidrs))) continue;
      const allowed = publicEntryPoints.some((e) => e.protocol === protocol && e.port === port && admitting.every((p) => p.fromPort === port && p.toPort === port));
      if (!allowed) {
        reportViolation(`Security group ${group} admits ${protocol} ${port}${admitting.some((p) => p.toPort > p.fromPort) ? ` (in a range up to ${Math.max(...admitting.map((p) => p.toPort))})` : ""} from a world range, and it is not a public entry point. Restrict the source, or list the port in publicEntryPoints if a public listener really exists.`, admitting[0]?.urn);
        break;
      }
    }
  }
}

export const networkNoWorldIngress: StackValidationPolicy = {
  name: "network-no-world-ingress",
  description: "Security groups admit a world range only on the platform's real public entry points.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as StackValidationPolicy["configSchema"],
  validateStack: validateWorldIngress,
};
