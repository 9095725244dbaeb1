/**
 * Literals the validation Lambda and the Pulumi component that deploys it must agree on, each defined once. Plain data:
 * the component imports this file without pulling the handler's SDK clients into the Pulumi program.
 */

/** Environment variable with the ARNs of the restore testing plans whose jobs the function validates, comma-separated. */
export const PLAN_ARNS_ENV = "RESTORE_TESTING_PLAN_ARNS";

/** CloudWatch namespace of the function's metrics (embedded metric format, so they cost no API call or permission). */
export const METRIC_NAMESPACE = "BackupPlatform/RestoreTesting";
/** Powertools adds this as the `service` dimension of every metric; alarms must name the same dimension. */
export const SERVICE_NAME = "restore-validator";

/** Metric names the function emits (count 1 per event) and alarms watch. */
export const METRICS = {
    succeeded: "ValidationSucceeded",
    /** Validations reported FAILED, unverified resource types included. */
    failed: "ValidationFailed",
    timedOut: "ValidationTimedOut",
    /** Events the function could not act on: malformed, or a job it could not describe. */
    unprocessable: "UnprocessableEvent",
    /** Verdicts AWS Backup did not accept. */
    reportFailed: "ReportFailed",
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** The EventBridge detail type of AWS Backup restore job events. https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html */
export const RESTORE_JOB_DETAIL_TYPE = "Restore Job State Change";
export const BACKUP_EVENT_SOURCE = "aws.backup";
