/**
 * Evaluates the request expressions the edge layer generates (`http.request.uri.path eq "…"`,
 * `… in {"…" "…"}`, `starts_with(…)`, `ends_with(…)`, `http.request.method eq "…"`,
 * `ip.src in {…}` (addresses and IPv4 CIDRs), `true`, `and`, `or`, `not`, parentheses) for a
 * concrete request, so tests can check what a ruleset does to a request rather than how its text
 * looks. A string argument is a path; an expression that reads a field the request does not carry
 * throws instead of guessing.
 */
export interface EvalRequest {
  path: string;
  method?: string;
  ip?: string;
}

function ipv4ToNumber(ip: string): number {
  return ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

function ipMatches(entry: string, ip: string): boolean {
  const [base, bits] = entry.split("/");
  if (bits === undefined) return entry === ip;
  if (!base || ip.includes(":") || base.includes(":")) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4ToNumber(ip) / size) === Math.floor(ipv4ToNumber(base) / size);
}

export function evalPathExpression(expression: string, request: string | EvalRequest): boolean {
  const req: EvalRequest = typeof request === "string" ? { path: request } : request;
  const tokens = expression.match(/"(?:[^"\\]|\\.)*"|\(|\)|\{|\}|,|[A-Za-z_.]+|[0-9][0-9a-fA-F.:/]*/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expect = (t: string) => {
    if (next() !== t) throw new Error(`expected ${t} in ${expression}`);
  };
  const str = () => JSON.parse(next() as string) as string;
  const set = (): string[] => {
    expect("{");
    const items: string[] = [];
    while (peek() !== "}") {
      const t = next();
      if (t === undefined) throw new Error(`unterminated set in ${expression}`);
      items.push(t.startsWith('"') ? (JSON.parse(t) as string) : t);
    }
    expect("}");
    return items;
  };
  const field = (name: "method" | "ip"): string => {
    const value = req[name];
    if (value === undefined) throw new Error(`${expression} reads the request ${name}; pass it`);
    return value;
  };
  function primary(): boolean {
    const t = next();
    if (t === "true") return true;
    if (t === "not") return !primary();
    if (t === "(") {
      const v = or();
      expect(")");
      return v;
    }
    if (t === "starts_with" || t === "ends_with") {
      expect("(");
      expect("http.request.uri.path");
      expect(",");
      const arg = str();
      expect(")");
      return t === "starts_with" ? req.path.startsWith(arg) : req.path.endsWith(arg);
    }
    if (t === "http.request.uri.path" || t === "http.request.method") {
      const value = t === "http.request.uri.path" ? req.path : field("method");
      const op = next();
      if (op === "eq") return value === str();
      if (op === "in") return set().includes(value);
      throw new Error(`unsupported operator ${op} in ${expression}`);
    }
    if (t === "ip.src") {
      expect("in");
      const ip = field("ip");
      return set().some((entry) => ipMatches(entry, ip));
    }
    throw new Error(`unsupported token ${t} in ${expression}`);
  }
  function and(): boolean {
    let v = primary();
    while (peek() === "and") {
      next();
      v = primary() && v;
    }
    return v;
  }
  function or(): boolean {
    let v = and();
    while (peek() === "or") {
      next();
      v = and() || v;
    }
    return v;
  }
  const result = or();
  if (i !== tokens.length) throw new Error(`trailing tokens in ${expression}`);
  return result;
}
