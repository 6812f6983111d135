import type * as pulumi from "@pulumi/pulumi";

/**
 * Builds a dynamic provider whose CRUD methods only load an implementation module at run time
 * and forward to its named functions. Shared by the Supabase (components/database/supabase) and
 * Stripe (components/app/stripe) providers.
 *
 * Pulumi serializes each provider's closure into the state and runs it in a plain Node process
 * (see components/shared/dynamic-module.ts). The returned methods therefore capture only `load`
 * (a thunk calling the folder's run-time loader, e.g. `() => loadSupabaseModule("project-ops",
 * MODULE_DIR)`) and `names` (strings), and call `load()` inside every method: never pass an
 * imported implementation module or a function that captures one.
 *
 * Forwarding, per Pulumi method:
 * - `check(olds, news)` → `{ inputs: news, failures: impl[names.check](news) }`
 * - `diff(id, olds, news)` → `impl[names.diff](olds, news)`
 * - `create(inputs)` → `impl[names.create](inputs)`
 * - `read(id, props)` → `impl[names.read](id, props)`
 * - `update(id, olds, news)` → `impl[names.update](id, olds, news)`
 * - `delete(id, props)` → `impl[names.delete](id, props)`
 */

/** Names of `M`'s exports that are functions assignable to `F`. */
type FunctionsOf<M, F> = { [K in keyof M]: M[K] extends F ? K : never }[keyof M] & string;

/** Which exported function of the implementation module `M` serves each provider method (type-checked). */
export interface ProviderFunctionNames<M> {
  /** `(news) => failures`; the provider returns `{ inputs: news, failures }`. */
  check: FunctionsOf<M, (news: never) => pulumi.dynamic.CheckFailure[]>;
  /** `(olds, news) => diff`. */
  diff: FunctionsOf<M, (olds: never, news: never) => pulumi.dynamic.DiffResult | Promise<pulumi.dynamic.DiffResult>>;
  /** `(inputs) => { id, outs }`. */
  create: FunctionsOf<M, (inputs: never) => Promise<pulumi.dynamic.CreateResult>>;
  /** `(id, props) => { id, props }`. */
  read: FunctionsOf<M, (id: string, props: never) => Promise<pulumi.dynamic.ReadResult>>;
  /** `(id, olds, news) => { outs }`. */
  update: FunctionsOf<M, (id: string, olds: never, news: never) => Promise<pulumi.dynamic.UpdateResult>>;
  /** `(id, props) => void`. */
  delete: FunctionsOf<M, (id: string, props: never) => Promise<void>>;
}

/**
 * Returns a `pulumi.dynamic.ResourceProvider` that runs `load()` in each method and calls the
 * function `names` maps that method to.
 * @param load loads the implementation module at run time; must capture only the loader, strings and the folder
 * @param names the implementation module's function for each provider method
 */
export function dynamicProvider<M>(load: () => M, names: ProviderFunctionNames<M>): pulumi.dynamic.ResourceProvider {
  // Everything below runs in the provider process: it may use only `load` and `names`.
  type Impl = Record<ProviderFunctionNames<M>[keyof ProviderFunctionNames<M>], (...args: unknown[]) => unknown>;
  return {
    async check(_olds, news) {
      return { inputs: news, failures: (load() as unknown as Impl)[names.check](news) as pulumi.dynamic.CheckFailure[] };
    },
    async diff(_id, olds, news) {
      return (load() as unknown as Impl)[names.diff](olds, news) as pulumi.dynamic.DiffResult;
    },
    async create(inputs) {
      return (load() as unknown as Impl)[names.create](inputs) as pulumi.dynamic.CreateResult;
    },
    async read(id, props) {
      return (load() as unknown as Impl)[names.read](id, props) as pulumi.dynamic.ReadResult;
    },
    async update(id, olds, news) {
      return (load() as unknown as Impl)[names.update](id, olds, news) as pulumi.dynamic.UpdateResult;
    },
    async delete(id, props) {
      await (load() as unknown as Impl)[names.delete](id, props);
    },
  };
}
