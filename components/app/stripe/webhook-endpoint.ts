import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "../../shared/dynamic-provider";
import { loadStripeModule } from "./runtime";
import type * as ops from "./webhook-endpoint-ops";

/**
 * Why a dynamic provider and not the community `pulumi-stripe` package (0.0.28): it is a
 * pre-1.0, single-maintainer bridge whose provider plugin is downloaded from GitHub releases at
 * run time (no offline plan or CI without GitHub access), and it would be one more binary in
 * the supply chain for a single resource. Stripe's webhook endpoint API is four calls; this
 * provider implements them as documented and is tested against a local server.
 */

/** Folder of this file when the provider is serialized (see `runtime.ts`). */
const MODULE_DIR = __dirname;

/** Outputs marked secret in the state. */
export const STRIPE_WEBHOOK_SECRET_OUTPUTS = ["apiKey", "secret"];

/**
 * Dynamic provider for a Stripe webhook endpoint. The CRUD methods only load
 * `webhook-endpoint-ops` at run time; nothing else is captured in the serialized closure.
 */
export const stripeWebhookEndpointProvider = dynamicProvider(() => loadStripeModule<typeof ops>("webhook-endpoint-ops", MODULE_DIR), {
  check: "checkInputs",
  diff: "diffInputs",
  create: "createEndpoint",
  read: "readEndpoint",
  update: "updateEndpoint",
  delete: "deleteEndpoint",
});

/** Arguments of {@link StripeWebhookEndpoint}. */
export interface StripeWebhookEndpointArgs {
  /**
   * Stripe secret key (`sk_test_…` in staging, `sk_live_…` in prod) or a restricted key with
   * "Webhook Endpoints: write". Stored in the state as a secret (delete needs it).
   * Security: always a secret; never logged, never in an error.
   */
  apiKey: pulumi.Input<string>;
  /** HTTPS URL Stripe posts events to (the app's webhook route). */
  url: pulumi.Input<string>;
  /** Event types the app handles. Least privilege: never `*`. */
  enabledEvents: pulumi.Input<pulumi.Input<string>[]>;
  /** Shown in the Stripe dashboard. @default "" */
  description?: pulumi.Input<string>;
  /** API version events are rendered in; changing it replaces the endpoint. @default the account's default */
  apiVersion?: pulumi.Input<string>;
  /** Key/value labels on the endpoint. @default {} */
  metadata?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A Stripe webhook endpoint (`POST /v1/webhook_endpoints`). Its signing secret — returned by
 * Stripe only at creation — is the `secret` output, a Pulumi secret.
 * Type token: `pulumi-nodejs:dynamic/stripe:WebhookEndpoint`.
 */
export class StripeWebhookEndpoint extends pulumi.dynamic.Resource {
  /** Stripe's id (`we_…`); also the resource id. */
  declare public readonly endpointId: pulumi.Output<string>;
  /** Signing secret (`whsec_…`) the app verifies `Stripe-Signature` with. Secret. */
  declare public readonly secret: pulumi.Output<string>;
  /** `enabled` or `disabled`. */
  declare public readonly status: pulumi.Output<string>;
  /** True when created with a live key. */
  declare public readonly livemode: pulumi.Output<boolean>;
  declare public readonly url: pulumi.Output<string>;
  declare public readonly enabledEvents: pulumi.Output<string[]>;

  constructor(name: string, args: StripeWebhookEndpointArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      apiKey: pulumi.secret(args.apiKey),
      url: args.url,
      enabledEvents: args.enabledEvents,
      description: args.description ?? "",
      apiVersion: args.apiVersion,
      metadata: args.metadata ?? {},
      endpointId: undefined,
      secret: undefined,
      status: undefined,
      livemode: undefined,
    };
    super(
      stripeWebhookEndpointProvider,
      name,
      props,
      { ...opts, additionalSecretOutputs: [...STRIPE_WEBHOOK_SECRET_OUTPUTS, ...(opts?.additionalSecretOutputs ?? [])] },
      "stripe",
      "WebhookEndpoint",
    );
  }
}
