import { mockId } from "./vercel";
import type { MockOutputTable } from "./types";

/** `@pulumi/random`: generated values are fixed fakes here, secret-marked by the resources themselves. */
export const randomMockOutputs: MockOutputTable = {
  "random:index/randomPassword:RandomPassword": (inputs, name) => {
    const length = Number(inputs.length ?? 32);
    return { result: mockId("", `${name}-password`, length).slice(0, length), bcryptHash: "$2a$10$mockmockmockmockmockmo" };
  },
};
