/**
 * Implementation of the SupabaseReadReplicas dynamic provider (loaded at run time by
 * `read-replica.ts`). Node built-ins and `./client` only.
 *
 * The resource owns the read replicas it created and keeps them in its state
 * (`replicas: [{ identifier, region }]`, oldest first). The Management API has no
 * "list read replicas" call: the project's databases (primary + replicas, with identifier, type,
 * region and status) come from `GET /v1/organizations/{slug}/projects`, the organization taken
 * from `GET /v1/projects/{ref}`. `POST …/read-replicas/setup` answers 201 with no body, so a new
 * replica is recognised as the READ_REPLICA database that was not there before the call.
 *
 * Replicas are added and removed one at a time and each change is waited on (bounded polling),
 * so the state always says which replicas exist. When a step fails after something changed, the
 * error carries the partial state (`id` + `properties`, Pulumi's "resource initialization
 * failed"), so Pulumi records what exists and the next `pulumi up` finishes the job.
 */
import { type ProjectContext, type ProjectResponse, type SupabaseClient, isSupabaseApiError, managementClient } from "./client";

/** One read replica owned by the resource. */
export interface ReplicaRecord {
  /** `database_identifier`, e.g. `abcdefghijklmnopqrst-rr-eu-west-2-abcde`. */
  identifier: string;
  region: string;
}

/** Plain (resolved) inputs of SupabaseReadReplicas. */
export interface ReadReplicaInputs {
  accessToken: string;
  projectRef: string;
  projectName?: string;
  /** Replica region. Unset: the primary database's region. */
  region?: string;
  count: number;
  apiBaseUrl?: string;
  requestTimeoutMs?: number;
  maxAttempts?: number;
  pollIntervalMs?: number;
  timeoutMs?: number;
}

/** Outputs (state) of SupabaseReadReplicas. */
export interface ReadReplicaOutputs extends ReadReplicaInputs {
  /** The replicas this resource created and that exist, oldest first. */
  replicas: ReplicaRecord[];
  /** Region of the primary database (the default replica region). */
  primaryRegion: string;
  /** The region replicas are kept in (`region`, else `primaryRegion`). */
  effectiveRegion: string;
  organizationSlug: string;
}

/** Regions `POST /v1/projects/{ref}/read-replicas/setup` accepts (`SetUpReadReplicaBody.read_replica_region`). */
export const READ_REPLICA_REGIONS: readonly string[] = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ap-east-1",
  "ap-southeast-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-southeast-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-north-1",
  "eu-central-1",
  "eu-central-2",
  "ca-central-1",
  "ap-south-1",
  "sa-east-1",
];
/** Most replicas a Supabase project can have (5 on compute XL and larger, 2 below). */
export const MAX_READ_REPLICAS = 5;
/** Status a replica must reach after setup. */
export const REPLICA_READY_STATUS = "ACTIVE_HEALTHY";
/** Replica statuses that will not turn healthy by waiting. */
export const REPLICA_FAILED_STATUSES: readonly string[] = ["INIT_READ_REPLICA_FAILED", "INIT_FAILED", "REMOVED"];
/** @default poll interval, ms */
export const DEFAULT_REPLICA_POLL_INTERVAL_MS = 10_000;
/** @default wait for one replica to become healthy / to go away, ms (30 min: setup restores a physical backup) */
export const DEFAULT_REPLICA_TIMEOUT_MS = 1_800_000;
/** Inputs whose change replaces the resource (a different project). */
export const READ_REPLICA_REPLACE_KEYS = ["projectRef"] as const;
/** Inputs changed in place (count and region through add/remove; the rest is client plumbing). */
export const READ_REPLICA_UPDATE_KEYS = [
  "count",
  "region",
  "projectName",
  "accessToken",
  "apiBaseUrl",
  "requestTimeoutMs",
  "maxAttempts",
  "pollIntervalMs",
  "timeoutMs",
] as const;
/** What Pulumi sends for a value not known yet (preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Hint appended to a 4xx from setup (plan / compute size / limits). */
export const READ_REPLICA_REQUIREMENTS_HINT =
  "Read replicas need a paid plan (Pro or above), a compute size of small or larger (SupabaseProject instanceSize), " +
  "PostgreSQL 15+ and physical backups; a project can have at most 2 replicas below compute size XL (5 on XL and larger). " +
  "Fix: upgrade the organization's plan or the project's compute size, or lower the read-replica count (scale preset `current` creates none).";

/** One database of `OrganizationProjectsResponse.projects[].databases`. */
export interface ProjectDatabase {
  identifier: string;
  type: "PRIMARY" | "READ_REPLICA";
  region: string;
  status: string;
}
interface OrganizationProjectsResponse {
  projects: { ref: string; name: string; region: string; databases?: ProjectDatabase[] }[];
  pagination: { count: number; limit: number; offset: number };
}

/** `check`: every problem at once, never echoing the token. Unknown (preview) values are not checked. */
export function checkReadReplicaInputs(news: Partial<ReadReplicaInputs>): { property: string; reason: string }[] {
  const f: { property: string; reason: string }[] = [];
  const unknown = (v: unknown) => v === UNKNOWN;
  if (typeof news.accessToken !== "string" || news.accessToken.trim() === "")
    f.push({ property: "accessToken", reason: "Supabase access token is missing. Set it with: pulumi config set --secret promptandpause:supabaseAccessToken <token>" });
  if (!unknown(news.projectRef) && (typeof news.projectRef !== "string" || !/^[a-z]{20}$/.test(news.projectRef)))
    f.push({ property: "projectRef", reason: `must be the project ref, 20 lower-case letters (SupabaseProject.ref) (got ${JSON.stringify(news.projectRef ?? null)})` });
  if (!unknown(news.count) && !(Number.isInteger(news.count) && (news.count as number) >= 0 && (news.count as number) <= MAX_READ_REPLICAS))
    f.push({ property: "count", reason: `must be an integer from 0 to ${MAX_READ_REPLICAS} (Supabase's limit per project) (got ${JSON.stringify(news.count ?? null)})` });
  if (news.region !== undefined && !unknown(news.region) && !READ_REPLICA_REGIONS.includes(news.region as string))
    f.push({ property: "region", reason: `must be one of ${READ_REPLICA_REGIONS.join(", ")} or unset for the primary's region (got ${JSON.stringify(news.region)})` });
  for (const key of ["pollIntervalMs", "timeoutMs", "requestTimeoutMs", "maxAttempts"] as const) {
    const v = news[key];
    if (v !== undefined && !unknown(v) && !(typeof v === "number" && v > 0)) f.push({ property: key, reason: `must be a positive number (got ${JSON.stringify(v)})` });
  }
  return f;
}

function stable(v: unknown): string {
  return JSON.stringify(v ?? null);
}

/**
 * `diff`: replace only when the project changes (an unknown ref during preview is shown as an
 * update; the real run diffs again with the known ref). Count and region are in place. Also a
 * change when the state has fewer replicas than `count` (one was removed outside Pulumi or a
 * previous run stopped half-way) or one in another region.
 */
export function diffReadReplicas(olds: Partial<ReadReplicaOutputs>, news: Partial<ReadReplicaInputs>): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const refChanged = stable(olds.projectRef) !== stable(news.projectRef);
  if (refChanged && news.projectRef !== UNKNOWN) return { changes: true, replaces: ["projectRef"], deleteBeforeReplace: false };
  const inputs = READ_REPLICA_UPDATE_KEYS.some((k) => stable(olds[k]) !== stable(news[k]));
  const replicas = olds.replicas ?? [];
  const region = news.region ?? olds.primaryRegion;
  const drift = replicas.length !== news.count || (region !== undefined && region !== UNKNOWN && replicas.some((r) => r.region !== region));
  return { changes: refChanged || inputs || drift, replaces: [], deleteBeforeReplace: false };
}

/**
 * What to do to get from `current` (oldest first) to `count` replicas in `region`: keep the
 * oldest replicas already in the region, remove the others newest first, add the difference.
 */
export function planReplicaChanges(current: readonly ReplicaRecord[], count: number, region: string): { keep: ReplicaRecord[]; remove: ReplicaRecord[]; add: number } {
  const keep = current.filter((r) => r.region === region).slice(0, Math.max(0, count));
  const remove = current.filter((r) => !keep.includes(r)).reverse();
  return { keep, remove, add: Math.max(0, count - keep.length) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(ctx: ProjectContext): string {
  return ctx.name ? `project "${ctx.name}" (ref ${ctx.ref})` : `project ref ${ctx.ref}`;
}

/** Everything one run needs to talk about one project. */
interface Session {
  client: SupabaseClient;
  ctx: ProjectContext & { ref: string };
  organizationSlug: string;
  projectName: string;
  primaryRegion: string;
  pollIntervalMs: number;
  timeoutMs: number;
  maxAttempts: number;
}

async function openSession(client: SupabaseClient, inputs: ReadReplicaInputs): Promise<Session> {
  const ref = inputs.projectRef;
  const project = await client.call<ProjectResponse>("getProject", { params: { ref }, project: { ref, name: inputs.projectName } });
  return {
    client,
    ctx: { ref, name: inputs.projectName ?? project.name },
    organizationSlug: project.organization_slug,
    projectName: project.name,
    primaryRegion: project.region,
    pollIntervalMs: inputs.pollIntervalMs ?? DEFAULT_REPLICA_POLL_INTERVAL_MS,
    timeoutMs: inputs.timeoutMs ?? DEFAULT_REPLICA_TIMEOUT_MS,
    maxAttempts: Math.max(1, inputs.maxAttempts ?? 5),
  };
}

/**
 * The project's databases from `GET /v1/organizations/{slug}/projects`: first filtered by the
 * project's name (`search`), then, if the ref is not on that page, every page (100 per page).
 */
export async function listProjectDatabases(s: Session): Promise<ProjectDatabase[]> {
  const call = (query: Record<string, string | number>) =>
    s.client.call<OrganizationProjectsResponse>("listOrganizationProjects", { params: { slug: s.organizationSlug }, query, project: s.ctx });
  const find = (page: OrganizationProjectsResponse) => page.projects.find((p) => p.ref === s.ctx.ref);
  let hit = find(await call({ search: s.projectName, limit: 100 }));
  for (let offset = 0; !hit && offset < 10_000; offset += 100) {
    const page = await call({ limit: 100, offset });
    hit = find(page);
    if (page.projects.length < 100 || offset + 100 >= page.pagination.count) break;
  }
  if (!hit) {
    throw new Error(
      `Supabase ${describe(s.ctx)} is not listed by GET /v1/organizations/{slug}/projects for organization "${s.organizationSlug}", so its read replicas cannot be listed. ` +
        `Check that the token's account can list the organization's projects.`,
    );
  }
  return hit.databases ?? [];
}

async function listReplicaDatabases(s: Session): Promise<ProjectDatabase[]> {
  return (await listProjectDatabases(s)).filter((d) => d.type === "READ_REPLICA");
}

function setupFailed(s: Session, region: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (isSupabaseApiError(err) && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 429) {
    return new Error(s.client.redact(`Supabase refused to set up a read replica in ${region} for ${describe(s.ctx)}: ${message} ${READ_REPLICA_REQUIREMENTS_HINT}`));
  }
  return err instanceof Error ? err : new Error(s.client.redact(message));
}

/**
 * `POST …/read-replicas/setup`, then waits for the new replica to be ACTIVE_HEALTHY.
 * `setup` is not idempotent, so the client does not retry it after a 5xx; here a 5xx (or a lost
 * response) is followed by a look at the list: a replica that appeared anyway is adopted,
 * otherwise the call is repeated (up to `maxAttempts`).
 */
async function addReplica(s: Session, region: string, onIdentified: (r: ReplicaRecord) => void): Promise<ReplicaRecord> {
  const before = new Set((await listReplicaDatabases(s)).map((d) => d.identifier));
  let adopted: ProjectDatabase | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      await s.client.call("setupReadReplica", { params: { ref: s.ctx.ref }, body: { read_replica_region: region }, project: s.ctx });
      break;
    } catch (err) {
      const transient = isSupabaseApiError(err) && (err.status === undefined || err.status >= 500);
      if (!transient) throw setupFailed(s, region, err);
      adopted = (await listReplicaDatabases(s)).find((d) => !before.has(d.identifier) && d.region === region);
      if (adopted) break;
      if (attempt >= s.maxAttempts) throw setupFailed(s, region, err);
      await sleep(s.pollIntervalMs);
    }
  }
  return waitForNewReplica(s, region, before, adopted?.identifier, onIdentified);
}

async function waitForNewReplica(
  s: Session,
  region: string,
  before: ReadonlySet<string>,
  known: string | undefined,
  onIdentified: (r: ReplicaRecord) => void,
): Promise<ReplicaRecord> {
  const started = Date.now();
  let identifier = known;
  if (identifier) onIdentified({ identifier, region });
  let last = "not listed yet";
  for (let polls = 1; ; polls++) {
    const replicas = await listReplicaDatabases(s);
    const db = identifier
      ? replicas.find((d) => d.identifier === identifier)
      : (replicas.filter((d) => !before.has(d.identifier)).sort((a, b) => Number(b.region === region) - Number(a.region === region))[0] ?? undefined);
    if (db && !identifier) {
      identifier = db.identifier;
      onIdentified({ identifier, region: db.region });
    }
    if (db) {
      last = db.status;
      if (db.status === REPLICA_READY_STATUS) return { identifier: db.identifier, region: db.region };
      if (REPLICA_FAILED_STATUSES.includes(db.status)) {
        throw new ReplicaFailedError(
          `Supabase read replica ${db.identifier} of ${describe(s.ctx)} reached status ${db.status} after setup; it will not become ${REPLICA_READY_STATUS} by waiting. ` +
            `Check it on the project's Infrastructure settings page in the Supabase dashboard.`,
          db.identifier,
        );
      }
    } else if (identifier) {
      last = "gone";
      throw new ReplicaFailedError(`Supabase read replica ${identifier} of ${describe(s.ctx)} disappeared while it was being set up. Run pulumi up again.`, identifier);
    }
    if (Date.now() - started + s.pollIntervalMs > s.timeoutMs) {
      throw new Error(
        `Supabase read replica ${identifier ? `${identifier} ` : ""}in ${region} for ${describe(s.ctx)} did not become ${REPLICA_READY_STATUS} within ${Math.round(s.timeoutMs / 1000)} s ` +
          `(last status: ${last}, ${polls} polls of GET /v1/organizations/{slug}/projects). ` +
          (identifier
            ? "The replica exists and is recorded in the state; run pulumi up again to keep waiting (or raise timeoutMs)."
            : "POST /v1/projects/{ref}/read-replicas/setup was accepted but no new replica was listed; check the project's Infrastructure settings in the Supabase dashboard."),
      );
    }
    await sleep(s.pollIntervalMs);
  }
}

/** A replica that failed to initialize (it was not recorded as healthy). */
class ReplicaFailedError extends Error {
  constructor(
    message: string,
    readonly identifier: string,
  ) {
    super(message);
    this.name = "ReplicaFailedError";
  }
}

/** Waits until an existing replica is ACTIVE_HEALTHY (a replica a previous run left initializing). */
async function waitForReplicaReady(s: Session, replica: ReplicaRecord): Promise<void> {
  await waitForNewReplica(s, replica.region, new Set(), replica.identifier, () => {});
}

/** `POST …/read-replicas/remove`, then waits until the replica is no longer listed. Already gone = success. */
async function removeReplica(s: Session, replica: ReplicaRecord): Promise<void> {
  const listed = (await listReplicaDatabases(s)).find((d) => d.identifier === replica.identifier);
  if (!listed || listed.status === "REMOVED") return;
  if (listed.status !== "GOING_DOWN") {
    try {
      await s.client.call("removeReadReplica", { params: { ref: s.ctx.ref }, body: { database_identifier: replica.identifier }, project: s.ctx });
    } catch (err) {
      if (!(isSupabaseApiError(err) && err.status === 404)) {
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(s.client.redact(`Removing read replica ${replica.identifier} (${replica.region}) of ${describe(s.ctx)} failed: ${message}`));
      }
    }
  }
  const started = Date.now();
  let last = listed.status;
  for (let polls = 1; ; polls++) {
    const db = (await listReplicaDatabases(s)).find((d) => d.identifier === replica.identifier);
    if (!db || db.status === "REMOVED") return;
    last = db.status;
    if (Date.now() - started + s.pollIntervalMs > s.timeoutMs) {
      throw new Error(
        `Supabase read replica ${replica.identifier} of ${describe(s.ctx)} was still listed ${Math.round(s.timeoutMs / 1000)} s after POST /v1/projects/{ref}/read-replicas/remove ` +
          `(last status: ${last}, ${polls} polls). It is kept in the state; run pulumi up again (or raise timeoutMs).`,
      );
    }
    await sleep(s.pollIntervalMs);
  }
}

function outputsOf(inputs: ReadReplicaInputs, s: Session, replicas: ReplicaRecord[]): ReadReplicaOutputs {
  return {
    ...inputs,
    replicas: replicas.map((r) => ({ identifier: r.identifier, region: r.region })),
    primaryRegion: s.primaryRegion,
    effectiveRegion: inputs.region ?? s.primaryRegion,
    organizationSlug: s.organizationSlug,
  };
}

/** Resource id: one SupabaseReadReplicas per project. */
export function readReplicasId(projectRef: string): string {
  return `${projectRef}-read-replicas`;
}

/**
 * An error Pulumi records as "created/updated, but failed to initialize": the engine keeps
 * `properties` as the state, so replicas that exist are not forgotten.
 */
function partialFailure(err: unknown, id: string, outs: ReadReplicaOutputs, client: SupabaseClient): Error {
  const message = client.redact(err instanceof Error ? err.message : String(err));
  const replicas = outs.replicas.map((r) => r.identifier).join(", ") || "none";
  const full = `${message}\nRecorded in the state: ${outs.replicas.length} of ${outs.count} read replicas (${replicas}); the next pulumi up continues from there.`;
  return Object.assign(new Error(full), { id, properties: outs, reasons: [full] });
}

/**
 * Brings the project from `current` to `inputs.count` healthy replicas in the effective region.
 * `current` (oldest first) is updated as it goes, so on failure it is the true state:
 * 1. recorded replicas no longer listed are dropped; failed ones (INIT_READ_REPLICA_FAILED) are removed;
 * 2. replicas outside the region and the excess are removed, newest first, each waited on until gone;
 * 3. kept replicas still initializing (a previous run timed out) are waited on;
 * 4. missing replicas are added one at a time, each waited on until ACTIVE_HEALTHY.
 */
async function reconcile(s: Session, inputs: ReadReplicaInputs, current: ReplicaRecord[]): Promise<void> {
  const region = inputs.region ?? s.primaryRegion;
  const live = new Map((await listReplicaDatabases(s)).map((d) => [d.identifier, d]));
  for (const r of [...current]) {
    const db = live.get(r.identifier);
    if (!db || db.status === "REMOVED") current.splice(current.indexOf(r), 1);
  }
  const failed = current.filter((r) => REPLICA_FAILED_STATUSES.includes(live.get(r.identifier)?.status ?? ""));
  const plan = planReplicaChanges(
    current.filter((r) => !failed.includes(r)),
    inputs.count,
    region,
  );
  for (const replica of [...failed, ...plan.remove]) {
    await removeReplica(s, replica);
    current.splice(current.indexOf(replica), 1);
  }
  for (const replica of plan.keep) {
    if (live.get(replica.identifier)?.status !== REPLICA_READY_STATUS) await waitForReplicaReady(s, replica);
  }
  for (let i = 0; i < plan.add; i++) {
    try {
      // The replica is recorded as soon as it is listed, so a timeout keeps it in the state.
      const added = await addReplica(s, region, (r) => current.push(r));
      const recorded = current.find((r) => r.identifier === added.identifier);
      if (recorded) recorded.region = added.region;
      else current.push(added);
    } catch (err) {
      if (err instanceof ReplicaFailedError) {
        // A replica that failed to initialize is removed at once (best effort), not kept.
        const bad = current.find((r) => r.identifier === err.identifier);
        if (bad) {
          try {
            await removeReplica(s, bad);
            current.splice(current.indexOf(bad), 1);
            err.message += " It was removed again.";
          } catch (removeErr) {
            err.message += ` Removing it failed too (${removeErr instanceof Error ? removeErr.message : String(removeErr)}); it stays in the state and the next pulumi up or destroy removes it.`;
          }
        }
      }
      throw err;
    }
  }
}

/** `create`: sets up `count` replicas, one at a time, each waited on until ACTIVE_HEALTHY. */
export async function createReadReplicas(inputs: ReadReplicaInputs): Promise<{ id: string; outs: ReadReplicaOutputs }> {
  const client = managementClient(inputs, undefined);
  const id = readReplicasId(inputs.projectRef);
  const s = await openSession(client, inputs);
  const current: ReplicaRecord[] = [];
  try {
    await reconcile(s, inputs, current);
  } catch (err) {
    if (current.length === 0) throw err instanceof Error ? err : new Error(client.redact(String(err)));
    throw partialFailure(err, id, outputsOf(inputs, s, current), client);
  }
  return { id, outs: outputsOf(inputs, s, current) };
}

/** `update`: adds or removes the difference (newest removed first); a region change removes then adds. */
export async function updateReadReplicas(id: string, olds: ReadReplicaOutputs, news: ReadReplicaInputs): Promise<{ outs: ReadReplicaOutputs }> {
  const client = managementClient(news, olds);
  const s = await openSession(client, news);
  const current = (olds.replicas ?? []).map((r) => ({ ...r }));
  try {
    await reconcile(s, news, current);
  } catch (err) {
    throw partialFailure(err, id, outputsOf(news, s, current), client);
  }
  return { outs: outputsOf(news, s, current) };
}

/** `delete`: removes every replica the resource recorded, newest first. A deleted project counts as done. */
export async function deleteReadReplicas(_id: string, props: ReadReplicaOutputs): Promise<void> {
  const client = managementClient(props, undefined);
  let s: Session;
  try {
    s = await openSession(client, props);
  } catch (err) {
    if (isSupabaseApiError(err) && err.status === 404) return;
    throw err;
  }
  for (const replica of [...(props.replicas ?? [])].reverse()) await removeReplica(s, replica);
}

/**
 * `read`: the recorded replicas that still exist (with their live region), the primary's region;
 * no id when the project is gone. A replica removed outside Pulumi drops out, so the next
 * `pulumi up` adds one again.
 */
export async function readReadReplicas(id: string, props: ReadReplicaOutputs): Promise<{ id?: string; props?: ReadReplicaOutputs }> {
  const client = managementClient(props, undefined);
  let s: Session;
  try {
    s = await openSession(client, props);
  } catch (err) {
    if (isSupabaseApiError(err) && err.status === 404) return {};
    throw err;
  }
  const live = new Map((await listReplicaDatabases(s)).map((d) => [d.identifier, d]));
  const replicas = (props.replicas ?? []).flatMap((r) => {
    const db = live.get(r.identifier);
    return db && db.status !== "REMOVED" ? [{ identifier: r.identifier, region: db.region }] : [];
  });
  return { id, props: outputsOf(props, s, replicas) };
}
