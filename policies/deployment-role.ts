/**
 * The deployment role: the IAM role every `pulumi up` of the platform assumes in each member account (workload
 * accounts and the central backup account). The management account creates it everywhere with a service-managed
 * CloudFormation StackSet whose template `deploymentRoleTemplate` builds.
 *
 * Its permissions are generated from the Pulumi resource types the account's program creates: each type token maps to
 * the IAM actions the provider (terraform-provider-aws, which @pulumi/aws bridges) calls to create, read, update, tag
 * and delete that type. A type the platform never deletes (protect + retainOnDelete in its component) gets no delete
 * permission, so the role cannot destroy what the platform is there to keep.
 *
 * One template serves every account: ARNs name the account as `${aws:PrincipalAccount}`, the account of the role
 * making the request. Global condition keys can be used as policy variables in the Resource element:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount
 * Regional services are limited to the scope's regions with aws:RequestedRegion; IAM is global and is not:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion
 */
import { MANAGED_BY_VALUE, TAG_MANAGED_BY } from "../config/constants";
import { physicalNames } from "../config/model";
import { assertPartition, assertRegionInPartition, trustedPrincipalProblem } from "./arn";
import { configRecorderManagedPolicyArn } from "./audit-reports";
import { backupServiceManagedPolicyArns } from "./backup-service-role";
import type { PolicyCondition, PolicyDocument, PolicyStatement } from "./policy-document";

export interface DeploymentRoleScope {
    /** "aws", "aws-cn", "aws-us-gov", ... */
    partition: string;
    /** Prefix of every physical name the platform creates (vaults `<prefix>-*`, roles `<prefix>-*`, aliases `alias/<prefix>-*`, plans and selections `<prefix>-*`). */
    namePrefix: string;
    /** Regions the role may act in for regional services (condition aws:RequestedRegion); IAM and other global services are not region-limited. */
    regions: string[];
    /** Name of the AWS Backup service role the programs create in each account: the only role the deployment role may pass (to backup.amazonaws.com). */
    backupServiceRoleName: string;
    /** Name of the managed policy (created with the deployment role) that every role the deployment role creates must carry as its boundary. */
    permissionsBoundaryName: string;
    /** Pulumi type tokens the role must be able to create, read, update, tag and delete (e.g. "aws:backup/vault:Vault"). */
    resourceTypes: string[];
}

/** Characters of one customer managed policy, whitespace not counted. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length */
export const MANAGED_POLICY_MAX_CHARACTERS = 6144;
/** Managed policies attached to one role, the default quota. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities */
export const MANAGED_POLICIES_PER_ROLE = 10;
/** Session length the deployment role allows, in seconds: the IAM default and minimum (1 hour). https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html */
export const DEPLOYMENT_ROLE_MAX_SESSION_SECONDS = 3600;

/** Value of the platform's managed-by tag, which the provider's default tags put on every resource it creates (config/sections/settings.ts, platformTags). */
/** The account of the role making the request; resolved by IAM at evaluation time, so it is not a TypeScript template. */
const PRINCIPAL_ACCOUNT = "${aws:PrincipalAccount}";
const BACKUP_SERVICE_PRINCIPAL = "backup.amazonaws.com";

/** The ARN patterns the statements are built from, for one scope. */
interface DeploymentTargets {
    partition: string;
    regions: string[];
    anyKey: string;
    platformAliases: string;
    platformVaults: string;
    anyBackupPlan: string;
    platformRoles: string;
    permissionsBoundary: string;
    backupServiceRole: string;
    platformTopics: string;
    platformEventBuses: string;
    platformEventRules: string[];
    platformAlarms: string;
    anyFramework: string;
    platformReportPlans: string;
    platformBuckets: string;
    eventsRole: string;
    configRecorderRole: string;
}

function deploymentTargets(scope: DeploymentRoleScope): DeploymentTargets {
    const { partition, namePrefix } = scope;
    return {
        partition,
        regions: [...new Set(scope.regions)].sort(),
        // Key ids are random, so keys are scoped by the platform's tag instead (see platformTaggedKeys).
        anyKey: `arn:${partition}:kms:*:${PRINCIPAL_ACCOUNT}:key/*`,
        platformAliases: `arn:${partition}:kms:*:${PRINCIPAL_ACCOUNT}:alias/${namePrefix}-*`,
        platformVaults: `arn:${partition}:backup:*:${PRINCIPAL_ACCOUNT}:backup-vault:${namePrefix}-*`,
        // Plan ARNs end in the random plan id, not the plan name, so they cannot be scoped by the prefix.
        anyBackupPlan: `arn:${partition}:backup:*:${PRINCIPAL_ACCOUNT}:backup-plan:*`,
        platformRoles: `arn:${partition}:iam::${PRINCIPAL_ACCOUNT}:role/${namePrefix}-*`,
        permissionsBoundary: `arn:${partition}:iam::${PRINCIPAL_ACCOUNT}:policy/${scope.permissionsBoundaryName}`,
        backupServiceRole: `arn:${partition}:iam::${PRINCIPAL_ACCOUNT}:role/${scope.backupServiceRoleName}`,
        platformTopics: `arn:${partition}:sns:*:${PRINCIPAL_ACCOUNT}:${namePrefix}-*`,
        platformEventBuses: `arn:${partition}:events:*:${PRINCIPAL_ACCOUNT}:event-bus/${namePrefix}-*`,
        // Rules on the default bus, and on the platform's own buses.
        platformEventRules: [
            `arn:${partition}:events:*:${PRINCIPAL_ACCOUNT}:rule/${namePrefix}-*`,
            `arn:${partition}:events:*:${PRINCIPAL_ACCOUNT}:rule/${namePrefix}-*/${namePrefix}-*`,
        ],
        platformAlarms: `arn:${partition}:cloudwatch:*:${PRINCIPAL_ACCOUNT}:alarm:${namePrefix}-*`,
        anyFramework: `arn:${partition}:backup:*:${PRINCIPAL_ACCOUNT}:framework:*`,
        // Report plan names take underscores for the prefix's hyphens (config/model.ts, physicalNames.reportPlan).
        platformReportPlans: `arn:${partition}:backup:*:${PRINCIPAL_ACCOUNT}:report-plan:${physicalNames.reportPlan(namePrefix, "*")}`,
        platformBuckets: `arn:${partition}:s3:::${namePrefix.toLowerCase()}-*`,
        eventsRole: `arn:${partition}:iam::${PRINCIPAL_ACCOUNT}:role/${physicalNames.eventsRole(namePrefix)}`,
        configRecorderRole: `arn:${partition}:iam::${PRINCIPAL_ACCOUNT}:role/${physicalNames.configRecorderRole(namePrefix)}`,
    };
}

function allow(Sid: string, actions: string[], Resource: string | string[], Condition?: PolicyCondition): PolicyStatement {
    return { Sid, Effect: "Allow", Action: actions, Resource, ...(Condition ? { Condition } : {}) };
}

/** The regional condition, merged with any other StringEquals keys the statement needs. */
function inRegions(targets: DeploymentTargets, stringEquals: Record<string, string> = {}): PolicyCondition {
    return { StringEquals: { "aws:RequestedRegion": targets.regions, ...stringEquals } };
}

const platformTagOnRequest = { [`aws:RequestTag/${TAG_MANAGED_BY}`]: MANAGED_BY_VALUE };
const platformTagOnResource = { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: MANAGED_BY_VALUE };

/**
 * KMS keys carrying the platform's tag. Tag-based access (ABAC) is the only way to scope keys, whose ids are random:
 * https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html
 * KMS checks IAM policies only because the platform's key policy enables them for the account (backup-key-policy.ts).
 * No kms:CreateGrant condition such as kms:GrantIsForAWSResource: the role may already put the key policy, which is
 * strictly more power, so the condition would add failure modes and no protection.
 */
function platformTaggedKeys(targets: DeploymentTargets, actions: string[]): PolicyStatement {
    return allow("PlatformTaggedKeys", actions, targets.anyKey, inRegions(targets, platformTagOnResource));
}

function platformVaults(targets: DeploymentTargets, actions: string[]): PolicyStatement {
    return allow("PlatformVaults", actions, targets.platformVaults, inRegions(targets));
}

function backupPlans(targets: DeploymentTargets, actions: string[]): PolicyStatement {
    return allow("BackupPlans", actions, targets.anyBackupPlan, inRegions(targets));
}

/** The condition that the role being created or changed carries the platform's permissions boundary. */
function withBoundary(targets: DeploymentTargets): Record<string, string> {
    return { "iam:PermissionsBoundary": targets.permissionsBoundary };
}

/**
 * Whatever a compromised deployment role writes into a role's trust or policies, the boundary caps what the role can
 * do: it may only change roles that carry it, and may only set that boundary.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate
 */
function changesOnlyBoundedRoles(targets: DeploymentTargets, actions: string[]): PolicyStatement {
    return allow("ChangePlatformRolesOnlyWithinTheBoundary", actions, targets.platformRoles, { StringEquals: withBoundary(targets) });
}

function platformRoles(targets: DeploymentTargets, actions: string[]): PolicyStatement {
    return allow("PlatformRoles", actions, targets.platformRoles);
}

/** Actions AWS authorizes only on Resource "*" (no resource types in the Service Authorization Reference), still region-limited. */
function withoutResourceLevelPermissions(targets: DeploymentTargets, actions: string[]): PolicyStatement {
    return allow("ActionsWithoutResourceLevelPermissions", actions, "*", inRegions(targets));
}

/**
 * Protected buckets (components/protected-bucket.ts) are named `<prefix>-<key>-<account>-<region>[-an]`; S3 bucket
 * ARNs carry neither account nor region, so the name prefix scopes them and aws:RequestedRegion the regions.
 * Buckets are protect + retainOnDelete without forceDestroy: no s3:DeleteBucket, and the buckets' own policy denies it.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
/** Restore testing plans are named `<prefix with _ for ->_<key>` and their ARNs end in `-<random id>`. */
function restoreTestingPlans(scope: DeploymentRoleScope): string {
    return `arn:${scope.partition}:backup:*:${PRINCIPAL_ACCOUNT}:restore-testing-plan:${scope.namePrefix.replace(/-/g, "_")}_*`;
}

/** Bucket names are lowercase (S3 naming rules), so the pattern is the lowercased prefix. */
function platformBuckets(scope: DeploymentRoleScope, actions: string[]): PolicyStatement {
    const targets = deploymentTargets(scope);
    return allow("PlatformBuckets", actions, targets.platformBuckets, inRegions(targets));
}

/** iam:PassRole for one kind of platform role, to one service only. */
function passPlatformRoleTo(scope: DeploymentRoleScope, sid: string, roleNamePrefix: string, service: string): PolicyStatement {
    return allow(sid, ["iam:PassRole"], `arn:${scope.partition}:iam::${PRINCIPAL_ACCOUNT}:role/${scope.namePrefix}-${roleNamePrefix}*`, {
        StringEquals: { "iam:PassedToService": service },
    });
}

/**
 * Statements per Pulumi type token. Each entry lists what terraform-provider-aws calls for the type (file named in the
 * comment, under internal/service/) and cites the AWS pages that say which IAM actions those calls need; action names,
 * resource types and condition keys are those of the Service Authorization Reference:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackupstorage.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
 * A new type is one entry here.
 */
export const DEPLOYMENT_PERMISSIONS: Readonly<Record<string, (scope: DeploymentRoleScope) => PolicyStatement[]>> = Object.freeze({
    /**
     * kms/key.go: create CreateKey (with policy and tags), EnableKeyRotation, then waits on GetKeyRotationStatus,
     * GetKeyPolicy and ListResourceTags; read DescribeKey, GetKeyPolicy, GetKeyRotationStatus, ListResourceTags;
     * update UpdateKeyDescription, PutKeyPolicy, EnableKeyRotation, TagResource/UntagResource.
     * Not granted: ScheduleKeyDeletion and DisableKey/DisableKeyRotation. Keys are protect + retainOnDelete
     * (components/backup-key.ts) with rotation always on, so the provider never calls them, and losing a key loses
     * every recovery point it encrypts.
     * CreateKey has no resource-level permissions; requiring the platform tag on the request means every key the role
     * creates is one it can manage afterwards. aws:TagKeys is not pinned, as user tags (config `tags`) vary.
     * Tagging on create needs kms:TagResource "in an IAM policy that isn't restricted to particular KMS keys":
     * https://docs.aws.amazon.com/kms/latest/developerguide/tag-permissions.html
     * https://docs.aws.amazon.com/kms/latest/developerguide/manage-tags-api.html
     * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html
     * https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
     */
    "aws:kms/key:Key": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow("CreateKeysOnlyWithPlatformTag", ["kms:CreateKey"], "*", inRegions(targets, platformTagOnRequest)),
            allow("TagNewKeysOnlyWithPlatformTag", ["kms:TagResource"], targets.anyKey, inRegions(targets, platformTagOnRequest)),
            platformTaggedKeys(targets, [
                "kms:DescribeKey",
                "kms:EnableKeyRotation",
                "kms:GetKeyPolicy",
                "kms:GetKeyRotationStatus",
                "kms:ListResourceTags",
                "kms:PutKeyPolicy",
                "kms:TagResource",
                "kms:UntagResource",
                "kms:UpdateKeyDescription",
            ]),
        ];
    },

    /**
     * kms/alias.go: create CreateAlias, update UpdateAlias, delete DeleteAlias; read ListAliases (it pages through every
     * alias and matches the name). Create/Update/DeleteAlias need permission on the alias AND on the key (UpdateAlias:
     * on both the old and the new key); ListAliases has no resource-level permissions:
     * https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html
     */
    "aws:kms/alias:Alias": (scope) => {
        const targets = deploymentTargets(scope);
        const aliasActions = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"];
        return [
            allow("PlatformKeyAliases", aliasActions, targets.platformAliases, inRegions(targets)),
            platformTaggedKeys(targets, aliasActions),
            withoutResourceLevelPermissions(targets, ["kms:ListAliases"]),
        ];
    },

    /**
     * backup/vault.go: create CreateBackupVault (with tags and the key ARN); read DescribeBackupVault and ListTags;
     * update TagResource/UntagResource. With a customer managed key, CreateBackupVault also needs
     * backup-storage:MountCapsule (no resource-level permissions) and kms:CreateGrant, kms:DescribeKey,
     * kms:RetireGrant, kms:Decrypt and kms:GenerateDataKey on the key:
     * https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault.html#create-a-vault-permissions
     * https://docs.aws.amazon.com/aws-backup/latest/devguide/access-control.html#backup-api-permissions-ref
     * Not granted: DeleteBackupVault, and the ListRecoveryPointsByBackupVault/DeleteRecoveryPoint of forceDestroy.
     * Vaults are protect + retainOnDelete with forceDestroy false (components/backup-vault.ts), and their access policy
     * denies deletion to all but the break-glass role anyway (backup-vault-policy.ts).
     */
    "aws:backup/vault:Vault": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow("CreatePlatformVaultsOnlyWithPlatformTag", ["backup:CreateBackupVault"], targets.platformVaults, inRegions(targets, platformTagOnRequest)),
            withoutResourceLevelPermissions(targets, ["backup-storage:MountCapsule"]),
            platformTaggedKeys(targets, ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:RetireGrant"]),
            platformVaults(targets, ["backup:DescribeBackupVault", "backup:ListTags", "backup:TagResource", "backup:UntagResource"]),
        ];
    },

    /**
     * backup/vault_policy.go: create and update PutBackupVaultAccessPolicy, read GetBackupVaultAccessPolicy, delete
     * DeleteBackupVaultAccessPolicy. The vault access policy itself exempts the deployment role from its Deny on these
     * two write actions (backup-vault-policy.ts), so `pulumi up` can keep it current:
     * https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault-access-policy.html
     */
    "aws:backup/vaultPolicy:VaultPolicy": (scope) => [
        platformVaults(deploymentTargets(scope), [
            "backup:DeleteBackupVaultAccessPolicy",
            "backup:GetBackupVaultAccessPolicy",
            "backup:PutBackupVaultAccessPolicy",
        ]),
    ],

    /**
     * backup/vault_lock_configuration.go: create PutBackupVaultLockConfiguration (every argument forces replacement, so
     * there is no update); read DescribeBackupVault, which returns the lock's retention days.
     * Not granted: DeleteBackupVaultLockConfiguration. Locks are protect + retainOnDelete (components/backup-vault.ts),
     * and removing a governance-mode lock is exactly the tampering a lock exists to stop:
     * https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
     */
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": (scope) => [
        platformVaults(deploymentTargets(scope), ["backup:DescribeBackupVault", "backup:PutBackupVaultLockConfiguration"]),
    ],

    /**
     * backup/vault_notifications.go: create PutBackupVaultNotifications, read GetBackupVaultNotifications, delete
     * DeleteBackupVaultNotifications. The caller needs no SNS permission: AWS Backup publishes as
     * backup.amazonaws.com, which the topic's own access policy must allow:
     * https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-notifications.html
     */
    "aws:backup/vaultNotifications:VaultNotifications": (scope) => [
        platformVaults(deploymentTargets(scope), [
            "backup:DeleteBackupVaultNotifications",
            "backup:GetBackupVaultNotifications",
            "backup:PutBackupVaultNotifications",
        ]),
    ],

    /**
     * backup/plan.go: create CreateBackupPlan (with tags); read GetBackupPlan and ListTags; update UpdateBackupPlan and
     * TagResource/UntagResource; delete DeleteBackupPlan (retried while selections still exist).
     * https://docs.aws.amazon.com/aws-backup/latest/devguide/access-control.html#backup-api-permissions-ref
     */
    "aws:backup/plan:Plan": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow("CreateBackupPlansOnlyWithPlatformTag", ["backup:CreateBackupPlan"], targets.anyBackupPlan, inRegions(targets, platformTagOnRequest)),
            backupPlans(targets, [
                "backup:DeleteBackupPlan",
                "backup:GetBackupPlan",
                "backup:ListTags",
                "backup:TagResource",
                "backup:UntagResource",
                "backup:UpdateBackupPlan",
            ]),
        ];
    },

    /**
     * backup/selection.go: create CreateBackupSelection, read GetBackupSelection, delete DeleteBackupSelection (every
     * argument forces replacement; the provider calls ListBackupSelections only in its list resource, which Pulumi does
     * not use). Selections are authorized on their plan's ARN. CreateBackupSelection hands AWS Backup the role it runs
     * jobs as, which needs iam:PassRole on that role:
     * https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
     * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
     * Only the platform's backup service role, and only to AWS Backup:
     * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService
     */
    "aws:backup/selection:Selection": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            backupPlans(targets, ["backup:CreateBackupSelection", "backup:DeleteBackupSelection", "backup:GetBackupSelection"]),
            allow("PassBackupServiceRoleOnlyToAwsBackup", ["iam:PassRole"], targets.backupServiceRole, {
                StringEquals: { "iam:PassedToService": BACKUP_SERVICE_PRINCIPAL },
            }),
        ];
    },

    /**
     * backup/region_settings.go: create and update UpdateRegionSettings, read DescribeRegionSettings; delete is a no-op.
     * Neither action has resource-level permissions:
     * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateRegionSettings.html
     */
    "aws:backup/regionSettings:RegionSettings": (scope) => [
        withoutResourceLevelPermissions(deploymentTargets(scope), ["backup:DescribeRegionSettings", "backup:UpdateRegionSettings"]),
    ],

    /**
     * iam/role.go: create CreateRole (with tags, which also needs iam:TagRole); read GetRole, ListRolePolicies (+
     * GetRolePolicy per inline policy) and ListAttachedRolePolicies; update UpdateAssumeRolePolicy,
     * UpdateRoleDescription, UpdateRole (max session), TagRole/UntagRole; delete ListInstanceProfilesForRole, then
     * DeleteRole (policy attachments are their own resources and are detached first).
     * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags_roles.html#id_tags_access_role
     * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html
     */
    "aws:iam/role:Role": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow("CreatePlatformRolesOnlyWithPlatformTagAndBoundary", ["iam:CreateRole"], targets.platformRoles, {
                StringEquals: { ...platformTagOnRequest, ...withBoundary(targets) },
            }),
            platformRoles(targets, [
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole",
                "iam:ListRolePolicies",
                "iam:ListRoleTags",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
            ]),
            // Writing a role's trust or permissions, and setting its boundary, only on roles that carry the boundary.
            changesOnlyBoundedRoles(targets, ["iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"]),
        ];
    },

    /**
     * iam/role_policy_attachment.go: create AttachRolePolicy, read ListAttachedRolePolicies, delete DetachRolePolicy.
     * iam:PolicyARN limits both to the AWS managed AWS Backup policies the backup service role carries, so the role
     * cannot attach, say, AdministratorAccess to a role it creates:
     * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PolicyARN
     */
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (scope) => {
        const targets = deploymentTargets(scope);
        // AWS Config's managed policy only where the program creates a Config recorder (its role carries it).
        const recorder = scope.resourceTypes.includes("aws:cfg/recorder:Recorder") ? [configRecorderManagedPolicyArn(targets.partition)] : [];
        return [
            allow("AttachOnlyAwsBackupManagedPolicies", ["iam:AttachRolePolicy", "iam:DetachRolePolicy"], targets.platformRoles, {
                ArnEquals: { "iam:PolicyARN": [...backupServiceManagedPolicyArns(targets.partition), ...recorder] },
                StringEquals: withBoundary(targets),
            }),
            platformRoles(targets, ["iam:ListAttachedRolePolicies"]),
        ];
    },

    /**
     * sns/topic.go: create CreateTopic (with attributes and tags, which also needs sns:TagResource); read
     * GetTopicAttributes and ListTagsForResource; update SetTopicAttributes (policy, key) and Tag/UntagResource; delete
     * DeleteTopic. https://docs.aws.amazon.com/sns/latest/dg/sns-using-identity-based-policies.html
     */
    "aws:sns/topic:Topic": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow(
                "PlatformTopics",
                [
                    "sns:CreateTopic",
                    "sns:DeleteTopic",
                    "sns:GetTopicAttributes",
                    "sns:ListTagsForResource",
                    "sns:SetTopicAttributes",
                    "sns:TagResource",
                    "sns:UntagResource",
                ],
                targets.platformTopics,
                inRegions(targets),
            ),
        ];
    },

    /**
     * sns/topic_subscription.go: create Subscribe on the topic; read GetSubscriptionAttributes; update
     * SetSubscriptionAttributes; delete Unsubscribe. The last three name a subscription, for which the Service
     * Authorization Reference lists no resource type.
     * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html
     */
    "aws:sns/topicSubscription:TopicSubscription": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow("PlatformTopics", ["sns:Subscribe"], targets.platformTopics, inRegions(targets)),
            withoutResourceLevelPermissions(targets, ["sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes", "sns:Unsubscribe"]),
        ];
    },

    /**
     * cloudwatch/event_bus.go: create CreateEventBus (with tags); read DescribeEventBus and ListTagsForResource;
     * update UpdateEventBus and Tag/UntagResource; delete DeleteEventBus.
     * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html
     */
    "aws:cloudwatch/eventBus:EventBus": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow(
                "PlatformEventBuses",
                [
                    "events:CreateEventBus",
                    "events:DeleteEventBus",
                    "events:DescribeEventBus",
                    "events:ListTagsForResource",
                    "events:TagResource",
                    "events:UntagResource",
                    "events:UpdateEventBus",
                ],
                targets.platformEventBuses,
                inRegions(targets),
            ),
        ];
    },

    /** cloudwatch/event_bus_policy.go: PutPermission (with a policy) creates and updates, DescribeEventBus reads, RemovePermission deletes. */
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow(
                "PlatformEventBuses",
                ["events:DescribeEventBus", "events:PutPermission", "events:RemovePermission"],
                targets.platformEventBuses,
                inRegions(targets),
            ),
        ];
    },

    /**
     * cloudwatch/event_rule.go: create PutRule (with tags); read DescribeRule and ListTagsForResource; update PutRule,
     * Enable/DisableRule and Tag/UntagResource; delete DeleteRule. A rule on a custom bus has the bus in its ARN.
     * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html
     */
    "aws:cloudwatch/eventRule:EventRule": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow(
                "PlatformEventRules",
                [
                    "events:DeleteRule",
                    "events:DescribeRule",
                    "events:DisableRule",
                    "events:EnableRule",
                    "events:ListTagsForResource",
                    "events:PutRule",
                    "events:TagResource",
                    "events:UntagResource",
                ],
                targets.platformEventRules,
                inRegions(targets),
            ),
        ];
    },

    /**
     * cloudwatch/event_target.go: create and update PutTargets, read ListTargetsByRule, delete RemoveTargets. A target
     * that assumes a role needs iam:PassRole for it: only the event-forwarding role, only to EventBridge.
     * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html#eb-pass-role
     */
    "aws:cloudwatch/eventTarget:EventTarget": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow(
                "PlatformEventRules",
                ["events:ListTargetsByRule", "events:PutTargets", "events:RemoveTargets"],
                targets.platformEventRules,
                inRegions(targets),
            ),
            allow("PassEventForwardingRoleOnlyToEventBridge", ["iam:PassRole"], targets.eventsRole, {
                StringEquals: { "iam:PassedToService": "events.amazonaws.com" },
            }),
        ];
    },

    /**
     * cloudwatch/metric_alarm.go: create and update PutMetricAlarm (with tags); read DescribeAlarms and
     * ListTagsForResource; update Tag/UntagResource; delete DeleteAlarms.
     * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/permissions-reference-cw.html
     */
    "aws:cloudwatch/metricAlarm:MetricAlarm": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow(
                "PlatformAlarms",
                [
                    "cloudwatch:DeleteAlarms",
                    "cloudwatch:ListTagsForResource",
                    "cloudwatch:PutMetricAlarm",
                    "cloudwatch:TagResource",
                    "cloudwatch:UntagResource",
                ],
                targets.platformAlarms,
                inRegions(targets),
            ),
            withoutResourceLevelPermissions(targets, ["cloudwatch:DescribeAlarms"]),
        ];
    },

    /**
     * backup/logically_air_gapped_vault.go: create CreateLogicallyAirGappedBackupVault (with tags); read
     * DescribeBackupVault and ListTags; update Tag/UntagResource. Not granted: DeleteBackupVault (the vault is protect +
     * retainOnDelete). https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html
     */
    "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow(
                "CreatePlatformVaultsOnlyWithPlatformTag",
                ["backup:CreateLogicallyAirGappedBackupVault"],
                targets.platformVaults,
                inRegions(targets, platformTagOnRequest),
            ),
            withoutResourceLevelPermissions(targets, ["backup-storage:MountCapsule"]),
            platformVaults(targets, ["backup:DescribeBackupVault", "backup:ListTags", "backup:TagResource", "backup:UntagResource"]),
        ];
    },

    /**
     * backup/framework.go: create CreateFramework, read DescribeFramework and ListTags, update UpdateFramework and
     * Tag/UntagResource, delete DeleteFramework. Framework ARNs end in a random id, and the name is configurable.
     * The first framework or report plan of an account creates Audit Manager's service-linked role.
     * https://docs.aws.amazon.com/aws-backup/latest/devguide/using-service-linked-roles-AWSServiceRoleForBackupReports.html
     */
    "aws:backup/framework:Framework": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow(
                "AuditFrameworks",
                [
                    "backup:CreateFramework",
                    "backup:DeleteFramework",
                    "backup:DescribeFramework",
                    "backup:ListTags",
                    "backup:TagResource",
                    "backup:UntagResource",
                    "backup:UpdateFramework",
                ],
                targets.anyFramework,
                inRegions(targets),
            ),
            createsBackupReportsServiceLinkedRole(targets),
        ];
    },

    /** backup/report_plan.go: create CreateReportPlan, read DescribeReportPlan and ListTags, update UpdateReportPlan and Tag/UntagResource, delete DeleteReportPlan. */
    "aws:backup/reportPlan:ReportPlan": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow(
                "PlatformReportPlans",
                [
                    "backup:CreateReportPlan",
                    "backup:DeleteReportPlan",
                    "backup:DescribeReportPlan",
                    "backup:ListTags",
                    "backup:TagResource",
                    "backup:UntagResource",
                    "backup:UpdateReportPlan",
                ],
                targets.platformReportPlans,
                inRegions(targets),
            ),
            createsBackupReportsServiceLinkedRole(targets),
        ];
    },

    /**
     * s3/bucket.go: create CreateBucket then PutBucketTagging, waiting on HeadBucket (s3:ListBucket); read
     * GetBucketLocation, GetBucketTagging and each sub-configuration the resource still reads (policy, ACL, CORS,
     * website, versioning, acceleration, request payment, logging, lifecycle, replication, encryption, Object Lock).
     */
    "aws:s3/bucket:Bucket": (scope) => [
        platformBuckets(scope, [
            "s3:CreateBucket",
            "s3:GetAccelerateConfiguration",
            "s3:GetBucketAcl",
            "s3:GetBucketCORS",
            "s3:GetBucketLocation",
            "s3:GetBucketLogging",
            "s3:GetBucketObjectLockConfiguration",
            "s3:GetBucketPolicy",
            "s3:GetBucketRequestPayment",
            "s3:GetBucketTagging",
            "s3:GetBucketVersioning",
            "s3:GetBucketWebsite",
            "s3:GetEncryptionConfiguration",
            "s3:GetLifecycleConfiguration",
            "s3:GetReplicationConfiguration",
            "s3:ListBucket",
            "s3:PutBucketTagging",
        ]),
    ],
    /** s3/bucket_public_access_block.go: PutPublicAccessBlock, GetPublicAccessBlock, DeletePublicAccessBlock (IAM: *BucketPublicAccessBlock). */
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (scope) => [
        platformBuckets(scope, ["s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"]),
    ],
    /** s3/bucket_versioning.go: PutBucketVersioning, GetBucketVersioning; kept on delete (retainOnDelete), so no suspension. */
    "aws:s3/bucketVersioning:BucketVersioning": (scope) => [platformBuckets(scope, ["s3:GetBucketVersioning", "s3:PutBucketVersioning"])],
    /** s3/bucket_server_side_encryption_configuration.go: PutBucketEncryption, GetBucketEncryption (IAM: *EncryptionConfiguration). */
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (scope) => [
        platformBuckets(scope, ["s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration"]),
    ],
    /** s3/bucket_policy.go: PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy. */
    "aws:s3/bucketPolicy:BucketPolicy": (scope) => [platformBuckets(scope, ["s3:DeleteBucketPolicy", "s3:GetBucketPolicy", "s3:PutBucketPolicy"])],
    /** s3/bucket_lifecycle_configuration.go: PutBucketLifecycleConfiguration, GetBucketLifecycleConfiguration (IAM: *LifecycleConfiguration). */
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (scope) => [
        platformBuckets(scope, ["s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration"]),
    ],
    /** s3/bucket_notification.go: PutBucketNotificationConfiguration, GetBucketNotificationConfiguration (IAM: *BucketNotification). */
    "aws:s3/bucketNotification:BucketNotification": (scope) => [platformBuckets(scope, ["s3:GetBucketNotification", "s3:PutBucketNotification"])],
    /** s3/bucket_intelligent_tiering_configuration.go: Put/Get/DeleteBucketIntelligentTieringConfiguration (IAM: Put/GetIntelligentTieringConfiguration). */
    "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration": (scope) => [
        platformBuckets(scope, ["s3:GetIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration"]),
    ],
    /** s3/bucket_object_lock_configuration.go: PutObjectLockConfiguration, GetObjectLockConfiguration; retained on delete. */
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": (scope) => [
        platformBuckets(scope, ["s3:GetBucketObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration"]),
    ],
    /**
     * s3/bucket_replication_configuration.go: PutBucketReplication, GetBucketReplication; retained on delete. Putting it
     * hands S3 the replication role, which needs iam:PassRole on it, to S3 only:
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
     */
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": (scope) => [
        platformBuckets(scope, ["s3:GetReplicationConfiguration", "s3:PutReplicationConfiguration"]),
        passPlatformRoleTo(scope, "PassReplicationRolesOnlyToS3", "s3-replication-", "s3.amazonaws.com"),
    ],
    /** iam/role_policy.go: PutRolePolicy, GetRolePolicy, DeleteRolePolicy on the platform's roles. */
    "aws:iam/rolePolicy:RolePolicy": (scope) => [
        platformRoles(deploymentTargets(scope), ["iam:GetRolePolicy"]),
        changesOnlyBoundedRoles(deploymentTargets(scope), ["iam:DeleteRolePolicy", "iam:PutRolePolicy"]),
    ],
    /**
     * scheduler/schedule.go: CreateSchedule, GetSchedule, UpdateSchedule, DeleteSchedule, on schedules of the default
     * group named with the prefix; a schedule hands EventBridge Scheduler its role (iam:PassRole, to Scheduler only).
     * https://docs.aws.amazon.com/scheduler/latest/UserGuide/security_iam_id-based-policy-examples.html
     */
    "aws:scheduler/schedule:Schedule": (scope) => [
        allow(
            "PlatformSchedules",
            ["scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule"],
            `arn:${scope.partition}:scheduler:*:${PRINCIPAL_ACCOUNT}:schedule/default/${scope.namePrefix}-*`,
            inRegions(deploymentTargets(scope)),
        ),
        passPlatformRoleTo(scope, "PassScheduledBackupRolesOnlyToScheduler", "scheduled-backup-", "scheduler.amazonaws.com"),
    ],
    /**
     * @pulumi/aws-native creates through the Cloud Control API: cloudformation:CreateResource, GetResource,
     * UpdateResource, DeleteResource and GetResourceRequestStatus (no resource-level permissions), which calls AWS
     * Backup's Create/Get/Update/DeleteTieringConfiguration and tagging as the caller. Tiering configurations are named
     * after their vault (`<prefix>_<vault>_s3_tiering`, underscores for hyphens).
     * https://docs.aws.amazon.com/cloudcontrolapi/latest/userguide/security.html
     * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html
     */
    "aws-native:backup:TieringConfiguration": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            withoutResourceLevelPermissions(targets, [
                "backup:ListTieringConfigurations",
                "cloudformation:CreateResource",
                "cloudformation:DeleteResource",
                "cloudformation:GetResource",
                "cloudformation:GetResourceRequestStatus",
                "cloudformation:UpdateResource",
            ]),
            allow(
                "PlatformTieringConfigurations",
                [
                    "backup:CreateTieringConfiguration",
                    "backup:DeleteTieringConfiguration",
                    "backup:GetTieringConfiguration",
                    "backup:ListTags",
                    "backup:TagResource",
                    "backup:UntagResource",
                    "backup:UpdateTieringConfiguration",
                ],
                `arn:${scope.partition}:backup:*:${PRINCIPAL_ACCOUNT}:tiering-configuration:${scope.namePrefix.replace(/-/g, "_")}_*`,
                inRegions(targets),
            ),
        ];
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": (scope) => [
        platformBuckets(scope, ["s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls"]),
    ],

    /**
     * config/config_configuration_recorder.go and friends: Put/Describe/DeleteConfigurationRecorder,
     * Put/Describe/DeleteDeliveryChannel, Start/StopConfigurationRecorder and DescribeConfigurationRecorderStatus, none
     * with resource-level permissions. The recorder passes its role to AWS Config: only that role, only to AWS Config.
     * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsconfig.html
     */
    "aws:cfg/recorder:Recorder": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            withoutResourceLevelPermissions(targets, [
                "config:DeleteConfigurationRecorder",
                "config:DescribeConfigurationRecorders",
                "config:PutConfigurationRecorder",
            ]),
            allow("PassConfigRecorderRoleOnlyToAwsConfig", ["iam:PassRole"], targets.configRecorderRole, {
                StringEquals: { "iam:PassedToService": "config.amazonaws.com" },
            }),
        ];
    },
    "aws:cfg/deliveryChannel:DeliveryChannel": (scope) => [
        withoutResourceLevelPermissions(deploymentTargets(scope), [
            "config:DeleteDeliveryChannel",
            "config:DescribeDeliveryChannels",
            "config:PutDeliveryChannel",
        ]),
    ],
    "aws:cfg/recorderStatus:RecorderStatus": (scope) => [
        withoutResourceLevelPermissions(deploymentTargets(scope), [
            "config:DescribeConfigurationRecorderStatus",
            "config:StartConfigurationRecorder",
            "config:StopConfigurationRecorder",
        ]),
    ],

    /**
     * backup/restore_testing_plan.go: create CreateRestoreTestingPlan (with tags) then GetRestoreTestingPlan; read
     * GetRestoreTestingPlan and ListTags; update UpdateRestoreTestingPlan and TagResource/UntagResource; delete
     * DeleteRestoreTestingPlan. Plan ARNs end in a random id, so they are scoped by the platform's name prefix
     * (plan names are the prefix with underscores for hyphens).
     * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html
     */
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow(
                "PlatformRestoreTestingPlans",
                [
                    "backup:CreateRestoreTestingPlan",
                    "backup:DeleteRestoreTestingPlan",
                    "backup:GetRestoreTestingPlan",
                    "backup:ListTags",
                    "backup:TagResource",
                    "backup:UntagResource",
                    "backup:UpdateRestoreTestingPlan",
                ],
                restoreTestingPlans(scope),
                inRegions(targets),
            ),
        ];
    },

    /**
     * backup/restore_testing_selection.go: create CreateRestoreTestingSelection, read GetRestoreTestingSelection, update
     * UpdateRestoreTestingSelection, delete DeleteRestoreTestingSelection, all authorized on the plan. A selection hands
     * AWS Backup the role it restores with (iam:PassRole), only the platform's restore testing roles and only to AWS Backup.
     * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
     */
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow(
                "PlatformRestoreTestingPlans",
                [
                    "backup:CreateRestoreTestingSelection",
                    "backup:DeleteRestoreTestingSelection",
                    "backup:GetRestoreTestingSelection",
                    "backup:UpdateRestoreTestingSelection",
                ],
                restoreTestingPlans(scope),
                inRegions(targets),
            ),
            passPlatformRoleTo(scope, "PassRestoreTestingRolesOnlyToAwsBackup", "restore-testing-", BACKUP_SERVICE_PRINCIPAL),
        ];
    },

    /**
     * lambda/function.go: create CreateFunction then GetFunction until active; read GetFunction,
     * GetFunctionCodeSigningConfig, GetRuntimeManagementConfig and ListVersionsByFunction; update UpdateFunctionCode and
     * UpdateFunctionConfiguration; tags ListTags/TagResource/UntagResource; delete DeleteFunction. Creating and
     * updating pass the execution role (iam:PassRole), only the platform's validator roles and only to Lambda.
     * https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html
     */
    "aws:lambda/function:Function": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow(
                "PlatformFunctions",
                [
                    "lambda:CreateFunction",
                    "lambda:DeleteFunction",
                    "lambda:GetFunction",
                    "lambda:GetFunctionCodeSigningConfig",
                    "lambda:GetRuntimeManagementConfig",
                    "lambda:ListTags",
                    "lambda:ListVersionsByFunction",
                    "lambda:TagResource",
                    "lambda:UntagResource",
                    "lambda:UpdateFunctionCode",
                    "lambda:UpdateFunctionConfiguration",
                ],
                `arn:${scope.partition}:lambda:*:${PRINCIPAL_ACCOUNT}:function:${scope.namePrefix}-*`,
                inRegions(targets),
            ),
            passPlatformRoleTo(scope, "PassValidatorRolesOnlyToLambda", "restore-validator-", "lambda.amazonaws.com"),
        ];
    },

    /** lambda/permission.go: create AddPermission, read GetPolicy, delete RemovePermission. */
    "aws:lambda/permission:Permission": (scope) => [
        allow(
            "PlatformFunctions",
            ["lambda:AddPermission", "lambda:GetPolicy", "lambda:RemovePermission"],
            `arn:${scope.partition}:lambda:*:${PRINCIPAL_ACCOUNT}:function:${scope.namePrefix}-*`,
            inRegions(deploymentTargets(scope)),
        ),
    ],

    /**
     * logs/group.go: create CreateLogGroup (with tags) and PutRetentionPolicy; read DescribeLogGroups (no resource-level
     * permissions) and ListTagsForResource; update PutRetentionPolicy/DeleteRetentionPolicy and TagResource/UntagResource;
     * delete DeleteLogGroup. https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html
     */
    "aws:cloudwatch/logGroup:LogGroup": (scope) => {
        const targets = deploymentTargets(scope);
        return [
            allow(
                "PlatformLogGroups",
                [
                    "logs:CreateLogGroup",
                    "logs:DeleteLogGroup",
                    "logs:DeleteRetentionPolicy",
                    "logs:ListTagsForResource",
                    "logs:PutRetentionPolicy",
                    "logs:TagResource",
                    "logs:UntagResource",
                ],
                `arn:${scope.partition}:logs:*:${PRINCIPAL_ACCOUNT}:log-group:/aws/lambda/${scope.namePrefix}-*`,
                inRegions(targets),
            ),
            withoutResourceLevelPermissions(targets, ["logs:DescribeLogGroups"]),
        ];
    },

    /**
     * sqs/queue.go: create CreateQueue (with tags) then GetQueueAttributes; read GetQueueUrl, GetQueueAttributes and
     * ListQueueTags; update SetQueueAttributes and TagQueue/UntagQueue; delete DeleteQueue.
     * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html
     */
    "aws:sqs/queue:Queue": (scope) => [
        allow(
            "PlatformQueues",
            [
                "sqs:CreateQueue",
                "sqs:DeleteQueue",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
                "sqs:ListQueueTags",
                "sqs:SetQueueAttributes",
                "sqs:TagQueue",
                "sqs:UntagQueue",
            ],
            `arn:${scope.partition}:sqs:*:${PRINCIPAL_ACCOUNT}:${scope.namePrefix}-*`,
            inRegions(deploymentTargets(scope)),
        ),
    ],

    /** sqs/queue_policy.go: create, update and delete SetQueueAttributes (the Policy attribute), read GetQueueAttributes. */
    "aws:sqs/queuePolicy:QueuePolicy": (scope) => [
        allow(
            "PlatformQueues",
            ["sqs:GetQueueAttributes", "sqs:SetQueueAttributes"],
            `arn:${scope.partition}:sqs:*:${PRINCIPAL_ACCOUNT}:${scope.namePrefix}-*`,
            inRegions(deploymentTargets(scope)),
        ),
    ],
});

/** Audit Manager's service-linked role, which the first framework or report plan of an account creates, and only it. */
function createsBackupReportsServiceLinkedRole(targets: DeploymentTargets): PolicyStatement {
    return allow(
        "CreateBackupReportsServiceLinkedRole",
        ["iam:CreateServiceLinkedRole"],
        `arn:${targets.partition}:iam::${PRINCIPAL_ACCOUNT}:role/aws-service-role/reports.backup.amazonaws.com/*`,
        {
            StringEquals: { "iam:AWSServiceName": "reports.backup.amazonaws.com" },
        },
    );
}

/** S3 bucket ARNs carry no account or region, so buckets are scoped by the (lowercase) name prefix alone. */

/**
 * Every statement the role needs for scope.resourceTypes, merged (same Effect/Resource/Condition → one statement),
 * deterministic order. Throws an Error naming the token when a type has no entry in DEPLOYMENT_PERMISSIONS.
 */
export function deploymentRoleStatements(scope: DeploymentRoleScope): PolicyStatement[] {
    assertScope(scope);
    const tokens = [...new Set(scope.resourceTypes)].sort();
    const unknown = tokens.filter((token) => !Object.hasOwn(DEPLOYMENT_PERMISSIONS, token));
    if (unknown.length > 0) {
        throw new Error(
            `No deployment-role permissions for Pulumi type ${unknown.map((token) => JSON.stringify(token)).join(", ")}: ` +
                `add an entry to DEPLOYMENT_PERMISSIONS in policies/deployment-role.ts`,
        );
    }
    const statements = mergeStatements(tokens.flatMap((token) => DEPLOYMENT_PERMISSIONS[token](scope)));
    return tokens.includes("aws:iam/role:Role") ? [...statements, neverAssumesPlatformRoles(deploymentTargets(scope))] : statements;
}

/**
 * The roles the deployment role creates are AWS services' roles: it never assumes one. The explicit Deny matters because
 * within one account a trust policy naming a principal lets it assume the role without any permission of its own.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 */
function neverAssumesPlatformRoles(targets: DeploymentTargets): PolicyStatement {
    return { Sid: "NeverAssumesPlatformRoles", Effect: "Deny", Action: ["sts:AssumeRole"], Resource: targets.platformRoles };
}

/**
 * The same, packed into as few documents as possible, each within IAM's managed-policy size limit (6,144 characters,
 * whitespace not counted), at most 10 documents (default managed policies per role); throws if it cannot fit.
 */
export function deploymentRolePolicies(scope: DeploymentRoleScope): PolicyDocument[] {
    const pieces = deploymentRoleStatements(scope).flatMap(splitToFit);
    const sizes = pieces.map(statementSize);
    const bins: Array<{ indexes: number[]; size: number }> = [];
    // First fit, largest first: within a few percent of the fewest documents, and deterministic.
    const largestFirst = pieces.map((_, index) => index).sort((a, b) => sizes[b] - sizes[a] || a - b);
    for (const index of largestFirst) {
        const cost = (bin: { indexes: number[]; size: number }) => bin.size + (bin.indexes.length > 0 ? 1 : 0) + sizes[index];
        const bin = bins.find((candidate) => cost(candidate) <= MANAGED_POLICY_MAX_CHARACTERS);
        if (bin) {
            bin.size = cost(bin);
            bin.indexes.push(index);
        } else {
            bins.push({ indexes: [index], size: EMPTY_DOCUMENT_SIZE + sizes[index] });
        }
    }
    if (bins.length > MANAGED_POLICIES_PER_ROLE) {
        throw new Error(
            `The deployment role needs ${bins.length} managed policies of at most ${MANAGED_POLICY_MAX_CHARACTERS} characters for ` +
                `${new Set(scope.resourceTypes).size} resource types in ${new Set(scope.regions).size} regions, but a role takes ${MANAGED_POLICIES_PER_ROLE} ` +
                `(IAM quotas: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html); deploy fewer regions or types per role`,
        );
    }
    // Statements keep their merged order inside a document, and documents are ordered by their first statement.
    return bins
        .map((bin) => [...bin.indexes].sort((a, b) => a - b))
        .sort((a, b) => a[0] - b[0])
        .map((indexes) => ({ Version: "2012-10-17", Statement: indexes.map((index) => pieces[index]) }));
}

/** Characters IAM counts for a managed policy: the JSON without whitespace. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length */
export function iamPolicySize(document: PolicyDocument): number {
    return withoutWhitespace(JSON.stringify(document)).length;
}

/**
 * Trust policy: exactly these principal ARNs (IAM role or user ARNs, validated: no wildcards, no :root, partition
 * matches) may sts:AssumeRole.
 *
 * No sts:TagSession: the platform's provider assumes the role with a role ARN and a session name only
 * (projects/platform.ts, accountProvider), and STS requires sts:TagSession only for session tags or transitive tag keys:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
 * A CI system that adds session tags needs it added here, deliberately.
 */
export function deploymentRoleTrustPolicy(args: { partition: string; trustedPrincipalArns: string[] }): PolicyDocument {
    const { partition, trustedPrincipalArns } = args;
    assertPartition(partition);
    if (trustedPrincipalArns.length === 0) {
        throw new Error("trustedPrincipalArns is empty: name at least one IAM role or user that may assume the deployment role");
    }
    const problems = trustedPrincipalArns.flatMap((arn, index) => {
        const problem = trustedPrincipalProblem(arn, partition);
        return problem ? [`trustedPrincipalArns[${index}] ${JSON.stringify(arn)} ${problem}`] : [];
    });
    if (problems.length > 0) throw new Error(problems.join("; "));
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "OnlyTrustedPrincipalsAssumeRole",
                Effect: "Allow",
                Principal: { AWS: [...new Set(trustedPrincipalArns)] },
                Action: "sts:AssumeRole",
                // No Resource: a trust policy's resource is the role itself.
            },
        ],
    };
}

/**
 * The CloudFormation template (a plain JSON object, `AWSTemplateFormatVersion: "2010-09-09"`) with one AWS::IAM::Role
 * named `roleName` (trust policy, MaxSessionDuration 3600, tags) and one AWS::IAM::ManagedPolicy per permission document
 * attached to it (`Roles: [{ Ref: <role logical id> }]`, ManagedPolicyName `<roleName>-<n>`), with deterministic
 * logical ids, and the permissions boundary policy (ManagedPolicyName `boundary.name`) that the deployment role's IAM
 * statements require on every role it creates. Naming the role means the StackSet needs CAPABILITY_NAMED_IAM.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-managedpolicy.html
 */
export function deploymentRoleTemplate(args: {
    roleName: string;
    description: string;
    trustPolicy: PolicyDocument;
    policies: PolicyDocument[];
    /** The permissions boundary every role the deployment role creates must carry (policies/permissions-boundary.ts). */
    boundary: { name: string; document: PolicyDocument };
    tags: Record<string, string>;
}): Record<string, unknown> {
    const { roleName, description, trustPolicy, policies, boundary, tags } = args;
    const problems = templateProblems(args);
    if (problems.length > 0) throw new Error(`Cannot build the deployment-role template: ${problems.join("; ")}`);

    const resources: Record<string, unknown> = {
        [ROLE_LOGICAL_ID]: {
            Type: "AWS::IAM::Role",
            Properties: {
                RoleName: roleName,
                Description: description,
                AssumeRolePolicyDocument: trustPolicy,
                MaxSessionDuration: DEPLOYMENT_ROLE_MAX_SESSION_SECONDS,
                Tags: Object.keys(tags)
                    .sort()
                    .map((key) => ({ Key: key, Value: tags[key] })),
            },
        },
    };
    policies.forEach((policy, index) => {
        resources[`${ROLE_LOGICAL_ID}Policy${index + 1}`] = {
            Type: "AWS::IAM::ManagedPolicy",
            Properties: {
                ManagedPolicyName: `${roleName}-${index + 1}`,
                PolicyDocument: policy,
                Roles: [{ Ref: ROLE_LOGICAL_ID }],
            },
        };
    });
    // A customer managed policy attached to nothing: the roles the platform creates name it as their boundary.
    resources[BOUNDARY_LOGICAL_ID] = {
        Type: "AWS::IAM::ManagedPolicy",
        Properties: {
            ManagedPolicyName: boundary.name,
            Description: "Permissions boundary of the roles the backup platform creates",
            PolicyDocument: boundary.document,
        },
    };
    return {
        AWSTemplateFormatVersion: "2010-09-09",
        Description: description,
        Resources: resources,
        Outputs: { RoleArn: { Description: "ARN of the deployment role", Value: { "Fn::GetAtt": [ROLE_LOGICAL_ID, "Arn"] } } },
    };
}

const ROLE_LOGICAL_ID = "DeploymentRole";
const BOUNDARY_LOGICAL_ID = "PlatformRoleBoundary";

const EMPTY_DOCUMENT_SIZE = iamPolicySize({ Version: "2012-10-17", Statement: [] });

function withoutWhitespace(json: string): string {
    return json.replace(/\s/g, "");
}

function statementSize(statement: PolicyStatement): number {
    return withoutWhitespace(JSON.stringify(statement)).length;
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** JSON with object keys and string lists sorted, so equal conditions and resource lists compare equal. */
function canonical(value: unknown): string {
    if (Array.isArray(value)) return JSON.stringify(value.map(canonical).sort());
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(",")}}`;
    }
    return JSON.stringify(value);
}

/** One statement per Effect + Resource + Condition, actions deduplicated and sorted, statements sorted by Sid. */
function mergeStatements(statements: PolicyStatement[]): PolicyStatement[] {
    const groups = new Map<string, { sids: string[]; actions: Set<string>; statement: PolicyStatement }>();
    for (const statement of statements) {
        const key = canonical([statement.Effect, asList(statement.Resource), statement.Condition ?? null]);
        const group = groups.get(key) ?? { sids: [], actions: new Set<string>(), statement };
        if (!group.sids.includes(statement.Sid)) group.sids.push(statement.Sid);
        for (const action of asList(statement.Action)) group.actions.add(action);
        groups.set(key, group);
    }
    const merged = [...groups.values()].map(({ sids, actions, statement }) => {
        const sorted = [...actions].sort();
        return { ...statement, Sid: sids.join("And"), Action: sorted.length === 1 ? sorted[0] : sorted };
    });
    merged.sort((a, b) => (a.Sid < b.Sid ? -1 : a.Sid > b.Sid ? 1 : canonical(a) < canonical(b) ? -1 : 1));
    // Two scopes whose builders chose one Sid would collide; keep every Sid unique within the role.
    const seen = new Map<string, number>();
    return merged.map((statement) => {
        const count = (seen.get(statement.Sid) ?? 0) + 1;
        seen.set(statement.Sid, count);
        return count === 1 ? statement : { ...statement, Sid: `${statement.Sid}${count}` };
    });
}

/**
 * A statement that alone exceeds a managed policy's room is split by its actions into consecutive parts (same
 * Resource and Condition); one that cannot fit even with a single action throws.
 */
function splitToFit(statement: PolicyStatement): PolicyStatement[] {
    const room = MANAGED_POLICY_MAX_CHARACTERS - EMPTY_DOCUMENT_SIZE;
    if (statementSize(statement) <= room) return [statement];
    const actions = asList(statement.Action);
    for (let parts = 2; parts <= actions.length; parts++) {
        const perPart = Math.ceil(actions.length / parts);
        const split = Array.from({ length: Math.ceil(actions.length / perPart) }, (_, part) => {
            const slice = actions.slice(part * perPart, (part + 1) * perPart);
            return { ...statement, Sid: `${statement.Sid}Part${part + 1}`, Action: slice.length === 1 ? slice[0] : slice };
        });
        if (split.every((piece) => statementSize(piece) <= room)) return split;
    }
    const smallest = statementSize({ ...statement, Action: actions[0] }) + EMPTY_DOCUMENT_SIZE;
    throw new Error(
        `Deployment-role statement ${statement.Sid} does not fit in a managed policy even with one action: that policy would be ` +
            `${smallest} characters, more than IAM's ${MANAGED_POLICY_MAX_CHARACTERS} ` +
            `(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html); deploy fewer regions per role`,
    );
}

/** IAM role names: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** Letters, digits and hyphens only, so the prefix adds no wildcard or separator to the ARN patterns built from it. */
const NAME_PREFIX = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

function assertScope(scope: DeploymentRoleScope): void {
    assertPartition(scope.partition);
    const problems: string[] = [];
    if (!NAME_PREFIX.test(scope.namePrefix)) {
        problems.push(`namePrefix ${JSON.stringify(scope.namePrefix)} must be letters, digits and hyphens, starting with a letter or digit`);
    }
    if (!ROLE_NAME.test(scope.backupServiceRoleName)) {
        problems.push(`backupServiceRoleName ${JSON.stringify(scope.backupServiceRoleName)} is not an IAM role name (1-64 of A-Z a-z 0-9 +=,.@_-)`);
    }
    if (scope.regions.length === 0) problems.push("regions is empty: name at least one region the role may act in");
    for (const region of scope.regions) {
        try {
            assertRegionInPartition(region, scope.partition);
        } catch (error) {
            problems.push(`regions: ${(error as Error).message}`);
        }
    }
    if (scope.resourceTypes.length === 0) problems.push("resourceTypes is empty: name the Pulumi type tokens the role must manage");
    if (problems.length > 0) throw new Error(`Invalid deployment-role scope: ${problems.join("; ")}`);
}

/** IAM role and tag limits: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html */
function templateProblems(args: { roleName: string; description: string; policies: PolicyDocument[]; tags: Record<string, string> }): string[] {
    const problems: string[] = [];
    if (!ROLE_NAME.test(args.roleName)) problems.push(`roleName ${JSON.stringify(args.roleName)} is not an IAM role name (1-64 of A-Z a-z 0-9 +=,.@_-)`);
    if (args.description.length > 1000) problems.push(`description is ${args.description.length} characters; an IAM role description takes at most 1000`);
    if (args.policies.length === 0) problems.push("policies is empty: the role would have no permissions");
    if (args.policies.length > MANAGED_POLICIES_PER_ROLE) {
        problems.push(`${args.policies.length} policies; a role takes at most ${MANAGED_POLICIES_PER_ROLE} managed policies`);
    }
    args.policies.forEach((policy, index) => {
        const size = iamPolicySize(policy);
        if (size > MANAGED_POLICY_MAX_CHARACTERS)
            problems.push(`policies[${index}] is ${size} characters; a managed policy takes at most ${MANAGED_POLICY_MAX_CHARACTERS}`);
    });
    const keys = Object.keys(args.tags);
    if (keys.length > 50) problems.push(`${keys.length} tags; an IAM role takes at most 50`);
    for (const key of keys) {
        if (key.length === 0 || key.length > 128) problems.push(`tag key ${JSON.stringify(key)} must be 1-128 characters`);
        if (args.tags[key].length > 256) problems.push(`tag ${JSON.stringify(key)} has a value of more than 256 characters`);
    }
    return problems;
}
