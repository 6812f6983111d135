/**
 * Starts the pack the way the Pulumi CLI does — `node @pulumi/pulumi/cmd/run-policy-pack
 * <engine-address> <pack dir>` with the pack directory as cwd (ts-node type-checks the pack) —
 * then talks to it over gRPC like the engine: GetAnalyzerInfo lists the policies, Analyze runs one.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policies } from "../../policies/pack";

const ROOT = path.resolve(__dirname, "../..");
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (id: string) => require(require.resolve(id, { paths: [pulumiDir] }));
// biome-ignore lint/suspicious/noExplicitAny: generated gRPC/protobuf modules
const grpcPb: any = fromPulumi("@pulumi/pulumi/proto/analyzer_grpc_pb");
// biome-ignore lint/suspicious/noExplicitAny: generated gRPC/protobuf modules
const pb: any = fromPulumi("@pulumi/pulumi/proto/analyzer_pb");
// biome-ignore lint/suspicious/noExplicitAny: generated gRPC/protobuf modules
const grpc: any = fromPulumi("@grpc/grpc-js");
// biome-ignore lint/suspicious/noExplicitAny: generated gRPC/protobuf modules
const emptyPb: any = fromPulumi("google-protobuf/google/protobuf/empty_pb");
// biome-ignore lint/suspicious/noExplicitAny: generated gRPC/protobuf modules
const structPb: any = fromPulumi("google-protobuf/google/protobuf/struct_pb");

let child: ChildProcess | undefined;
// biome-ignore lint/suspicious/noExplicitAny: generated gRPC client
let client: any;
let stderr = "";

beforeAll(async () => {
  child = spawn(process.execPath, [path.join(pulumiDir, "cmd", "run-policy-pack"), "127.0.0.1:1", "."], {
    cwd: path.join(ROOT, "policies"),
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    child?.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\s*$/m.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child?.on("exit", (code) => reject(new Error(`policy pack exited with ${code} before printing a port:\n${stderr}`)));
  });
  client = new grpcPb.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 120_000);

afterAll(() => {
  client?.close();
  if (child?.pid && child.exitCode === null) child.kill();
});

function rpc<T>(method: string, req: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](req, (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp))));
}

describe("the pack as the Pulumi CLI runs it", () => {
  it("reports its name, version and every policy over GetAnalyzerInfo", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: protobuf message
    const info: any = await rpc("getAnalyzerInfo", new emptyPb.Empty());
    expect(info.getName()).toBe("promptandpause-guide");
    expect(info.getVersion()).toBe("0.1.0");
    // biome-ignore lint/suspicious/noExplicitAny: protobuf message
    const served = info.getPoliciesList().map((p: any) => [p.getName(), p.getEnforcementlevel(), p.getConfigschema()?.getProperties()?.toJavaScript()]);
    expect(served).toEqual(
      policies.map((p) => [
        p.name,
        p.enforcementLevel === "advisory" ? pb.EnforcementLevel.ADVISORY : pb.EnforcementLevel.MANDATORY,
        JSON.parse(JSON.stringify(p.configSchema?.properties)),
      ]),
    );
  });

  it("analyzes a resource over Analyze, with the guide defaults when the engine sends no config", async () => {
    const req = new pb.AnalyzeRequest();
    req.setType("vercel:index/project:Project");
    req.setUrn("urn:pulumi:prod::promptandpause::vercel:index/project:Project::app-project");
    req.setName("app-project");
    req.setProperties(structPb.Struct.fromJavaScript({ name: "promptandpause", resourceConfig: { functionDefaultTimeout: 60 } }));
    req.setOptions(new pb.AnalyzerResourceOptions());
    // biome-ignore lint/suspicious/noExplicitAny: protobuf message
    const resp: any = await rpc("analyze", req);
    // biome-ignore lint/suspicious/noExplicitAny: protobuf message
    const diags = resp.getDiagnosticsList().map((d: any) => [d.getPolicyname(), d.getMessage().split("\n")[1]]);
    expect(diags).toEqual([["vercel-function-timeout", 'Vercel project "app-project" sets resourceConfig.functionDefaultTimeout to 60 s; the guide allows at most 30 s.']]);
  });
});
