/** Drops keys whose value is undefined, so spreading the result over defaults keeps the defaults. */
export function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
