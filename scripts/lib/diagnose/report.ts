/** One line of the diagnostics report and how the report is printed. */
export type CheckStatus = "pass" | "fail" | "skip";

export interface CheckResult {
  /** Stable id, e.g. `dns.ns`, `tls.expiry`, `headers./api/health`. */
  id: string;
  status: CheckStatus;
  /** What was found (never a secret). */
  detail: string;
}

/** `PASS  dns.ns  …`, one line per check, then a summary line. */
export function formatReport(title: string, results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.id.length), 10);
  const lines = results.map((r) => `${r.status.toUpperCase().padEnd(4)}  ${r.id.padEnd(width)}  ${r.detail}`);
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  return [title, ...lines, `${count("pass")} passed, ${count("fail")} failed, ${count("skip")} skipped`].join("\n");
}

/** 0 when nothing failed, 1 otherwise (skips do not fail). */
export function exitCodeOf(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === "fail") ? 1 : 0;
}

/** The q-th percentile (0–100) of `values` by nearest rank; NaN for none. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((q / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}
