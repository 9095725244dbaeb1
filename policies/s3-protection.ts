/**
 * Policies of protected buckets: the key policy of a bucket's customer-managed key, the bucket policy, the replication
 * role, and the role EventBridge Scheduler assumes to start scheduled backups. Pure functions of ARNs from the model.
 */
import { assertAccountId, assertRegionInPartition, assertRoleArn, parseArn } from "./arn";
import { accountRootAdministersKey, deploymentRoleMaintainsKey } from "./backup-key-policy";
import { denyInsecureTransport, serviceTrustPolicy, type PolicyDocument } from "./policy-document";

export interface BucketKeyPolicyArgs {
    partition: string;
    accountId: string;
    region: string;
    /** The account's AWS Backup service role, which reads the bucket to back it up and writes it to restore. */
    backupRoleArn: string;
    /** The role deployments run as, which creates and maintains the key. */
    deploymentRoleArn: string;
}

/**
 * Key policy of a protected bucket's (or its replica's) key. The account root statement lets IAM policies grant the
 * key, which is how the replication role gets exactly the use it needs (its own policy, below). The backup role is
 * named here too, limited to use through S3 in the key's region, because AWS Backup reads and restores SSE-KMS
 * objects with it.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/s3-backups.html
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
export function bucketKeyPolicy(args: BucketKeyPolicyArgs): PolicyDocument {
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
            {
                Sid: "BackupRoleUsesKeyThroughS3",
                Effect: "Allow",
                Principal: { AWS: backupRoleArn },
                Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
                Resource: "*",
                Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
            },
        ],
    };
}

export interface BucketPolicyArgs {
    bucketArn: string;
    /** The only role that may delete object versions for good (and bypass governance-mode Object Lock). */
    breakGlassRoleArn: string;
    /** Roles that may change the bucket's protection settings: deployments, break-glass and AWS Backup's restores. */
    deploymentRoleArn: string;
    backupRoleArn: string;
}

/**
 * Bucket policy of a protected bucket or replica, one statement per concern:
 * - no request over plain HTTP (aws:SecureTransport), as AWS recommends for every bucket:
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
 * - object versions are deleted for good (and governance retention bypassed) only by the break-glass role: the
 *   versions are what an overwrite or a ransomware attack leaves behind. Lifecycle expiration is S3's own action and
 *   not subject to the policy.
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html
 * - the settings that protect the data (versioning, lifecycle, replication, Object Lock, encryption, this policy,
 *   the bucket itself) change only through deployments, break-glass or AWS Backup.
 * aws:PrincipalArn compares the role ARN, whichever session uses it.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function protectedBucketPolicy(args: BucketPolicyArgs): PolicyDocument {
    const { bucketArn, breakGlassRoleArn, deploymentRoleArn, backupRoleArn } = args;
    const parsed = parseArn(bucketArn);
    if (parsed.service !== "s3" || parsed.resource === "" || parsed.resource.includes("/")) throw new Error(`not a bucket ARN: ${bucketArn}`);
    for (const [label, arn] of Object.entries({ breakGlassRoleArn, deploymentRoleArn, backupRoleArn }))
        assertRoleArn(arn, label, { partition: parsed.partition });
    const objects = `${bucketArn}/*`;
    return {
        Version: "2012-10-17",
        Statement: [
            denyInsecureTransport(bucketArn),
            {
                Sid: "DenyVersionDeletionExceptBreakGlass",
                Effect: "Deny",
                Principal: "*",
                Action: ["s3:BypassGovernanceRetention", "s3:DeleteObjectVersion"],
                Resource: objects,
                Condition: { ArnNotEquals: { "aws:PrincipalArn": breakGlassRoleArn } },
            },
            {
                Sid: "DenyProtectionChangesExceptPlatform",
                Effect: "Deny",
                Principal: "*",
                Action: [
                    "s3:DeleteBucket",
                    "s3:DeleteBucketPolicy",
                    "s3:PutBucketObjectLockConfiguration",
                    "s3:PutBucketPolicy",
                    "s3:PutBucketVersioning",
                    "s3:PutEncryptionConfiguration",
                    "s3:PutLifecycleConfiguration",
                    "s3:PutReplicationConfiguration",
                ],
                Resource: bucketArn,
                Condition: { ArnNotEquals: { "aws:PrincipalArn": [breakGlassRoleArn, deploymentRoleArn, backupRoleArn] } },
            },
        ],
    };
}

/**
 * Trust policy of a replication role: only S3, and only for this account's source bucket (confused-deputy guard).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export function s3ReplicationTrustPolicy(args: { accountId: string; sourceBucketArn: string }): PolicyDocument {
    assertAccountId(args.accountId);
    return serviceTrustPolicy("OnlyS3ReplicatesThisBucket", "s3.amazonaws.com", { sourceAccount: args.accountId, sourceArns: args.sourceBucketArn });
}

export interface ReplicationRolePolicyArgs {
    sourceBucketArn: string;
    replicaBucketArn: string;
    sourceKeyArn: string;
    replicaKeyArn: string;
    sourceRegion: string;
    replicaRegion: string;
    /** The source has Object Lock: replicating its retention and legal holds needs two more read actions. */
    objectLock: boolean;
}

/**
 * What S3 needs to replicate one bucket's SSE-KMS objects to its replica: read the replication configuration and
 * list the source, read versions (with ACLs and tags) for replication, write replicas, deletes and tags to the
 * replica, decrypt with the source key and encrypt with the replica key, each key only through S3 in its own region
 * and for its own bucket (with S3 Bucket Keys the encryption context is the bucket ARN).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-replication
 */
export function replicationRolePolicy(args: ReplicationRolePolicyArgs): PolicyDocument {
    const { sourceBucketArn, replicaBucketArn, sourceKeyArn, replicaKeyArn, sourceRegion, replicaRegion } = args;
    const readVersions = ["s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"];
    if (args.objectLock) readVersions.push("s3:GetObjectLegalHold", "s3:GetObjectRetention");
    const encryptionContext = (bucketArn: string) => ({ "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] });
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "ReadReplicationConfiguration", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: sourceBucketArn },
            { Sid: "ReadSourceVersions", Effect: "Allow", Action: readVersions.sort(), Resource: `${sourceBucketArn}/*` },
            {
                Sid: "WriteReplicas",
                Effect: "Allow",
                Action: ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
                Resource: `${replicaBucketArn}/*`,
            },
            {
                Sid: "DecryptSourceThroughS3",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: sourceKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `s3.${sourceRegion}.amazonaws.com` }, StringLike: encryptionContext(sourceBucketArn) },
            },
            {
                Sid: "EncryptReplicasThroughS3",
                Effect: "Allow",
                Action: ["kms:Encrypt", "kms:GenerateDataKey"],
                Resource: replicaKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `s3.${replicaRegion}.amazonaws.com` }, StringLike: encryptionContext(replicaBucketArn) },
            },
        ],
    };
}

/**
 * Trust policy of a scheduled-backup role: only EventBridge Scheduler, and only for schedules of this account.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
 */
export function schedulerTrustPolicy(args: { accountId: string }): PolicyDocument {
    assertAccountId(args.accountId);
    return serviceTrustPolicy("OnlySchedulerOfThisAccountAssumesRole", "scheduler.amazonaws.com", { sourceAccount: args.accountId });
}

/**
 * What a scheduled backup's role may do: start backup jobs into its tier's vault only (StartBackupJob is authorized
 * on the vault), and hand AWS Backup the account's backup service role, to AWS Backup only.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_StartBackupJob.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService
 */
export function scheduledBackupRolePolicy(args: { vaultArn: string; backupRoleArn: string }): PolicyDocument {
    const vault = parseArn(args.vaultArn);
    if (vault.service !== "backup" || !vault.resource.startsWith("backup-vault:")) throw new Error(`not a backup vault ARN: ${args.vaultArn}`);
    assertRoleArn(args.backupRoleArn, "backupRoleArn", { partition: vault.partition, accountId: vault.accountId });
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "StartBackupJobsIntoTierVault", Effect: "Allow", Action: "backup:StartBackupJob", Resource: args.vaultArn },
            {
                Sid: "PassBackupServiceRoleOnlyToAwsBackup",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: args.backupRoleArn,
                Condition: { StringEquals: { "iam:PassedToService": "backup.amazonaws.com" } },
            },
        ],
    };
}
