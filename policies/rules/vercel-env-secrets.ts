/**
 * vercel-env-secrets: Next.js inlines `NEXT_PUBLIC_*` variables into the browser bundle, so none
 * may hold a secret (by value shape or by name); and every variable whose name says it is a
 * secret is stored `sensitive: true` (write-only in Vercel). Messages name the key and the kind
 * of secret found, never the value.
 */
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { PUBLIC_ENV_PREFIX, PUBLIC_FORBIDDEN_NAME_PATTERNS, SECRET_NAME_PATTERNS, TYPES } from "../guide";
import { matchingPattern, secretKind, withArticle } from "../lib/secrets";
import { resourceType, type VercelEnvVarInputs } from "../lib/shapes";
import { configFrom } from "../lib/util";

export const configSchema = {
  properties: {
    publicPrefix: {
      type: "string",
      minLength: 1,
      description: "Prefix of variables exposed to the browser.",
      default: PUBLIC_ENV_PREFIX,
    },
    secretNamePatterns: {
      type: "array",
      items: { type: "string", minLength: 1 },
      description: "Case-insensitive regular expressions: a non-public variable whose name matches must be sensitive.",
      default: SECRET_NAME_PATTERNS,
    },
    publicForbiddenNamePatterns: {
      type: "array",
      items: { type: "string", minLength: 1 },
      description: "Case-insensitive regular expressions: a public variable whose name matches is rejected.",
      default: PUBLIC_FORBIDDEN_NAME_PATTERNS,
    },
  },
} as const;

interface Config {
  publicPrefix: string;
  secretNamePatterns: string[];
  publicForbiddenNamePatterns: string[];
}

export const VercelEnvVar = resourceType<VercelEnvVarInputs>(TYPES.vercelEnvVar);

export const vercelEnvSecrets: ResourceValidationPolicy = {
  name: "vercel-env-secrets",
  description:
    "No secret is exposed through a NEXT_PUBLIC_ environment variable, and environment variables with secret-like names are marked sensitive.",
  enforcementLevel: "mandatory",
  configSchema: configSchema as unknown as ResourceValidationPolicy["configSchema"],
  validateResource: validateResourceOfType(VercelEnvVar, (envVar, args, reportViolation) => {
    const cfg = configFrom<Config>(configSchema, args);
    const key = envVar.key;
    if (key.startsWith(cfg.publicPrefix)) {
      const kind = typeof envVar.value === "string" ? secretKind(envVar.value) : undefined;
      if (kind) {
        reportViolation(
          `${key} holds a value that looks like ${withArticle(kind)}, but ${cfg.publicPrefix} variables are inlined into the browser bundle. Move it to a variable without the ${cfg.publicPrefix} prefix, mark it sensitive, and rotate the secret.`,
        );
      }
      const pattern = matchingPattern(key.slice(cfg.publicPrefix.length), cfg.publicForbiddenNamePatterns);
      if (pattern) {
        reportViolation(`${key} is named like a secret (matches /${pattern}/i) but the ${cfg.publicPrefix} prefix exposes it to the browser. Rename it without the prefix and mark it sensitive.`);
      }
      return;
    }
    if (envVar.sensitive === true) return;
    const pattern = matchingPattern(key, cfg.secretNamePatterns);
    const kind = typeof envVar.value === "string" ? secretKind(envVar.value) : undefined;
    const why = pattern ? `is named like a secret (matches /${pattern}/i)` : kind ? `holds a value that looks like ${withArticle(kind)}` : undefined;
    if (why) {
      reportViolation(`${key} ${why} but sensitive is ${String(envVar.sensitive)}. Set sensitive: true on the ProjectEnvironmentVariable.`);
    }
  }),
};
