/**
 * The validated environment: plain data derived once from a stack config. Programs and components receive slices of
 * it and never see raw config. Every physical name and ARN another account or policy needs is computed here, so it is
 * deterministic and can be named without stack references.
 */
import type { Scope } from "./scope";

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
    roles: { deploymentRoleName: string; breakGlassRoleName: string; backupServiceRoleName: string };
    management: ManagementAccountModel;
    central: CentralAccountModel;
    /** Workload accounts in config order. */
    accounts: AccountModel[];
}

export interface ManagementAccountModel {
    target: Target;
    /** Whether some workload account runs restore testing: the workload deployment role then manages its resources. */
    restoreTestingInWorkloadAccounts?: boolean;
    /** The deployment-role bootstrap, when configured. */
    bootstrap?: BootstrapModel;
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
    /** The central event bus ARN by central region, where workload account-regions forward AWS Backup events. */
    eventBusArnByRegion: Record<string, string>;
    /** Region settings (resource-type opt-in) by central region. */
    regionSettings: Record<string, RegionSettingsModel>;
    /** Restore testing in the central account (restoreTesting config), if any. */
    restoreTesting?: RestoreTestingModel;
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

/** Physical names, derived from the name prefix; changing the prefix renames (and would replace) every one. */
export const physicalNames = {
    vault: (prefix: string, vaultKey: string) => `${prefix}-${vaultKey}`,
    centralVault: (prefix: string) => `${prefix}-central`,
    plan: (prefix: string, tier: string) => `${prefix}-${tier}`,
    selection: (prefix: string, tier: string) => `${prefix}-${tier}`,
    backupRole: (prefix: string) => `${prefix}-backup-service`,
    keyAlias: (prefix: string) => `alias/${prefix}-backup`,
    deploymentRoleStackSet: (prefix: string, kind: "workload" | "central") => `${prefix}-deployment-role-${kind}`,
    /** SNS topic in each central region that receives the platform's alerts (failed jobs, alarms). */
    alertTopic: (prefix: string) => `${prefix}-alerts`,
    /** EventBridge bus in each central region that receives AWS Backup events from every workload account-region. */
    eventBus: (prefix: string) => `${prefix}-backup-events`,
};

export const arns = {
    snsTopic: (partition: string, region: string, accountId: string, topicName: string) => `arn:${partition}:sns:${region}:${accountId}:${topicName}`,
    eventBus: (partition: string, region: string, accountId: string, busName: string) => `arn:${partition}:events:${region}:${accountId}:event-bus/${busName}`,
    role: (partition: string, accountId: string, roleName: string) => `arn:${partition}:iam::${accountId}:role/${roleName}`,
    vault: (partition: string, region: string, accountId: string, vaultName: string) =>
        `arn:${partition}:backup:${region}:${accountId}:backup-vault:${vaultName}`,
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
    logGroup: (partition: string, region: string, accountId: string, name: string) => `arn:${partition}:logs:${region}:${accountId}:log-group:${name}`,
};
