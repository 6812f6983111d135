import type * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config";

/** What every layer's compose function receives. */
export interface LayerContext {
  config: PlatformConfig;
  /** Explicit providers (default providers are disabled for this project). */
  providers: Record<string, pulumi.ProviderResource>;
}
