/**
 * The SDK's own floor for one plan: what the SDKs and the policy server must do for the plan's
 * resources, with no code of ours in between.
 *
 * The bench's bare floor (issue 9) registers as many resources as the plan, but with no
 * properties. The plan's resources carry thousands (every input, and every output the provider
 * SDK's class declares, each an Output the SDK creates, serializes, sends to the monitor and
 * resolves), and the policy server deserializes every resource for every policy. This floor
 * replays exactly that:
 *   1. each resource of the plan registered again as a plain resource: same type, name, parent,
 *      provider and protection, its recorded inputs (secrets and unknowns as their masked
 *      strings) and every property name its class declares (undefined, as the class passes them);
 *   2. the real @pulumi/policy handlers over those resources, through the same evaluator, with
 *      stand-ins of the pack's policies: same names, kinds, levels and type filters, checking
 *      nothing.
 * What the plan costs beyond this floor is what our program and our policies cost.
 */
import * as pulumi from "@pulumi/pulumi";
import program from "../../index";
import { policies } from "../../policies/pack";
import { PROJECT, type PlannedResource, type PolicyReport } from "./plan-types";
import { evaluatePolicyPack } from "./policy-evaluator";
import { recordProgram } from "./record-program";
import { type PlanRequest, planTarget } from "./run-plan";
import { readStackFile } from "./stack-file";

export interface SdkFloorResource {
  type: string;
  name: string;
  custom: boolean;
  protect: boolean;
  /** Index of the parent in `resources` (always earlier), or null for a child of the stack. */
  parent: number | null;
  /** Index of the explicit provider in `resources` (always earlier), or null. */
  provider: number | null;
  /** The recorded inputs, masked (no secret leaves the plan's process). */
  inputs: Record<string, unknown>;
}

export interface SdkFloorSpec {
  stack: string;
  /** In registration order, the stack resource left out (the SDK creates it). */
  resources: SdkFloorResource[];
  /** Per custom resource type, every property name its class passes to the SDK. */
  properties: Record<string, string[]>;
}

const STACK_TYPE = "pulumi:pulumi:Stack";
const PROVIDER_PREFIX = "pulumi:providers:";

/** The SDK's own base classes, with nothing added (TypeScript declares two of them abstract). */
class PlainComponent extends pulumi.ComponentResource {}
class PlainCustom extends pulumi.CustomResource {}
class PlainProvider extends pulumi.ProviderResource {}

/**
 * Runs the program once with the request's settings, noting each resource class's property
 * names through a stack transformation (the SDK's public hook, which sees the props a class
 * passes to its constructor), and returns what `runSdkFloor` replays.
 * @throws the program's ConfigError when the settings are invalid.
 */
export async function recordSdkFloor(request: PlanRequest): Promise<SdkFloorSpec> {
  const { stack, file } = planTarget(request);
  const settings = readStackFile(file, PROJECT);
  const properties: Record<string, string[]> = {};
  const run = await recordProgram(
    () => {
      pulumi.runtime.registerStackTransformation((args) => {
        properties[args.type] ??= Object.keys(args.props);
        return undefined;
      });
      return program();
    },
    { project: PROJECT, stack, config: settings.config, secretKeys: settings.secretKeys, skipEngineExtras: true },
  );
  const kept = run.resources.filter((r) => r.type !== STACK_TYPE);
  const index = new Map(kept.map((r, i) => [r.urn, i]));
  const indexOf = (urn: string | null | undefined, of: PlannedResource, what: string): number | null => {
    if (!urn) return null;
    const at = index.get(urn);
    if (at === undefined) return null; // the stack itself
    if (at >= (index.get(of.urn) ?? 0)) throw new Error(`sdk floor: the ${what} of ${of.urn} registered after it`);
    return at;
  };
  const custom = new Set(kept.filter((r) => r.custom).map((r) => r.type));
  return {
    stack,
    resources: kept.map((r) => ({
      type: r.type,
      name: r.name,
      custom: r.custom,
      protect: r.protect,
      parent: indexOf(r.parent, r, "parent"),
      provider: indexOf(r.provider?.slice(0, r.provider.lastIndexOf("::")), r, "provider"),
      inputs: r.maskedInputs,
    })),
    properties: Object.fromEntries(Object.entries(properties).filter(([type]) => custom.has(type))),
  };
}

/** The pack's policies with every check replaced by one that does nothing (type filters kept). */
export function standInPolicies(): object[] {
  const noop = (original: unknown) => {
    const standIn = () => {};
    const type = (original as { __pulumiType?: unknown }).__pulumiType;
    return typeof type === "string" ? Object.assign(standIn, { __pulumiType: type }) : standIn;
  };
  return policies.map((p) => {
    const copy: Record<string, unknown> = { ...p };
    if ("validateResource" in p && p.validateResource) copy.validateResource = Array.isArray(p.validateResource) ? p.validateResource.map(noop) : noop(p.validateResource);
    if ("validateStack" in p && p.validateStack) copy.validateStack = noop(p.validateStack);
    return copy;
  });
}

/** Registers the spec's resources under the plan's mocks, then runs the stand-in pack over them. */
export async function runSdkFloor(spec: SdkFloorSpec): Promise<{ resources: PlannedResource[]; policies: PolicyReport }> {
  const run = await recordProgram(
    () => {
      const made: pulumi.Resource[] = [];
      for (const r of spec.resources) {
        const opts: pulumi.CustomResourceOptions = { protect: r.protect };
        if (r.parent !== null) opts.parent = made[r.parent];
        if (r.provider !== null) opts.provider = made[r.provider] as pulumi.ProviderResource;
        const props: Record<string, unknown> = {};
        for (const key of spec.properties[r.type] ?? []) props[key] = undefined;
        Object.assign(props, r.inputs);
        made.push(
          !r.custom
            ? new PlainComponent(r.type, r.name, {}, opts)
            : r.type.startsWith(PROVIDER_PREFIX)
              ? new PlainProvider(r.type.slice(PROVIDER_PREFIX.length), r.name, props, opts)
              : new PlainCustom(r.type, r.name, props, opts),
        );
      }
    },
    { project: PROJECT, stack: spec.stack, skipEngineExtras: true },
  );
  return { resources: run.resources, policies: await evaluatePolicyPack(run.resources, { project: PROJECT, stack: spec.stack, policies: standInPolicies() }) };
}
