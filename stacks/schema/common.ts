import { z } from "zod";

/** Zod building blocks shared by the layer schemas. */

export const email = z.email({ error: "must be an email address like ops@promptandpause.com" });

export const httpsUrl = z.url({ protocol: /^https$/, error: "must be an https:// URL" });

/** IPv4 or IPv6 CIDR block. */
export const cidr = z.union([z.cidrv4(), z.cidrv6()], { error: "must be a CIDR block like 203.0.113.0/24 or 2001:db8::/32" });

/** Who is told about what (guide: "Network contacts", "Emergency contacts"). */
export const contactsSchema = z.strictObject({
  /** Operations on-call: health-check and alert notifications. */
  operations: email,
  /** Security team: WAF and abuse reports. */
  security: email,
  /** Receives DMARC aggregate reports for the mail domain. */
  dmarcReports: email,
});
