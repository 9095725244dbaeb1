import { assertAccountId, assertRegionInPartition, assertRoleArn } from "./arn";
import type { PolicyDocument, PolicyStatement } from "./policy-document";

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
    const { partition, accountId, region, backupRoleArn, deploymentRoleArn } = args;
    assertAccountId(accountId);
    assertRegionInPartition(region, partition);
    assertRoleArn(backupRoleArn, "backupRoleArn", { partition, accountId });
    assertRoleArn(deploymentRoleArn, "deploymentRoleArn", { partition, accountId });

    return {
        Version: "2012-10-17",
        Statement: [
            accountRootAdministersKey(partition, accountId),
            deploymentRoleMaintainsKey(deploymentRoleArn),
            backupRoleUsesKey(backupRoleArn),
            backupRoleGrantsOnlyToAwsResources(backupRoleArn),
            backupStorageOnlyForThisAccountsVaults(partition, accountId, region),
        ],
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
 * account in this region.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-service-confused-deputy-prevention.html
 * Both operators sit in one block as in the AWS example, so the Deny applies
 * only when the account differs AND the source is not one of our vaults.
 */
function backupStorageOnlyForThisAccountsVaults(partition: string, accountId: string, region: string): PolicyStatement {
    return {
        Sid: "DenyBackupStorageOutsideThisAccountsVaults",
        Effect: "Deny",
        Principal: { Service: "backup-storage.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:RetireGrant"],
        Resource: "*",
        Condition: {
            StringNotEquals: { "aws:SourceAccount": accountId },
            ArnNotLike: { "aws:SourceArn": `arn:${partition}:backup:${region}:${accountId}:backup-vault:*` },
        },
    };
}
