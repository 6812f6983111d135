/**
 * GitHub Actions OIDC trust, read from a role's trust policy: a statement that federates to the
 * account's `token.actions.githubusercontent.com` provider must pin the audience and one exact
 * subject with StringEquals (GitHub Docs, "Configuring OpenID Connect in Amazon Web Services":
 * without a `sub` condition any repository on GitHub could assume the role; StringLike with `*`
 * lets other branches, environments or repositories in). Shared by the pack's
 * `github-oidc-trust-pinned` and the root's tests (components/ci/trust.ts).
 */

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const STS_AUDIENCE = "sts.amazonaws.com";
export const AUD_KEY = `${GITHUB_OIDC_HOST}:aud`;
export const SUB_KEY = `${GITHUB_OIDC_HOST}:sub`;

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Whether a statement's principal is a GitHub OIDC provider. */
export function federatesToGithub(s: Statement): boolean {
  const principal = s.Principal;
  if (!principal || typeof principal !== "object") return false;
  return list((principal as Record<string, unknown>).Federated).some((p) => typeof p === "string" && p.endsWith(`:oidc-provider/${GITHUB_OIDC_HOST}`));
}

/** Every way a trust policy's GitHub statements fail to pin aud and sub (empty when pinned). */
export function trustPinningProblems(doc: unknown, expectedSubject?: string, audience: string = STS_AUDIENCE): string[] {
  const problems: string[] = [];
  const statements = list((doc as { Statement?: unknown } | undefined)?.Statement) as Statement[];
  statements.forEach((s, i) => {
    if (s.Effect !== "Allow" || !federatesToGithub(s)) return;
    const label = `statement ${s.Sid ?? i}`;
    const eq = s.Condition?.StringEquals ?? {};
    const aud = eq[AUD_KEY];
    const sub = eq[SUB_KEY];
    if (aud !== audience) problems.push(`${label}: ${AUD_KEY} must be StringEquals "${audience}" (got ${JSON.stringify(aud)})`);
    if (typeof sub !== "string") problems.push(`${label}: ${SUB_KEY} must be StringEquals one subject (got ${JSON.stringify(sub)})`);
    else if (/[*?]/.test(sub)) problems.push(`${label}: ${SUB_KEY} contains a wildcard (${sub})`);
    else if (expectedSubject !== undefined && sub !== expectedSubject) problems.push(`${label}: ${SUB_KEY} is ${sub}, expected ${expectedSubject}`);
    for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
      const named = Object.keys(keys ?? {}).filter((k) => k === SUB_KEY || k === AUD_KEY);
      if (operator !== "StringEquals" && named.length > 0) problems.push(`${label}: ${operator} on ${named.join(", ")} widens the trust; use StringEquals only`);
    }
  });
  return problems;
}
