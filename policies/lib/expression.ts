/**
 * A small evaluator of Cloudflare's Rules language (Wirefilter syntax: developers.cloudflare.com/
 * ruleset-engine/rules-language/), so a policy can ask "does this rule match this request?"
 * instead of "does its text mention /api?". A text check passes `starts_with(path, "/api/") and
 * false`, a host filter or a needle list with the needles removed; evaluation does not.
 *
 * Three-valued (Kleene) logic: a probe request fixes some fields (path, query, method, headers)
 * and leaves the rest unknown (the client IP, the host, the country, …). A rule covers the probe
 * only when it evaluates to `true` whatever the unknown fields are; anything the evaluator does
 * not understand (an unknown function, a syntax error) is unknown too, so it never counts as
 * coverage (fail closed) — and a weakening that can only ever apply to some requests still counts
 * where it may apply.
 *
 * Supported: `and or xor not && || ^^ !`, parentheses, `eq ne lt le gt ge == != < <= > >=`,
 * `contains`, `matches`/`~`, `wildcard`, `strict wildcard`, `in {…}`, fields with `[0]`, `[*]`
 * and `["name"]`, string/number/boolean literals, and the functions `lower`, `upper`,
 * `url_decode`, `len`, `starts_with`, `ends_with`, `any`, `all`, `concat`.
 *
 * Header case, as Cloudflare documents it: the keys of the `http.request.headers` map are the
 * names lower-cased (so `["Content-Length"]` finds nothing), while `http.request.headers.names`
 * keeps "the original case used in the request" — HTTP/1.1 clients send `Content-Length`, HTTP/2
 * lower case. A probe's header names are therefore known only up to case: `names[*] eq
 * "content-length"` is unknown (it holds for some clients only), `lower(names[*]) eq
 * "content-length"` is true. (https://developers.cloudflare.com/ruleset-engine/rules-language/
 * fields/reference/http.request.headers/ and …/http.request.headers.names/)
 */

export type Truth = true | false | undefined;

/** A request to evaluate against: every field not listed is unknown. Header names are lower case. */
export interface ProbeRequest {
  path?: string;
  query?: string;
  method?: string;
  /** The URI as the client sent it (`raw.http.request.uri`), path and query. */
  rawUri?: string;
  /** All request headers (lower-case names); when given, a header not listed is absent. */
  headers?: Record<string, string[]>;
}

/** `anycase`: a string known only up to letter case (a header name as some client sent it); `v` is lower case. */
type Value = { t: "str"; v: string } | { t: "anycase"; v: string } | { t: "num"; v: number } | { t: "bool"; v: Truth } | { t: "list"; v: Value[] } | { t: "map"; v: Record<string, Value> } | { t: "unknown" } | { t: "absent" };

const UNKNOWN: Value = { t: "unknown" };
const ABSENT: Value = { t: "absent" };

type Token = { k: "str"; v: string } | { k: "num"; v: number } | { k: "word"; v: string } | { k: "punct"; v: string } | { k: "set"; v: string[] };

class SyntaxProblem extends Error {}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let v = "";
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\") i++;
        v += text[i] ?? "";
        i++;
      }
      if (text[i] !== '"') throw new SyntaxProblem("unterminated string");
      i++;
      tokens.push({ k: "str", v });
    } else if (c === "r" && /^r#*"/.test(text.slice(i))) {
      const hashes = (/^r(#*)"/.exec(text.slice(i))?.[1] ?? "").length;
      const close = `"${"#".repeat(hashes)}`;
      const start = i + 2 + hashes;
      const end = text.indexOf(close, start);
      if (end < 0) throw new SyntaxProblem("unterminated raw string");
      tokens.push({ k: "str", v: text.slice(start, end) });
      i = end + close.length;
    } else if (c === "{") {
      // A set: strings, numbers, addresses/CIDRs, ranges — kept as text items.
      const end = text.indexOf("}", i);
      if (end < 0) throw new SyntaxProblem("unterminated set");
      const body = text.slice(i + 1, end);
      const items: string[] = [];
      const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
      for (let m = re.exec(body); m; m = re.exec(body)) items.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] as string));
      tokens.push({ k: "set", v: items });
      i = end + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ k: "num", v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ k: "word", v: m[0] });
      i += m[0].length;
    } else {
      const two = text.slice(i, i + 2);
      if (["&&", "||", "^^", "==", "!=", "<=", ">="].includes(two)) {
        tokens.push({ k: "punct", v: two });
        i += 2;
      } else if ("()[],!<>~*".includes(c)) {
        tokens.push({ k: "punct", v: c });
        i++;
      } else {
        throw new SyntaxProblem(`unexpected character ${JSON.stringify(c)}`);
      }
    }
  }
  return tokens;
}

type Node =
  | { n: "logic"; op: "and" | "or" | "xor"; parts: Node[] }
  | { n: "not"; e: Node }
  | { n: "cmp"; op: string; left: Node; right: Node }
  | { n: "in"; left: Node; set: string[] }
  | { n: "field"; name: string; index: Array<string | number | "*"> }
  | { n: "call"; name: string; args: Node[]; index: Array<string | number | "*"> }
  | { n: "lit"; v: Value };

const COMPARATORS: Record<string, string> = { eq: "eq", "==": "eq", ne: "ne", "!=": "ne", lt: "lt", "<": "lt", le: "le", "<=": "le", gt: "gt", ">": "gt", ge: "ge", ">=": "ge", contains: "contains", matches: "matches", "~": "matches", wildcard: "wildcard" };

function parse(text: string): Node {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (w: string) => peek()?.k === "word" && peek()?.v === w;
  const isPunct = (p: string) => peek()?.k === "punct" && peek()?.v === p;
  const expect = (p: string) => {
    if (!isPunct(p)) throw new SyntaxProblem(`expected ${p}`);
    pos++;
  };
  const logic = (op: "or" | "xor" | "and", symbol: string, next: () => Node) => (): Node => {
    const parts = [next()];
    while (isWord(op) || isPunct(symbol)) {
      pos++;
      parts.push(next());
    }
    return parts.length === 1 ? (parts[0] as Node) : { n: "logic", op, parts };
  };
  const unary = (): Node => {
    if (isWord("not") || isPunct("!")) {
      pos++;
      return { n: "not", e: unary() };
    }
    return primary();
  };
  const and = logic("and", "&&", unary);
  const xor = logic("xor", "^^", and);
  const or = logic("or", "||", xor);
  const indexes = (): Array<string | number | "*"> => {
    const out: Array<string | number | "*"> = [];
    while (isPunct("[")) {
      pos++;
      const t = peek();
      if (t?.k === "str" || t?.k === "num") out.push(t.v);
      else if (t?.k === "punct" && t.v === "*") out.push("*");
      else throw new SyntaxProblem("bad index");
      pos++;
      expect("]");
    }
    return out;
  };
  const value = (): Node => {
    const t = peek();
    if (!t) throw new SyntaxProblem("unexpected end");
    pos++;
    if (t.k === "str") return { n: "lit", v: { t: "str", v: t.v } };
    if (t.k === "num") return { n: "lit", v: { t: "num", v: t.v } };
    if (t.k === "word") {
      if (t.v === "true" || t.v === "false") return { n: "lit", v: { t: "bool", v: t.v === "true" } };
      if (isPunct("(")) {
        pos++;
        const args: Node[] = [];
        while (!isPunct(")")) {
          args.push(or());
          if (isPunct(",")) pos++;
          else if (!isPunct(")")) throw new SyntaxProblem("expected , or )");
        }
        pos++;
        return { n: "call", name: t.v, args, index: indexes() };
      }
      return { n: "field", name: t.v, index: indexes() };
    }
    throw new SyntaxProblem(`unexpected ${t.k === "punct" ? t.v : t.k}`);
  };
  const primary = (): Node => {
    if (isPunct("(")) {
      pos++;
      const inner = or();
      expect(")");
      return inner;
    }
    const left = value();
    const t = peek();
    if (t?.k === "word" && t.v === "in") {
      pos++;
      const set = peek();
      if (set?.k !== "set") throw new SyntaxProblem("expected a set after in");
      pos++;
      return { n: "in", left, set: set.v };
    }
    if (t?.k === "word" && t.v === "strict" && tokens[pos + 1]?.k === "word" && tokens[pos + 1]?.v === "wildcard") {
      pos += 2;
      return { n: "cmp", op: "strict wildcard", left, right: value() };
    }
    const op = t && (t.k === "word" || t.k === "punct") ? COMPARATORS[t.v] : undefined;
    if (op) {
      pos++;
      return { n: "cmp", op, left, right: value() };
    }
    return left;
  };
  const tree = or();
  if (pos !== tokens.length) throw new SyntaxProblem("trailing tokens");
  return tree;
}

function str(v: string): Value {
  return { t: "str", v };
}

function fieldValue(name: string, probe: ProbeRequest): Value {
  const known = (v: string | undefined) => (v === undefined ? UNKNOWN : str(v));
  switch (name) {
    case "http.request.uri.path":
      return known(probe.path);
    case "http.request.uri.query":
      return known(probe.query);
    case "http.request.method":
      return known(probe.method);
    case "raw.http.request.uri":
    case "http.request.uri":
      return known(probe.rawUri ?? (probe.path !== undefined && probe.query !== undefined ? `${probe.path}${probe.query ? `?${probe.query}` : ""}` : undefined));
    case "raw.http.request.uri.path":
      return known(probe.path);
    case "raw.http.request.uri.query":
      return known(probe.query);
    case "http.request.headers":
      return probe.headers ? { t: "map", v: Object.fromEntries(Object.entries(probe.headers).map(([k, vs]) => [k, { t: "list", v: vs.map(str) }])) } : UNKNOWN;
    case "http.request.headers.names":
      return probe.headers ? { t: "list", v: Object.keys(probe.headers).map((k) => ({ t: "anycase", v: k.toLowerCase() }) as Value) } : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/** `[i]`, `["name"]` and `[*]` (which spreads the comparison over every item: a list of results). */
function applyIndex(value: Value, index: Array<string | number | "*">): Value {
  let v = value;
  for (const ix of index) {
    if (v.t === "absent" && ix === "*") {
      // A header the request lacks spreads to no items: `any(…[*] …)` is false, `all` true.
      v = { t: "list", v: [] };
      (v as { spread?: boolean }).spread = true;
      continue;
    }
    if (v.t === "unknown" || v.t === "absent") return v;
    if (ix === "*") {
      if (v.t !== "list" && v.t !== "map") return UNKNOWN;
      v = { t: "list", v: v.t === "list" ? v.v : Object.values(v.v) };
      // Mark as spread: comparisons map over it.
      (v as { spread?: boolean }).spread = true;
    } else if (typeof ix === "number") {
      if (v.t !== "list") return UNKNOWN;
      v = v.v[ix] ?? ABSENT;
    } else {
      if (v.t !== "map") return UNKNOWN;
      // Keys are exact: the map's are lower case, so a key with a capital letter is never present.
      v = Object.hasOwn(v.v, ix) ? (v.v[ix] as Value) : ABSENT;
    }
  }
  return v;
}

function not(t: Truth): Truth {
  return t === undefined ? undefined : !t;
}

function andAll(ts: Truth[]): Truth {
  if (ts.includes(false)) return false;
  return ts.includes(undefined) ? undefined : true;
}

function orAll(ts: Truth[]): Truth {
  if (ts.includes(true)) return true;
  return ts.includes(undefined) ? undefined : false;
}

function truthOf(v: Value): Truth {
  if (v.t === "bool") return v.v;
  if (v.t === "absent") return false;
  if (v.t === "list" && (v as { spread?: boolean }).spread) return undefined;
  return undefined;
}

function globToRegExp(glob: string, caseSensitive: boolean): RegExp {
  const body = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${body}$`, caseSensitive ? "s" : "is");
}

/** Whether a string reads the same in every letter case (no cased letters). */
function caseless(s: string): boolean {
  return s.toLowerCase() === s.toUpperCase();
}

/**
 * A comparison of a string known only up to case (`a`, lower case) with a literal: false when no
 * case variant can satisfy it, true when every variant does, unknown otherwise.
 */
function compareAnyCase(op: string, a: string, y: string): Truth {
  const ly = y.toLowerCase();
  switch (op) {
    case "eq":
      return a !== ly ? false : caseless(a) ? true : undefined;
    case "ne":
      return not(compareAnyCase("eq", a, y));
    case "contains":
      return !a.includes(ly) ? false : caseless(y) ? true : undefined;
    case "starts_with":
      return !a.startsWith(ly) ? false : caseless(y) ? true : undefined;
    case "ends_with":
      return !a.endsWith(ly) ? false : caseless(y) ? true : undefined;
    case "wildcard":
      // Case-insensitive by definition: the same for every variant.
      return globToRegExp(y, false).test(a);
    default:
      return undefined;
  }
}

function compare(op: string, a: Value, b: Value): Truth {
  if (a.t === "absent") return false;
  if (a.t === "anycase") return b.t === "str" ? compareAnyCase(op, a.v, b.v) : undefined;
  if (a.t !== "str" && a.t !== "num") return undefined;
  if (b.t !== "str" && b.t !== "num") return undefined;
  const x = a.v;
  const y = b.v;
  switch (op) {
    case "eq":
      return x === y;
    case "ne":
      return x !== y;
    case "lt":
      return x < y;
    case "le":
      return x <= y;
    case "gt":
      return x > y;
    case "ge":
      return x >= y;
    case "contains":
      return typeof x === "string" && typeof y === "string" ? x.includes(y) : undefined;
    case "matches":
      try {
        return typeof x === "string" && typeof y === "string" ? new RegExp(y, "s").test(x) : undefined;
      } catch {
        return undefined;
      }
    case "wildcard":
      return typeof x === "string" && typeof y === "string" ? globToRegExp(y, false).test(x) : undefined;
    case "strict wildcard":
      return typeof x === "string" && typeof y === "string" ? globToRegExp(y, true).test(x) : undefined;
    default:
      return undefined;
  }
}

function evaluate(node: Node, probe: ProbeRequest): Value {
  switch (node.n) {
    case "lit":
      return node.v;
    case "field":
      return applyIndex(fieldValue(node.name, probe), node.index);
    case "logic": {
      const ts = node.parts.map((p) => truthOf(evaluate(p, probe)));
      if (node.op === "and") return { t: "bool", v: andAll(ts) };
      if (node.op === "or") return { t: "bool", v: orAll(ts) };
      return { t: "bool", v: ts.includes(undefined) ? undefined : ts.filter(Boolean).length % 2 === 1 };
    }
    case "not":
      return { t: "bool", v: not(truthOf(evaluate(node.e, probe))) };
    case "in": {
      const left = evaluate(node.left, probe);
      if (left.t === "absent") return { t: "bool", v: false };
      if (left.t === "anycase") return { t: "bool", v: orAll(node.set.map((item) => compareAnyCase("eq", left.v, item))) };
      if (left.t !== "str" && left.t !== "num") return { t: "bool", v: undefined };
      return { t: "bool", v: node.set.some((item) => item === String(left.v)) };
    }
    case "cmp": {
      const left = evaluate(node.left, probe);
      const right = evaluate(node.right, probe);
      if (left.t === "list" && (left as { spread?: boolean }).spread) {
        const out: Value = { t: "list", v: left.v.map((item) => ({ t: "bool", v: compare(node.op, item, right) }) as Value) };
        (out as { spread?: boolean }).spread = true;
        return out;
      }
      return { t: "bool", v: compare(node.op, left, right) };
    }
    case "call":
      return applyIndex(call(node.name, node.args.map((a) => evaluate(a, probe))), node.index);
  }
}

function call(name: string, args: Value[]): Value {
  const [a, b] = args;
  /** `caseFree`: f gives the same for every letter case of its input (lower, upper), so it turns a string known up to case into a known one. */
  const mapStr = (f: (s: string) => string, caseFree = false): Value => {
    if (!a) return UNKNOWN;
    if (a.t === "str") return str(f(a.v));
    if (a.t === "anycase") return caseFree ? str(f(a.v)) : UNKNOWN;
    if (a.t === "list") {
      const out: Value = { t: "list", v: a.v.map((x) => (x.t === "str" ? str(f(x.v)) : x.t === "anycase" && caseFree ? str(f(x.v)) : UNKNOWN)) };
      if ((a as { spread?: boolean }).spread) (out as { spread?: boolean }).spread = true;
      return out;
    }
    return a.t === "absent" ? ABSENT : UNKNOWN;
  };
  switch (name) {
    case "lower":
      return mapStr((s) => s.toLowerCase(), true);
    case "upper":
      return mapStr((s) => s.toUpperCase(), true);
    case "url_decode":
      return mapStr((s) => {
        try {
          return decodeURIComponent(s.replace(/\+/g, " "));
        } catch {
          return s;
        }
      });
    case "len":
      return a?.t === "str" || a?.t === "anycase" || a?.t === "list" ? { t: "num", v: a.v.length } : UNKNOWN;
    case "starts_with":
    case "ends_with":
      if (a?.t === "absent") return { t: "bool", v: false };
      if (a?.t === "anycase" && b?.t === "str") return { t: "bool", v: compareAnyCase(name, a.v, b.v) };
      if (a?.t !== "str" || b?.t !== "str") return { t: "bool", v: undefined };
      return { t: "bool", v: name === "starts_with" ? a.v.startsWith(b.v) : a.v.endsWith(b.v) };
    case "any":
    case "all": {
      if (a?.t !== "list") return { t: "bool", v: undefined };
      const ts = a.v.map(truthOf);
      return { t: "bool", v: name === "any" ? orAll(ts) : andAll(ts) };
    }
    case "concat":
      return args.every((x) => x.t === "str") ? str(args.map((x) => (x as { v: string }).v).join("")) : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/**
 * Whether the expression matches the probe: `true` (whatever the unknown fields), `false`, or
 * `undefined` (it depends on what the probe leaves unknown, or the evaluator cannot tell).
 */
export function matchesProbe(expression: string, probe: ProbeRequest): Truth {
  let tree: Node;
  try {
    tree = parse(expression);
  } catch {
    return undefined;
  }
  return truthOf(evaluate(tree, probe));
}

/**
 * Sample paths of a route pattern (`/exact` or `/prefix/*`): paths a rule that covers the pattern
 * must match. Unusual names, so a rule narrowed to the routes that exist today does not cover them.
 */
export function samplePaths(pattern: string): string[] {
  if (!pattern.endsWith("*")) return [pattern];
  const prefix = pattern.slice(0, -1);
  return [`${prefix}zz-probe`, `${prefix}zz-probe/deeper/path.json`];
}
