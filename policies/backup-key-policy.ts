import { assertAccountId, assertRegionInPartition, assertRoleArn } from "./arn";
import type { PolicyCondition, PolicyDocument, PolicyStatement } from "./policy-document";

export interface BackupKeyPolicyArgs {
    /** "aws", "aws-cn", "aws-us-gov", ... */
    partition: string;
    /** The account that owns the key, its vaults and the backup role. */
    accountId: string;
    /** The region of the key and of the vaults it encrypts (KMS keys are regional). */
    region: string;
    /** The AWS Backup service role of this account (the role passed in backup selections). */
    backupRoleArn: string;
    /** The role deployments run as, which creates the key and its vaults and keeps its policy, alias and rotation. */
    deploymentRoleArn: string;
    /** The central backup account: its copy-back jobs write recovery points encrypted with this key into this account's vaults. */
    copyBackAccountId?: string;
    /** The key also encrypts the account-region's vault-notification topic, which AWS Backup publishes to. */
    encryptsNotificationTopic?: boolean;
}

/**
 * Key policy for the customer managed KMS key that encrypts one account's
 * backup vaults in one region.
 *
 * Minimum AWS Backup needs from a vault key policy (kms:CreateGrant,
 * kms:GenerateDataKey, kms:Decrypt):
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html#backup-permissions-grants-deny-statements
 *
 * The backup role is named as the principal (the key policy itself grants it,
 * no IAM policy needed), so the role must exist before this policy is put on
 * the key: KMS rejects unknown principals ("invalid principals"), and after a
 * role is deleted and recreated the policy holds a stale unique ID until it is
 * put again:
 * https://repost.aws/knowledge-center/kms-policy-error-invalid-principals
 */
export function backupKeyPolicy(args: BackupKeyPolicyArgs): PolicyDocument {
    const { partition, accountId, region, backupRoleArn, deploymentRoleArn, copyBackAccountId } = args;
    assertAccountId(accountId);
    assertRegionInPartition(region, partition);
    assertRoleArn(backupRoleArn, "backupRoleArn", { partition, accountId });
    assertRoleArn(deploymentRoleArn, "deploymentRoleArn", { partition, accountId });
    if (copyBackAccountId !== undefined) assertAccountId(copyBackAccountId);

    return {
        Version: "2012-10-17",
        Statement: [
            accountRootAdministersKey(partition, accountId),
            deploymentRoleMaintainsKey(deploymentRoleArn),
            backupRoleUsesKey(backupRoleArn),
            backupRoleGrantsOnlyToAwsResources(backupRoleArn),
            ...(copyBackAccountId !== undefined ? crossAccountBackupUsesKey(`arn:${partition}:iam::${copyBackAccountId}:root`) : []),
            ...(args.encryptsNotificationTopic ? [servicePublishesToEncryptedTopic("backup.amazonaws.com", accountId)] : []),
            backupStorageOnlyForTheseAccountsVaults(partition, [accountId, ...(copyBackAccountId !== undefined ? [copyBackAccountId] : [])], region),
        ],
    };
}

export interface CentralBackupKeyPolicyArgs {
    partition: string;
    /** The central backup account. */
    accountId: string;
    region: string;
    /** The central account's AWS Backup service role (copy-back jobs run as it). */
    backupRoleArn: string;
    deploymentRoleArn: string;
    /** The organization whose accounts copy into the central vault and copy back out of it. */
    organizationId: string;
    /** When set, only principals under these OU paths may use the key (aws:PrincipalOrgPaths patterns). */
    organizationalUnitPaths?: string[];
    /** Roles restore testing restores with in this region, which read the vault's recovery points with this key. */
    restoreRoleArns?: string[];
}

/**
 * Key policy of a central vault's key: the central account administers it and its backup role uses it, and principals
 * of the organization (or of the listed OUs) may use it only through AWS Backup, for copies into the central vault and
 * copies back out of it.
 */
export function centralBackupKeyPolicy(args: CentralBackupKeyPolicyArgs): PolicyDocument {
    const { partition, accountId, region, backupRoleArn, deploymentRoleArn, organizationId } = args;
    assertAccountId(accountId);
    assertRegionInPartition(region, partition);
    assertRoleArn(backupRoleArn, "backupRoleArn", { partition, accountId });
    assertRoleArn(deploymentRoleArn, "deploymentRoleArn", { partition, accountId });
    const restoreRoles = args.restoreRoleArns ?? [];
    restoreRoles.forEach((arn) => assertRoleArn(arn, "restoreRoleArns", { partition, accountId }));
    const paths = args.organizationalUnitPaths ?? [];
    return {
        Version: "2012-10-17",
        Statement: [
            accountRootAdministersKey(partition, accountId),
            deploymentRoleMaintainsKey(deploymentRoleArn),
            backupRoleUsesKey(backupRoleArn),
            backupRoleGrantsOnlyToAwsResources(backupRoleArn),
            ...(restoreRoles.length > 0 ? restoreTestingRolesUseKey(restoreRoles) : []),
            ...organizationUsesKeyOnlyThroughBackup(organizationId, paths),
            backupStorageOnlyForTheOrganization(organizationId),
        ],
    };
}

/**
 * Restore testing restores the central vault's recovery points with its own role, which reads them with this key
 * the way the backup role does, and lets the restoring service take grants only for AWS resources. The roles are named
 * by aws:PrincipalArn under Principal "*", not as principals: KMS refuses a policy naming a role that does not exist
 * yet, and restore testing creates its roles after this key.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
 */
function restoreTestingRolesUseKey(restoreRoleArns: string[]): PolicyStatement[] {
    const [uses, grants] = [backupRoleUsesKey(restoreRoleArns[0]), backupRoleGrantsOnlyToAwsResources(restoreRoleArns[0])];
    const onlyThese = { ArnEquals: { "aws:PrincipalArn": restoreRoleArns } };
    return [
        { ...uses, Sid: "RestoreTestingRolesUseKeyForCryptography", Principal: "*", Condition: onlyThese },
        { ...grants, Sid: "RestoreTestingRolesCreateGrantsOnlyForAwsResources", Principal: "*", Condition: { ...grants.Condition, ...onlyThese } },
    ];
}

/** AWS Backup's own endpoint in any region: `kms:ViaService` is `backup.<region>.amazonaws.com`. */
const VIA_AWS_BACKUP = { "kms:ViaService": "backup.*.amazonaws.com" };

/**
 * Principals of the organization use the key through AWS Backup only, as AWS's example for a vault key shared across
 * accounts does: data-key operations, and grants only for AWS resources.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html#backup-permissions-grants-deny-statements
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 */
export function organizationUsesKeyOnlyThroughBackup(organizationId: string, organizationalUnitPaths: string[]): PolicyStatement[] {
    const inOrganization: PolicyCondition = {
        StringEquals: { "aws:PrincipalOrgID": organizationId },
        ...(organizationalUnitPaths.length > 0 ? { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": organizationalUnitPaths } } : {}),
    };
    return [
        {
            Sid: "OrganizationUsesKeyOnlyThroughAwsBackup",
            Effect: "Allow",
            Principal: "*",
            Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
            Resource: "*",
            Condition: { ...inOrganization, StringLike: VIA_AWS_BACKUP },
        },
        {
            Sid: "OrganizationCreatesGrantsOnlyForAwsBackup",
            Effect: "Allow",
            Principal: "*",
            Action: "kms:CreateGrant",
            Resource: "*",
            Condition: { ...inOrganization, StringLike: VIA_AWS_BACKUP, Bool: { "kms:GrantIsForAWSResource": "true" } },
        },
    ];
}

/**
 * The central account uses this key through AWS Backup only: its copy-back jobs write recovery points into this
 * account's vaults, which re-encrypt them with this key. In the source account of a cross-account copy, the key must
 * be shared with the destination account.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html
 * The account root delegates to the central account's own IAM policies, as AWS's example for a shared vault key does.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html#backup-permissions-grants-deny-statements
 */
export function crossAccountBackupUsesKey(accountRootArn: string): PolicyStatement[] {
    return [
        {
            Sid: "CentralAccountUsesKeyOnlyThroughAwsBackup",
            Effect: "Allow",
            Principal: { AWS: accountRootArn },
            Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
            Resource: "*",
            Condition: { StringLike: VIA_AWS_BACKUP },
        },
        {
            Sid: "CentralAccountCreatesGrantsOnlyForAwsBackup",
            Effect: "Allow",
            Principal: { AWS: accountRootArn },
            Action: "kms:CreateGrant",
            Resource: "*",
            Condition: { StringLike: VIA_AWS_BACKUP, Bool: { "kms:GrantIsForAWSResource": "true" } },
        },
    ];
}

/**
 * An AWS service publishing to an SNS topic encrypted with this key needs the key's data-key operations; only for
 * requests on behalf of this account.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount
 */
export function servicePublishesToEncryptedTopic(servicePrincipal: string, accountIds: string | string[]): PolicyStatement {
    const name = servicePrincipal.split(".")[0].replace(/[^A-Za-z0-9]/g, "");
    return {
        Sid: `${name.charAt(0).toUpperCase()}${name.slice(1)}PublishesToEncryptedTopics`,
        Effect: "Allow",
        Principal: { Service: servicePrincipal },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": accountIds } },
    };
}

/**
 * The account (not any one admin role) holds kms:* so that IAM policies in the
 * account decide who administers the key, and the key can never become
 * unmanageable if a named admin role is deleted.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 */
export function accountRootAdministersKey(partition: string, accountId: string): PolicyStatement {
    return {
        Sid: "AccountRootAdministersKeyAndEnablesIamPolicies",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
    };
}

/**
 * What `pulumi up` does with the key, granted to the deployment role by the key policy itself rather than only by its
 * IAM policy. Two reasons: CreateKey refuses a policy that would not let the caller put the next one (the policy
 * lockout safety check), and the deployment role's IAM permissions on keys are scoped by the platform's tag, which
 * KMS may take up to five minutes to honour for a key just created, while the provider reads rotation and the policy,
 * and AWS Backup creates the vault with the key, seconds later.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html (BypassPolicyLockoutSafetyCheck)
 * https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html
 * CreateBackupVault with a customer managed key needs CreateGrant, GenerateDataKey, Decrypt, RetireGrant and
 * DescribeKey on the key: https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault.html
 * No ScheduleKeyDeletion or DisableKey: the platform never deletes a key.
 */
export function deploymentRoleMaintainsKey(deploymentRoleArn: string): PolicyStatement {
    return {
        Sid: "DeploymentRoleMaintainsKeyAndCreatesVaults",
        Effect: "Allow",
        Principal: { AWS: deploymentRoleArn },
        Action: [
            "kms:CreateAlias",
            "kms:CreateGrant",
            "kms:Decrypt",
            "kms:DeleteAlias",
            "kms:DescribeKey",
            "kms:EnableKeyRotation",
            "kms:GenerateDataKey",
            "kms:GetKeyPolicy",
            "kms:GetKeyRotationStatus",
            "kms:ListResourceTags",
            "kms:PutKeyPolicy",
            "kms:RetireGrant",
            "kms:TagResource",
            "kms:UntagResource",
            "kms:UpdateAlias",
            "kms:UpdateKeyDescription",
        ],
        Resource: "*",
    };
}

/**
 * Data-key operations the backup role performs with the vault key.
 * Decrypt and GenerateDataKey are the documented minimum (encryption.html,
 * linked above). DescribeKey, GenerateDataKeyWithoutPlaintext and
 * ReEncryptFrom/To are what AWS grants the same role in
 * AWSBackupServiceRolePolicyForBackup (statements "KMSPermissions" and
 * "KMSEC2Permissions"), needed when EBS snapshots are copied into a vault
 * encrypted with this key:
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForBackup.html
 * No kms:Encrypt: services encrypt with data keys, not with the key directly.
 * Resource "*" in a key policy means "this key".
 */
function backupRoleUsesKey(backupRoleArn: string): PolicyStatement {
    return {
        Sid: "BackupRoleUsesKeyForCryptography",
        Effect: "Allow",
        Principal: { AWS: backupRoleArn },
        Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
        Resource: "*",
    };
}

/**
 * AWS Backup (and EBS/RDS acting for it) hand the key to the storage service
 * through grants. kms:GrantIsForAWSResource limits CreateGrant to requests an
 * integrated AWS service makes on the role's behalf, so the role's
 * credentials cannot mint a grant for an arbitrary principal.
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
 * We deliberately do not add the kms:ViaService "backup.*" and
 * kms:EncryptionContextKeys conditions of the encryption.html example: copies
 * of EBS/RDS snapshots into this vault have EC2/RDS create the grant, which
 * those conditions would refuse.
 */
function backupRoleGrantsOnlyToAwsResources(backupRoleArn: string): PolicyStatement {
    return {
        Sid: "BackupRoleCreatesGrantsOnlyForAwsResources",
        Effect: "Allow",
        Principal: { AWS: backupRoleArn },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    };
}

/**
 * Cross-service confused-deputy guard that AWS Backup documents for vault
 * keys: the backup storage service may use this key only for vaults of this
 * account in this region (and of the central account, whose copy-back jobs
 * write into them).
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-service-confused-deputy-prevention.html
 * Both operators sit in one block as in the AWS example, so the Deny applies
 * only when the account differs AND the source is not one of our vaults.
 */
function backupStorageOnlyForTheseAccountsVaults(partition: string, accountIds: string[], region: string): PolicyStatement {
    const one = <T>(values: T[]) => (values.length === 1 ? values[0] : values);
    return {
        Sid: "DenyBackupStorageOutsideThisAccountsVaults",
        Effect: "Deny",
        Principal: { Service: "backup-storage.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:RetireGrant"],
        Resource: "*",
        Condition: {
            StringNotEquals: { "aws:SourceAccount": one(accountIds) },
            ArnNotLike: { "aws:SourceArn": one(accountIds.map((id) => `arn:${partition}:backup:${region}:${id}:backup-vault:*`)) },
        },
    };
}

/**
 * The same guard for a central key, which serves copies from and to every account of the organization: the backup
 * storage service may use it only for resources of the organization.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceorgid
 */
function backupStorageOnlyForTheOrganization(organizationId: string): PolicyStatement {
    return {
        Sid: "DenyBackupStorageOutsideTheOrganization",
        Effect: "Deny",
        Principal: { Service: "backup-storage.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:RetireGrant"],
        Resource: "*",
        Condition: { StringNotEquals: { "aws:SourceOrgID": organizationId } },
    };
}
