/**
 * Durations with their unit in the type. Provider APIs mix units for fields that look alike
 * (Supabase's `jwt_exp` is seconds, `sessions_timebox` hours), and a bare `number` lets a value in
 * one unit reach a field in the other. A branded number cannot: `Hours` only comes from
 * {@link hours} or {@link secondsToHours}, so sending seconds where hours are due is a type error.
 * The brand exists only for the compiler; at run time (and in Pulumi state) these are numbers.
 */
declare const unit: unique symbol;

/** A duration in seconds. */
export type Seconds = number & { readonly [unit]: "s" };
/** A duration in hours (may be fractional). */
export type Hours = number & { readonly [unit]: "h" };

/** Marks a number as seconds. */
export function seconds(value: number): Seconds {
  return value as Seconds;
}

/** Marks a number as hours. */
export function hours(value: number): Hours {
  return value as Hours;
}

export const SECONDS_PER_HOUR = 3600;

/** Seconds → hours (fractional when not whole: 5400 s → 1.5 h). */
export function secondsToHours(value: Seconds): Hours {
  return hours(value / SECONDS_PER_HOUR);
}

/** Hours → seconds. */
export function hoursToSeconds(value: Hours): Seconds {
  return seconds(value * SECONDS_PER_HOUR);
}
