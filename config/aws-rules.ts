/**
 * AWS limits and formats the config layer enforces, each next to the AWS document that states it.
 * Kept as data so messages, schema checks and tests quote the same numbers.
 */
import { Region } from "@pulumi/aws/types/enums";

/** Account ids are exactly 12 digits. https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html */
export const ACCOUNT_ID = /^\d{12}$/;
/** "o-" then 10-32 lowercase letters or digits. https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** "r-" then 4-32 lowercase letters or digits. https://docs.aws.amazon.com/organizations/latest/APIReference/API_Parent.html */
export const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
/** "ou-", 4-32 of the root's characters, "-", 8-32 more. https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html */
export const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;

/** Backup vault names. https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html */
export const VAULT_NAME = /^[a-zA-Z0-9\-_]{2,50}$/;
/** Backup plan, rule and selection names: 1-50 alphanumeric or '-_.' characters.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRuleInput.html and API_BackupSelection.html */
export const PLAN_NAME = /^[a-zA-Z0-9\-_.]{1,50}$/;
export const RULE_NAME = PLAN_NAME;
export const SELECTION_NAME = PLAN_NAME;
/** IAM role names. https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html */
export const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** KMS alias names: "alias/" then letters, digits, '/', '_', '-'; up to 256 characters; "alias/aws/" is reserved.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html */
export const KMS_ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]+$/;
export const KMS_ALIAS_MAX_LENGTH = 256;
/** IAM account alias rules, reused for our account aliases because they become part of logical names.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html */
export const ACCOUNT_ALIAS = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;

/** Start window: at least 60 minutes if set; start and completion windows at most 100 years.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRuleInput.html */
export const MIN_START_WINDOW_MINUTES = 60;
export const MAX_WINDOW_MINUTES = 52_560_000;
/** AWS Backup rejects a completion window that is not at least 60 minutes longer than the start window
 * ("CompletionWindowMinutes must be at least 60 minutes greater than StartWindowMinutes"). */
export const MIN_COMPLETION_AFTER_START_MINUTES = 60;
/** AWS Backup rejects schedules that fire more often than hourly
 * ("The interval between backup jobs shouldn't be less than 60 minutes").
 * https://repost.aws/questions/QUwYlivOoWTHi1nSuSGjTVFg/error-scheduling-backup-every-ten-minutes-in-aws-backup */
export const MIN_SCHEDULE_INTERVAL_MINUTES = 60;

/** Lifecycle: recovery points stay in cold storage at least 90 days, and retention is at most 100 years.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html */
export const MIN_DAYS_IN_COLD_STORAGE = 90;
export const MAX_RETENTION_DAYS = 36_500;
/** Continuous backup (point-in-time restore) retention is 1 to 35 days.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery-retention-period.html */
export const MIN_CONTINUOUS_RETENTION_DAYS = 1;
export const MAX_CONTINUOUS_RETENTION_DAYS = 35;

/** Vault Lock: a 72-hour cooling-off period means ChangeableForDays must be 3 or more; retention bounds as above.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-backup-backupvault-lockconfigurationtype.html */
export const MIN_LOCK_CHANGEABLE_FOR_DAYS = 3;

/** Tags: key 1-128 and value 0-256 Unicode characters from a fixed set; the "aws:" prefix is reserved; at most 50
 * user tags a resource. https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html */
export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;
export const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const MAX_TAGS_PER_RESOURCE = 50;

/** Every region code the AWS provider knows, from @pulumi/aws's own Region enum. */
export const KNOWN_REGIONS: ReadonlySet<string> = new Set(Object.values(Region));

/** One region-to-partition mapping serves config validation and the policy builders. */
export { partitionOf } from "../policies/arn";

/** Whether the runtime's IANA time zone database knows this zone, as AWS Backup's ScheduleExpressionTimezone requires.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRuleInput.html */
export function isIanaTimeZone(zone: string): boolean {
    if (zone.trim() !== zone || zone === "") return false;
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: zone });
        return true;
    } catch {
        return false;
    }
}
