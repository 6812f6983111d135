/**
 * `npm run plan -- [--stack staging|prod] [--config FILE] [--json FILE] [--markdown FILE]`
 *
 * The offline plan: runs the real program under Pulumi mocks with a stack's real settings, then
 * the real policy pack over every registered resource. No cloud credentials needed.
 * Exit codes: 0 clean, 1 mandatory policy violations, 2 invalid configuration, 3 anything else.
 */
import { planMain } from "./lib/plan-main";

planMain(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
