import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { PLAN_TIERS, type PlanTier } from "../edge/plans";

/** Who a notification goes to (the stack's `contacts`). */
export type Audience = "operations" | "security";

export interface NotificationSpec {
  role: string;
  /**
   * Cloudflare Notifications `alert_type` (Cloudflare API "Create a Notification policy";
   * provider v6 NotificationPolicy.alertType values). Availability per plan from Cloudflare's
   * "Available Notifications" page ("Included with").
   */
  alertType: string;
  /** Cheapest zone plan that has the alert type. */
  minPlan: PlanTier;
  /** Highest plan that should use it (a better alert replaces it). @default enterprise */
  maxPlan?: PlanTier;
  to: readonly Audience[];
  description: string;
  filters?: (ctx: { zoneId: pulumi.Input<string>; healthCheckId?: pulumi.Input<string> }) => cloudflare.types.input.NotificationPolicyFilters | undefined;
}

/**
 * The guide's uptime / origin / DDoS / security / certificate notifications, as data. Each is
 * created when the zone's plan has it:
 * - health_check_status_notification: Health Checks status (Pro and higher), both transitions;
 * - real_origin_monitoring: Passive Origin Monitoring (all plans; fires on 521, origin unreachable),
 *   replaced on Enterprise by http_alert_origin_error (Origin Error Rate Alert, Enterprise only);
 * - dos_attack_l7: HTTP DDoS Attack Alert (all plans), to operations and security;
 * - clickhouse_alert_fw_anomaly: Security Events Alert, spikes in WAF/rate-limit events (Business and Enterprise);
 * - universal_ssl_event_type: Universal SSL Alert, validation/issuance/renewal (all plans).
 */
export const NOTIFICATIONS: readonly NotificationSpec[] = [
  {
    role: "health-check",
    alertType: "health_check_status_notification",
    minPlan: "pro",
    to: ["operations"],
    description: "The app's health check changed state (uptime).",
    // Filter values as in the provider's example: health check ids and the statuses to report.
    filters: ({ healthCheckId }) => (healthCheckId ? { healthCheckIds: [healthCheckId], statuses: ["Unhealthy", "Healthy"] } : undefined),
  },
  { role: "origin-unreachable", alertType: "real_origin_monitoring", minPlan: "free", maxPlan: "business", to: ["operations"], description: "Cloudflare cannot reach the origin (521)." },
  { role: "origin-error-rate", alertType: "http_alert_origin_error", minPlan: "enterprise", to: ["operations"], description: "The origin's error rate rose.", filters: ({ zoneId }) => ({ zones: [zoneId] }) },
  { role: "ddos", alertType: "dos_attack_l7", minPlan: "free", to: ["operations", "security"], description: "Cloudflare mitigated an HTTP DDoS attack on the zone." },
  { role: "security-events", alertType: "clickhouse_alert_fw_anomaly", minPlan: "business", to: ["security"], description: "Spike in security events (WAF, rate limits).", filters: ({ zoneId }) => ({ zones: [zoneId] }) },
  { role: "certificates", alertType: "universal_ssl_event_type", minPlan: "free", to: ["operations"], description: "Universal SSL certificate validation, issuance or renewal event." },
];

/** The notifications a plan gets, in table order. */
export function notificationsFor(plan: PlanTier): NotificationSpec[] {
  const rank = (p: PlanTier) => PLAN_TIERS.indexOf(p);
  return NOTIFICATIONS.filter((n) => rank(plan) >= rank(n.minPlan) && rank(plan) <= rank(n.maxPlan ?? "enterprise"));
}

export interface CloudflareNotificationsArgs {
  /** Cloudflare account id (notification policies are account-level). */
  accountId: pulumi.Input<string>;
  zoneId: pulumi.Input<string>;
  /** The zone's plan: decides which alert types exist. */
  plan: PlanTier;
  /** The edge's health check (filter of the health-check notification). @default none: that notification is not created */
  healthCheckId?: pulumi.Input<string>;
  contacts: Record<Audience, string>;
  /** Policy names start with this, e.g. `promptandpause-prod`. */
  namePrefix: string;
}

/**
 * Cloudflare notification policies for the guide's uptime and security monitoring, e-mailed to
 * the stack's operations and security contacts (Cloudflare e-mail mechanisms take the address as
 * `id`). Free on every plan; what exists depends on the plan (see {@link NOTIFICATIONS}).
 */
export class CloudflareNotifications extends pulumi.ComponentResource {
  readonly policyIds: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: CloudflareNotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("promptandpause:monitoring:CloudflareNotifications", name, {}, opts);
    this.policyIds = {};
    for (const n of notificationsFor(args.plan)) {
      const filters = n.filters?.({ zoneId: args.zoneId, healthCheckId: args.healthCheckId });
      if (n.filters && !filters) continue;
      const emails = [...new Set(n.to.map((who) => args.contacts[who]))].map((id) => ({ id }));
      const policy = new cloudflare.NotificationPolicy(
        `${name}-${n.role}`,
        {
          accountId: args.accountId,
          // Free text (Cloudflare API: name, required); the prefix keeps two stacks' policies apart in one account.
          name: `${args.namePrefix} ${n.role}`,
          description: n.description,
          alertType: n.alertType,
          enabled: true,
          mechanisms: { emails },
          ...(filters ? { filters } : {}),
        },
        { parent: this },
      );
      this.policyIds[n.role] = policy.id;
    }
    this.registerOutputs({ policyIds: this.policyIds });
  }
}
