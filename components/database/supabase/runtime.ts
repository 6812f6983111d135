import { loadProviderModule } from "../../shared/dynamic-module";

/** Where the Supabase provider's implementation modules live, relative to the Pulumi project root. */
export const SUPABASE_MODULE_DIR_FROM_ROOT = "components/database/supabase";

/**
 * Loads one of this folder's implementation modules inside a CRUD method (see
 * components/shared/dynamic-module.ts for why they are not imported).
 * @param name module file name without extension, e.g. `"project-ops"`
 * @param serializedDir this folder when the provider was serialized
 */
export function loadSupabaseModule<T>(name: string, serializedDir: string): T {
  return loadProviderModule<T>(name, serializedDir, SUPABASE_MODULE_DIR_FROM_ROOT, "Supabase provider");
}
