/**
 * The EventBridge event the function receives, read defensively: EventBridge may deliver anything a rule matches, and
 * a test or a misconfigured rule may deliver anything at all. Only the restore job id is needed to act; every other
 * field is taken from DescribeRestoreJob, which is authoritative.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-validation.html
 */
import { BACKUP_EVENT_SOURCE, RESTORE_JOB_DETAIL_TYPE } from "./constants";

export interface RestoreEvent {
    restoreJobId: string;
    /** Fields of the event's detail, when present and strings. */
    status?: string;
    resourceType?: string;
    createdResourceArn?: string;
    restoreTestingPlanArn?: string;
}

export type ParsedEvent = { ok: true; event: RestoreEvent } | { ok: false; reason: string };

/** Restore job ids are UUID-like; anything else is not a job this function could look up. */
const RESTORE_JOB_ID = /^[A-Za-z0-9-]{1,128}$/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === "string" && value.length > 0 ? value : undefined);

export function parseRestoreEvent(raw: unknown): ParsedEvent {
    if (!isRecord(raw)) return { ok: false, reason: `the event is ${raw === null ? "null" : Array.isArray(raw) ? "a list" : typeof raw}, not an object` };
    if (raw.source !== BACKUP_EVENT_SOURCE) return { ok: false, reason: `source is ${JSON.stringify(raw.source)}, not ${BACKUP_EVENT_SOURCE}` };
    if (raw["detail-type"] !== RESTORE_JOB_DETAIL_TYPE) {
        return { ok: false, reason: `detail-type is ${JSON.stringify(raw["detail-type"])}, not ${RESTORE_JOB_DETAIL_TYPE}` };
    }
    const detail = raw.detail;
    if (!isRecord(detail)) return { ok: false, reason: "the event has no detail object" };
    const restoreJobId = detail.restoreJobId;
    if (typeof restoreJobId !== "string" || !RESTORE_JOB_ID.test(restoreJobId)) {
        return { ok: false, reason: `detail.restoreJobId ${JSON.stringify(restoreJobId)} is not a restore job id` };
    }
    return {
        ok: true,
        event: {
            restoreJobId,
            status: text(detail.status),
            resourceType: text(detail.resourceType),
            createdResourceArn: text(detail.createdResourceArn),
            restoreTestingPlanArn: text(detail.restoreTestingPlanArn),
        },
    };
}

export interface ResourceArn {
    partition: string;
    service: string;
    region: string;
    account: string;
    /** Everything after the account, e.g. `volume/vol-0abc`, `db:restored-db`, `table/awsbackup-restore-test-x`. */
    resource: string;
}

/** The parts of an ARN, or undefined when it is not one. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html */
export function parseResourceArn(arn: string | undefined): ResourceArn | undefined {
    if (!arn) return undefined;
    const parts = arn.split(":");
    if (parts.length < 6 || parts[0] !== "arn" || !parts[1] || !parts[2]) return undefined;
    const resource = parts.slice(5).join(":");
    if (!resource) return undefined;
    return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource };
}
