import type * as pulumi from "@pulumi/pulumi";
import { awsGenericOutputs, awsMockOutputs } from "./mock-outputs/aws";
import { cloudflareMockOutputs } from "./mock-outputs/cloudflare";
import { supabaseMockOutputs } from "./mock-outputs/supabase";
import { randomMockOutputs } from "./mock-outputs/random";
import type { MockInvokeTable, MockOutputTable } from "./mock-outputs/types";
import { stripeMockOutputs, vercelMockInvokes, vercelMockOutputs } from "./mock-outputs/vercel";

/**
 * The Pulumi mocks behind the offline plan and the tests. They stand in for the cloud APIs only:
 * each registered resource gets an id and the computed outputs its real provider documents
 * (tables under `mock-outputs/`, one per provider, keyed by type token; our dynamic resources
 * have their own tokens, e.g. `pulumi-nodejs:dynamic/supabase:Project`). Invokes (data-source
 * look-ups) throw, so the program cannot read the cloud, except the few listed in an invoke
 * table: each answers one token with the documented result shape of that data source (today only
 * `vercel:index/getEndpointVerification:getEndpointVerification`, see mock-outputs/vercel.ts).
 */

export class PlatformMocks implements pulumi.runtime.Mocks {
  private readonly tables: MockOutputTable;
  private readonly invokes: MockInvokeTable;

  constructor(tables: MockOutputTable = loadMockOutputTables(), invokes: MockInvokeTable = loadMockInvokeTables()) {
    this.tables = tables;
    this.invokes = invokes;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const inputs = args.inputs as Record<string, unknown>;
    const computed = (this.tables[args.type] ?? awsGenericOutputs(args.type))?.(inputs, args.name) ?? {};
    // `args.id` is the import id: an empty string unless the resource is being imported.
    const id = (computed.id as string | undefined) || args.id || `${args.name}-id`;
    return { id: args.custom === false ? undefined : id, state: { ...inputs, ...computed } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const answer = this.invokes[args.token];
    if (answer) return answer(args.inputs as Record<string, unknown>);
    const message = `Unmocked invoke ${args.token}: the offline plan cannot reach cloud APIs. Pass the value through configuration instead of looking it up.`;
    // The SDK turns a failed invoke into `new Error(err.details)`, as it does for gRPC errors.
    throw Object.assign(new Error(message), { details: message });
  }
}

/** Every mocked invoke, merged. */
export function loadMockInvokeTables(): MockInvokeTable {
  return { ...vercelMockInvokes };
}

/** Every provider's table, merged. */
export function loadMockOutputTables(): MockOutputTable {
  return { ...awsMockOutputs, ...cloudflareMockOutputs, ...vercelMockOutputs, ...stripeMockOutputs, ...supabaseMockOutputs, ...randomMockOutputs };
}
