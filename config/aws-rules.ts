/**
 * AWS limits and formats the config layer enforces, each next to the AWS document that states it.
 * Kept as data so messages, schema checks and tests quote the same numbers.
 */
import { Region } from "@pulumi/aws/types/enums";
import { getAllTimezones } from "countries-and-timezones";
import { closestMatch } from "./suggest";

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
/** KMS alias names: "alias/" then letters, digits, '/', '_', '-'; up to 256 characters; only the "alias/aws/" prefix is
 * reserved (for AWS managed keys), so "alias/aws-backup" is a valid customer alias.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html */
export const KMS_ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]+$/;
export const KMS_ALIAS_MAX_LENGTH = 256;
export const KMS_RESERVED_ALIAS_PREFIX = "alias/aws/";

/** What is wrong with a KMS alias name, or undefined if AWS KMS accepts it. */
export function kmsAliasProblem(alias: string): string | undefined {
    if (!KMS_ALIAS_NAME.test(alias)) return 'must be "alias/" then letters, digits, /, _ or - (AWS KMS CreateAlias)';
    if (alias.length > KMS_ALIAS_MAX_LENGTH) return `must be at most ${KMS_ALIAS_MAX_LENGTH} characters (AWS KMS CreateAlias)`;
    if (alias.startsWith(KMS_RESERVED_ALIAS_PREFIX))
        return `must not start with ${KMS_RESERVED_ALIAS_PREFIX}, which AWS reserves for AWS managed keys (AWS KMS CreateAlias)`;
    return undefined;
}

/** StackSet names: letters, digits and hyphens, starting with a letter, at most 128 characters.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html */
export const STACK_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;
/** One CreateStackInstances call targets at most 50 OUs.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html */
export const MAX_STACK_SET_TARGET_OUS = 50;
/** IAM account alias rules, reused for our account aliases because they become part of logical names.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html */
export const ACCOUNT_ALIAS = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;

/** Start window: at least 60 minutes if set; start and completion windows at most 100 years.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRuleInput.html */
export const MIN_START_WINDOW_MINUTES = 60;
export const MAX_WINDOW_MINUTES = 52_560_000;
/** AWS Backup's defaults when a rule sets no windows: start within 8 hours, complete within 7 days.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html
 * The Pulumi/Terraform provider would otherwise send its own defaults (60 and 180 minutes), so the platform sends these
 * explicitly and checks the completion window against them. */
export const DEFAULT_START_WINDOW_MINUTES = 480;
export const DEFAULT_COMPLETION_WINDOW_MINUTES = 10_080;
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

/** Vault Lock: a 72-hour cooling-off period means ChangeableForDays must be 3 or more, and at most 36,500; retention
 * bounds as above. https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultLockConfiguration.html */
export const MIN_LOCK_CHANGEABLE_FOR_DAYS = 3;
export const MAX_LOCK_CHANGEABLE_FOR_DAYS = 36_500;

/** A selection's Resources and NotResources each hold at most 500 ARNs without wildcards, or 30 with.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html */
export const MAX_SELECTION_ARNS = 500;
export const MAX_SELECTION_WILDCARD_ARNS = 30;

/** Tags: key 1-128 and value 0-256 Unicode characters from a fixed set; the "aws:" prefix is reserved; at most 50
 * user tags a resource. https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html */
export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;
export const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const MAX_TAGS_PER_RESOURCE = 50;

/** Every region code the AWS provider knows, from @pulumi/aws's own Region enum. */
export const KNOWN_REGIONS: ReadonlySet<string> = new Set(Object.values(Region));

/** One region-to-partition mapping, and one trusted-principal rule, serve config validation and the policy builders. */
export { partitionOf, trustedPrincipalProblem } from "../policies/arn";

/**
 * Time zone names of the tz database, links included (`US/Pacific`), spelled exactly. AWS Backup takes an IANA name in
 * ScheduleExpressionTimezone; `Intl` would accept `europe/london` and canonicalize it, but that is not a tz name.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRuleInput.html
 * The list comes from countries-and-timezones (deprecated names included, i.e. the tz database's backward links);
 * "Factory" is a placeholder zone, not a place.
 */
const TIME_ZONES: ReadonlySet<string> = new Set(Object.keys(getAllTimezones({ deprecated: true })).filter((zone) => zone !== "Factory"));

/** What is wrong with a time zone name, with the exact name suggested for a near miss; undefined if it is one. */
export function timeZoneProblem(zone: string): string | undefined {
    if (TIME_ZONES.has(zone)) return undefined;
    const exact = [...TIME_ZONES].find((name) => name.toLowerCase() === zone.trim().toLowerCase());
    const suggestion = exact ?? closestMatch(zone, TIME_ZONES);
    const hint = suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : " (e.g. Europe/Berlin, Etc/UTC)";
    return `${JSON.stringify(zone)} is not a time zone name of the tz database${exact ? " (names are case-sensitive)" : ""}${hint}`;
}

/**
 * General purpose bucket names: 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending
 * with a letter or digit, no two adjacent dots, not an IP address, and none of the reserved prefixes and suffixes.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export const BUCKET_NAME_MIN_LENGTH = 3;
export const BUCKET_NAME_MAX_LENGTH = 63;
const BUCKET_RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const BUCKET_RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** What is wrong with a general purpose bucket name, or undefined if S3 accepts it. */
export function bucketNameProblem(name: string): string | undefined {
    if (name.length < BUCKET_NAME_MIN_LENGTH || name.length > BUCKET_NAME_MAX_LENGTH) {
        return `is ${name.length} characters; bucket names are ${BUCKET_NAME_MIN_LENGTH}-${BUCKET_NAME_MAX_LENGTH} (S3 bucket naming rules)`;
    }
    if (!/^[a-z0-9.-]+$/.test(name)) return "may only contain lowercase letters, digits, dots and hyphens (S3 bucket naming rules)";
    if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "must begin and end with a letter or digit (S3 bucket naming rules)";
    if (name.includes("..")) return "must not contain two adjacent dots (S3 bucket naming rules)";
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "must not look like an IP address (S3 bucket naming rules)";
    const prefix = BUCKET_RESERVED_PREFIXES.find((reserved) => name.startsWith(reserved));
    if (prefix) return `must not start with the reserved prefix ${prefix} (S3 bucket naming rules)`;
    const suffix = BUCKET_RESERVED_SUFFIXES.find((reserved) => name.endsWith(reserved));
    if (suffix) return `must not end with the reserved suffix ${suffix} (S3 bucket naming rules)`;
    return undefined;
}

/**
 * Buckets in an account's regional namespace are named `<prefix>-<account id>-<region>-an`, and only that account can
 * create them, in every region but Middle East (Bahrain) and Middle East (UAE).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/gpbucketnamespaces.html
 */
export const S3_ACCOUNT_REGIONAL_NAMESPACE_SUFFIX = "an";
export const S3_REGIONS_WITHOUT_ACCOUNT_REGIONAL_NAMESPACE: ReadonlySet<string> = new Set(["me-south-1", "me-central-1"]);

/**
 * Storage classes a protected bucket's lifecycle may move objects to, in the order of S3's transition waterfall
 * (each may only move to a later one), and S3's minimum days: objects stay at least 30 days in their current class
 * before moving to Standard-IA, and at least 30 days in Standard-IA before moving on; Days for Standard-IA must be
 * at least 30, for the other classes 0 or more.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_Transition.html
 * One Zone-IA is left out on purpose: a protected bucket's data should not live in one Availability Zone.
 */
export const LIFECYCLE_STORAGE_CLASSES = ["STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"] as const;
export const MIN_DAYS_BEFORE_STANDARD_IA = 30;
export const MIN_DAYS_IN_STANDARD_IA = 30;

/** S3 Intelligent-Tiering archive tiers: at least 90 (Archive Access) or 180 (Deep Archive Access) days, at most 730.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_Tiering.html */
export const INTELLIGENT_TIERING_ARCHIVE_MIN_DAYS = 90;
export const INTELLIGENT_TIERING_DEEP_ARCHIVE_MIN_DAYS = 180;
export const INTELLIGENT_TIERING_MAX_DAYS = 730;

/** AWS Backup's low-cost warm tier for S3 backups: objects move after 60 to 36,500 days in the vault; tiering
 * configuration names are 1-200 letters, digits and underscores.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ResourceSelection.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_TieringConfigurationInputForCreate.html */
export const BACKUP_TIERING_MIN_DAYS = 60;
export const BACKUP_TIERING_MAX_DAYS = 36_500;

/** EventBridge Scheduler schedule names: 1-64 letters, digits and -_. characters.
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html */
export const SCHEDULE_NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
/** A logically air-gapped vault keeps recovery points at least 7 days (MinRetentionDays' lowest accepted value); both
 * bounds are required. https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateLogicallyAirGappedBackupVault.html */
export const MIN_AIR_GAPPED_RETENTION_DAYS = 7;

/** Backup Audit Manager framework and report plan names: 1-256 characters, a letter first, then letters, digits and
 * underscores. https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateFramework.html and
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-console.html */
export const FRAMEWORK_NAME = /^[a-zA-Z][_a-zA-Z0-9]{0,255}$/;
export const REPORT_PLAN_NAME = FRAMEWORK_NAME;

/** Backup plan frequency the BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK control accepts: at most 24 hours or 31
 * days. https://docs.aws.amazon.com/config/latest/developerguide/backup-plan-min-frequency-and-min-retention-check.html */
export const MAX_CONTROL_FREQUENCY = { hours: 24, days: 31 } as const;

/** The BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED control exempts at most five IAM roles.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/choosing-controls.html */
export const MAX_MANUAL_DELETION_EXEMPT_ROLES = 5;

/** CloudWatch alarms evaluate periods of any multiple of 60 seconds; period times evaluation periods is at most one day.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html */
export const MAX_ALARM_PERIOD_MINUTES = 1440;

/** Regions without logically air-gapped vaults, as the AWS page lists them: Asia Pacific (Malaysia, Thailand, Taipei, New
 * Zealand), Canada West (Calgary), Mexico (Central), the China Regions and AWS GovCloud (US).
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html */
export const AIR_GAPPED_UNAVAILABLE_REGIONS: ReadonlySet<string> = new Set([
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-east-2",
    "ap-southeast-6",
    "ca-west-1",
    "mx-central-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-east-1",
    "us-gov-west-1",
]);

/** CodePipeline pipeline, stage and action names: 1-100 of letters, digits and .@-_ .
 * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineDeclaration.html (and API_StageDeclaration.html,
 * API_ActionDeclaration.html); https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html */
export const CODEPIPELINE_NAME = /^[A-Za-z0-9.@\-_]{1,100}$/;
/** CodePipeline artifact names: 1-100 of letters, digits, _ and -. https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_OutputArtifact.html */
/** CodeBuild project names: 2-150 characters, a letter or digit first, then letters, digits, - and _.
 * https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html */
export const CODEBUILD_PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9\-_]{1,149}$/;
/** CodeBuild's on-demand compute types for Linux containers (the BUILD_LAMBDA_* types need Lambda environments and images).
 * https://docs.aws.amazon.com/codebuild/latest/APIReference/API_ProjectEnvironment.html
 * https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-compute-types.html */
export const CODEBUILD_LINUX_COMPUTE_TYPES = [
    "BUILD_GENERAL1_SMALL",
    "BUILD_GENERAL1_MEDIUM",
    "BUILD_GENERAL1_LARGE",
    "BUILD_GENERAL1_XLARGE",
    "BUILD_GENERAL1_2XLARGE",
] as const;
/** A build times out after 5 to 2,160 minutes. https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html */
export const CODEBUILD_MIN_TIMEOUT_MINUTES = 5;
export const CODEBUILD_MAX_TIMEOUT_MINUTES = 2160;
/** CodeBuild's managed x86_64 Linux images: Amazon Linux (`amazonlinux-x86_64-standard:<version>`) and Ubuntu (`standard:<version>`).
 * https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-available.html */
export const CODEBUILD_MANAGED_LINUX_IMAGE = /^aws\/codebuild\/(amazonlinux-x86_64-standard|standard):\d+\.\d+$/;
/** The Amazon Linux 2023 standard image, which installs Node.js 18, 20, 22 and 24 through `runtime-versions`, and others on demand.
 * https://docs.aws.amazon.com/codebuild/latest/userguide/available-runtimes.html */
export const CODEBUILD_AL2023_IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0";
/** CloudWatch Logs group names: 1-512 of letters, digits and ._-/# .
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html */
export const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
/** The only retention periods CloudWatch Logs accepts, in days.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html */
export const LOG_RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** Connections (CodeStar Connections, renamed AWS CodeConnections in 2024) are named by ARNs under either service prefix;
 * an IAM policy must use the prefix of the connection's own ARN.
 * https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscodeconnections.html */
export const CONNECTION_ARN = /^arn:(aws[a-z-]*):(codeconnections|codestar-connections):([a-z0-9-]+):(\d{12}):connection\/[A-Za-z0-9-]+$/;
/** Secrets Manager ARNs end in the secret's name, a hyphen and six random characters; names use letters, digits and /_+=.@-.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources */
export const SECRETS_MANAGER_ARN = /^arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:([\w/+=.@-]+)-[A-Za-z0-9]{6}$/;
/** Parameter Store ARNs: `parameter/` then the name without its leading slash; names use letters, digits, _.- and / between levels.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html */
export const SSM_PARAMETER_ARN = /^arn:(aws[a-z-]*):ssm:([a-z0-9-]+):(\d{12}):parameter\/([A-Za-z0-9_.\-/]+)$/;
/** SNS topic ARNs: names are 1-256 ASCII letters, digits, _ and -, with a .fifo suffix for FIFO topics.
 * https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html */
export const SNS_TOPIC_ARN = /^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
/** KMS key ARNs (`key/<key id>`). https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN */
export const KMS_KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):key\/[A-Za-z0-9-]+$/;
