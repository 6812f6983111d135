import { loadProviderModule } from "../../shared/dynamic-module";

/** Where the Stripe provider's implementation modules live, relative to the Pulumi project root. */
export const STRIPE_MODULE_DIR_FROM_ROOT = "components/app/stripe";

/**
 * Loads one of this folder's implementation modules inside a CRUD method (see
 * components/shared/dynamic-module.ts for why they are not imported).
 * @param name module file name without extension, e.g. `"webhook-endpoint-ops"`
 * @param serializedDir this folder when the provider was serialized
 */
export function loadStripeModule<T>(name: string, serializedDir: string): T {
  return loadProviderModule<T>(name, serializedDir, STRIPE_MODULE_DIR_FROM_ROOT, "Stripe provider");
}
