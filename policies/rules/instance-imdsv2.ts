/**
 * instance-imdsv2: every EC2 instance and launch template requires IMDSv2 session tokens
 * (`metadataOptions.httpTokens: "required"`), and so does every other resource that starts
 * instances with its own metadata options (an auto-scaling launch configuration, a spot instance
 * request): otherwise switching to one of those would get IMDSv1 past the floor. With IMDSv1 a server-side request forgery (or a
 * forwarded packet) can read the instance role's credentials with one GET.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS_TYPES } from "../guide";
import type { InstanceMetadataInputs } from "../lib/shapes";
import { configWithDefaults } from "../lib/util";

export const configSchema = {
  properties: {
    maxPutResponseHopLimit: {
      type: "integer",
      minimum: 1,
      maximum: 64,
      description: "Largest metadataOptions.httpPutResponseHopLimit: 1 keeps tokens from being fetched through anything the instance forwards (2 is needed only for containers on the host).",
      default: 1,
    },
  },
} as const;

/** Every resource type that takes `metadataOptions` for the instances it starts (the same httpTokens / httpPutResponseHopLimit / httpEndpoint fields). */
const KINDS: Record<string, string> = {
  [AWS_TYPES.launchTemplate]: "Launch template",
  [AWS_TYPES.instance]: "EC2 instance",
  [AWS_TYPES.launchConfiguration]: "Launch configuration",
  [AWS_TYPES.spotInstanceRequest]: "Spot instance request",
};

export const imdsv2Required: ResourceValidationPolicy = {
  name: "instance-imdsv2",
  description: "Every EC2 instance, launch template, launch configuration and spot instance request requires IMDSv2 (metadataOptions.httpTokens \"required\").",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: (args, reportViolation) => {
    const { maxPutResponseHopLimit } = configWithDefaults({ maxPutResponseHopLimit: 1 }, args);
    const kind = KINDS[args.type];
    if (!kind) {
      args.notApplicable(`Policy only applies to resources of type ${Object.keys(KINDS).map((t) => `'${t}'`).join(", ")}`);
      return;
    }
    const options = (args.props as InstanceMetadataInputs).metadataOptions;
    if (options?.httpEndpoint === "disabled") return;
    if (options?.httpTokens !== "required") {
      reportViolation(`${kind} "${args.name}" sets metadataOptions.httpTokens to ${JSON.stringify(options?.httpTokens ?? null)} (AWS default: "optional", IMDSv1 allowed); set it to "required".`);
    }
    const hops = options?.httpPutResponseHopLimit;
    if (hops !== undefined && hops > maxPutResponseHopLimit) {
      reportViolation(`${kind} "${args.name}" sets metadataOptions.httpPutResponseHopLimit to ${hops}; at most ${maxPutResponseHopLimit} keeps metadata tokens on the instance.`);
    }
  },
};
