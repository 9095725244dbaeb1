import type { Clock, Deadline } from "../budget";
import type { Clients } from "../clients";
import type { ResourceArn } from "../event";

/** A verdict as AWS Backup records it. https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutRestoreValidationResult.html */
export interface Verdict {
    status: "SUCCESSFUL" | "FAILED" | "TIMED_OUT";
    /** What was found, in words an operator can act on. */
    message: string;
}

export const succeeded = (message: string): Verdict => ({ status: "SUCCESSFUL", message });
export const failed = (message: string): Verdict => ({ status: "FAILED", message });
export const timedOut = (message: string): Verdict => ({ status: "TIMED_OUT", message });

export interface ValidationInput {
    /** The restored resource. */
    arn: ResourceArn;
    /** Size of the restored data as AWS Backup reports it, when known. */
    backupSizeInBytes?: number;
    clients: Clients;
    clock: Clock;
    deadline: Deadline;
}

export interface Validator {
    /** AWS Backup resource types (DescribeRestoreJob's ResourceType) this validator checks. */
    resourceTypes: readonly string[];
    validate(input: ValidationInput): Promise<Verdict>;
}

/** The resource id after a prefix such as `volume/`, or undefined. */
export function resourceId(arn: ResourceArn, prefix: string): string | undefined {
    return arn.resource.startsWith(prefix) && arn.resource.length > prefix.length ? arn.resource.slice(prefix.length) : undefined;
}

export const seconds = (input: ValidationInput) => `${input.deadline.elapsedSeconds()} s`;
