/**
 * The validated environment: plain data derived once from a stack config. Components receive slices of it and
 * never see raw config. Every physical name and ARN another account or policy needs is computed here, so it is
 * deterministic and can be named without stack references.
 */

export type Scope = { kind: "all" } | { kind: "account"; accountId: string };

export interface EnvironmentModel {
    /** Stack (environment) name, e.g. "dev". */
    stack: string;
    scope: Scope;
    /** ARN partition of every region in this environment (aws, aws-cn, aws-us-gov, ...). */
    partition: string;
    /** Prefix of every physical name this platform creates. */
    namePrefix: string;
    organization: { id: string; rootId: string; managementAccountId: string };
    /** Tags on every resource (user tags plus the platform's own). */
    tags: Record<string, string>;
    central: CentralAccountModel;
    /** Workload accounts in config order. */
    accounts: AccountModel[];
}

export interface CentralAccountModel {
    accountId: string;
    alias: string;
    regions: string[];
    /** Physical name of the central vault, the same in every central region. */
    vaultName: string;
    /** Central vault ARN by region, for copy actions and policies in other accounts. */
    vaultArnByRegion: Record<string, string>;
}

export interface AccountModel {
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
}

export interface AccountRegionModel {
    region: string;
    key: { aliasName: string; description: string };
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
    minRetentionDays: number;
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
    startWindowMinutes?: number;
    completionWindowMinutes?: number;
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
};

export const arns = {
    role: (partition: string, accountId: string, roleName: string) => `arn:${partition}:iam::${accountId}:role/${roleName}`,
    vault: (partition: string, region: string, accountId: string, vaultName: string) =>
        `arn:${partition}:backup:${region}:${accountId}:backup-vault:${vaultName}`,
};

/** The accounts a scope deploys. */
export function accountsInScope(model: EnvironmentModel): AccountModel[] {
    const scope = model.scope;
    return scope.kind === "all" ? model.accounts : model.accounts.filter((account) => account.id === scope.accountId);
}
