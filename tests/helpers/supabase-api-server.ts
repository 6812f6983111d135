/**
 * A local Supabase Management API v1 for tests: node:http on 127.0.0.1:0, realistic state
 * (projects come up after N polls, resizes take N polls, settings are stored), and every request
 * VALIDATED against the OpenAPI document (path template, method, path/query parameters, JSON
 * body against the operation's requestBody schema with ajv + ajv-formats, `$ref`s resolved into
 * `components/schemas`). An invalid request gets HTTP 400 and is recorded in `invalid`; tests
 * assert that list is empty.
 *
 * Object schemas that do not say `additionalProperties` are validated as closed (a field the
 * spec does not define is rejected) to catch misspelled field names the real API would ignore.
 */
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { VENDORED_SUPABASE_SPEC } from "../helpers/vendored";

export const REPO_ROOT = path.resolve(__dirname, "../..");
/**
 * The OpenAPI document: the pinned copy in the repo (tests/fixtures/supabase/), always present.
 * tests/database/provider/contract.test.ts fails when the original beside the repo has changed.
 */
export const SPEC_PATH = VENDORED_SUPABASE_SPEC.vendored;

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI document is untyped JSON
type Json = any;

/** Loads the OpenAPI document (the vendored copy). */
export function loadSpec(): Json {
  return JSON.parse(fs.readFileSync(SPEC_PATH, "utf8"));
}

interface Route {
  template: string;
  regex: RegExp;
  paramNames: string[];
  literalSegments: number;
}

/** Validates requests against the OpenAPI document. */
export class OpenApiValidator {
  private readonly routes: Route[];
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly spec: Json) {
    this.routes = Object.keys(spec.paths).map((template) => {
      const paramNames: string[] = [];
      const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{(\w+)\\?\}/g, (_m, n: string) => {
        paramNames.push(n);
        return "([^/]+)";
      });
      return { template, regex: new RegExp(`^${pattern}$`), paramNames, literalSegments: template.split("/").filter((s) => s && !s.startsWith("{")).length };
    });
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    const components = closeObjects(rewriteRefs(structuredClone(spec.components ?? {})));
    this.ajv.addSchema({ $id: "spec.json", components }, "spec.json");
  }

  /** The path template a concrete path matches (most literal segments wins), with its params. */
  match(pathname: string): { template: string; params: Record<string, string> } | undefined {
    const hits = this.routes
      .map((r) => ({ r, m: r.regex.exec(pathname) }))
      .filter((h): h is { r: Route; m: RegExpExecArray } => h.m !== null)
      .sort((a, b) => b.r.literalSegments - a.r.literalSegments);
    const hit = hits[0];
    if (!hit) return undefined;
    const params: Record<string, string> = {};
    hit.r.paramNames.forEach((n, i) => {
      params[n] = decodeURIComponent(hit.m[i + 1] ?? "");
    });
    return { template: hit.r.template, params };
  }

  /** True when the document has this method on this template. */
  hasOperation(method: string, template: string): boolean {
    return Boolean(this.spec.paths[template]?.[method.toLowerCase()]);
  }

  private compile(key: string, schema: Json): ValidateFunction {
    let v = this.cache.get(key);
    if (!v) {
      v = this.ajv.compile(closeObjects(rewriteRefs(structuredClone(schema))));
      this.cache.set(key, v);
    }
    return v;
  }

  /** Every problem with this request (empty = valid). */
  validate(req: { method: string; pathname: string; query: URLSearchParams; body: string; contentType: string | undefined; authorization: string | undefined }): {
    template?: string;
    params: Record<string, string>;
    problems: string[];
  } {
    const problems: string[] = [];
    const route = this.match(req.pathname);
    if (!route) return { params: {}, problems: [`no path in the OpenAPI document matches ${req.pathname}`] };
    const op = this.spec.paths[route.template][req.method.toLowerCase()];
    if (!op) return { template: route.template, params: route.params, problems: [`${req.method} is not defined for ${route.template}`] };
    if (!/^Bearer \S+$/.test(req.authorization ?? "")) problems.push("missing Authorization: Bearer <token> header");
    const opKey = `${req.method} ${route.template}`;
    for (const param of op.parameters ?? []) {
      const p = param.$ref ? this.resolve(param.$ref) : param;
      let raw: string | undefined;
      if (p.in === "path") raw = route.params[p.name];
      else if (p.in === "query") raw = req.query.get(p.name) ?? undefined;
      else continue;
      if (raw === undefined) {
        if (p.required) problems.push(`missing required ${p.in} parameter "${p.name}"`);
        continue;
      }
      if (p.schema) {
        const value = coerce(raw, p.schema);
        const v = this.compile(`${opKey} ${p.in}:${p.name}`, p.schema);
        if (!v(value)) problems.push(`${p.in} parameter "${p.name}"=${JSON.stringify(raw)}: ${this.ajv.errorsText(v.errors)}`);
      }
    }
    const known = new Set((op.parameters ?? []).filter((p: Json) => p.in === "query").map((p: Json) => p.name));
    for (const name of req.query.keys()) if (!known.has(name)) problems.push(`query parameter "${name}" is not defined for ${opKey}`);
    const bodySpec = op.requestBody?.content?.["application/json"];
    if (req.body.trim() !== "") {
      if (!bodySpec) problems.push(`${opKey} takes no JSON body`);
      else if (!(req.contentType ?? "").includes("application/json")) problems.push("Content-Type must be application/json");
      else {
        let parsed: unknown;
        try {
          parsed = JSON.parse(req.body);
        } catch {
          problems.push("body is not valid JSON");
        }
        if (parsed !== undefined && bodySpec.schema) {
          const v = this.compile(`${opKey} body`, bodySpec.schema);
          if (!v(parsed)) problems.push(`body: ${this.ajv.errorsText(v.errors, { dataVar: "body" })}`);
        }
      }
    } else if (op.requestBody?.required) {
      problems.push(`${opKey} requires a JSON body`);
    }
    return { template: route.template, params: route.params, problems };
  }

  private resolve(ref: string): Json {
    return ref
      .replace(/^#\//, "")
      .split("/")
      .reduce((o: Json, k: string) => o?.[k], this.spec);
  }
}

function rewriteRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/")) node[k] = `spec.json${v}`;
      else node[k] = rewriteRefs(v);
    }
  }
  return node;
}

/** Treats object schemas without `additionalProperties` as closed (stricter than the spec). */
function closeObjects(node: Json): Json {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      // property names are data, not schemas: recurse into their schemas only
      node[k] = closeObjects(v);
    }
    if (node.properties && typeof node.properties === "object" && node.additionalProperties === undefined && !node.allOf && !node.anyOf) {
      node.additionalProperties = false;
    }
  }
  return node;
}

function coerce(raw: string, schema: Json): unknown {
  const type = schema.type;
  if (type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  if (type === "integer" || type === "number") return raw.trim() !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  return raw;
}

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** `METHOD /template` or `METHOD ?` when no template matched. */
  operation: string;
  query: Record<string, string>;
  body: unknown;
  authorization: string | undefined;
}

/** A request that failed validation. */
export interface InvalidRequest {
  operation: string;
  problems: string[];
}

/** A scripted failure for the next `times` calls of `operation` (e.g. `GET /v1/projects/{ref}`). */
export interface Fault {
  operation: string;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Hold the response this long before answering (to trigger client timeouts). */
  delayMs?: number;
  /** Carry the request out, then answer with `status` anyway (a 5xx after the change was applied). */
  applyThenFail?: boolean;
  /** Let this many matching calls through untouched before the fault applies. @default 0 */
  after?: number;
  /** @default 1 */
  times?: number;
}

export interface FakeProject {
  id: number;
  ref: string;
  name: string;
  organization_slug: string;
  region: string;
  db_pass: string;
  desired_instance_size?: string;
  status: string;
  pollsUntilReady: number;
  created_at: string;
  postgresVersion: string;
  addons: { type: string; id: string }[];
  auth: Record<string, unknown>;
  postgres: Record<string, unknown>;
  pooler: { default_pool_size: number | null; pool_mode: "transaction" | "session" };
  storage: { fileSizeLimit: number };
  ssl: boolean;
  network: { dbAllowedCidrs: string[]; dbAllowedCidrsV6: string[] };
  backupSchedule: string;
  /** API keys as `GET /v1/projects/{ref}/api-keys` lists them (ApiKeyResponse). */
  apiKeys: FakeApiKey[];
  /** Read replicas, oldest first (listed by GET /v1/organizations/{slug}/projects). */
  replicas: FakeReplica[];
}

/**
 * One API key (`ApiKeyResponse`). A new project has the legacy JWT pair and the `default`
 * publishable and secret keys, as the Supabase CLI's recorded e2e fixture
 * (apps/cli-e2e/fixtures/recorded/GET_v1_projects___PROJECT_REF___api_keys) shows: the secret key
 * carries `secret_jwt_template: { role: "service_role" }`.
 */
export interface FakeApiKey {
  id: string;
  name: string;
  type: "legacy" | "publishable" | "secret";
  api_key: string;
  secret_jwt_template?: Record<string, unknown> | null;
  description: string | null;
}

/** The keys a project gets on creation; with `legacyOnly`, those of a project from before the new keys. */
export function projectApiKeys(ref: string, legacyOnly = false): FakeApiKey[] {
  const legacy: FakeApiKey[] = [
    { id: "anon", name: "anon", type: "legacy", api_key: `anon-jwt-${ref}`, description: "Legacy anon API key" },
    { id: "service_role", name: "service_role", type: "legacy", api_key: `service-role-jwt-${ref}`, description: "Legacy service_role API key" },
  ];
  if (legacyOnly) return legacy;
  return [
    ...legacy,
    { id: `pk-${ref}`, name: "default", type: "publishable", api_key: `sb_publishable_${ref}`, secret_jwt_template: null, description: null },
    { id: `sk-${ref}`, name: "default", type: "secret", api_key: `sb_secret_${ref}`, secret_jwt_template: { role: "service_role" }, description: null },
  ];
}

/** A read replica of a FakeProject. */
export interface FakeReplica {
  identifier: string;
  region: string;
  /** INIT_READ_REPLICA -> ACTIVE_HEALTHY; GOING_DOWN -> gone. Tests may set INIT_READ_REPLICA_FAILED. */
  status: string;
  /** Organization listings that still omit it (just set up). */
  hiddenPolls: number;
  /** Listings left in INIT_READ_REPLICA / GOING_DOWN. */
  pollsLeft: number;
}

export interface SupabaseApiServerOptions {
  /** The only token accepted. */
  token: string;
  /** The OpenAPI document every request is validated against. @default loadSpec() (the vendored copy) */
  spec?: Json;
  /** GET polls a new project answers COMING_UP before ACTIVE_HEALTHY. @default 2 */
  comingUpPolls?: number;
  /** GET polls a resized project answers RESIZING. @default 1 */
  resizingPolls?: number;
  /** Version reported for new projects. @default "15.8.1.054" */
  postgresVersion?: string;
  /** Organization listings a new read replica answers INIT_READ_REPLICA before ACTIVE_HEALTHY. @default 2 */
  replicaInitPolls?: number;
  /** Organization listings a removed read replica answers GOING_DOWN before it is gone. @default 1 */
  replicaRemovePolls?: number;
  /** Organization listings that do not show a read replica yet right after setup. @default 0 */
  replicaHiddenPolls?: number;
  /** Read replicas set up in these regions end in INIT_READ_REPLICA_FAILED instead of ACTIVE_HEALTHY. @default none */
  replicaFailRegions?: string[];
  /** New projects get only the legacy anon/service_role keys (a project from before the new keys). @default false */
  legacyKeysOnly?: boolean;
}

export interface SupabaseApiServer {
  url: string;
  requests: RecordedRequest[];
  invalid: InvalidRequest[];
  projects: Map<string, FakeProject>;
  inject(fault: Fault): void;
  /** Operations (`METHOD /template`) received, in order. */
  operations(): string[];
  close(): Promise<void>;
}

function randomRef(): string {
  let s = "";
  for (let i = 0; i < 20; i++) s += String.fromCharCode(97 + Math.floor(Math.random() * 26));
  return s;
}

/** Starts the server; `SUPABASE_API_URL` is NOT set here (tests set it). */
export async function startSupabaseApiServer(options: SupabaseApiServerOptions): Promise<SupabaseApiServer> {
  const validator = new OpenApiValidator(options.spec ?? loadSpec());
  const requests: RecordedRequest[] = [];
  const invalid: InvalidRequest[] = [];
  const projects = new Map<string, FakeProject>();
  const faults: Fault[] = [];
  let nextId = 1;
  const comingUp = options.comingUpPolls ?? 2;
  const resizing = options.resizingPolls ?? 1;
  const replicaInit = options.replicaInitPolls ?? 2;
  const replicaRemove = options.replicaRemovePolls ?? 1;
  const replicaHidden = options.replicaHiddenPolls ?? 0;

  /** One organization listing: every replica moves one step (set up -> healthy, removed -> gone). */
  const advanceReplicas = () => {
    for (const p of projects.values()) {
      for (const r of [...p.replicas]) {
        if (r.hiddenPolls > 0) {
          r.hiddenPolls--;
          continue;
        }
        if (r.status === "INIT_READ_REPLICA") {
          if (r.pollsLeft > 0) r.pollsLeft--;
          else r.status = options.replicaFailRegions?.includes(r.region) ? "INIT_READ_REPLICA_FAILED" : "ACTIVE_HEALTHY";
        } else if (r.status === "GOING_DOWN") {
          if (r.pollsLeft > 0) r.pollsLeft--;
          else p.replicas.splice(p.replicas.indexOf(r), 1);
        }
      }
    }
  };

  const handle = (method: string, template: string, params: Record<string, string>, body: Json, query: Record<string, string> = {}): [number, unknown] => {
    const op = `${method} ${template}`;
    if (op === "POST /v1/projects") {
      const ref = randomRef();
      const p: FakeProject = {
        id: nextId++,
        ref,
        name: body.name,
        organization_slug: body.organization_slug,
        region: body.region_selection?.code ?? body.region ?? "us-east-1",
        db_pass: body.db_pass,
        desired_instance_size: body.desired_instance_size,
        status: "COMING_UP",
        pollsUntilReady: comingUp,
        created_at: new Date().toISOString(),
        postgresVersion: options.postgresVersion ?? "15.8.1.054",
        addons: body.desired_instance_size && body.desired_instance_size !== "nano" ? [{ type: "compute_instance", id: `ci_${body.desired_instance_size}` }] : [],
        auth: { site_url: "http://localhost:3000", jwt_exp: 3600, uri_allow_list: "", refresh_token_rotation_enabled: true, security_refresh_token_reuse_interval: 10, sessions_timebox: 0 },
        postgres: { shared_buffers: "128MB" },
        pooler: { default_pool_size: 15, pool_mode: "transaction" },
        storage: { fileSizeLimit: 52428800 },
        ssl: false,
        network: { dbAllowedCidrs: ["0.0.0.0/0"], dbAllowedCidrsV6: ["::/0"] },
        backupSchedule: "00:00:00",
        apiKeys: projectApiKeys(ref, options.legacyKeysOnly),
        replicas: [],
      };
      projects.set(ref, p);
      return [201, projectResponse(p)];
    }
    if (op === "GET /v1/organizations/{slug}/projects") {
      advanceReplicas();
      const search = (query.search ?? "").toLowerCase();
      const all = [...projects.values()]
        .filter((p) => p.organization_slug === params.slug && p.name.toLowerCase().includes(search))
        .sort((a, b) => (query.sort === "created_desc" ? b.id - a.id : query.sort === "created_asc" ? a.id - b.id : a.name.localeCompare(b.name)));
      const offset = Number(query.offset ?? 0);
      const limit = Number(query.limit ?? 100);
      return [
        200,
        {
          projects: all.slice(offset, offset + limit).map((p) => ({
            ref: p.ref,
            name: p.name,
            cloud_provider: "AWS",
            region: p.region,
            is_branch: false,
            status: p.status,
            inserted_at: p.created_at,
            databases: [
              { identifier: p.ref, type: "PRIMARY", region: p.region, status: p.status, cloud_provider: "AWS", infra_compute_size: (p.addons.find((a) => a.type === "compute_instance")?.id ?? "ci_nano").slice(3) },
              ...p.replicas
                .filter((r) => r.hiddenPolls === 0)
                .map((r) => ({ identifier: r.identifier, type: "READ_REPLICA", region: r.region, status: r.status, cloud_provider: "AWS" })),
            ],
          })),
          pagination: { count: all.length, limit, offset },
        },
      ];
    }
    const p = params.ref ? projects.get(params.ref) : undefined;
    if (params.ref && !p) return [404, { message: "Project not found" }];
    if (!p) return [501, { message: `not implemented: ${op}` }];
    switch (op) {
      case "GET /v1/projects/{ref}":
        if (p.pollsUntilReady > 0) p.pollsUntilReady--;
        else if (p.status === "COMING_UP" || p.status === "RESIZING") p.status = "ACTIVE_HEALTHY";
        return [200, { ...projectResponse(p), database: { host: `db.${p.ref}.supabase.co`, version: p.postgresVersion, postgres_engine: p.postgresVersion.split(".")[0], release_channel: "ga" } }];
      case "PATCH /v1/projects/{ref}":
        p.name = body.name;
        return [200, { id: p.id, ref: p.ref, name: p.name }];
      case "DELETE /v1/projects/{ref}":
        projects.delete(p.ref);
        return [200, { id: p.id, ref: p.ref, name: p.name }];
      case "GET /v1/projects/{ref}/api-keys":
        // Without reveal=true, secret keys are listed without their value (only a masked prefix):
        // the CLI always asks with reveal=true to read them (internal/utils/tenant/client.go).
        return [
          200,
          p.apiKeys.map((k) => ({
            ...k,
            api_key: k.type === "secret" && query.reveal !== "true" ? `${k.api_key.slice(0, 14)}••••` : k.api_key,
            prefix: k.api_key.slice(0, 14),
          })),
        ];
      case "PATCH /v1/projects/{ref}/database/password":
        p.db_pass = body.password;
        return [200, { message: "Password updated" }];
      case "GET /v1/projects/{ref}/billing/addons":
        return [
          200,
          {
            selected_addons: p.addons.map((a) => ({ type: a.type, variant: { id: a.id, name: a.id, price: { description: "", type: "fixed", interval: "hourly", amount: 0.01 } } })),
            available_addons: [],
          },
        ];
      case "PATCH /v1/projects/{ref}/billing/addons":
        p.addons = p.addons.filter((a) => a.type !== body.addon_type).concat({ type: body.addon_type, id: body.addon_variant });
        if (body.addon_type === "compute_instance") {
          p.status = "RESIZING";
          p.pollsUntilReady = resizing;
        }
        return [200, undefined];
      case "DELETE /v1/projects/{ref}/billing/addons/{addon_variant}":
        p.addons = p.addons.filter((a) => a.id !== params.addon_variant);
        return [200, undefined];
      case "GET /v1/projects/{ref}/config/database/pooler":
        return [
          200,
          [
            {
              identifier: p.ref,
              database_type: "PRIMARY",
              is_using_scram_auth: true,
              db_user: `postgres.${p.ref}`,
              db_host: "aws-0-eu-west-2.pooler.supabase.com",
              db_port: 6543,
              db_name: "postgres",
              connection_string: `postgresql://postgres.${p.ref}:[YOUR-PASSWORD]@aws-0-eu-west-2.pooler.supabase.com:6543/postgres`,
              connectionString: `postgresql://postgres.${p.ref}:[YOUR-PASSWORD]@aws-0-eu-west-2.pooler.supabase.com:6543/postgres`,
              default_pool_size: p.pooler.default_pool_size,
              max_client_conn: 200,
              pool_mode: p.pooler.pool_mode,
            },
          ],
        ];
      case "PATCH /v1/projects/{ref}/config/database/pooler":
        Object.assign(p.pooler, body);
        return [200, { ...p.pooler }];
      case "GET /v1/projects/{ref}/config/database/postgres":
        return [200, { ...p.postgres }];
      case "PUT /v1/projects/{ref}/config/database/postgres":
        p.postgres = { ...body };
        return [200, { ...p.postgres }];
      case "GET /v1/projects/{ref}/config/auth":
        return [200, { ...p.auth, smtp_pass: p.auth.smtp_pass ? "********" : null }];
      case "PATCH /v1/projects/{ref}/config/auth":
        Object.assign(p.auth, body);
        return [200, { ...p.auth, smtp_pass: p.auth.smtp_pass ? "********" : null }];
      case "GET /v1/projects/{ref}/config/storage":
        return [
          200,
          {
            fileSizeLimit: p.storage.fileSizeLimit,
            features: {
              imageTransformation: { enabled: true },
              s3Protocol: { enabled: true },
              icebergCatalog: { enabled: false, maxNamespaces: 0, maxTables: 0, maxCatalogs: 0 },
              vectorBuckets: { enabled: false, maxBuckets: 0, maxIndexes: 0 },
            },
            capabilities: { list_v2: true, iceberg_catalog: false },
            external: { upstreamTarget: "main" },
            migrationVersion: "1",
            databasePoolMode: "recycled",
          },
        ];
      case "PATCH /v1/projects/{ref}/config/storage":
        if (body.fileSizeLimit !== undefined) p.storage.fileSizeLimit = body.fileSizeLimit;
        return [200, undefined];
      case "GET /v1/projects/{ref}/ssl-enforcement":
        return [200, { currentConfig: { database: p.ssl }, appliedSuccessfully: true }];
      case "PUT /v1/projects/{ref}/ssl-enforcement":
        p.ssl = body.requestedConfig.database;
        return [200, { currentConfig: { database: p.ssl }, appliedSuccessfully: true }];
      case "GET /v1/projects/{ref}/network-restrictions":
        return [200, { entitlement: "allowed", config: { ...p.network }, status: "applied" }];
      case "POST /v1/projects/{ref}/network-restrictions/apply":
        p.network = { dbAllowedCidrs: body.dbAllowedCidrs ?? [], dbAllowedCidrsV6: body.dbAllowedCidrsV6 ?? [] };
        return [201, { entitlement: "allowed", config: { ...p.network }, status: "applied" }];
      case "GET /v1/projects/{ref}/database/backups/schedule":
        return [200, { schedule_for: p.backupSchedule, updated_at: new Date().toISOString() }];
      case "PATCH /v1/projects/{ref}/database/backups/schedule":
        p.backupSchedule = body.schedule_for;
        return [200, { schedule_for: p.backupSchedule, updated_at: new Date().toISOString() }];
      case "POST /v1/projects/{ref}/read-replicas/setup": {
        let suffix = "";
        for (let i = 0; i < 5; i++) suffix += String.fromCharCode(97 + Math.floor(Math.random() * 26));
        p.replicas.push({ identifier: `${p.ref}-rr-${body.read_replica_region}-${suffix}`, region: body.read_replica_region, status: "INIT_READ_REPLICA", hiddenPolls: replicaHidden, pollsLeft: replicaInit });
        return [201, undefined];
      }
      case "POST /v1/projects/{ref}/read-replicas/remove": {
        const r = p.replicas.find((x) => x.identifier === body.database_identifier);
        if (!r) return [404, { message: `Database ${body.database_identifier} not found` }];
        if (r.status !== "GOING_DOWN") {
          r.status = "GOING_DOWN";
          r.pollsLeft = replicaRemove;
        }
        return [201, undefined];
      }
      default:
        return [501, { message: `not implemented in the test server: ${op}` }];
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const method = (req.method ?? "GET").toUpperCase();
      const result = validator.validate({
        method,
        pathname: url.pathname,
        query: url.searchParams,
        body: raw,
        contentType: req.headers["content-type"],
        authorization: req.headers.authorization,
      });
      const { template, params, problems } = result;
      const operation = `${method} ${template ?? "?"}`;
      let body: Json;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      requests.push({ method, path: url.pathname, operation, query: Object.fromEntries(url.searchParams), body, authorization: req.headers.authorization });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        if (res.destroyed) return;
        const text = payload === undefined ? "" : JSON.stringify(payload);
        res.writeHead(status, { ...(text ? { "Content-Type": "application/json" } : {}), ...headers });
        res.end(text);
      };
      if (problems.length > 0) {
        invalid.push({ operation, problems });
        return send(400, { message: `Request does not conform to the OpenAPI document: ${problems.join("; ")}` });
      }
      if (req.headers.authorization !== `Bearer ${options.token}`) return send(401, { message: "Unauthorized" });
      const faultIndex = faults.findIndex((f) => f.operation === operation);
      let fault = faultIndex >= 0 ? faults[faultIndex] : undefined;
      if (fault?.after) {
        fault.after--;
        fault = undefined;
      }
      if (fault) {
        fault.times = (fault.times ?? 1) - 1;
        if (fault.times <= 0) faults.splice(faultIndex, 1);
        const respond = () => {
          if (fault.status !== undefined) {
            if (fault.applyThenFail) handle(method, template ?? "", params, body, Object.fromEntries(url.searchParams));
            send(fault.status, fault.body ?? { message: `scripted HTTP ${fault.status}` }, fault.headers);
          } else {
            const [status, payload] = handle(method, template ?? "", params, body, Object.fromEntries(url.searchParams));
            send(status, payload);
          }
        };
        if (fault.delayMs) setTimeout(respond, fault.delayMs);
        else respond();
        return;
      }
      const [status, payload] = handle(method, template ?? "", params, body, Object.fromEntries(url.searchParams));
      send(status, payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    invalid,
    projects,
    inject: (fault) => faults.push({ ...fault }),
    operations: () => requests.map((r) => r.operation),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function projectResponse(p: FakeProject) {
  return {
    id: String(p.id),
    ref: p.ref,
    organization_id: p.organization_slug,
    organization_slug: p.organization_slug,
    name: p.name,
    region: p.region,
    created_at: p.created_at,
    status: p.status,
  };
}

/**
 * Starts the server for the calling test file (beforeAll), points the client at it through
 * SUPABASE_API_URL, checks after every test that no request broke the OpenAPI document, and
 * stops it (afterAll). Returns the server; it is usable from the first beforeAll registered after
 * this call onwards (a stand-in forwards to the running instance).
 */
export function useSupabaseApiServer(options: SupabaseApiServerOptions): SupabaseApiServer {
  let running: SupabaseApiServer | undefined;
  const current = (): SupabaseApiServer => {
    if (!running) throw new Error("useSupabaseApiServer: the server is used before its beforeAll ran");
    return running;
  };
  beforeAll(async () => {
    running = await startSupabaseApiServer(options);
    process.env.SUPABASE_API_URL = running.url;
  });
  afterAll(async () => {
    await running?.close();
    delete process.env.SUPABASE_API_URL;
  });
  afterEach(() => {
    expect(current().invalid).toEqual([]);
  });
  return new Proxy({} as SupabaseApiServer, { get: (_target, key) => Reflect.get(current(), key) });
}
