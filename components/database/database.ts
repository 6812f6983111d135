import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { statefulOptions } from "../shared/stateful";
import { seconds, secondsToHours } from "../shared/units";
import { SupabaseProject, SupabaseReadReplicas, SupabaseSettings } from "./supabase";

/**
 * The guide's "Supabase Configuration" as one component: a Supabase project with a generated
 * database password, its settings (auth, Postgres, pooler, storage, SSL, network, backups) and
 * read replicas from the scale preset. Exports what the app layer needs; keys and connection
 * strings stay secret.
 */

export interface DatabaseAuthArgs {
  /** Auth site URL (e-mail links point here). */
  siteUrl: string;
  /** Redirect allow-list after sign-in. Security: only the app's own https URLs in prod. */
  redirectUrls: string[];
  /** Access-token lifetime. @default 3600 (guide) */
  jwtExpirySeconds: number;
  /** Session lifetime in seconds (the guide's refresh_token_expiry), sent as `sessions_timebox` in hours. @default 604800 (guide) */
  refreshTokenExpirySeconds: number;
  /** Reuse window of a rotated refresh token. @default 10 */
  refreshTokenReuseIntervalSeconds: number;
  /** Auth e-mails per hour. @default 30 */
  emailsPerHour: number;
  /** Token refreshes per 5 minutes per IP. @default 150 */
  tokenRefreshesPer5Minutes: number;
  /** Sender of auth e-mails, sent through Resend's SMTP on port 587 (the guide's outbound 587). */
  senderEmail: string;
  /** Resend API key, the SMTP password. Security: secret. */
  smtpPassword: pulumi.Input<string>;
}

export interface DatabaseArgs {
  /** Supabase Management API access token. Security: secret. */
  accessToken: pulumi.Input<string>;
  /** Organization that owns (and pays for) the project. Changing it replaces the project. */
  organizationSlug: string;
  /** Physical project name (from `physicalName("supabase-project", …)`). */
  projectName: string;
  /** Supabase region. Changing it replaces the project (data is lost without a restore). */
  region: string;
  /** Postgres major the guide asks for; a different actual major is logged as a warning. @default 15 */
  desiredPostgresMajor: number;
  /** Compute size of the primary. Cost: billed hourly. @default "small" (preset current) */
  computeSize: string;
  /** Read replicas in the project's region. Cost: each is billed like the primary. @default 0 */
  readReplicas: number;
  /** Postgres `max_connections`. @default 100 (guide) */
  maxConnections: number;
  /** Supavisor pool size. @default 20 (guide) */
  poolSize: number;
  /** Supavisor pool mode. @default "transaction" */
  poolMode: "transaction" | "session";
  auth: DatabaseAuthArgs;
  /** Per-file upload limit in MB. @default 50 (guide) */
  fileSizeLimitMb: number;
  /** Refuse non-SSL database connections. Security: keep on. @default true */
  sslEnforcement: boolean;
  /** CIDRs allowed to reach Postgres and the pooler. @default all, with SSL enforced */
  allowedCidrs: string[];
  /** Point-in-time recovery (WAL archiving, 7 days): meets the guide's 15-minute RPO. @default false */
  pointInTimeRecovery: boolean;
  /**
   * Daily backup time, `HH:MM:SS` UTC. Only sent without PITR (with PITR on, Supabase takes no
   * daily backups; the plan warns instead). @default "02:00:00" (start of the guide's maintenance window)
   */
  backupTimeUtc: string;
  /** Protect the project from deletion (and keep it if removed from the program). @default false */
  protect: boolean;
}

export class Database extends pulumi.ComponentResource {
  /** Project ref. */
  public readonly projectRef: pulumi.Output<string>;
  /** `https://<ref>.supabase.co`. */
  public readonly apiUrl: pulumi.Output<string>;
  /** Publishable key (`sb_publishable_…`, the anon key's successor): public; row-level security protects the data. */
  public readonly publishableKey: pulumi.Output<string>;
  /** Secret key (`sb_secret_…`, the service-role key's successor). Secret: bypasses row-level security. */
  public readonly secretKey: pulumi.Output<string>;
  /** Secret: Supavisor transaction-mode connection string. */
  public readonly poolerConnectionString: pulumi.Output<string>;
  /** Actual PostgreSQL version the project runs. */
  public readonly postgresVersion: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:database:Database", name, {}, opts);

    const password = this.createPassword(name);
    const project = this.createProject(name, args, password);
    this.createSettings(name, args, project);
    this.createReadReplicas(name, args, project);

    this.projectRef = project.ref;
    this.apiUrl = project.apiUrl;
    // The publishable key is meant for browsers (NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY); RLS, not
    // secrecy, protects the data. Keeping it secret would make the public env var look like a leak.
    this.publishableKey = pulumi.unsecret(project.publishableKey);
    this.secretKey = pulumi.secret(project.secretKey);
    this.poolerConnectionString = pulumi.secret(project.poolerConnectionString);
    this.postgresVersion = project.postgresVersion;

    this.registerOutputs({ projectRef: this.projectRef, apiUrl: this.apiUrl, postgresVersion: this.postgresVersion });
  }

  /** Generated, never typed by a person; alphanumeric so it needs no escaping in connection strings. */
  private createPassword(name: string): random.RandomPassword {
    return new random.RandomPassword(`${name}-db-password`, { length: 40, special: false, minLower: 4, minUpper: 4, minNumeric: 4 }, { parent: this });
  }

  private createProject(name: string, args: DatabaseArgs, password: random.RandomPassword): SupabaseProject {
    const project = new SupabaseProject(
      `${name}-project`,
      {
        accessToken: args.accessToken,
        organizationSlug: args.organizationSlug,
        name: args.projectName,
        region: args.region,
        dbPassword: password.result,
        instanceSize: args.computeSize,
        desiredPostgresMajor: args.desiredPostgresMajor,
      },
      { parent: this, ...statefulOptions(args.protect) },
    );
    // Dynamic providers cannot log; the component surfaces the provider's version check.
    project.postgresVersionWarning.apply((warning) => {
      if (warning) pulumi.log.warn(warning, this);
    });
    return project;
  }

  private createSettings(name: string, args: DatabaseArgs, project: SupabaseProject): SupabaseSettings {
    const ipv4Cidrs = args.allowedCidrs.filter((cidr) => !cidr.includes(":"));
    const ipv6Cidrs = args.allowedCidrs.filter((cidr) => cidr.includes(":"));
    return new SupabaseSettings(
      `${name}-settings`,
      {
        accessToken: args.accessToken,
        projectRef: project.ref,
        projectName: args.projectName,
        smtpPassword: args.auth.smtpPassword,
        auth: {
          siteUrl: args.auth.siteUrl,
          redirectUrls: args.auth.redirectUrls,
          jwtExpirySeconds: seconds(args.auth.jwtExpirySeconds),
          refreshTokenRotation: true,
          refreshTokenReuseIntervalSeconds: seconds(args.auth.refreshTokenReuseIntervalSeconds),
          // The guide's refresh_token_expiry is seconds; Supabase's sessions_timebox is hours.
          sessionTimeboxHours: secondsToHours(seconds(args.auth.refreshTokenExpirySeconds)),
          rateLimits: { emailsPerHour: args.auth.emailsPerHour, tokenRefreshesPer5MinutesPerIp: args.auth.tokenRefreshesPer5Minutes },
          smtp: { senderEmail: args.auth.senderEmail },
        },
        postgres: { maxConnections: args.maxConnections },
        pooler: { defaultPoolSize: args.poolSize, poolMode: args.poolMode },
        storage: { fileSizeLimitBytes: args.fileSizeLimitMb * 1024 * 1024 },
        sslEnforcement: args.sslEnforcement,
        networkRestrictions: { ipv4Cidrs, ipv6Cidrs },
        pitr: { enabled: args.pointInTimeRecovery },
        backups: this.dailyBackups(args),
      },
      { parent: this },
    );
  }

  /**
   * The daily backup schedule, or nothing when PITR is on: Supabase then takes no daily backups
   * ("If you enable PITR, Daily Backups will no longer be taken", docs/guides/platform/backups), so
   * a schedule could not take effect. Not managing the area leaves Supabase's own value.
   */
  private dailyBackups(args: DatabaseArgs): { dailyScheduleUtc: string } | undefined {
    if (!args.pointInTimeRecovery) return { dailyScheduleUtc: args.backupTimeUtc };
    pulumi.log.warn(
      `Supabase project "${args.projectName}": the daily backup schedule (backupTimeUtc ${args.backupTimeUtc}) is not sent because point-in-time recovery is on, ` +
        "and with PITR Supabase takes no daily backups (https://supabase.com/docs/guides/platform/backups). Recovery is PITR's 7-day window; " +
        "backupTimeUtc takes effect only with pointInTimeRecovery: false.",
      this,
    );
    return undefined;
  }

  /** Only when the preset asks for replicas: a resource with count 0 would still call the API. */
  private createReadReplicas(name: string, args: DatabaseArgs, project: SupabaseProject): SupabaseReadReplicas | undefined {
    if (args.readReplicas === 0) return undefined;
    return new SupabaseReadReplicas(
      `${name}-read-replicas`,
      { accessToken: args.accessToken, projectRef: project.ref, projectName: args.projectName, region: args.region, count: args.readReplicas },
      { parent: this },
    );
  }
}
