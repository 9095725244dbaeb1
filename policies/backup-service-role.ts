import { assertAccountId, assertPartition } from "./arn";
import { serviceTrustPolicy, type PolicyDocument } from "./policy-document";

export interface BackupServiceTrustPolicyArgs {
    /** The account the role lives in. */
    accountId: string;
    /** Defaults to "aws". */
    partition?: string;
}

/**
 * Trust policy of the role AWS Backup assumes to run backup, copy and restore
 * jobs in this account ("the backup role"): only the AWS Backup service may
 * assume it.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html
 *
 * The service principal is backup.amazonaws.com in every partition; the
 * China-region docs list the same principal:
 * https://docs.amazonaws.cn/en_us/aws-backup/latest/devguide/using-service-linked-roles-AWSServiceRoleForBackup.html
 *
 * No aws:SourceAccount / aws:SourceArn condition: AWS Backup's confused-deputy
 * guidance covers only resource policies (KMS key, SNS topic) and says nothing
 * about the service role's trust policy:
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-service-confused-deputy-prevention.html
 * A StringEquals on a key the service does not send fails closed, which would
 * stop every backup job. The risk is already bounded because AWS Backup only
 * uses a role that a caller with iam:PassRole in this account hands to it.
 * accountId and partition are validated so this can change without touching callers.
 */
export function backupServiceTrustPolicy(args: BackupServiceTrustPolicyArgs): PolicyDocument {
    assertAccountId(args.accountId);
    assertPartition(args.partition ?? "aws");
    return serviceTrustPolicy("OnlyAwsBackupAssumesRole", "backup.amazonaws.com");
}

/**
 * AWS managed policies for the backup role. The default AWS Backup service
 * role carries the first two (backup and restore across services):
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html#default-service-roles
 * Amazon S3 backup and restore permissions come in their own pair of AWS
 * managed policies, which sit at the root path, not under service-role/
 * (each ARN is as printed on its reference page):
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForBackup.html
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForRestores.html
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForS3Backup.html
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForS3Restore.html
 */
export function backupServiceManagedPolicyArns(partition: string): string[] {
    assertPartition(partition);
    const awsManaged = `arn:${partition}:iam::aws:policy`;
    return [
        `${awsManaged}/service-role/AWSBackupServiceRolePolicyForBackup`,
        `${awsManaged}/service-role/AWSBackupServiceRolePolicyForRestores`,
        `${awsManaged}/AWSBackupServiceRolePolicyForS3Backup`,
        `${awsManaged}/AWSBackupServiceRolePolicyForS3Restore`,
    ];
}
