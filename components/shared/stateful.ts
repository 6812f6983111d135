import type * as pulumi from "@pulumi/pulumi";

/**
 * Resource options for stateful children (Supabase project, Cloudflare zone): when the stack
 * asks for protection, Pulumi refuses to delete them and, if they are ever removed from the
 * program, leaves the cloud resource in place instead of destroying data.
 */
export function statefulOptions(protect: boolean): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
  return { protect, retainOnDelete: protect };
}
