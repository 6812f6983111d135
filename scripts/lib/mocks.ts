import type * as pulumi from "@pulumi/pulumi";
import { cloudflareMockOutputs } from "./mock-outputs/cloudflare";
import { supabaseMockOutputs } from "./mock-outputs/supabase";
import { randomMockOutputs } from "./mock-outputs/random";
import type { MockOutputTable } from "./mock-outputs/types";
import { stripeMockOutputs, vercelMockOutputs } from "./mock-outputs/vercel";

/**
 * The Pulumi mocks behind the offline plan and the tests. They stand in for the cloud APIs only:
 * each registered resource gets an id and the computed outputs its real provider documents
 * (tables under `mock-outputs/`, one per provider, keyed by type token; our dynamic resources
 * have their own tokens, e.g. `pulumi-nodejs:dynamic/supabase:Project`). Invokes (data-source
 * look-ups) have no offline answer, so any invoke throws: the program must not read the cloud.
 */

export class PlatformMocks implements pulumi.runtime.Mocks {
  private readonly tables: MockOutputTable;

  constructor(tables: MockOutputTable = loadMockOutputTables()) {
    this.tables = tables;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const inputs = args.inputs as Record<string, unknown>;
    const computed = this.tables[args.type]?.(inputs, args.name) ?? {};
    // `args.id` is the import id: an empty string unless the resource is being imported.
    const id = (computed.id as string | undefined) || args.id || `${args.name}-id`;
    return { id: args.custom === false ? undefined : id, state: { ...inputs, ...computed } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const message = `Unmocked invoke ${args.token}: the offline plan cannot reach cloud APIs. Pass the value through configuration instead of looking it up.`;
    // The SDK turns a failed invoke into `new Error(err.details)`, as it does for gRPC errors.
    throw Object.assign(new Error(message), { details: message });
  }
}

/** Every provider's table, merged. */
export function loadMockOutputTables(): MockOutputTable {
  return { ...cloudflareMockOutputs, ...vercelMockOutputs, ...stripeMockOutputs, ...supabaseMockOutputs, ...randomMockOutputs };
}
