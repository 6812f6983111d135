/**
 * What a mocked cloud API returns for one resource: the computed outputs the real provider would
 * add to the inputs (ids, endpoints, status fields). Keyed by type token (our dynamic
 * resources have their own, e.g. `pulumi-nodejs:dynamic/supabase:Project`).
 */
export type MockOutputs = (inputs: Record<string, unknown>, name: string) => Record<string, unknown>;
export type MockOutputTable = Record<string, MockOutputs>;

/** Answers of mocked invokes, keyed by invoke token: the data source's documented result shape. */
export type MockInvokeTable = Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
