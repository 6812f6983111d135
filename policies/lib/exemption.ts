/**
 * Reading the scope of an exemption (a WAF skip rule, or a request taken out of a rate-limit class)
 * without evaluating the Rules language: an expression is narrow when one of its top-level `and`
 * conjuncts limits the path to allowed exact paths and another limits the method to POST. Further
 * conjuncts (`ip.src in {…}`, `cf.client.bot`, …) can only narrow a conjunction, so they are
 * accepted; anything the reader does not recognise never counts as a limit (fail closed).
 */

/** Which requests an exemption may cover: exact paths and one method. */
export interface ExemptionScope {
  paths: readonly string[];
  method: string;
}

/** Removes parentheses that enclose the whole expression (repeatedly). */
export function unwrapParens(expression: string): string {
  let e = expression.trim();
  while (e.startsWith("(") && closingParen(e, 0) === e.length - 1) e = e.slice(1, -1).trim();
  return e;
}

function closingParen(e: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < e.length; i++) {
    const c = e[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "(" || c === "{") depth++;
    else if (c === ")" || c === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** The operands of `op` (`and`/`or`, also `&&`/`||`) at the top level of the expression. */
export function splitTopLevel(expression: string, op: "and" | "or"): string[] {
  const e = unwrapParens(expression);
  const symbol = op === "and" ? "&&" : "||";
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < e.length; i++) {
    const c = e[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "(" || c === "{") depth++;
    else if (c === ")" || c === "}") depth--;
    else if (depth === 0) {
      const word = e.slice(i).match(new RegExp(`^(\\s+${op}\\s+|\\s*${symbol.replace(/[|&]/g, "\\$&")}\\s*)`));
      if (word) {
        parts.push(e.slice(start, i));
        i += word[0].length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(e.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const STRING = String.raw`"(?:[^"\\]|\\.)*"`;
const PATH_EQ = new RegExp(String.raw`^http\.request\.uri\.path\s*(?:eq|==)\s*(${STRING})$`);
const PATH_IN = new RegExp(String.raw`^http\.request\.uri\.path\s+in\s*\{((?:\s*${STRING})+)\s*\}$`);
const METHOD_EQ = new RegExp(String.raw`^http\.request\.method\s*(?:eq|==)\s*(${STRING})$`);
const METHOD_IN = new RegExp(String.raw`^http\.request\.method\s+in\s*\{((?:\s*${STRING})+)\s*\}$`);

function strings(list: string): string[] {
  return (list.match(new RegExp(STRING, "g")) ?? []).map((s) => JSON.parse(s) as string);
}

/** The exact paths a conjunct limits the request to, or undefined when it is not such a limit. */
export function exactPathsOf(conjunct: string): string[] | undefined {
  const c = unwrapParens(conjunct);
  const eq = PATH_EQ.exec(c);
  if (eq?.[1]) return [JSON.parse(eq[1]) as string];
  const inList = PATH_IN.exec(c);
  if (inList?.[1]) return strings(inList[1]);
  const alternatives = splitTopLevel(c, "or");
  if (alternatives.length < 2) return undefined;
  const each = alternatives.map(exactPathsOf);
  return each.every((p) => p !== undefined) ? each.flat() : undefined;
}

/** The methods a conjunct limits the request to, or undefined when it is not such a limit. */
export function methodsOf(conjunct: string): string[] | undefined {
  const c = unwrapParens(conjunct);
  const eq = METHOD_EQ.exec(c);
  if (eq?.[1]) return [JSON.parse(eq[1]) as string];
  const inList = METHOD_IN.exec(c);
  return inList?.[1] ? strings(inList[1]) : undefined;
}

/**
 * Why the expression covers more than exact allowed paths with the allowed method, or undefined
 * when it is narrow enough.
 */
export function exemptionScopeProblem(expression: string, scope: ExemptionScope): string | undefined {
  const conjuncts = splitTopLevel(expression, "and");
  const pathLimits = conjuncts.map(exactPathsOf).filter((p): p is string[] => p !== undefined);
  const methodLimits = conjuncts.map(methodsOf).filter((m): m is string[] => m !== undefined);
  const allowed = scope.paths.map((p) => JSON.stringify(p)).join(", ");
  const problems: string[] = [];
  if (pathLimits.length === 0) {
    problems.push(`it does not limit the path to exact webhook paths (needs a conjunct http.request.uri.path eq "<path>" with <path> one of ${allowed})`);
  } else if (!pathLimits.some((paths) => paths.every((p) => scope.paths.includes(p)))) {
    const others = [...new Set(pathLimits.flat().filter((p) => !scope.paths.includes(p)))].map((p) => JSON.stringify(p)).join(", ");
    problems.push(`it covers ${others}, not only the allowed webhook paths (${allowed})`);
  }
  if (!methodLimits.some((methods) => methods.length > 0 && methods.every((m) => m === scope.method))) {
    problems.push(`it does not limit the method to ${scope.method} (needs a conjunct http.request.method eq "${scope.method}")`);
  }
  return problems.length === 0 ? undefined : problems.join("; ");
}

/** The expression a narrow exemption would have, for messages. */
export function exemptionExample(scope: ExemptionScope): string {
  return `http.request.uri.path eq ${JSON.stringify(scope.paths[0] ?? "/api/webhooks/stripe")} and http.request.method eq ${JSON.stringify(scope.method)}`;
}
