import { createHash } from "node:crypto";
import { postgresMajorOf, postgresVersionWarning } from "../../../components/database/supabase/project-ops";
import type { MockOutputTable } from "./types";

/**
 * What the Supabase Management API gives our dynamic resources, as the provider turns it into
 * outputs (components/database/supabase/project-ops.ts `liveOutputs`). New projects get the
 * platform's current Postgres (17 today; the API hides `postgres_engine`), so a stack that
 * desires 15 sees the provider's real version warning in the plan.
 */

/** Version string the API reports for a project created today. */
export const MOCK_NEW_PROJECT_POSTGRES_VERSION = "17.4.1.054";

/** A project ref: 20 lowercase letters, stable per logical name. */
function mockRef(name: string): string {
  const digest = createHash("sha256").update(name).digest();
  return Array.from(digest.subarray(0, 20), (byte) => String.fromCharCode(97 + (byte % 26))).join("");
}

export const supabaseMockOutputs: MockOutputTable = {
  "pulumi-nodejs:dynamic/supabase:Project": (inputs, name) => {
    const ref = mockRef(name);
    const region = String(inputs.region ?? "eu-west-2");
    const version = MOCK_NEW_PROJECT_POSTGRES_VERSION;
    return {
      id: ref,
      ref,
      apiUrl: `https://${ref}.supabase.co`,
      dbHost: `db.${ref}.supabase.co`,
      status: "ACTIVE_HEALTHY",
      publishableKey: `sb_publishable_mock${ref}`,
      secretKey: `sb_secret_mock${ref}`,
      poolerConnectionString: `postgresql://postgres.${ref}:${String(inputs.dbPassword ?? "")}@aws-0-${region}.pooler.supabase.com:6543/postgres`,
      postgresVersion: version,
      postgresMajor: postgresMajorOf(version) ?? 0,
      postgresVersionWarning: postgresVersionWarning({ ref, name: String(inputs.name ?? name) }, inputs.desiredPostgresMajor as number | undefined, version),
    };
  },
  "pulumi-nodejs:dynamic/supabase:Settings": (inputs) => ({ id: `${String(inputs.projectRef)}-settings`, areas: {} }),
  "pulumi-nodejs:dynamic/supabase:ReadReplicas": (inputs) => ({
    id: `${String(inputs.projectRef)}-read-replicas`,
    replicas: Array.from({ length: Number(inputs.count ?? 0) }, (_, i) => ({ identifier: `${String(inputs.projectRef)}-rr-${i + 1}`, region: inputs.region })),
  }),
};
