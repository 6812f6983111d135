/**
 * Implementation of the SupabaseSettings dynamic provider (loaded at run time by `settings.ts`).
 * Node built-ins and `./client` only.
 *
 * Each settings area is normalized into the exact request body its endpoint takes. The state
 * keeps those bodies (without secrets), so `diff` and `update` compare like with like and touch
 * only the areas that changed.
 */
import type { Hours, Seconds } from "../../shared/units";
import { type SupabaseClient, managementClient } from "./client";

/**
 * Auth rate limits. Each is a count per a period Supabase fixes (it cannot be sent); the period is
 * in the name. Periods and meanings as the Supabase CLI documents them (config.toml
 * `[auth.rate_limit]`; pkg/config/auth.go maps sign_in_sign_ups -> rate_limit_otp and
 * token_verifications -> rate_limit_verify). Unset = Supabase's value.
 */
export interface AuthRateLimits {
  /** E-mails sent per hour (`rate_limit_email_sent`; needs custom SMTP). */
  emailsPerHour?: number;
  /** SMS sent per hour (`rate_limit_sms_sent`). */
  smsPerHour?: number;
  /** OTP / magic-link verifications per 5 minutes per IP (`rate_limit_verify`). */
  verificationsPer5MinutesPerIp?: number;
  /** Session (token) refreshes per 5 minutes per IP (`rate_limit_token_refresh`). */
  tokenRefreshesPer5MinutesPerIp?: number;
  /** Sign-up and sign-in requests per 5 minutes per IP (`rate_limit_otp`). */
  signInsPer5MinutesPerIp?: number;
  /** Anonymous sign-ins per hour per IP (`rate_limit_anonymous_users`). */
  anonymousSignInsPerHourPerIp?: number;
}

/** Non-secret SMTP settings (the password is the top-level `smtpPassword`). */
export interface SmtpSettings {
  /** Sender address (`smtp_admin_email`), e.g. `no-reply@promptandpause.com`. */
  senderEmail: string;
  /** Sender name. @default "Prompt & Pause" */
  senderName?: string;
  /** @default "smtp.resend.com" */
  host?: string;
  /** @default 587 */
  port?: number;
  /** @default "resend" */
  user?: string;
}

export interface AuthSettings {
  /** `site_url`. */
  siteUrl: string;
  /** Allowed redirect URLs, sent comma-joined as `uri_allow_list`. @default [] */
  redirectUrls?: string[];
  /** Access-token (JWT) lifetime (`jwt_exp`, seconds; the spec allows 0-604800). @default 3600 */
  jwtExpirySeconds?: Seconds;
  /** `refresh_token_rotation_enabled`. @default true */
  refreshTokenRotation?: boolean;
  /** Reuse window of a rotated refresh token (`security_refresh_token_reuse_interval`, seconds). @default 10 */
  refreshTokenReuseIntervalSeconds?: Seconds;
  /**
   * Session lifetime (`sessions_timebox`) in HOURS, not seconds: the Supabase CLI sends
   * `Timebox.Hours()` and reads the field back as `value * time.Hour`. 0 = unlimited.
   * @default 168 (7 days, the guide's refresh_token_expiry 604800 s)
   */
  sessionTimeboxHours?: Hours;
  rateLimits?: AuthRateLimits;
  /** Custom SMTP (Resend). Requires `smtpPassword`. @default Supabase's built-in mailer */
  smtp?: SmtpSettings;
}

/** Plain inputs of SupabaseSettings. An absent area is not managed (left as it is). */
export interface SettingsInputs {
  accessToken: string;
  projectRef: string;
  /** Only for messages. */
  projectName?: string;
  apiBaseUrl?: string;
  requestTimeoutMs?: number;
  maxAttempts?: number;
  /** SMTP password = Resend API key. Secret. */
  smtpPassword?: string;
  auth?: AuthSettings;
  postgres?: { maxConnections?: number };
  pooler?: { defaultPoolSize?: number; poolMode?: "transaction" | "session" };
  storage?: { fileSizeLimitBytes?: number };
  sslEnforcement?: boolean;
  networkRestrictions?: { ipv4Cidrs?: string[]; ipv6Cidrs?: string[] };
  pitr?: { enabled: boolean; retentionDays?: 7 | 14 | 28 };
  backups?: { dailyScheduleUtc?: string };
}

/** Area name -> normalized request body (what the state stores, never with a secret). */
export interface SettingsAreas {
  auth?: Record<string, unknown>;
  postgres?: Record<string, unknown>;
  pooler?: Record<string, unknown>;
  storage?: Record<string, unknown>;
  ssl?: Record<string, unknown>;
  network?: Record<string, unknown>;
  pitr?: { addon_variant: string | null };
  backups?: Record<string, unknown>;
}
export type SettingsArea = keyof SettingsAreas;
/** Order areas are applied in (Postgres first: it may restart the database). */
export const SETTINGS_AREAS: readonly SettingsArea[] = ["postgres", "pooler", "auth", "storage", "ssl", "network", "pitr", "backups"];

export interface SettingsOutputs extends SettingsInputs {
  areas: SettingsAreas;
}

/** Guide values (infrastructure guide, "Supabase Configuration"); filled only here. */
export const SETTINGS_DEFAULTS = {
  jwtExpirySeconds: 3600 as Seconds,
  refreshTokenRotation: true,
  refreshTokenReuseIntervalSeconds: 10 as Seconds,
  /** 7 days = the guide's refresh_token_expiry 604800 s. */
  sessionTimeboxHours: 168 as Hours,
  smtpHost: "smtp.resend.com",
  smtpPort: 587,
  smtpUser: "resend",
  smtpSenderName: "Prompt & Pause",
  maxConnections: 100,
  defaultPoolSize: 20,
  poolMode: "transaction",
  fileSizeLimitBytes: 52_428_800,
  pitrRetentionDays: 7,
} as const;

const RATE_LIMIT_FIELDS: Record<keyof AuthRateLimits, string> = {
  emailsPerHour: "rate_limit_email_sent",
  smsPerHour: "rate_limit_sms_sent",
  verificationsPer5MinutesPerIp: "rate_limit_verify",
  tokenRefreshesPer5MinutesPerIp: "rate_limit_token_refresh",
  signInsPer5MinutesPerIp: "rate_limit_otp",
  anonymousSignInsPerHourPerIp: "rate_limit_anonymous_users",
};

/** The exact bodies each managed area sends. */
export function normalizeSettings(inputs: SettingsInputs): SettingsAreas {
  const d = SETTINGS_DEFAULTS;
  const areas: SettingsAreas = {};
  if (inputs.auth) {
    const a = inputs.auth;
    const auth: Record<string, unknown> = {
      site_url: a.siteUrl,
      uri_allow_list: (a.redirectUrls ?? []).join(","),
      jwt_exp: a.jwtExpirySeconds ?? d.jwtExpirySeconds,
      refresh_token_rotation_enabled: a.refreshTokenRotation ?? d.refreshTokenRotation,
      security_refresh_token_reuse_interval: a.refreshTokenReuseIntervalSeconds ?? d.refreshTokenReuseIntervalSeconds,
      // Hours (see AuthSettings.sessionTimeboxHours).
      sessions_timebox: a.sessionTimeboxHours ?? d.sessionTimeboxHours,
    };
    for (const [key, field] of Object.entries(RATE_LIMIT_FIELDS)) {
      const v = a.rateLimits?.[key as keyof AuthRateLimits];
      if (v !== undefined) auth[field] = v;
    }
    if (a.smtp) {
      auth.smtp_host = a.smtp.host ?? d.smtpHost;
      auth.smtp_port = String(a.smtp.port ?? d.smtpPort);
      auth.smtp_user = a.smtp.user ?? d.smtpUser;
      auth.smtp_admin_email = a.smtp.senderEmail;
      auth.smtp_sender_name = a.smtp.senderName ?? d.smtpSenderName;
    }
    areas.auth = auth;
  }
  if (inputs.postgres) areas.postgres = { max_connections: inputs.postgres.maxConnections ?? d.maxConnections };
  if (inputs.pooler) {
    areas.pooler = { default_pool_size: inputs.pooler.defaultPoolSize ?? d.defaultPoolSize, pool_mode: inputs.pooler.poolMode ?? d.poolMode };
  }
  if (inputs.storage) areas.storage = { fileSizeLimit: inputs.storage.fileSizeLimitBytes ?? d.fileSizeLimitBytes };
  if (inputs.sslEnforcement !== undefined) areas.ssl = { requestedConfig: { database: inputs.sslEnforcement } };
  if (inputs.networkRestrictions) {
    areas.network = {
      dbAllowedCidrs: [...(inputs.networkRestrictions.ipv4Cidrs ?? [])],
      dbAllowedCidrsV6: [...(inputs.networkRestrictions.ipv6Cidrs ?? [])],
    };
  }
  if (inputs.pitr) {
    areas.pitr = { addon_variant: inputs.pitr.enabled ? `pitr_${inputs.pitr.retentionDays ?? d.pitrRetentionDays}` : null };
  }
  if (inputs.backups?.dailyScheduleUtc) areas.backups = { schedule_for: inputs.backups.dailyScheduleUtc };
  return areas;
}

/** `check`: every problem at once; secrets are never echoed. */
export function checkSettingsInputs(news: Partial<SettingsInputs>): { property: string; reason: string }[] {
  const f: { property: string; reason: string }[] = [];
  if (typeof news.accessToken !== "string" || news.accessToken.trim() === "")
    f.push({ property: "accessToken", reason: "Supabase access token is missing. Set it with: pulumi config set --secret promptandpause:supabaseAccessToken <token>" });
  if (typeof news.projectRef !== "string" || news.projectRef === "") f.push({ property: "projectRef", reason: "must be the project ref (SupabaseProject.ref)" });
  if (news.auth) {
    if (typeof news.auth.siteUrl !== "string" || !/^https?:\/\/[^,]+$/.test(news.auth.siteUrl))
      f.push({ property: "auth.siteUrl", reason: `must be an http(s) URL without commas (got ${JSON.stringify(news.auth.siteUrl ?? null)})` });
    for (const [i, url] of (news.auth.redirectUrls ?? []).entries()) {
      if (typeof url !== "string" || url.includes(",") || url.trim() === "")
        f.push({ property: `auth.redirectUrls[${i}]`, reason: `must be a URL without commas (got ${JSON.stringify(url)})` });
    }
    const jwt = news.auth.jwtExpirySeconds;
    if (jwt !== undefined && !(Number.isInteger(jwt) && jwt >= 0 && jwt <= 604800))
      f.push({ property: "auth.jwtExpirySeconds", reason: `must be an integer between 0 and 604800 (got ${JSON.stringify(jwt)})` });
    const timebox = news.auth.sessionTimeboxHours;
    if (timebox !== undefined && !(typeof timebox === "number" && Number.isFinite(timebox) && timebox >= 0 && timebox <= 8760))
      f.push({ property: "auth.sessionTimeboxHours", reason: `must be a number of hours between 0 and 8760 (got ${JSON.stringify(timebox)}); sessions_timebox is hours, not seconds` });
    if (news.auth.smtp && (typeof news.smtpPassword !== "string" || news.smtpPassword === ""))
      f.push({ property: "smtpPassword", reason: "auth.smtp is set but the SMTP password (Resend API key) is missing. Set it with: pulumi config set --secret promptandpause:resendApiKey <key>" });
  }
  const pool = news.pooler?.defaultPoolSize;
  if (pool !== undefined && !(Number.isInteger(pool) && pool >= 1 && pool <= 3000))
    f.push({ property: "pooler.defaultPoolSize", reason: `must be between 1 and 3000 (got ${JSON.stringify(pool)})` });
  const maxConn = news.postgres?.maxConnections;
  if (maxConn !== undefined && !(Number.isInteger(maxConn) && maxConn >= 1 && maxConn <= 262143))
    f.push({ property: "postgres.maxConnections", reason: `must be between 1 and 262143 (got ${JSON.stringify(maxConn)})` });
  if (pool !== undefined && maxConn !== undefined && pool > maxConn)
    f.push({ property: "pooler.defaultPoolSize", reason: `must not exceed postgres.maxConnections ${maxConn} (got ${pool})` });
  const days = news.pitr?.retentionDays;
  if (days !== undefined && ![7, 14, 28].includes(days)) f.push({ property: "pitr.retentionDays", reason: `must be 7, 14 or 28 (got ${JSON.stringify(days)})` });
  const schedule = news.backups?.dailyScheduleUtc;
  if (schedule !== undefined && !/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(schedule))
    f.push({ property: "backups.dailyScheduleUtc", reason: `must be HH:MM:SS in UTC, e.g. "03:00:00" (got ${JSON.stringify(schedule)})` });
  for (const [key, v6] of [["ipv4Cidrs", false], ["ipv6Cidrs", true]] as const) {
    for (const [i, cidr] of (news.networkRestrictions?.[key] ?? []).entries()) {
      const ok = v6 ? /^[0-9a-fA-F:]+\/\d{1,3}$/.test(cidr) : /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(cidr);
      if (!ok) f.push({ property: `networkRestrictions.${key}[${i}]`, reason: `must be an IPv${v6 ? 6 : 4} CIDR (got ${JSON.stringify(cidr)})` });
    }
  }
  return f;
}

function stable(v: unknown): string {
  return JSON.stringify(v ?? null);
}

/** Areas whose body differs between the state and the new inputs (auth also when the SMTP password changed). */
export function changedAreas(olds: Partial<SettingsOutputs>, news: SettingsInputs): SettingsArea[] {
  const next = normalizeSettings(news);
  const prev = olds.areas ?? {};
  return SETTINGS_AREAS.filter((area) => {
    if (stable(prev[area]) !== stable(next[area])) return true;
    return area === "auth" && next.auth?.smtp_host !== undefined && (olds.smtpPassword ?? "") !== (news.smtpPassword ?? "");
  });
}

/** `diff`: replace only when the project changes; otherwise update when an area (or the token/options) changed. */
export function diffSettings(olds: Partial<SettingsOutputs>, news: SettingsInputs): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  if (stable(olds.projectRef) !== stable(news.projectRef)) return { changes: true, replaces: ["projectRef"], deleteBeforeReplace: true };
  const areas = changedAreas(olds, news);
  const plumbing = (["accessToken", "apiBaseUrl", "requestTimeoutMs", "maxAttempts", "projectName"] as const).some((k) => stable(olds[k]) !== stable(news[k]));
  const removed = SETTINGS_AREAS.some((a) => olds.areas?.[a] !== undefined && normalizeSettings(news)[a] === undefined);
  return { changes: areas.length > 0 || plumbing || removed, replaces: [], deleteBeforeReplace: true };
}

interface AddonsResponse {
  selected_addons: { type: string; variant: { id: string } }[];
}

async function applyArea(client: SupabaseClient, inputs: SettingsInputs, area: SettingsArea, body: SettingsAreas[SettingsArea]): Promise<void> {
  const ref = inputs.projectRef;
  const project = { ref, name: inputs.projectName };
  const params = { ref };
  switch (area) {
    case "auth": {
      const authBody = { ...(body as Record<string, unknown>) };
      if (authBody.smtp_host !== undefined) authBody.smtp_pass = inputs.smtpPassword;
      await client.call("updateAuthConfig", { params, body: authBody, project });
      return;
    }
    case "postgres": {
      // PUT replaces the custom config: merge with the current overrides so only ours change.
      const current = (await client.call<Record<string, unknown>>("getPostgresConfig", { params, project })) ?? {};
      await client.call("updatePostgresConfig", { params, body: { ...current, ...(body as Record<string, unknown>) }, project });
      return;
    }
    case "pooler":
      await client.call("updatePoolerConfig", { params, body, project });
      return;
    case "storage":
      await client.call("updateStorageConfig", { params, body, project });
      return;
    case "ssl":
      await client.call("updateSslEnforcement", { params, body, project });
      return;
    case "network":
      await client.call("applyNetworkRestrictions", { params, body, project });
      return;
    case "backups":
      await client.call("updateBackupSchedule", { params, body, project });
      return;
    case "pitr": {
      const variant = (body as { addon_variant: string | null }).addon_variant;
      if (variant) {
        await client.call("applyAddon", { params, body: { addon_type: "pitr", addon_variant: variant }, project });
      } else {
        const addons = await client.call<AddonsResponse>("listAddons", { params, project });
        const current = addons.selected_addons.find((a) => a.type === "pitr");
        if (current) await client.call("removeAddon", { params: { ref, addon_variant: current.variant.id }, project });
      }
      return;
    }
  }
}

/**
 * The client of one provider call ({@link managementClient}); the SMTP password is redacted too.
 * @param olds the previous state on update (its token and SMTP password are redacted); `undefined` elsewhere
 */
function settingsClient(inputs: SettingsInputs, olds?: Partial<SettingsOutputs>): SupabaseClient {
  return managementClient(inputs, olds, inputs.smtpPassword, olds?.smtpPassword);
}

function outputsOf(inputs: SettingsInputs, areas: SettingsAreas): SettingsOutputs {
  return { ...inputs, areas };
}

/** `create`: apply every managed area. */
export async function createSettings(inputs: SettingsInputs): Promise<{ id: string; outs: SettingsOutputs }> {
  const client = settingsClient(inputs);
  const areas = normalizeSettings(inputs);
  for (const area of SETTINGS_AREAS) {
    if (areas[area] !== undefined) await applyArea(client, inputs, area, areas[area]);
  }
  return { id: `${inputs.projectRef}-settings`, outs: outputsOf(inputs, areas) };
}

/** `update`: apply only the areas that changed. An area removed from the inputs is left as it is. `_id` is Pulumi's (unused). */
export async function updateSettings(_id: string, olds: SettingsOutputs, news: SettingsInputs): Promise<{ outs: SettingsOutputs }> {
  const client = settingsClient(news, olds);
  const areas = normalizeSettings(news);
  for (const area of changedAreas(olds, news)) {
    if (areas[area] !== undefined) await applyArea(client, news, area, areas[area]);
  }
  return { outs: outputsOf(news, areas) };
}

/**
 * `delete`: settings cannot be deleted; resetting them to Supabase defaults would loosen
 * security (SSL, network restrictions) or drop backups (PITR). Delete therefore changes nothing
 * in Supabase and only forgets the resource. Deleting the project removes its settings.
 */
export async function deleteSettings(): Promise<void> {}

/** `read`: the live values of the managed areas (what `pulumi refresh` compares). */
export async function readSettings(id: string, props: SettingsOutputs): Promise<{ id: string; props: SettingsOutputs }> {
  const client = settingsClient(props);
  const params = { ref: props.projectRef };
  const project = { ref: props.projectRef, name: props.projectName };
  const areas: SettingsAreas = { ...props.areas };
  if (areas.auth) {
    const live = await client.call<Record<string, unknown>>("getAuthConfig", { params, project });
    areas.auth = Object.fromEntries(Object.keys(areas.auth).map((k) => [k, live[k] ?? null]));
  }
  if (areas.postgres) {
    const live = await client.call<Record<string, unknown>>("getPostgresConfig", { params, project });
    areas.postgres = { max_connections: live.max_connections ?? null };
  }
  if (areas.pooler) {
    const live = await client.call<{ database_type: string; default_pool_size: number | null; pool_mode: string }[]>("getPoolerConfig", { params, project });
    const primary = live.find((p) => p.database_type === "PRIMARY") ?? live[0];
    areas.pooler = { default_pool_size: primary?.default_pool_size ?? null, pool_mode: primary?.pool_mode ?? null };
  }
  if (areas.storage) {
    const live = await client.call<{ fileSizeLimit: number }>("getStorageConfig", { params, project });
    areas.storage = { fileSizeLimit: live.fileSizeLimit };
  }
  if (areas.ssl) {
    const live = await client.call<{ currentConfig: { database: boolean } }>("getSslEnforcement", { params, project });
    areas.ssl = { requestedConfig: { database: live.currentConfig.database } };
  }
  if (areas.network) {
    const live = await client.call<{ config: { dbAllowedCidrs?: string[]; dbAllowedCidrsV6?: string[] } }>("getNetworkRestrictions", { params, project });
    areas.network = { dbAllowedCidrs: live.config.dbAllowedCidrs ?? [], dbAllowedCidrsV6: live.config.dbAllowedCidrsV6 ?? [] };
  }
  if (areas.pitr) {
    const live = await client.call<AddonsResponse>("listAddons", { params, project });
    areas.pitr = { addon_variant: live.selected_addons.find((a) => a.type === "pitr")?.variant.id ?? null };
  }
  if (areas.backups) {
    const live = await client.call<{ schedule_for: string }>("getBackupSchedule", { params, project });
    areas.backups = { schedule_for: live.schedule_for };
  }
  return { id, props: { ...props, areas } };
}
