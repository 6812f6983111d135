/**
 * `npm run diagnose -- --stack prod [--load] [--icmp] [--json FILE] [overrides]`
 *
 * The guide's "Network Troubleshooting" as one report: DNS (NS, A/CNAME, DNSSEC), TLS (chain,
 * expiry, minimum version, HSTS), HTTP → HTTPS redirect, the guide's `/api/(.*)` headers, cache
 * status and hit ratio of the cached routes, TCP connect time to the app and the database pooler,
 * health-endpoint latency percentiles, the guide's `ab -n 1000 -c 10` (opt-in `--load`, paced
 * under the edge's API rate limit) and ping/traceroute (opt-in `--icmp`). One line per check,
 * PASS / FAIL / SKIP. Exit codes: 0 nothing failed, 1 a check failed, 2 bad arguments or settings.
 *
 * Targets come from `Pulumi.<stack>.yaml` (domain, health path, API rate limit, database region);
 * every one is overridable: `--domain`, `--resolver host:port`, `--https host:port`,
 * `--http host:port`, `--ca FILE`, `--pooler host:port` (default Supabase's pooler of the
 * database region, `aws-0-<region>.pooler.supabase.com:6543`; use `--pooler none` to skip it).
 */
import { diagnoseMain } from "./lib/diagnose/cli";

diagnoseMain(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(3);
  },
);
