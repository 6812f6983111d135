/**
 * Run with tsx: serializes the two dynamic providers exactly as Pulumi does when registering a
 * dynamic resource (same call and options as @pulumi/pulumi/dynamic), and prints the serialized text as JSON ({ project, settings }).
 */
import * as pulumi from "@pulumi/pulumi";
import { supabaseProjectProvider } from "../../../components/database/supabase/project";
import { supabaseSettingsProvider } from "../../../components/database/supabase/settings";

async function serialize(provider: unknown): Promise<string> {
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return sf.text;
}

void (async () => {
  const out = { project: await serialize(supabaseProjectProvider), settings: await serialize(supabaseSettingsProvider) };
  process.stdout.write(JSON.stringify(out));
})();
