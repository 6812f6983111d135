import { createHash } from "node:crypto";
import { mockId } from "./vercel";
import type { MockOutputTable } from "./types";

/** `@pulumi/random`: generated values are fixed fakes here, secret-marked by the resources themselves. */
export const randomMockOutputs: MockOutputTable = {
  "random:index/randomPassword:RandomPassword": (inputs, name) => {
    const length = Number(inputs.length ?? 32);
    return { result: mockId("", `${name}-password`, length).slice(0, length), bcryptHash: "$2a$10$mockmockmockmockmockmo" };
  },
  /** `length` bytes, as `base64` and `hex` (both secret outputs of the real resource); derived from the name here. */
  "random:index/randomBytes:RandomBytes": (inputs, name) => {
    const length = Number(inputs.length ?? 32);
    let bytes = Buffer.alloc(0);
    for (let i = 0; bytes.length < length; i++) bytes = Buffer.concat([bytes, createHash("sha256").update(`${name}:${i}`).digest()]);
    bytes = bytes.subarray(0, length);
    return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
  },
};
