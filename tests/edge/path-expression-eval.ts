/**
 * Evaluates the request expressions the edge layer generates for a concrete request, so tests can
 * check what a ruleset does to a request rather than how its text looks. Supported: the fields
 * `http.request.uri.path`, `http.request.uri.query`, `raw.http.request.uri`, `http.request.method`,
 * `ip.src` (addresses and IPv4 CIDRs in sets), `http.request.headers["name"][0]`,
 * `http.request.headers["name"][*]` and `http.request.headers.names[*]`; the functions `lower`, `url_decode`, `starts_with`, `ends_with`,
 * `any`; the operators `eq`, `ne`, `in {…}`, `contains`, `matches`; `true`, `false`, `and`, `or`,
 * `not` and parentheses. A string argument is a path. An expression that reads a part of the
 * request the test did not pass (method, ip, headers) throws instead of guessing; a header the
 * request lacks is missing, as on Cloudflare (comparisons with it are false).
 *
 * Header case, as Cloudflare documents it: the keys of the `http.request.headers` map are the
 * names lower-cased, while `http.request.headers.names` keeps "the original case used in the
 * request" (HTTP/1.1 clients send `Content-Length`; HTTP/2 always sends lower case).
 * https://developers.cloudflare.com/ruleset-engine/rules-language/fields/reference/http.request.headers.names/
 */
export interface EvalRequest {
  path: string;
  /** Query string without the `?`. @default "" */
  query?: string;
  method?: string;
  ip?: string;
  /** Request headers with the names in the case the client sent them. */
  headers?: Record<string, string>;
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

/** A missing value (absent header): every comparison with it is false. */
const MISSING = Symbol("missing");
/** The `[*]` of an array field: comparisons apply element-wise, `any()` folds them. */
class Each {
  constructor(readonly values: readonly unknown[]) {}
}
type Value = string | number | boolean | typeof MISSING | Each;

export function evalPathExpression(expression: string, request: string | EvalRequest): boolean {
  const req: EvalRequest = typeof request === "string" ? { path: request } : request;
  const tokens = expression.match(/"(?:[^"\\]|\\.)*"|\(|\)|\{|\}|\[|\]|\*|,|[A-Za-z_][A-Za-z0-9_.]*|[0-9][0-9a-fA-F.:/]*/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expect = (t: string) => {
    const got = next();
    if (got !== t) throw new Error(`expected ${t}, got ${got} in ${expression}`);
  };
  const isString = (t: string | undefined) => t?.startsWith('"') === true;
  const set = (): string[] => {
    expect("{");
    const items: string[] = [];
    while (peek() !== "}") {
      const t = next();
      if (t === undefined) throw new Error(`unterminated set in ${expression}`);
      items.push(isString(t) ? (JSON.parse(t) as string) : t);
    }
    expect("}");
    return items;
  };
  const need = <K extends "method" | "ip" | "headers">(name: K): NonNullable<EvalRequest[K]> => {
    const value = req[name];
    if (value === undefined) throw new Error(`${expression} reads the request ${name}; pass it`);
    return value as NonNullable<EvalRequest[K]>;
  };
  const headers = () => Object.fromEntries(Object.entries(need("headers")).map(([k, v]) => [k.toLowerCase(), v]));

  function field(name: string): Value {
    switch (name) {
      case "http.request.uri.path":
        return req.path;
      case "http.request.uri.query":
        return req.query ?? "";
      case "raw.http.request.uri":
        return req.query ? `${req.path}?${req.query}` : req.path;
      case "http.request.method":
        return need("method");
      case "ip.src":
        return need("ip");
      case "http.request.headers": {
        expect("[");
        // The key as written: the map's keys are lower case, so `["Content-Length"]` finds nothing.
        const header = JSON.parse(next() as string) as string;
        expect("]");
        expect("[");
        const index = next();
        expect("]");
        const value = headers()[header];
        if (index === "*") return new Each(value === undefined ? [] : [value]);
        return Number(index) === 0 && value !== undefined ? value : MISSING;
      }
      case "http.request.headers.names": {
        expect("[");
        expect("*");
        expect("]");
        // Not lower-cased: the names as the client sent them.
        return new Each(Object.keys(need("headers")));
      }
      default:
        throw new Error(`unsupported field ${name} in ${expression}`);
    }
  }

  function call(fn: string): Value {
    expect("(");
    const args: Value[] = [or()];
    while (peek() === ",") {
      next();
      args.push(or());
    }
    expect(")");
    const [a, b] = args;
    const str = (v: Value | undefined) => (typeof v === "string" ? v : undefined);
    switch (fn) {
      case "lower":
        return str(a)?.toLowerCase() ?? MISSING;
      case "url_decode": {
        const s = str(a);
        if (s === undefined) return MISSING;
        try {
          return decodeURIComponent(s.replace(/\+/g, " "));
        } catch {
          return s;
        }
      }
      case "starts_with":
        return str(a) !== undefined && str(b) !== undefined && (str(a) as string).startsWith(str(b) as string);
      case "ends_with":
        return str(a) !== undefined && str(b) !== undefined && (str(a) as string).endsWith(str(b) as string);
      case "any":
        if (!(a instanceof Each)) throw new Error(`any() needs a [*] comparison in ${expression}`);
        return a.values.some((v) => v === true);
      default:
        throw new Error(`unsupported function ${fn} in ${expression}`);
    }
  }

  function operand(): Value {
    const t = next();
    if (t === undefined) throw new Error(`unexpected end of ${expression}`);
    if (t === "(") {
      const v = or();
      expect(")");
      return v;
    }
    if (t === "true") return true;
    if (t === "false") return false;
    if (isString(t)) return JSON.parse(t) as string;
    if (/^[0-9]/.test(t)) return Number(t);
    if (peek() === "(") return call(t);
    return field(t);
  }

  /** Parses the right-hand side once, then compares (element-wise for a `[*]` left side). */
  function compare(left: Value, op: string, ip: boolean): Value {
    const right: Value | string[] = op === "in" ? set() : operand();
    const one = (l: Value): boolean => {
      if (l === MISSING || right === MISSING) return false;
      if (Array.isArray(right)) return ip ? right.some((entry) => ipMatches(entry, String(l))) : right.includes(String(l));
      return apply(op, l, right);
    };
    return left instanceof Each ? new Each(left.values.map((v) => one(v as Value))) : one(left);
  }
  function apply(op: string, left: Value, right: Value): boolean {
    if (op === "eq") return left === right;
    if (op === "ne") return left !== right;
    if (op === "contains") return String(left).includes(String(right));
    if (op === "matches") return new RegExp(String(right)).test(String(left));
    throw new Error(`unsupported operator ${op} in ${expression}`);
  }

  function comparison(): Value {
    const isIp = peek() === "ip.src";
    const left = operand();
    const op = peek();
    if (op === "eq" || op === "ne" || op === "in" || op === "contains" || op === "matches") {
      next();
      return compare(left, op, isIp);
    }
    return left;
  }
  function truth(v: Value): boolean {
    if (typeof v !== "boolean") throw new Error(`expected a boolean, got ${String(v)} in ${expression}`);
    return v;
  }
  function unary(): Value {
    if (peek() === "not") {
      next();
      return !truth(unary());
    }
    return comparison();
  }
  function and(): Value {
    let v = unary();
    while (peek() === "and") {
      next();
      const right = unary();
      v = truth(right) && truth(v);
    }
    return v;
  }
  function or(): Value {
    let v = and();
    while (peek() === "or") {
      next();
      const right = and();
      v = truth(right) || truth(v);
    }
    return v;
  }
  const result = or();
  if (i !== tokens.length) throw new Error(`trailing tokens in ${expression}`);
  return truth(result);
}
