import * as pulumi from "@pulumi/pulumi";
import { decodeConfigValue } from "../stacks/config";
import { BOOTSTRAP_NAMESPACE, parseBootstrapConfig } from "./config";
import { buildBootstrap } from "./program";

/**
 * Keys kept as the text the language host passes: an account id is digits, not a number (a
 * leading zero would be lost).
 */
const TEXT_KEYS = new Set(["accountId"]);

/**
 * Entry point of the bootstrap project (bootstrap/Pulumi.yaml), run once per AWS account before
 * any platform stack: validates `promptandpause-bootstrap:*`, then creates the state bucket and
 * the secrets key. See bootstrap/README.md.
 */
export = async () => {
  const values: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(`${BOOTSTRAP_NAMESPACE}:`)) continue;
    const name = key.slice(BOOTSTRAP_NAMESPACE.length + 1);
    values[name] = TEXT_KEYS.has(name) ? text : decodeConfigValue(text);
  }
  return buildBootstrap(parseBootstrapConfig(values));
};
