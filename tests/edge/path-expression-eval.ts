/**
 * Evaluates the path-only expressions the edge layer generates (`http.request.uri.path eq "…"`,
 * `starts_with(…)`, `ends_with(…)`, `and`, `or`, `not`, parentheses) for a concrete path, so tests
 * can check what a ruleset does to a request rather than how its text looks.
 */
export function evalPathExpression(expression: string, path: string): boolean {
  const tokens = expression.match(/"(?:[^"\\]|\\.)*"|\(|\)|,|[A-Za-z_.]+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expect = (t: string) => {
    if (next() !== t) throw new Error(`expected ${t} in ${expression}`);
  };
  const str = () => JSON.parse(next() as string) as string;
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
      return t === "starts_with" ? path.startsWith(arg) : path.endsWith(arg);
    }
    if (t === "http.request.uri.path") {
      expect("eq");
      return path === str();
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
