/**
 * The validated environment: plain data derived once from a stack config. Programs and components receive slices of
 * it and never see raw config. Every physical name and ARN another account or policy needs is computed here, so it is
 * deterministic and can be named without stack references.
 */
import type { Scope } from "./scope";
import { S3_ACCOUNT_REGIONAL_NAMESPACE_SUFFIX } from "./aws-rules";
import { shortHash } from "../policies/backup-policies";
import { MAX_POLICY_NAME_LENGTH } from "../policies/organizations-quotas";
import type { ScpProtection } from "../policies/service-control-policies";

export type { Scope } from "./scope";

/** The three kinds of account the platform deploys into, each with its own program. */
export type TargetKind = "management" | "central" | "workload";

/**
 * An account the platform deploys into. Management, central and workload accounts share this shape, so one function
 * makes the provider of any of them and one module names their stacks.
 */
export interface Target {
    kind: TargetKind;
    id: string;
    /** Names the account's resources and its provider; unique across the environment. */
    alias: string;
    /** Role every deployment into this account assumes. */
    deploymentRoleArn: string;
    /** Permissions boundary every role the platform creates in this account carries (policies/permissions-boundary.ts). */
    permissionsBoundaryArn: string;
    /** Region of the account's provider, and of its global resources' API calls (IAM, Organizations). */
    homeRegion: string;
    /** Regions the platform deploys into in this account. */
    regions: string[];
}

export interface EnvironmentModel {
    /** Environment name, e.g. "prod": what the platform's tags carry, the same for all of the environment's stacks. */
    environment: string;
    /** Stack this evaluation belongs to, e.g. "prod" or "prod.acct-510000000007"; it names the Pulumi stack resource. */
    stack: string;
    scope: Scope;
    /** ARN partition of every region in this environment (aws, aws-cn, aws-us-gov, ...). */
    partition: string;
    /** Prefix of every physical name this platform creates. */
    namePrefix: string;
    organization: { id: string; rootId: string };
    /** Tags on every resource (user tags plus the platform's own). */
    tags: Record<string, string>;
    /** Role names every member account shares. */
    roles: { deploymentRoleName: string; breakGlassRoleName: string; backupServiceRoleName: string; permissionsBoundaryName: string };
    management: ManagementAccountModel;
    central: CentralAccountModel;
    /** Workload accounts in config order. */
    accounts: AccountModel[];
    /** How `npm run rollout` deploys the per-target stacks; the programs never read it. */
    rollout: RolloutModel;
}

export interface ManagementAccountModel {
    target: Target;
    /** Whether some workload account runs restore testing: the workload deployment role then manages its resources. */
    restoreTestingInWorkloadAccounts?: boolean;
    /** The deployment-role bootstrap, when configured. */
    bootstrap?: BootstrapModel;
    /** Organizations policies: service control, backup and tag policies, and the tier tag the policy pack checks. */
    guardrails?: GuardrailsModel;
    /** AWS Backup's organization settings, set from the management account. */
    backupOrganization: OrganizationBackupModel;
}

/**
 * AWS Backup's settings for the whole organization, which only the management account can change.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/manage-cross-account.html
 */
export interface OrganizationBackupModel {
    /** Whether this program turns on trusted access for backup.amazonaws.com (false: it is managed elsewhere). */
    manageTrustedAccess: boolean;
    /** Account registered as AWS Backup's delegated administrator (the central account), if any. */
    delegatedAdministratorAccountId?: string;
    /** AWS Backup global settings, every supported flag spelled out (UpdateGlobalSettings). */
    globalSettings: Record<string, string>;
}

/** A service-managed StackSet that creates the deployment role in member accounts. */
export interface BootstrapModel {
    /** Principals (exact IAM role or user ARNs) allowed to assume the deployment role: the CI or operator identity. */
    trustedPrincipalArns: string[];
    /** Keep the role when an account leaves a targeted OU (only with auto-deployment). */
    retainStacksOnAccountRemoval: boolean;
    /** One StackSet per kind of member account, each with the policy its programs need. */
    stackSets: DeploymentRoleStackSetModel[];
}

export interface DeploymentRoleStackSetModel {
    /** Which programs run under the role this StackSet creates. */
    kind: "workload" | "central";
    /** Physical StackSet name. */
    name: string;
    /** OU ids (or the root id) the StackSet targets. */
    organizationalUnitIds: string[];
    /** With `accountFilter`, narrows the OUs to these accounts (INTERSECTION) or leaves them out (DIFFERENCE). */
    accounts: string[];
    accountFilter: "NONE" | "INTERSECTION" | "DIFFERENCE";
    /** Deploy to accounts that join the targeted OUs later. */
    autoDeployment: boolean;
    /** Regions the role deploys into in those accounts: its permissions for regional services are limited to them. */
    regions: string[];
}

export interface CentralAccountModel {
    target: Target;
    accountId: string;
    alias: string;
    regions: string[];
    /** Physical name of the central vault, the same in every central region. */
    vaultName: string;
    /** Central vault ARN by region, for copy actions and policies in other accounts. */
    vaultArnByRegion: Record<string, string>;
    /** The platform's alert topic ARN by central region. */
    alertTopicArnByRegion: Record<string, string>;
    /** Region settings (resource-type opt-in) by central region. */
    regionSettings: Record<string, RegionSettingsModel>;
    /** The central vaults' key, lock and roles, and who may copy into them. */
    backup: CentralBackupModel;
    /** Logically air-gapped vault ARN by central region that has one. */
    airGappedVaultArnByRegion: Record<string, string>;
    /** For each workload region with a disaster-recovery region, the central region its DR copies go to. */
    disasterRecoveryRegionByRegion: Record<string, string>;
    /** The central event bus, its failure rule, the alert topic and the alarm. */
    alerts: CentralAlertsModel;
    /** Backup Audit Manager: framework, report plans and their bucket, when configured. */
    audit?: AuditModel;
    /** Restore testing in the central account (restoreTesting config), if any. */
    restoreTesting?: RestoreTestingModel;
}

export interface CentralBackupModel {
    /** Alias and description of the customer-managed key of each central vault. */
    key: { aliasName: string; description: string };
    /** Vault Lock of every central vault, if any. */
    vaultLock?: VaultLockModel;
    /** The central account's AWS Backup service role: copy-back jobs (central to workload) run as it. */
    backupRole: { name: string; arn: string };
    breakGlassRoleArn: string;
    /** Who may copy into the central vaults: the organization, or only these OU paths (aws:PrincipalOrgPaths patterns). */
    copySources: { organizationId: string; organizationalUnitPaths: string[] };
    /** The logically air-gapped vault, in the central regions listed. */
    airGappedVault?: AirGappedVaultModel;
}

/** https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html */
export interface AirGappedVaultModel {
    name: string;
    /** Shortest retention a copy into the vault may have (at least 7 days). */
    minRetentionDays: number;
    /** Longest retention a copy into the vault may have. */
    maxRetentionDays: number;
    regions: string[];
}

export interface CentralAlertsModel {
    /** SNS topic of the platform's alerts in each central region (physicalNames.alertTopic). */
    topicName: string;
    /** Alias of the key that encrypts the alert topic. */
    keyAliasName: string;
    /** Custom event bus that receives every workload account-region's failed-job events (physicalNames.eventBus). */
    eventBusName: string;
    /** Rule on the central bus that routes failed-job events to the alert topic. */
    ruleName: string;
    ruleArnByRegion: Record<string, string>;
    /** CloudWatch alarm on the number of failed-job events, per central region. */
    alarmName: string;
    /** Failed-job events within one period that raise the alarm. */
    alarmThreshold: number;
    alarmPeriodSeconds: number;
    /** Subscriptions to every central region's alert topic. */
    subscriptions: Array<{ protocol: string; endpoint: string }>;
    /** ARN pattern of the platform's CloudWatch alarms in a central region's topic region (any listed account). */
    platformAlarmArnPatternByRegion: Record<string, string>;
    /** Accounts whose platform alarms publish to the alert topic: the central account, and workload accounts that run restore testing. */
    alarmSourceAccountIds: string[];
}

/** https://docs.aws.amazon.com/aws-backup/latest/devguide/aws-backup-audit-manager.html */
export interface AuditModel {
    /** Central region of the framework, the report plans and the report bucket. */
    region: string;
    frameworkName: string;
    controls: Array<{ name: string; inputParameters: Record<string, string> }>;
    reportPlans: Array<{ name: string; template: string }>;
    /** Accounts job reports cover (ROOT: the whole organization) and their regions. */
    reportAccounts: string[];
    reportRegions: string[];
    reportBucket: { name: string; arn: string };
    /** Alias of the key that encrypts the report bucket. */
    reportKeyAliasName: string;
    /** `create`: the program records AWS Config in the audit region; `existing`: a recorder must already record it. */
    configRecorder: "create" | "existing";
    /** Role the created AWS Config recorder uses. */
    configRecorderRole: { name: string; arn: string };
}

export interface AccountModel {
    target: Target;
    id: string;
    alias: string;
    ou: { name: string; id: string };
    /** Region the account's provider talks to for global services (IAM); its first listed region. */
    homeRegion: string;
    /** Role the deployment assumes in this account. */
    deploymentRoleArn: string;
    backupRole: { name: string; arn: string };
    breakGlassRoleArn: string;
    regions: AccountRegionModel[];
    /** S3 buckets the platform creates and protects in this account (config `protectedBuckets`), in config order. */
    protectedBuckets?: ProtectedBucketModel[];
    /** On-demand backups started on a schedule in this account (config `scheduledBackups`). */
    scheduledBackups?: ScheduledBackupModel[];
    /** Tiering configurations of this account's vaults, from its protected buckets' `backupTieringDownAfterDays`. */
    s3BackupTiering?: S3BackupTieringModel[];
    /** The central backup account, which copies recovery points back into this account's vaults for restores. */
    centralAccountId: string;
    /** Role EventBridge assumes to forward this account's failed-job events to the central event bus. */
    eventsRole: { name: string; arn: string; eventBusArns: string[] };
    /** Restore testing in this workload account, where restoreTesting.accounts names it. */
    restoreTesting?: RestoreTestingModel;
}

/**
 * Which resource types AWS Backup protects in an account-region. AWS Backup skips resource types that are not opted
 * in, silently, even when a selection names them.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/service-opt-in.html
 */
export interface RegionSettingsModel {
    /** Opt-in per AWS Backup resource type name (`S3`, `DynamoDB`, ...). */
    optIn: Record<string, boolean>;
    /** Full AWS Backup management per resource type that has it (`DynamoDB`, `EFS`). */
    fullManagement: Record<string, boolean>;
}

export interface AccountRegionModel {
    region: string;
    key: { aliasName: string; description: string };
    regionSettings: RegionSettingsModel;
    vaults: VaultModel[];
    plans: PlanModel[];
    /** SNS topic (encrypted with the region's backup key) that every vault here notifies of failed jobs. */
    notifications: { topicName: string; events: string[] };
    /** Rule on the default bus that forwards failed-job events to the central event bus. */
    eventForwarding: { ruleName: string; eventBusArn: string };
}

export interface VaultModel {
    /** Key under `vaults` in config. */
    key: string;
    name: string;
    arn: string;
    lock?: VaultLockModel;
}

export interface VaultLockModel {
    mode: "governance" | "compliance";
    /** Shortest retention the lock allows; absent means no minimum. */
    minRetentionDays?: number;
    /** Longest retention the lock allows; absent means no maximum. */
    maxRetentionDays?: number;
    changeableForDays?: number;
}

export interface PlanModel {
    tier: string;
    name: string;
    vaultName: string;
    windowsVss: boolean;
    rules: RuleModel[];
    selection: SelectionModel;
}

export interface LifecycleModel {
    coldStorageAfterDays?: number;
    deleteAfterDays?: number;
    optInToArchiveForSupportedResources?: boolean;
}

export interface RuleModel {
    name: string;
    schedule: string;
    timezone: string;
    /** Minutes after the scheduled time within which a job must start (AWS Backup's default 480 when config sets none). */
    startWindowMinutes: number;
    /** Minutes after the scheduled time within which a job must finish (AWS Backup's default 10,080 when config sets none). */
    completionWindowMinutes: number;
    lifecycle?: LifecycleModel;
    continuousBackup: boolean;
    recoveryPointTags: Record<string, string>;
    /** Copies of each recovery point, into central vaults. */
    copyActions: CopyActionModel[];
}

/** Where a copy action sends recovery points: the central vault in the rule's region, the one in its DR region, or the air-gapped vault. */
export type CopyTarget = "central" | "disasterRecovery" | "airGapped";

export interface CopyActionModel {
    target: CopyTarget;
    /** Region of the destination vault. */
    region: string;
    /** From the central account's model, never typed by hand. */
    destinationVaultArn: string;
    lifecycle?: LifecycleModel;
}

export interface TagConditionModel {
    key: string;
    value: string;
}

export interface SelectionModel {
    name: string;
    tags: TagConditionModel[];
    resources: string[];
    notResources: string[];
    conditions: {
        stringEquals: TagConditionModel[];
        stringLike: TagConditionModel[];
        stringNotEquals: TagConditionModel[];
        stringNotLike: TagConditionModel[];
    };
}

/** Where a root, OU or account is attached an Organizations policy. */
export interface PolicyTargetModel {
    kind: "root" | "organizationalUnit" | "account";
    /** `r-…`, `ou-…` or the 12-digit account id. */
    id: string;
    /** How config names it: `root`, the OU's key, or the account's alias; for messages and the plan. */
    label: string;
}

/** Organizations policies of the environment, all created by the organization program in the management account. */
export interface GuardrailsModel {
    serviceControlPolicies: ServiceControlPolicyModel[];
    /** S3 bucket names (or `*` patterns) whose data-protection settings the SCPs protect, besides `<prefix>-*`. */
    protectedBuckets: string[];
    /** Backup policies, when the plan source is `backupPolicies`; empty otherwise. */
    backupPolicies: BackupPolicyModel[];
    tierTag?: TierTagModel;
}

/** One group of SCP statements (split into several policies when it exceeds AWS's size limit), attached to its targets. */
export interface ServiceControlPolicyModel {
    /** Key under `serviceControlPolicies.policies`: the policies are named `<prefix>-<key>`, then `-2`, `-3`, ... */
    key: string;
    /** What the group protects, one or more statements each (policies/service-control-policies.ts). */
    protections: ScpProtection[];
    targets: PolicyTargetModel[];
}

/** One backup policy: a plan per tier, in one set of regions, attached where those tiers and regions apply. */
export interface BackupPolicyModel {
    name: string;
    regions: string[];
    plans: PlanModel[];
    targets: PolicyTargetModel[];
}

/** The tag key whose value names a resource's tier, the values the environment defines, and how they are enforced. */
export interface TierTagModel {
    key: string;
    /** Tier values a resource may carry: those the tiers' selections name, plus config's additional values. */
    values: string[];
    /** Enforcement level of the CrossGuard policy pack (policies/backup-tier-pack) for application stacks. */
    enforcementLevel: "advisory" | "mandatory";
    tagPolicy?: { name: string; enforcedFor: string[]; targets: PolicyTargetModel[] };
}

/** A lifecycle transition: objects (or noncurrent versions) move to `storageClass` this many days after creation
 * (or after becoming noncurrent). */
export interface LifecycleTransitionModel {
    days: number;
    storageClass: string;
}

/** A versioned, KMS-encrypted S3 bucket the platform creates and protects, with its replica and backup coverage. */
export interface ProtectedBucketModel {
    /** Key under `protectedBuckets.<account>.<region>` in config. */
    key: string;
    region: string;
    /** Physical bucket name, derived from the key, the account and the region. */
    name: string;
    arn: string;
    /** Whether the bucket lives in the account's regional namespace (only this account can ever create the name). */
    accountRegionalNamespace: boolean;
    description?: string;
    /** Alias of the bucket's own customer-managed key. */
    keyAlias: string;
    /** Every tag the bucket carries: the environment's tags and the ones that make its tiers select it. */
    tags: Record<string, string>;
    lifecycle: {
        transitions: LifecycleTransitionModel[];
        noncurrentTransitions: LifecycleTransitionModel[];
        /** Days after becoming noncurrent before a version is deleted; absent keeps noncurrent versions. */
        noncurrentExpirationDays?: number;
        abortIncompleteMultipartUploadDays: number;
        expiredObjectDeleteMarkers: boolean;
    };
    intelligentTiering?: { archiveAccessDays?: number; deepArchiveAccessDays?: number };
    objectLock?: { mode: "GOVERNANCE" | "COMPLIANCE"; days?: number; years?: number };
    eventBridge: boolean;
    replication?: {
        region: string;
        bucketName: string;
        bucketArn: string;
        accountRegionalNamespace: boolean;
        keyAlias: string;
        roleName: string;
        roleArn: string;
        replicationTimeControl: boolean;
        replicateDeleteMarkers: boolean;
        storageClass: string;
    };
    /** How AWS Backup protects the bucket: the tiers whose selections pick it, and the vault that holds its backups. */
    backup?: {
        tiers: string[];
        continuousTiers: string[];
        /** Name of the vault every one of its recovery points goes to (continuous and periodic must share it). */
        vaultName: string;
        /** Days after which its backups move to AWS Backup's low-cost warm tier (a tiering configuration). */
        tieringDownAfterDays?: number;
    };
}

/** AWS Backup's tiering configuration of one vault in one account-region: S3 backups move to the low-cost warm tier.
 * Created with @pulumi/aws-native, which has AWS::Backup::TieringConfiguration; @pulumi/aws has no such resource. */
export interface S3BackupTieringModel {
    region: string;
    vaultName: string;
    name: string;
    /** Up to five selections, one per distinct number of days. */
    selections: Array<{ tieringDownAfterDays: number; bucketArns: string[] }>;
}

/** An EventBridge Scheduler schedule per resource that starts an on-demand backup into a tier's vault. */
export interface ScheduledBackupModel {
    /** Key under `scheduledBackups` in config. */
    key: string;
    region: string;
    schedule: string;
    timezone: string;
    tier: string;
    vaultName: string;
    vaultArn: string;
    /** The role EventBridge Scheduler assumes to call StartBackupJob. */
    roleName: string;
    roleArn: string;
    /** Role AWS Backup runs the job as: the account's backup service role. */
    backupRoleArn: string;
    startWindowMinutes: number;
    completionWindowMinutes: number;
    lifecycle?: LifecycleModel;
    recoveryPointTags: Record<string, string>;
    /** One schedule per resource; StartBackupJob takes one resource. */
    targets: Array<{ resourceArn: string; scheduleName: string }>;
}

/** Rollout settings (config/sections/rollout.ts) with their defaults applied. */
export interface RolloutModel {
    /** Workload accounts deployed first, as the canary wave, in config order. */
    canaryAccountIds: string[];
    /** Workload accounts per wave after the canary; absent: all of them in one wave. */
    waveSize?: number;
    /** Failed stacks a workload wave tolerates before later waves are stopped: a count, or a percentage of the wave. */
    failureBudget: { stacks: number } | { percent: number };
    /** Stacks deployed at once. */
    concurrency: number;
    /** What Organizations discovery compares with the configured accounts. */
    discovery: {
        /** OUs whose accounts (nested OUs included) should be configured. */
        includeOuIds: string[];
        excludeOuIds: string[];
        /** Only accounts with every one of these tags. */
        includeTags: TagConditionModel[];
        /** Accounts with any of these tags are left out. */
        excludeTags: TagConditionModel[];
    };
}

/** Physical names, derived from the name prefix; changing the prefix renames (and would replace) every one. */
export const physicalNames = {
    vault: (prefix: string, vaultKey: string) => `${prefix}-${vaultKey}`,
    centralVault: (prefix: string) => `${prefix}-central`,
    plan: (prefix: string, tier: string) => `${prefix}-${tier}`,
    selection: (prefix: string, tier: string) => `${prefix}-${tier}`,
    backupRole: (prefix: string) => `${prefix}-backup-service`,
    keyAlias: (prefix: string) => `alias/${prefix}-backup`,
    deploymentRoleStackSet: (prefix: string, kind: "workload" | "central") => `${prefix}-deployment-role-${kind}`,
    /** Managed policy, created with the deployment role, that bounds every role the platform creates in an account. */
    permissionsBoundary: (prefix: string) => `${prefix}-role-boundary`,
    /** SNS topic in each central region that receives the platform's alerts (failed jobs, alarms). */
    alertTopic: (prefix: string) => `${prefix}-alerts`,
    /** EventBridge bus in each central region that receives AWS Backup events from every workload account-region. */
    eventBus: (prefix: string) => `${prefix}-backup-events`,
    /** Service control policies of one group; the first keeps the group's name, those split off it are numbered. */
    serviceControlPolicy: (prefix: string, key: string, index: number) => `${prefix}-${key}${index === 0 ? "" : `-${index + 1}`}`,
    /** The tag policy that fixes the tier tag. */
    tierTagPolicy: (prefix: string) => `${prefix}-tier-tag`,
    /** The backup policy of a set of tiers in a set of regions: readable, or hashed past Organizations' 128 characters. */
    backupPolicy: (prefix: string, tiers: string[], regions: string[]) => {
        const readable = `${prefix}-plans-${tiers.join("-")}-in-${regions.join("-")}`;
        return readable.length <= MAX_POLICY_NAME_LENGTH ? readable : `${prefix}-plans-${shortHash(readable)}`;
    },
    /** A protected bucket: in the account's regional namespace, `<prefix>-<key>-<account>-<region>-an`. */
    protectedBucket: (prefix: string, key: string, accountId: string, region: string, accountRegional: boolean) =>
        `${prefix}-${key}-${accountId}-${region}${accountRegional ? `-${S3_ACCOUNT_REGIONAL_NAMESPACE_SUFFIX}` : ""}`,
    replicaBucket: (prefix: string, key: string, accountId: string, region: string, accountRegional: boolean) =>
        `${prefix}-${key}-replica-${accountId}-${region}${accountRegional ? `-${S3_ACCOUNT_REGIONAL_NAMESPACE_SUFFIX}` : ""}`,
    bucketKeyAlias: (prefix: string, key: string) => `alias/${prefix}-s3-${key}`,
    replicaKeyAlias: (prefix: string, key: string) => `alias/${prefix}-s3-${key}-replica`,
    /** IAM is global, so the region is part of the name: a key can exist in several regions of one account. */
    replicationRole: (prefix: string, key: string, region: string) => `${prefix}-s3-replication-${key}-${region}`,
    scheduledBackupRole: (prefix: string, key: string) => `${prefix}-scheduled-backup-${key}`,
    schedule: (prefix: string, key: string, index: number) => `${prefix}-${key}-${index + 1}`,
    /** One per vault (AWS Backup allows one vault-specific tiering configuration); letters, digits and underscores only. */
    tieringConfiguration: (vaultName: string) => `${vaultName}_s3_tiering`.replace(/[^a-zA-Z0-9_]/g, "_"),
    /** Logically air-gapped vault in the central regions that have one. */
    airGappedVault: (prefix: string) => `${prefix}-air-gapped`,
    /** KMS alias of the key that encrypts the alert topic in each central region. */
    alertKeyAlias: (prefix: string) => `alias/${prefix}-alerts`,
    /** SNS topic in each workload account-region that its vaults notify (AWS Backup notifies only topics of the vault's account). */
    vaultNotificationTopic: (prefix: string) => `${prefix}-vault-notifications`,
    /** EventBridge rule matching failed AWS Backup jobs: on each workload default bus, and on each central bus. */
    failedJobsRule: (prefix: string) => `${prefix}-failed-jobs`,
    /** Role EventBridge assumes in each workload account to put events on the central buses. */
    eventsRole: (prefix: string) => `${prefix}-event-forwarding`,
    /** CloudWatch alarm on failed-job events in each central region. */
    failedJobsAlarm: (prefix: string) => `${prefix}-failed-jobs`,
    /** S3 bucket names are global and lowercase: the account and region make them unique. */
    reportBucket: (prefix: string, accountId: string, region: string) => `${prefix.toLowerCase()}-reports-${accountId}-${region}`,
    /** KMS alias of the key that encrypts the report bucket. */
    reportKeyAlias: (prefix: string) => `alias/${prefix}-reports`,
    /** Report plan names allow letters, digits and underscores only. */
    reportPlan: (prefix: string, report: string) => `${prefix.replace(/-/g, "_")}_${report}`,
    /** Default framework name, under the same rule. */
    auditFramework: (prefix: string) => `${prefix.replace(/-/g, "_")}_controls`,
    /** Role of the AWS Config recorder the platform creates for Audit Manager. */
    configRecorderRole: (prefix: string) => `${prefix}-config-recorder`,
};

export const arns = {
    snsTopic: (partition: string, region: string, accountId: string, topicName: string) => `arn:${partition}:sns:${region}:${accountId}:${topicName}`,
    eventBus: (partition: string, region: string, accountId: string, busName: string) => `arn:${partition}:events:${region}:${accountId}:event-bus/${busName}`,
    role: (partition: string, accountId: string, roleName: string) => `arn:${partition}:iam::${accountId}:role/${roleName}`,
    managedPolicy: (partition: string, accountId: string, policyName: string) => `arn:${partition}:iam::${accountId}:policy/${policyName}`,
    vault: (partition: string, region: string, accountId: string, vaultName: string) =>
        `arn:${partition}:backup:${region}:${accountId}:backup-vault:${vaultName}`,
    bucket: (partition: string, bucketName: string) => `arn:${partition}:s3:::${bucketName}`,
    /** A rule on a custom bus carries the bus name in its ARN; a rule on the default bus does not. */
    eventRule: (partition: string, region: string, accountId: string, ruleName: string, busName?: string) =>
        `arn:${partition}:events:${region}:${accountId}:rule/${busName ? `${busName}/` : ""}${ruleName}`,
    alarm: (partition: string, region: string, accountId: string, alarmName: string) => `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${alarmName}`,
};

/** Every target of the environment: the management account, the central account, then workload accounts in order. */
export function allTargets(model: EnvironmentModel): Target[] {
    return [model.management.target, model.central.target, ...model.accounts.map((account) => account.target)];
}

/** The targets a scope deploys. */
export function targetsInScope(model: EnvironmentModel): Target[] {
    const scope = model.scope;
    switch (scope.kind) {
        case "all":
            return allTargets(model);
        case "organization":
            return [model.management.target];
        case "central":
            return [model.central.target];
        case "account":
            return model.accounts.filter((account) => account.id === scope.accountId).map((account) => account.target);
    }
}

/** The workload accounts a scope deploys. */
export function accountsInScope(model: EnvironmentModel): AccountModel[] {
    const ids = new Set(targetsInScope(model).map((target) => target.id));
    return model.accounts.filter((account) => ids.has(account.id));
}

/** The scope that deploys exactly one target. */
export function scopeOfTarget(target: Target): Scope {
    switch (target.kind) {
        case "management":
            return { kind: "organization" };
        case "central":
            return { kind: "central" };
        case "workload":
            return { kind: "account", accountId: target.id };
    }
}

/**
 * The part of the model one target's program reads: a workload account needs only itself among the accounts; the
 * central account and the organization program need none of them (what the organization program needs to know about
 * member accounts is part of model.management). Small slices are what worker threads get.
 * test/platform-graph.test.ts proves that planning each target from its slice gives the whole environment's graph.
 */
export function modelForTarget(model: EnvironmentModel, target: Target): EnvironmentModel {
    const scope = scopeOfTarget(target);
    switch (target.kind) {
        case "management":
            // What the organization program needs of the other accounts is in model.management already.
            return { ...model, scope, accounts: [] };
        case "central":
            return { ...model, scope, accounts: [] };
        case "workload":
            return { ...model, scope, accounts: model.accounts.filter((account) => account.id === target.id) };
    }
}

/**
 * Restore testing in one account: in each of its regions, AWS Backup restore testing plans restore recent recovery
 * points into throw-away resources, and a Lambda checks that each is usable and records the verdict with AWS Backup.
 */
export interface RestoreTestingModel {
    /** Settings of the validation Lambda, the same in every region. */
    validator: RestoreValidatorSettings;
    regions: RestoreTestingRegionModel[];
}

export interface RestoreValidatorSettings {
    /** Lambda timeout; validators wait for restored resources at most this long minus the time kept for reporting. */
    timeoutSeconds: number;
    memoryMb: number;
    /** Retention of the function's log group. */
    logRetentionDays: number;
}

export interface RestoreTestingRegionModel {
    region: string;
    /** Role AWS Backup assumes to restore (the selections' IamRoleArn). */
    restoreRole: { name: string; arn: string };
    /** Role the validation Lambda runs as. */
    validatorRole: { name: string; arn: string };
    functionName: string;
    functionArn: string;
    logGroupName: string;
    deadLetterQueueName: string;
    deadLetterQueueArn: string;
    ruleName: string;
    /** The central alert topic of this region, where alarms go; absent when the central account has no such region. */
    alertTopicArn?: string;
    /** Vaults whose recovery points are restored: the central vault in the central account, the account's own vaults elsewhere. */
    includeVaultArns: string[];
    plans: RestoreTestingPlanModel[];
    /** Resource types the plans select, each once, in order. */
    resourceTypes: string[];
}

export interface RestoreTestingPlanModel {
    /** Key under `restoreTesting.plans`. */
    key: string;
    /** Physical name: letters, digits and underscores only, and it cannot change after creation. */
    name: string;
    /** The plan's ARN up to the random id AWS Backup appends (`...:restore-testing-plan:<name>-`). */
    arnPrefix: string;
    schedule: string;
    timezone: string;
    startWindowHours: number;
    algorithm: "LATEST_WITHIN_WINDOW" | "RANDOM_WITHIN_WINDOW";
    recoveryPointTypes: Array<"SNAPSHOT" | "CONTINUOUS">;
    selectionWindowDays: number;
    selections: RestoreTestingSelectionModel[];
}

export interface RestoreTestingSelectionModel {
    name: string;
    /** AWS Backup resource type, e.g. `EC2`, `DynamoDB`. */
    resourceType: string;
    /** `["*"]` (with conditions) or up to 30 protected resource ARNs. */
    resources: string[];
    /** Tag conditions on the protected resources, keys as `aws:ResourceTag/<key>`. */
    conditions: { stringEquals: TagConditionModel[]; stringNotEquals: TagConditionModel[] };
    validationWindowHours: number;
    /** RestoreMetadataOverrides: the region's network settings for this type, then the selection's own overrides. */
    metadataOverrides: Record<string, string>;
}

/** Names of the restore testing resources; plan and selection names allow only letters, digits and underscores. */
export const restoreTestingNames = {
    plan: (prefix: string, key: string) => `${prefix.replace(/-/g, "_")}_${key}`,
    restoreRole: (prefix: string, region: string) => `${prefix}-restore-testing-${region}`,
    validatorRole: (prefix: string, region: string) => `${prefix}-restore-validator-${region}`,
    function: (prefix: string) => `${prefix}-restore-validator`,
    deadLetterQueue: (prefix: string) => `${prefix}-restore-validator-dlq`,
    rule: (prefix: string) => `${prefix}-restore-validation`,
    logGroup: (functionName: string) => `/aws/lambda/${functionName}`,
};

export const restoreTestingArns = {
    planPrefix: (partition: string, region: string, accountId: string, planName: string) =>
        `arn:${partition}:backup:${region}:${accountId}:restore-testing-plan:${planName}-`,
    function: (partition: string, region: string, accountId: string, name: string) => `arn:${partition}:lambda:${region}:${accountId}:function:${name}`,
    queue: (partition: string, region: string, accountId: string, name: string) => `arn:${partition}:sqs:${region}:${accountId}:${name}`,
};
