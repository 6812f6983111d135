/**
 * instance-imdsv2: every EC2 instance and launch template requires IMDSv2 session tokens
 * (`metadataOptions.httpTokens: "required"`), and so does every other resource that starts
 * instances with its own metadata options (an auto-scaling launch configuration, a spot instance
 * request, an Image Builder infrastructure configuration, the account's metadata defaults; a spot
 * fleet may not use launch specifications, which have none): otherwise switching to one of those
 * would get IMDSv1 past the floor. With IMDSv1 a server-side request forgery (or a
 * forwarded packet) can read the instance role's credentials with one GET.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { AWS_TYPES } from "../guide";
import type { InstanceMetadataInputs } from "../lib/shapes";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    maxPutResponseHopLimit: {
      type: "integer",
      minimum: 1,
      // EC2 accepts up to 64 hops; more than 2 lets a token travel past the containers on the
      // host (which need 2), so the config cannot loosen the floor beyond that.
      maximum: 2,
      description: "Largest metadataOptions.httpPutResponseHopLimit: 1 keeps tokens from being fetched through anything the instance forwards (2 is needed only for containers on the host; higher is refused).",
      default: 1,
    },
  },
} as const;

type Props = Record<string, unknown>;

/**
 * Every resource type that sets metadata options for the instances it starts, and where (the
 * input names in @pulumi/aws 7.x): `metadataOptions` on instances, launch templates, launch
 * configurations and spot instance requests; `instanceMetadataOptions` on Image Builder's
 * infrastructure configurations (the build instances); the account-wide defaults at the top
 * level of `ec2.InstanceMetadataDefaults`, where "no-preference" leaves it to each AMI.
 */
const KINDS: Record<string, { kind: string; field: string; options: (p: Props) => InstanceMetadataInputs["metadataOptions"] }> = {
  [AWS_TYPES.launchTemplate]: { kind: "Launch template", field: "metadataOptions", options: (p) => (p as InstanceMetadataInputs).metadataOptions },
  [AWS_TYPES.instance]: { kind: "EC2 instance", field: "metadataOptions", options: (p) => (p as InstanceMetadataInputs).metadataOptions },
  [AWS_TYPES.launchConfiguration]: { kind: "Launch configuration", field: "metadataOptions", options: (p) => (p as InstanceMetadataInputs).metadataOptions },
  [AWS_TYPES.spotInstanceRequest]: { kind: "Spot instance request", field: "metadataOptions", options: (p) => (p as InstanceMetadataInputs).metadataOptions },
  [AWS_TYPES.imageBuilderInfrastructure]: { kind: "Image Builder infrastructure configuration", field: "instanceMetadataOptions", options: (p) => p.instanceMetadataOptions as InstanceMetadataInputs["metadataOptions"] },
  [AWS_TYPES.instanceMetadataDefaults]: { kind: "Account instance metadata defaults", field: "", options: (p) => p as InstanceMetadataInputs["metadataOptions"] },
};

const NOT_APPLICABLE = `Policy only applies to resources of type ${[...Object.keys(KINDS), AWS_TYPES.spotFleetRequest, AWS_TYPES.sagemakerNotebookInstance].map((t) => `'${t}'`).join(", ")}`;

export const imdsv2Required: ResourceValidationPolicy = {
  name: "instance-imdsv2",
  description: "Every EC2 instance, launch template, launch configuration, spot request, Image Builder build instance, SageMaker notebook instance and the account's metadata defaults require IMDSv2 (httpTokens \"required\").",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: (args, reportViolation) => {
    if (args.type === AWS_TYPES.sagemakerNotebookInstance) {
      // Its own field (@pulumi/aws 7: valid values "1", both versions, and "2"). Without the block
      // the service's default applies, so the floor asks for "2" explicitly, like httpTokens.
      const version = ((args.props as Props).instanceMetadataServiceConfiguration as { minimumInstanceMetadataServiceVersion?: unknown } | undefined)?.minimumInstanceMetadataServiceVersion;
      if (version !== "2") reportViolation(`SageMaker notebook instance "${args.name}" sets instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion to ${JSON.stringify(version ?? null)} (IMDSv1 allowed); set it to "2".`);
      return;
    }
    if (args.type === AWS_TYPES.spotFleetRequest) {
      // launchSpecifications take no metadata options at all; launch templates do.
      const specs = (args.props as Props).launchSpecifications;
      if (Array.isArray(specs) && specs.length > 0) reportViolation(`Spot fleet request "${args.name}" uses launchSpecifications, which cannot require IMDSv2; use launchTemplateConfigs with a launch template that sets metadataOptions.httpTokens "required".`);
      return;
    }
    const entry = KINDS[args.type];
    if (!entry) {
      args.notApplicable(NOT_APPLICABLE);
      return;
    }
    const { maxPutResponseHopLimit } = configFrom<{ maxPutResponseHopLimit: number }>(configSchema, args);
    const { kind, field } = entry;
    const at = (name: string) => (field ? `${field}.${name}` : name);
    const options = entry.options(args.props as Props);
    if (options?.httpEndpoint === "disabled") return;
    if (options?.httpTokens !== "required") {
      reportViolation(`${kind} "${args.name}" sets ${at("httpTokens")} to ${JSON.stringify(options?.httpTokens ?? null)} (IMDSv1 allowed unless it is "required"); set it to "required".`);
    }
    const hops = options?.httpPutResponseHopLimit;
    if (hops !== undefined && hops > maxPutResponseHopLimit) {
      reportViolation(`${kind} "${args.name}" sets ${at("httpPutResponseHopLimit")} to ${hops}; at most ${maxPutResponseHopLimit} keeps metadata tokens on the instance.`);
    }
  },
};
