/**
 * Implementation of the SupabaseProject dynamic provider (loaded at run time by `project.ts`).
 * Node built-ins and `./client` only.
 */
import { type ManagementApiInputs, type ProjectContext, type ProjectResponse, type SupabaseClient, isSupabaseApiError, managementClient } from "./client";

/** Plain (resolved) inputs of a SupabaseProject, as the provider receives them. */
export interface ProjectInputs {
  accessToken: string;
  organizationSlug: string;
  name: string;
  region: string;
  dbPassword: string;
  instanceSize?: string;
  desiredPostgresMajor?: number;
  apiBaseUrl?: string;
  pollIntervalMs?: number;
  createTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/** Outputs (state) of a SupabaseProject. */
export interface ProjectOutputs extends ProjectInputs {
  ref: string;
  apiUrl: string;
  dbHost: string;
  status: string;
  /** `sb_publishable_…`: public by design (browsers), row-level security protects the data. */
  publishableKey: string;
  /** `sb_secret_…` for the service role: bypasses row-level security. */
  secretKey: string;
  poolerConnectionString: string;
  postgresVersion: string;
  postgresMajor: number;
  postgresVersionWarning: string;
}

/** Status a project must reach after create/resize. */
export const PROJECT_READY_STATUS = "ACTIVE_HEALTHY";
/** Statuses that will not turn healthy by waiting. */
export const PROJECT_FAILED_STATUSES: readonly string[] = ["INIT_FAILED", "REMOVED", "RESTORE_FAILED", "PAUSE_FAILED", "INACTIVE"];
/** Smart region groups (`region_selection.type = smartGroup`). */
export const SMART_REGION_GROUPS: readonly string[] = ["americas", "emea", "apac"];
/** Port of the Supavisor transaction-mode pooler. */
export const POOLER_TRANSACTION_PORT = 6543;

/** Inputs whose change replaces the project (the API has no way to move a project). */
export const PROJECT_REPLACE_KEYS = ["organizationSlug", "region"] as const;
/** Inputs updated in place: name (PATCH project), dbPassword (PATCH database/password), instanceSize (compute add-on). */
export const PROJECT_UPDATE_KEYS = [
  "name",
  "dbPassword",
  "instanceSize",
  "desiredPostgresMajor",
  "accessToken",
  "apiBaseUrl",
  "pollIntervalMs",
  "createTimeoutMs",
  "requestTimeoutMs",
  "maxAttempts",
] as const;

/** `ApiKeyResponse` (the fields read). */
interface ApiKey {
  name: string;
  api_key?: string | null;
  type?: "legacy" | "publishable" | "secret" | null;
  secret_jwt_template?: Record<string, unknown> | null;
}
interface PoolerConfig {
  database_type: string;
  db_user: string;
  db_host: string;
  db_name: string;
  pool_mode: string;
}
interface AddonsResponse {
  selected_addons: { type: string; variant: { id: string } }[];
}

/**
 * The client of one provider call ({@link managementClient}); the db password is redacted too.
 * @param olds the previous state on update (its token and db password are redacted); `undefined` elsewhere
 */
function projectClient(inputs: ManagementApiInputs & Pick<ProjectInputs, "dbPassword">, olds?: Partial<ProjectOutputs>): SupabaseClient {
  return managementClient(inputs, olds, inputs.dbPassword, olds?.dbPassword);
}

/** `check`: every problem at once, never echoing a secret. */
export function checkProjectInputs(news: Partial<ProjectInputs>): { property: string; reason: string }[] {
  const failures: { property: string; reason: string }[] = [];
  const str = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
  if (!str(news.accessToken)) failures.push({ property: "accessToken", reason: "Supabase access token is missing. Set it with: pulumi config set --secret promptandpause:supabaseAccessToken <token>" });
  if (!str(news.organizationSlug) || !/^[\w-]+$/.test(news.organizationSlug))
    failures.push({ property: "organizationSlug", reason: `must be an organization slug of letters, digits, "_" or "-" (got ${JSON.stringify(news.organizationSlug ?? null)})` });
  if (!str(news.name) || news.name.length > 256) failures.push({ property: "name", reason: `must be 1-256 characters (got ${JSON.stringify(news.name ?? null)})` });
  if (!str(news.region)) failures.push({ property: "region", reason: `must be a region code such as "eu-west-2" or a smart group (${SMART_REGION_GROUPS.join(", ")}) (got ${JSON.stringify(news.region ?? null)})` });
  if (typeof news.dbPassword !== "string" || news.dbPassword.length < 4) failures.push({ property: "dbPassword", reason: "must be at least 4 characters (value hidden)" });
  if (news.instanceSize !== undefined && (typeof news.instanceSize !== "string" || !/^[a-z0-9_]+$/.test(news.instanceSize)))
    failures.push({ property: "instanceSize", reason: `must be an instance size such as "micro" or "small" (got ${JSON.stringify(news.instanceSize)})` });
  if (news.desiredPostgresMajor !== undefined && !(Number.isInteger(news.desiredPostgresMajor) && news.desiredPostgresMajor >= 13))
    failures.push({ property: "desiredPostgresMajor", reason: `must be a major version such as 15 (got ${JSON.stringify(news.desiredPostgresMajor)})` });
  for (const key of ["pollIntervalMs", "createTimeoutMs", "requestTimeoutMs", "maxAttempts"] as const) {
    const v = news[key];
    if (v !== undefined && !(typeof v === "number" && v > 0)) failures.push({ property: key, reason: `must be a positive number (got ${JSON.stringify(v)})` });
  }
  return failures;
}

/** The create body, exactly as `POST /v1/projects` (V1CreateProjectBody) defines it. */
export function createProjectBody(inputs: ProjectInputs): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: inputs.name,
    organization_slug: inputs.organizationSlug,
    db_pass: inputs.dbPassword,
    region_selection: SMART_REGION_GROUPS.includes(inputs.region)
      ? { type: "smartGroup", code: inputs.region }
      : { type: "specific", code: inputs.region },
  };
  if (inputs.instanceSize) body.desired_instance_size = inputs.instanceSize;
  return body;
}

/** Major version from a Supabase database version string (`15.8.1.054`, `supabase-postgres-17.4.1`). */
export function postgresMajorOf(version: string | undefined): number | undefined {
  const m = /(\d+)\.\d+/.exec(version ?? "");
  return m ? Number(m[1]) : undefined;
}

/** Empty when the actual major matches the desired one (or none is desired). */
export function postgresVersionWarning(project: ProjectContext, desired: number | undefined, actualVersion: string): string {
  const actual = postgresMajorOf(actualVersion);
  if (desired === undefined || actual === undefined || actual === desired) return "";
  return (
    `Supabase project "${project.name}" (ref ${project.ref}) runs PostgreSQL ${actual} (version ${actualVersion}), ` +
    `but PostgreSQL ${desired} is desired. New projects cannot choose their engine (the Management API hides postgres_engine). ` +
    `Migrations are tested on PostgreSQL 15 and 17; set the desired major to ${actual} to acknowledge, or upgrade the project from the dashboard.`
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `GET /v1/projects/{ref}` until ACTIVE_HEALTHY, a failed status, or the overall timeout. */
export async function waitForProjectReady(
  client: SupabaseClient,
  project: { ref: string; name: string },
  pollIntervalMs = 10_000,
  timeoutMs = 900_000,
  afterWhat = "create",
): Promise<ProjectResponse> {
  const started = Date.now();
  let last = "unknown (no answer yet)";
  for (let polls = 1; ; polls++) {
    const current = await client.call<ProjectResponse>("getProject", { params: { ref: project.ref }, project });
    last = current.status;
    if (current.status === PROJECT_READY_STATUS) return current;
    if (PROJECT_FAILED_STATUSES.includes(current.status)) {
      throw new Error(
        `Supabase project "${project.name}" (ref ${project.ref}) reached status ${current.status} after ${afterWhat}; it will not become ${PROJECT_READY_STATUS} by waiting. Check the project in the Supabase dashboard.`,
      );
    }
    const elapsed = Date.now() - started;
    if (elapsed + pollIntervalMs > timeoutMs) {
      throw new Error(
        `Supabase project "${project.name}" (ref ${project.ref}) did not become ${PROJECT_READY_STATUS} within ${Math.round(timeoutMs / 1000)} s after ${afterWhat} ` +
          `(last status: ${last}, ${polls} polls). The project exists; check it in the Supabase dashboard, then run pulumi up again ` +
          `(or raise createTimeoutMs).`,
      );
    }
    await sleep(pollIntervalMs);
  }
}

/**
 * The project's publishable key and its service-role secret key, chosen by `ApiKeyResponse.type`
 * as the Supabase CLI does (internal/utils/tenant/client.go: a `secret` key counts as the service
 * role's when its `secret_jwt_template.role` is `service_role`). The legacy `anon`/`service_role`
 * JWT keys are not used: Supabase is retiring them. A missing key is an error, never `""`.
 */
export function projectKeys(keys: readonly ApiKey[], project: ProjectContext): { publishableKey: string; secretKey: string } {
  const value = (k: ApiKey | undefined) => (typeof k?.api_key === "string" && k.api_key !== "" ? k.api_key : undefined);
  const publishableKey = value(keys.find((k) => k.type === "publishable" && value(k)));
  const secretKey = value(
    keys.find((k) => k.type === "secret" && String(k.secret_jwt_template?.role ?? "").toLowerCase() === "service_role" && value(k)?.startsWith("sb_secret_") && !value(k)?.includes("•")),
  );
  const missing = [...(publishableKey ? [] : ["publishable key"]), ...(secretKey ? [] : ["secret key (type secret, role service_role)"])];
  if (missing.length > 0 || !publishableKey || !secretKey) {
    throw new Error(
      `Supabase project "${project.name}" (ref ${project.ref}) has no ${missing.join(" and no ")}. The legacy anon/service_role keys are not used ` +
        "(Supabase is retiring them). Create the new keys in the dashboard (Project Settings → API Keys → Create new API keys) or with " +
        `POST /v1/projects/${project.ref}/api-keys {"type":"publishable","name":"default"} and {"type":"secret","name":"default"}, ` +
        "then run pulumi up again. Migration steps: docs/supabase-provider.md, \"Legacy API keys\".",
    );
  }
  return { publishableKey, secretKey };
}

/** Reads keys, pooler and version: the outputs that come from the live project. */
async function liveOutputs(client: SupabaseClient, inputs: ProjectInputs, project: ProjectResponse): Promise<ProjectOutputs> {
  const ctx = { ref: project.ref, name: project.name };
  const listed = await client.call<ApiKey[]>("getApiKeys", { params: { ref: project.ref }, query: { reveal: true }, project: ctx });
  // Every revealed key is redacted from messages, the legacy ones included.
  client.addSecrets(...listed.map((k) => k.api_key ?? "").filter((k) => k !== ""));
  const keys = projectKeys(listed, ctx);
  const poolers = await client.call<PoolerConfig[]>("getPoolerConfig", { params: { ref: project.ref }, project: ctx });
  const primary = poolers.find((p) => p.database_type === "PRIMARY") ?? poolers[0];
  const pooler = primary
    ? `postgresql://${encodeURIComponent(primary.db_user)}:${encodeURIComponent(inputs.dbPassword)}@${primary.db_host}:${POOLER_TRANSACTION_PORT}/${encodeURIComponent(primary.db_name)}`
    : "";
  const version = project.database?.version ?? "";
  return {
    ...inputs,
    name: project.name,
    ref: project.ref,
    apiUrl: `https://${project.ref}.supabase.co`,
    dbHost: project.database?.host ?? `db.${project.ref}.supabase.co`,
    status: project.status,
    publishableKey: keys.publishableKey,
    secretKey: keys.secretKey,
    poolerConnectionString: pooler,
    postgresVersion: version,
    postgresMajor: postgresMajorOf(version) ?? 0,
    postgresVersionWarning: postgresVersionWarning(ctx, inputs.desiredPostgresMajor, version),
  };
}

/** `create`: POST /v1/projects, wait for ACTIVE_HEALTHY, read keys/pooler/version. */
export async function createProject(inputs: ProjectInputs): Promise<{ id: string; outs: ProjectOutputs }> {
  const client = projectClient(inputs);
  const created = await client.call<ProjectResponse>("createProject", { body: createProjectBody(inputs), project: { name: inputs.name } });
  const ctx = { ref: created.ref, name: inputs.name };
  try {
    const ready = await waitForProjectReady(client, ctx, inputs.pollIntervalMs, inputs.createTimeoutMs, "create");
    return { id: created.ref, outs: await liveOutputs(client, inputs, ready) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(
      client.redact(
        `${message}\nNote: the project was created (ref ${created.ref}) but Pulumi did not record it. Delete it in the dashboard, or import it, before retrying.`,
      ),
    );
  }
}

/** `diff`: replace only on organization or region; no change when nothing changed. */
export function diffProject(olds: Partial<ProjectOutputs>, news: Partial<ProjectInputs>): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const replaces = PROJECT_REPLACE_KEYS.filter((k) => !same(olds[k], news[k]));
  const updates = PROJECT_UPDATE_KEYS.filter((k) => !same(olds[k], news[k]));
  return { changes: replaces.length + updates.length > 0, replaces: [...replaces], deleteBeforeReplace: false };
}

/** Compute add-on variant for an instance size (`small` -> `ci_small`). `nano` has none. */
export function computeAddonVariant(size: string): string | undefined {
  return size === "nano" ? undefined : `ci_${size}`;
}

/** `update`: rename, change the db password, resize via the compute add-on; then refresh outputs. */
export async function updateProject(ref: string, olds: ProjectOutputs, news: ProjectInputs): Promise<{ outs: ProjectOutputs }> {
  const client = projectClient(news, olds);
  client.addSecrets(olds.publishableKey, olds.secretKey);
  const ctx = { ref, name: news.name };
  if (olds.name !== news.name) {
    await client.call("updateProject", { params: { ref }, body: { name: news.name }, project: ctx });
  }
  if (olds.dbPassword !== news.dbPassword) {
    await client.call("updateDatabasePassword", { params: { ref }, body: { password: news.dbPassword }, project: ctx });
  }
  if ((olds.instanceSize ?? "") !== (news.instanceSize ?? "") && news.instanceSize) {
    const variant = computeAddonVariant(news.instanceSize);
    if (variant) {
      await client.call("applyAddon", { params: { ref }, body: { addon_type: "compute_instance", addon_variant: variant }, project: ctx });
    } else {
      const addons = await client.call<AddonsResponse>("listAddons", { params: { ref }, project: ctx });
      const current = addons.selected_addons.find((a) => a.type === "compute_instance");
      if (current) await client.call("removeAddon", { params: { ref, addon_variant: current.variant.id }, project: ctx });
    }
  }
  const ready = await waitForProjectReady(client, ctx, news.pollIntervalMs, news.createTimeoutMs, "update");
  return { outs: await liveOutputs(client, news, ready) };
}

/** `read`: the live project, or no id when it is gone (404). */
export async function readProject(ref: string, props: ProjectOutputs): Promise<{ id?: string; props?: ProjectOutputs }> {
  const client = projectClient(props);
  try {
    const project = await client.call<ProjectResponse>("getProject", { params: { ref }, project: { ref, name: props.name } });
    const outs = await liveOutputs(client, props, project);
    return { id: ref, props: { ...outs, region: project.region, organizationSlug: project.organization_slug } };
  } catch (err) {
    if (isSupabaseApiError(err) && err.status === 404) return {};
    throw err;
  }
}

/** `delete`: DELETE /v1/projects/{ref}; a project that is already gone counts as deleted. */
export async function deleteProject(ref: string, props: ProjectOutputs): Promise<void> {
  const client = projectClient(props);
  client.addSecrets(props.publishableKey, props.secretKey);
  try {
    await client.call("deleteProject", { params: { ref }, project: { ref, name: props.name } });
  } catch (err) {
    if (isSupabaseApiError(err) && err.status === 404) return;
    throw err;
  }
}
