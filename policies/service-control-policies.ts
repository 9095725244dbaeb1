/**
 * Service control policies (SCPs) that close, at the organization level, what a vault access policy alone leaves open
 * to an administrator of a member account: deleting or weakening backups and the platform's settings, copying
 * recovery points out of the organization, and disabling or rewriting the platform's keys, roles and buckets.
 *
 * Every statement is a Deny with a Sid naming its concern. An SCP only ever restricts the principals of the member
 * accounts it applies to (never the management account, never service-linked roles), and only when a Deny matches:
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
 *
 * Exemptions are conditions on aws:PrincipalArn naming the platform's roles as `arn:<partition>:iam::*:role/<name>`,
 * AWS's own pattern for SCP exemptions:
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
 * For a role session, aws:PrincipalArn is the role's ARN, so one ARN covers every session of the role:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 *
 * Why `*` in the account part is not a hole here: an SCP is evaluated for the principals of the account it applies
 * to, so the only roles that can ever match `arn:…:iam::*:role/BackupPlatformDeployment` are roles of that same
 * account. Putting the account id there would match exactly the same roles. The real risk is a principal of that
 * account creating a role with the exempt *name* before the platform does, or rewriting the trust policy of the real
 * one. denyExemptRoleTakeover closes that in the same policy: nobody but the deployment role may create, delete, re-trust
 * or re-permission a role of an exempt name.
 */
import { MANAGED_BY_VALUE, TAG_MANAGED_BY } from "../config/constants";
import { assertPartition } from "./arn";
import { MAX_POLICY_SIZE, organizationsPolicySize } from "./organizations-quotas";
import type { PolicyCondition, PolicyDocument, PolicyStatement } from "./policy-document";

/** What a policy group protects; config lists these per group (`serviceControlPolicies.policies.<key>.protections`). */
export const SCP_PROTECTIONS = [
    "backupTampering",
    "copiesOutsideOrganization",
    "platformKeys",
    "platformRoles",
    "platformBuckets",
    "leaveOrganization",
] as const;
export type ScpProtection = (typeof SCP_PROTECTIONS)[number];

/** The facts of the environment the statements are built from; every name comes from the model. */
export interface GuardrailScope {
    /** "aws", "aws-cn", "aws-us-gov", ... */
    partition: string;
    /** The organization's id (`o-…`): copies may go to accounts under it only. */
    organizationId: string;
    /** Prefix of the platform's physical names: vaults, roles and buckets named `<prefix>-*` are the platform's. */
    namePrefix: string;
    /** The role every deployment assumes: the only principal that may change the platform's settings. */
    deploymentRoleName: string;
    /** The only role that may destroy backups (recovery points, vaults, vault locks) and keys. */
    breakGlassRoleName: string;
    /** The role AWS Backup runs jobs as; it tags the recovery points it creates, whatever tags they copy. */
    backupServiceRoleName: string;
    /** The managed policy every role of the platform carries as its permissions boundary (policies/permissions-boundary.ts). */
    permissionsBoundaryName: string;
    /**
     * The deployment role is created by service-managed CloudFormation StackSets (config `bootstrap`). Their stacks run
     * in each member account as a role named `stacksets-exec-<id>`, which must be able to create and update the
     * deployment role there, so it is exempt from the role protections and its own name is protected instead.
     * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html
     */
    stackSetExecutionRoles: boolean;
    /** Names (or `*` patterns) of S3 buckets whose data-protection settings are the platform's, besides `<prefix>-*`. */
    protectedBuckets: string[];
}

/** Name pattern of the execution roles of service-managed StackSets in member accounts. */
export const STACK_SET_EXECUTION_ROLE_PATTERN = "stacksets-exec-*";

const roleArn = (scope: GuardrailScope, name: string) => `arn:${scope.partition}:iam::*:role/${name}`;
const platformVaults = (scope: GuardrailScope) => `arn:${scope.partition}:backup:*:*:backup-vault:${scope.namePrefix}-*`;
const anyKey = (scope: GuardrailScope) => `arn:${scope.partition}:kms:*:*:key/*`;
const platformTagged = { StringEquals: { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: MANAGED_BY_VALUE } };

/** Deny unless the caller is one of these roles (of the account the SCP applies to). */
function unlessPrincipal(scope: GuardrailScope, roleNames: string[]): PolicyCondition {
    const arns = roleNames.map((name) => roleArn(scope, name));
    return { ArnNotLike: { "aws:PrincipalArn": arns.length === 1 ? arns[0] : arns } };
}

function deny(Sid: string, Action: string[], Resource: string | string[], Condition?: PolicyCondition): PolicyStatement {
    return { Sid, Effect: "Deny", Action, Resource, ...(Condition ? { Condition } : {}) };
}

/** The roles that may keep managing the exempt roles: the deployment role, and StackSets' execution roles when they create it. */
function roleManagers(scope: GuardrailScope): string[] {
    return [scope.deploymentRoleName, ...(scope.stackSetExecutionRoles ? [STACK_SET_EXECUTION_ROLE_PATTERN] : [])];
}

/**
 * Deleting a recovery point, shortening its lifecycle or disassociating it (continuous backups) ends a backup before
 * its retention: only break-glass may. Resource "*": recovery point ARNs belong to the source service, not the vault,
 * so they cannot be scoped to the platform's vaults; in an account under these guardrails, backups are the platform's.
 * Lifecycle expiry is AWS Backup's own work and is not affected.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DeleteRecoveryPoint.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DisassociateRecoveryPoint.html
 */
export function denyRecoveryPointLoss(scope: GuardrailScope): PolicyStatement {
    return deny(
        "DenyRecoveryPointLossExceptBreakGlass",
        ["backup:DeleteRecoveryPoint", "backup:DisassociateRecoveryPoint", "backup:DisassociateRecoveryPointFromParent", "backup:UpdateRecoveryPointLifecycle"],
        "*",
        unlessPrincipal(scope, [scope.breakGlassRoleName]),
    );
}

/**
 * Deleting a platform vault drops its access policy and lock with it, and removing a lock is what a lock exists to
 * prevent: only break-glass may. https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
export function denyPlatformVaultDestruction(scope: GuardrailScope): PolicyStatement {
    return deny(
        "DenyPlatformVaultDestructionExceptBreakGlass",
        ["backup:DeleteBackupVault", "backup:DeleteBackupVaultLockConfiguration"],
        platformVaults(scope),
        unlessPrincipal(scope, [scope.breakGlassRoleName]),
    );
}

/** A replaced or deleted vault access policy lifts its Denies; notifications and locks are the platform's to set. */
export function denyPlatformVaultChanges(scope: GuardrailScope): PolicyStatement {
    return deny(
        "DenyPlatformVaultChangesExceptPlatformRoles",
        [
            "backup:DeleteBackupVaultAccessPolicy",
            "backup:DeleteBackupVaultNotifications",
            "backup:PutBackupVaultAccessPolicy",
            "backup:PutBackupVaultLockConfiguration",
            "backup:PutBackupVaultNotifications",
        ],
        platformVaults(scope),
        unlessPrincipal(scope, [scope.deploymentRoleName, scope.breakGlassRoleName]),
    );
}

/**
 * Backup plans, their selections and restore-testing plans have random ids, so the platform's are identified by its
 * managed-by tag (backup plans and restore-testing plans support aws:ResourceTag; a selection is authorized on its
 * plan). denyPlatformTagChanges keeps anyone else from removing the tag to escape this statement.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html
 */
export function denyPlatformPlanChanges(scope: GuardrailScope): PolicyStatement {
    return deny(
        "DenyPlatformPlanChangesExceptPlatformRoles",
        [
            "backup:DeleteBackupPlan",
            "backup:DeleteBackupSelection",
            "backup:DeleteRestoreTestingPlan",
            "backup:DeleteRestoreTestingSelection",
            "backup:UpdateBackupPlan",
            "backup:UpdateRestoreTestingPlan",
            "backup:UpdateRestoreTestingSelection",
        ],
        "*",
        { ...platformTagged, ...unlessPrincipal(scope, [scope.deploymentRoleName, scope.breakGlassRoleName]) },
    );
}

/**
 * Opting a resource type out in the region settings makes AWS Backup skip it silently; the global settings turn
 * cross-account backup on and off. Neither action has resource-level permissions.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateRegionSettings.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateGlobalSettings.html
 */
export function denyBackupSettingsChanges(scope: GuardrailScope): PolicyStatement {
    return deny(
        "DenyBackupSettingsChangesExceptPlatformRoles",
        ["backup:UpdateGlobalSettings", "backup:UpdateRegionSettings"],
        "*",
        unlessPrincipal(scope, [scope.deploymentRoleName, scope.breakGlassRoleName]),
    );
}

/**
 * Copies may only go to accounts of this organization: AWS's documented SCP for limiting copy destinations by
 * organization path, with the organization's own path. Every copy, the platform's included, is authorized as
 * CopyFromBackupVault in the source account; no one is exempt. ForAllValues also denies a request without org paths,
 * i.e. one whose destination is in no organization.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html
 */
export function denyCopiesOutsideOrganization(scope: GuardrailScope): PolicyStatement {
    return deny("DenyRecoveryPointCopiesOutsideOrganization", ["backup:CopyFromBackupVault"], "*", {
        "ForAllValues:StringNotLike": { "backup:CopyTargetOrgPaths": [`${scope.organizationId}/*`] },
    });
}

/**
 * A disabled key, or one scheduled for deletion, makes every recovery point it encrypts unreadable. The platform's keys
 * carry its managed-by tag (their ids are random); only break-glass may.
 * https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html
 */
export function denyPlatformKeyDestruction(scope: GuardrailScope): PolicyStatement {
    return deny("DenyPlatformKeyDestructionExceptBreakGlass", ["kms:DisableKey", "kms:ScheduleKeyDeletion"], anyKey(scope), {
        ...platformTagged,
        ...unlessPrincipal(scope, [scope.breakGlassRoleName]),
    });
}

/** A rewritten key policy can lock the platform (and AWS Backup) out of its own key; rotation stays on. */
export function denyPlatformKeyPolicyChanges(scope: GuardrailScope): PolicyStatement {
    return deny("DenyPlatformKeyPolicyChangesExceptDeployment", ["kms:DisableKeyRotation", "kms:PutKeyPolicy"], anyKey(scope), {
        ...platformTagged,
        ...unlessPrincipal(scope, [scope.deploymentRoleName]),
    });
}

/**
 * A grant hands a key's use to any principal, outside the key policy. AWS services integrated with KMS (AWS Backup
 * among them) create their grants with kms:GrantIsForAWSResource true; anyone else is refused. IfExists: a request
 * without the key is refused too.
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
 */
export function denyPlatformKeyGrantsOutsideAwsServices(scope: GuardrailScope): PolicyStatement {
    return deny("DenyPlatformKeyGrantsOutsideAwsServices", ["kms:CreateGrant"], anyKey(scope), {
        ...platformTagged,
        BoolIfExists: { "kms:GrantIsForAWSResource": "false" },
    });
}

/**
 * The statements above find the platform's keys and plans by its managed-by tag, so only the deployment role (which
 * tags what it creates) may set or remove that tag key, on any resource of these services. AWS Backup's service role
 * is exempt too: recovery points copy the tags of what they back up, the platform's own tag included.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-tagkeys
 */
export function denyPlatformTagChanges(scope: GuardrailScope, services: ReadonlyArray<"backup" | "kms">): PolicyStatement {
    return deny(
        "DenyPlatformTagChangesExceptDeployment",
        services.flatMap((service) => [`${service}:TagResource`, `${service}:UntagResource`]),
        "*",
        { "ForAnyValue:StringEquals": { "aws:TagKeys": [TAG_MANAGED_BY] }, ...unlessPrincipal(scope, [scope.deploymentRoleName, scope.backupServiceRoleName]) },
    );
}

/** IAM actions that create a role, remove it, or change who may assume it and what it may do. */
const ROLE_TAKEOVER_ACTIONS = [
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
];

/** IAM actions that create, re-version or delete a managed policy. */
const BOUNDARY_CHANGE_ACTIONS = ["iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"];

/**
 * Every role an exemption above names (deployment, break-glass, AWS Backup's service role), and with `platformRoles`
 * every `<prefix>-*` role and their permissions boundary, may be created, deleted, re-trusted or re-permissioned only by
 * the deployment role (and StackSets' execution roles, which create the deployment role and the boundary). This is what
 * makes the exemptions safe: no principal of a member account can create its own role of an exempt name, or make the
 * real one trust it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_modify.html
 */
export function denyExemptRoleTakeover(scope: GuardrailScope, includePlatformRoles: boolean): PolicyStatement {
    const platformPattern = `${scope.namePrefix}-*`;
    const exact = [scope.deploymentRoleName, scope.breakGlassRoleName, scope.backupServiceRoleName];
    // With every `<prefix>-*` role protected, the pattern covers the exempt names it matches.
    const names = includePlatformRoles ? [...exact.filter((name) => !name.startsWith(`${scope.namePrefix}-`)), platformPattern] : exact;
    const roles = names.map((name) => roleArn(scope, name));
    // The permissions boundary caps every `<prefix>-*` role, so with them it is protected too: nobody else may create it
    // (a policy of that name made first would be the boundary the roles get), version it, or delete it. One statement
    // (role actions match only role ARNs, policy actions only the policy's) keeps the SCP within its size.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
    const boundary = `arn:${scope.partition}:iam::*:policy/${scope.permissionsBoundaryName}`;
    return deny(
        "DenyPlatformRoleChangesExceptDeployment",
        includePlatformRoles ? [...ROLE_TAKEOVER_ACTIONS, ...BOUNDARY_CHANGE_ACTIONS] : ROLE_TAKEOVER_ACTIONS,
        includePlatformRoles ? [...roles, boundary] : roles,
        unlessPrincipal(scope, roleManagers(scope)),
    );
}

/**
 * StackSets' execution roles are exempt from denyExemptRoleTakeover by a name pattern, so that pattern is protected
 * from everyone: StackSets creates and manages these roles through its service-linked role, which SCPs do not affect.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 */
export function denyStackSetExecutionRoleTakeover(scope: GuardrailScope): PolicyStatement {
    return deny("DenyStackSetExecutionRoleChanges", ROLE_TAKEOVER_ACTIONS, roleArn(scope, STACK_SET_EXECUTION_ROLE_PATTERN));
}

/**
 * The data-protection settings of the platform's buckets: versioning, lifecycle, replication, object lock, bucket
 * policy and public access block. Deleting a lifecycle, a replication or a public access block configuration is
 * authorized by the same Put actions.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 */
export function denyPlatformBucketProtectionChanges(scope: GuardrailScope): PolicyStatement {
    const buckets = [`${scope.namePrefix}-*`, ...scope.protectedBuckets];
    return deny(
        "DenyPlatformBucketProtectionChangesExceptDeployment",
        [
            "s3:DeleteBucketPolicy",
            "s3:PutBucketObjectLockConfiguration",
            "s3:PutBucketPolicy",
            "s3:PutBucketPublicAccessBlock",
            "s3:PutBucketVersioning",
            "s3:PutLifecycleConfiguration",
            "s3:PutReplicationConfiguration",
        ],
        [...new Set(buckets)].map((bucket) => `arn:${scope.partition}:s3:::${bucket}`),
        unlessPrincipal(scope, [scope.deploymentRoleName]),
    );
}

/** An account that leaves takes its backups (and any copies in it) out of the organization's guardrails.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html */
export function denyLeavingOrganization(): PolicyStatement {
    return deny("DenyLeavingOrganization", ["organizations:LeaveOrganization"], "*");
}

/** The statements of one policy group, in a fixed order, one per concern. */
export function serviceControlStatements(scope: GuardrailScope, protections: readonly ScpProtection[]): PolicyStatement[] {
    assertScope(scope);
    const has = (protection: ScpProtection) => protections.includes(protection);
    const statements: PolicyStatement[] = [];
    if (has("backupTampering")) {
        statements.push(
            denyRecoveryPointLoss(scope),
            denyPlatformVaultDestruction(scope),
            denyPlatformVaultChanges(scope),
            denyPlatformPlanChanges(scope),
            denyBackupSettingsChanges(scope),
        );
    }
    if (has("copiesOutsideOrganization")) statements.push(denyCopiesOutsideOrganization(scope));
    if (has("platformKeys")) {
        statements.push(denyPlatformKeyDestruction(scope), denyPlatformKeyPolicyChanges(scope), denyPlatformKeyGrantsOutsideAwsServices(scope));
    }
    const taggedServices = [...(has("backupTampering") ? (["backup"] as const) : []), ...(has("platformKeys") ? (["kms"] as const) : [])];
    if (taggedServices.length > 0) statements.push(denyPlatformTagChanges(scope, taggedServices));
    if (has("platformBuckets")) statements.push(denyPlatformBucketProtectionChanges(scope));
    // Any exemption by role name needs those names protected in the same policy, so it holds wherever the policy does.
    const exempts = statements.some((statement) => statement.Condition && "ArnNotLike" in statement.Condition);
    if (exempts || has("platformRoles")) {
        statements.push(denyExemptRoleTakeover(scope, has("platformRoles")));
        if (scope.stackSetExecutionRoles) statements.push(denyStackSetExecutionRoleTakeover(scope));
    }
    if (has("leaveOrganization")) statements.push(denyLeavingOrganization());
    return statements;
}

/**
 * The statements packed, in order, into as few SCP documents as fit AWS's size limit (first fit, so a statement lands
 * in the first document with room). Throws naming the statement when one alone is too large.
 */
export function serviceControlPolicyDocuments(scope: GuardrailScope, protections: readonly ScpProtection[]): PolicyDocument[] {
    const limit = MAX_POLICY_SIZE.SERVICE_CONTROL_POLICY;
    const documents: PolicyDocument[] = [];
    for (const statement of serviceControlStatements(scope, protections)) {
        const alone: PolicyDocument = { Version: "2012-10-17", Statement: [statement] };
        if (organizationsPolicySize(alone) > limit) {
            throw new Error(
                `SCP statement ${statement.Sid} alone is ${organizationsPolicySize(alone)} characters, more than the ${limit} an SCP may have ` +
                    "(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html); list fewer protected buckets",
            );
        }
        const fits = documents.find((document) => organizationsPolicySize({ ...document, Statement: [...document.Statement, statement] }) <= limit);
        if (fits) fits.Statement.push(statement);
        else documents.push(alone);
    }
    return documents;
}

/** Letters, digits and hyphens only, so the prefix adds no wildcard to the ARN patterns built from it. */
const NAME_PREFIX = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
/** IAM role names: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** Organization ids: https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html */
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

function assertScope(scope: GuardrailScope): void {
    assertPartition(scope.partition);
    const problems: string[] = [];
    if (!NAME_PREFIX.test(scope.namePrefix)) problems.push(`namePrefix ${JSON.stringify(scope.namePrefix)} must be letters, digits and hyphens`);
    if (!ORGANIZATION_ID.test(scope.organizationId)) problems.push(`organizationId ${JSON.stringify(scope.organizationId)} is not an organization id`);
    // An exempt name with a wildcard would exempt roles anyone can create.
    for (const [label, name] of [
        ["deploymentRoleName", scope.deploymentRoleName],
        ["breakGlassRoleName", scope.breakGlassRoleName],
        ["backupServiceRoleName", scope.backupServiceRoleName],
    ]) {
        if (!ROLE_NAME.test(name)) problems.push(`${label} ${JSON.stringify(name)} is not an exact IAM role name`);
    }
    // IAM policy names: 1-128 of letters, digits and +=,.@-_ (no wildcard, which would protect other policies' names too).
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html
    if (!/^[\w+=,.@-]{1,128}$/.test(scope.permissionsBoundaryName)) {
        problems.push(`permissionsBoundaryName ${JSON.stringify(scope.permissionsBoundaryName)} is not an exact IAM policy name`);
    }
    if (problems.length > 0) throw new Error(`Invalid guardrail scope: ${problems.join("; ")}`);
}
