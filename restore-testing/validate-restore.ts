/**
 * The validation of one restore job: from an EventBridge `Restore Job State Change` event to a verdict recorded with
 * AWS Backup (PutRestoreValidationResult). It never throws: malformed events, foreign plans, throttling and SDK errors
 * end in a structured log line, a metric and, where the job is ours, a FAILED verdict with the reason.
 *
 * Idempotency: AWS Backup keeps a job's validation status once set ("Once a validation status is set, it cannot be
 * changed": https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-validation.html), so AWS Backup
 * itself is the record of which jobs have a verdict. A redelivered event finds the status set and stops before
 * validating; deliveries in flight in the same container share one validation; and should two containers race, AWS
 * Backup refuses the second verdict, which is logged as a duplicate, not as an error.
 */
import { DescribeRestoreJobCommand, DescribeRestoreJobCommandOutput, PutRestoreValidationResultCommand } from "@aws-sdk/client-backup";
import { Clock, Deadline } from "./budget";
import { Clients } from "./clients";
import { METRICS } from "./constants";
import { parseResourceArn, parseRestoreEvent } from "./event";
import { Telemetry } from "./telemetry";
import { validatorFor } from "./validators";
import { failed, timedOut, Verdict } from "./validators/types";

export interface HandlerDependencies {
    clients: Clients;
    telemetry: Telemetry;
    clock: Clock;
    /** ARNs of our restore testing plans: jobs of any other plan are not ours to judge. */
    planArns: readonly string[];
    /** Milliseconds kept back from the Lambda's remaining time to report the verdict (default 10 s). */
    reportReserveMs?: number;
}

/** What the Lambda context offers that the handler uses. */
export interface InvocationContext {
    getRemainingTimeInMillis?(): number;
    awsRequestId?: string;
}

export type Outcome =
    | { outcome: "reported"; restoreJobId: string; status: Verdict["status"]; message: string }
    | { outcome: "duplicate"; restoreJobId: string; reason: string }
    | { outcome: "ignored"; restoreJobId?: string; reason: string }
    | { outcome: "error"; restoreJobId?: string; reason: string };

/** Validation statuses that are final: a job that has one has been judged. */
const FINAL_STATUSES = new Set(["SUCCESSFUL", "FAILED", "TIMED_OUT"]);
/** AWS Backup's message field has no documented limit; keep verdicts short enough for consoles and reports. */
const MAX_MESSAGE = 1000;
/** Without a Lambda context (tests, local runs), a budget of one minute. */
const DEFAULT_BUDGET_MS = 60_000;

export function describeError(error: unknown): string {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return String(error);
}

const isAbort = (error: unknown) => error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");

/** Creates the handler. Its state (jobs in flight, jobs judged) lives as long as the Lambda container. */
export function createHandler(deps: HandlerDependencies): (event: unknown, context?: InvocationContext) => Promise<Outcome> {
    const inFlight = new Map<string, Promise<Outcome>>();
    const judged = new Set<string>();
    const reserve = deps.reportReserveMs ?? 10_000;
    const { telemetry } = deps;

    const run = async (event: unknown, context?: InvocationContext): Promise<Outcome> => {
        const parsed = parseRestoreEvent(event);
        if (!parsed.ok) {
            telemetry.count(METRICS.unprocessable);
            telemetry.log("warn", "ignored an event that is not a restore job event", { reason: parsed.reason });
            return { outcome: "ignored", reason: parsed.reason };
        }
        const { restoreJobId, restoreTestingPlanArn, status } = parsed.event;
        if (restoreTestingPlanArn !== undefined && !deps.planArns.includes(restoreTestingPlanArn)) {
            telemetry.log("info", "ignored a restore job of another restore testing plan", { restoreJobId, restoreTestingPlanArn });
            return { outcome: "ignored", restoreJobId, reason: `restore testing plan ${restoreTestingPlanArn} is not one of ours` };
        }
        if (status !== undefined && status !== "COMPLETED") {
            telemetry.log("info", "ignored a restore job that did not complete", { restoreJobId, status });
            return { outcome: "ignored", restoreJobId, reason: `the restore job is ${status}, not COMPLETED` };
        }
        if (judged.has(restoreJobId)) {
            telemetry.log("info", "ignored a repeated delivery of a judged restore job", { restoreJobId });
            return { outcome: "duplicate", restoreJobId, reason: "this container already reported a verdict for the job" };
        }
        const running = inFlight.get(restoreJobId);
        if (running) {
            await running;
            telemetry.log("info", "ignored a delivery of a restore job being validated", { restoreJobId });
            return { outcome: "duplicate", restoreJobId, reason: "the job was being validated by another delivery" };
        }
        const budget = (context?.getRemainingTimeInMillis?.() ?? DEFAULT_BUDGET_MS + reserve) - reserve;
        const work = judge(restoreJobId, restoreTestingPlanArn, Deadline.after(deps.clock, budget));
        inFlight.set(restoreJobId, work);
        try {
            const outcome = await work;
            if (outcome.outcome === "reported" || outcome.outcome === "duplicate") judged.add(restoreJobId);
            return outcome;
        } finally {
            inFlight.delete(restoreJobId);
        }
    };

    const judge = async (restoreJobId: string, eventPlanArn: string | undefined, deadline: Deadline): Promise<Outcome> => {
        let job: DescribeRestoreJobCommandOutput;
        try {
            job = await deps.clients.backup().send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }), deadline.callOptions());
        } catch (error) {
            const reason = `could not describe restore job ${restoreJobId}: ${describeError(error)}`;
            telemetry.log("error", "could not describe the restore job", { restoreJobId, error: describeError(error) });
            // The event named one of our plans: the job is ours, and a verdict beats silence.
            if (eventPlanArn !== undefined) return report(restoreJobId, failed(`not validated: ${reason}`), deadline);
            telemetry.count(METRICS.unprocessable);
            return { outcome: "error", restoreJobId, reason };
        }
        const planArn = job.CreatedBy?.RestoreTestingPlanArn;
        if (!planArn || !deps.planArns.includes(planArn)) {
            telemetry.log("info", "ignored a restore job that none of our restore testing plans started", {
                restoreJobId,
                restoreTestingPlanArn: planArn ?? null,
            });
            return {
                outcome: "ignored",
                restoreJobId,
                reason: planArn ? `restore testing plan ${planArn} is not one of ours` : "the job was not started by a restore testing plan",
            };
        }
        if (job.Status !== "COMPLETED") {
            telemetry.log("info", "ignored a restore job that did not complete", { restoreJobId, status: job.Status ?? null });
            return { outcome: "ignored", restoreJobId, reason: `the restore job is ${job.Status ?? "of unknown status"}, not COMPLETED` };
        }
        if (job.ValidationStatus && FINAL_STATUSES.has(job.ValidationStatus)) {
            telemetry.log("info", "ignored a restore job that already has a verdict", { restoreJobId, validationStatus: job.ValidationStatus });
            return { outcome: "duplicate", restoreJobId, reason: `AWS Backup already records ${job.ValidationStatus} for the job` };
        }
        return report(restoreJobId, await verdictFor(job, deadline), deadline);
    };

    const verdictFor = async (job: DescribeRestoreJobCommandOutput, deadline: Deadline): Promise<Verdict> => {
        const validator = validatorFor(job.ResourceType);
        if (!validator) {
            return failed(
                `unverified: the platform has no validator for resource type ${job.ResourceType ?? "(none given)"}; the restore completed, but nothing checked that the restored resource is usable`,
            );
        }
        const arn = parseResourceArn(job.CreatedResourceArn);
        if (!arn) return failed(`the restore job reports no usable created resource ARN (${JSON.stringify(job.CreatedResourceArn ?? null)})`);
        try {
            return await validator.validate({ arn, backupSizeInBytes: job.BackupSizeInBytes, clients: deps.clients, clock: deps.clock, deadline });
        } catch (error) {
            if (isAbort(error) || deadline.remaining() <= 0) {
                return timedOut(`validation of ${job.CreatedResourceArn} ran out of time after ${deadline.elapsedSeconds()} s (${describeError(error)})`);
            }
            return failed(`could not validate ${job.CreatedResourceArn}: ${describeError(error)}`);
        }
    };

    const report = async (restoreJobId: string, verdict: Verdict, deadline: Deadline): Promise<Outcome> => {
        const message = verdict.message.length > MAX_MESSAGE ? `${verdict.message.slice(0, MAX_MESSAGE - 1)}…` : verdict.message;
        try {
            await deps.clients
                .backup()
                .send(
                    new PutRestoreValidationResultCommand({ RestoreJobId: restoreJobId, ValidationStatus: verdict.status, ValidationStatusMessage: message }),
                );
        } catch (error) {
            const already = await finalStatusOf(restoreJobId, deadline);
            if (already) {
                telemetry.log("info", "another delivery reported this restore job first", { restoreJobId, validationStatus: already });
                return { outcome: "duplicate", restoreJobId, reason: `AWS Backup already records ${already} for the job` };
            }
            telemetry.count(METRICS.reportFailed);
            telemetry.log("error", "AWS Backup did not accept the verdict", { restoreJobId, verdict: verdict.status, message, error: describeError(error) });
            return { outcome: "error", restoreJobId, reason: `could not report ${verdict.status}: ${describeError(error)}` };
        }
        telemetry.count(verdict.status === "SUCCESSFUL" ? METRICS.succeeded : verdict.status === "TIMED_OUT" ? METRICS.timedOut : METRICS.failed);
        telemetry.log(verdict.status === "SUCCESSFUL" ? "info" : "warn", "reported the restore validation", { restoreJobId, verdict: verdict.status, message });
        return { outcome: "reported", restoreJobId, status: verdict.status, message };
    };

    /** The job's final validation status, if AWS Backup has one (after a refused report). */
    const finalStatusOf = async (restoreJobId: string, deadline: Deadline): Promise<string | undefined> => {
        try {
            const job = await deps.clients.backup().send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }), deadline.callOptions());
            return job.ValidationStatus && FINAL_STATUSES.has(job.ValidationStatus) ? job.ValidationStatus : undefined;
        } catch {
            return undefined;
        }
    };

    return async (event, context) => {
        telemetry.setRequestId(context?.awsRequestId);
        try {
            return await run(event, context);
        } catch (error) {
            telemetry.log("error", "the restore validation failed unexpectedly", { error: describeError(error) });
            return { outcome: "error", reason: describeError(error) };
        } finally {
            try {
                telemetry.flush();
            } catch {
                // Metrics are best effort; the verdict is already with AWS Backup.
            }
        }
    };
}
