import { parseStackConfig, readRawStackConfig } from "./stacks/config";
import { buildPlatform } from "./stacks/platform";

/**
 * Pulumi entry point. Pulumi calls the exported function inside the stack and uses its result
 * as the stack outputs. The whole configuration is validated first: a bad key stops the program
 * with every problem listed, before any cloud resource is registered.
 */
export = async () => buildPlatform(parseStackConfig(readRawStackConfig()));
