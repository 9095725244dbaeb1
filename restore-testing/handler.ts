/**
 * The Lambda entry point (bundled by restore-testing/bundle.ts): validates the resources AWS Backup restore testing
 * creates and records each verdict with AWS Backup. See validate-restore.ts.
 */
import { realClock } from "./budget";
import { lazyClients } from "./clients";
import { PLAN_ARNS_ENV } from "./constants";
import { powertoolsTelemetry } from "./telemetry";
import { createHandler } from "./validate-restore";

const planArns = (process.env[PLAN_ARNS_ENV] ?? "")
    .split(",")
    .map((arn) => arn.trim())
    .filter((arn) => arn.length > 0);

export const handler = createHandler({ clients: lazyClients(), telemetry: powertoolsTelemetry(), clock: realClock, planArns });
