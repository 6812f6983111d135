/** Entry point the Pulumi CLI runs: serves the pack over gRPC. Import `./pack` everywhere else. */
import { PolicyPack } from "@pulumi/policy";
import { packArgs, packName } from "./pack";

new PolicyPack(packName, packArgs);
