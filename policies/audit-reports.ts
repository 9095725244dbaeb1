/**
 * Policies of Backup Audit Manager's report bucket, of the key that encrypts it, and of the AWS Config recorder role
 * the platform creates when asked to.
 */
import { accountRootAdministersKey, deploymentRoleMaintainsKey } from "./backup-key-policy";
import { assertAccountId, assertPartition, assertRegionInPartition, assertRoleArn, parseArn } from "./arn";
import { denyInsecureTransport, serviceTrustPolicy, type PolicyDocument, type PolicyStatement } from "./policy-document";

/** Backup Audit Manager writes reports as its service-linked role. https://docs.aws.amazon.com/aws-backup/latest/devguide/using-service-linked-roles-AWSServiceRoleForBackupReports.html */
export function backupReportsRoleArn(partition: string, accountId: string): string {
    assertPartition(partition);
    assertAccountId(accountId);
    return `arn:${partition}:iam::${accountId}:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports`;
}

/**
 * The service-linked role exists only once Audit Manager has delivered its first report, and a policy naming a role
 * that does not exist is refused ("Invalid principal"), so it is named by aws:PrincipalArn: the same exact role, and
 * the policy applies on the first deployment.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-console.html
 */
const asBackupReportsRole = (roleArn: string) => ({ ArnEquals: { "aws:PrincipalArn": roleArn } });

/**
 * The report bucket: Backup Audit Manager may put reports, with the bucket-owner-full-control ACL its documentation
 * requires, and nothing reaches the bucket over plain HTTP.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-console.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
 */
export function reportBucketPolicy(args: { bucketArn: string; partition: string; accountId: string }): PolicyDocument {
    const bucket = parseArn(args.bucketArn);
    if (bucket.service !== "s3" || bucket.region !== "" || bucket.accountId !== "") throw new Error(`Not an S3 bucket ARN: ${args.bucketArn}`);
    const role = backupReportsRoleArn(args.partition, args.accountId);
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "BackupAuditManagerPutsReports",
                Effect: "Allow",
                Principal: "*",
                Action: "s3:PutObject",
                Resource: `${args.bucketArn}/*`,
                Condition: { ...asBackupReportsRole(role), StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
            },
            denyInsecureTransport(args.bucketArn),
        ],
    };
}

/**
 * The report bucket's key: Backup Audit Manager's role needs kms:GenerateDataKey and kms:Decrypt to write encrypted
 * reports, through S3 only.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-api.html
 */
export function reportKeyPolicy(args: { partition: string; accountId: string; region: string; deploymentRoleArn: string }): PolicyDocument {
    const { partition, accountId, region, deploymentRoleArn } = args;
    assertRegionInPartition(region, partition);
    assertRoleArn(deploymentRoleArn, "deploymentRoleArn", { partition, accountId });
    const reportsRole: PolicyStatement = {
        Sid: "BackupAuditManagerEncryptsReportsThroughS3",
        Effect: "Allow",
        Principal: "*",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: { ...asBackupReportsRole(backupReportsRoleArn(partition, accountId)), StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
    };
    return { Version: "2012-10-17", Statement: [accountRootAdministersKey(partition, accountId), deploymentRoleMaintainsKey(deploymentRoleArn), reportsRole] };
}

/**
 * Trust policy of the AWS Config recorder role: only AWS Config of this account assumes it.
 * https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html
 */
export function configRecorderTrustPolicy(accountId: string): PolicyDocument {
    assertAccountId(accountId);
    return serviceTrustPolicy("AwsConfigOfThisAccountAssumesRole", "config.amazonaws.com", { sourceAccount: accountId });
}

/**
 * What the recorder role needs besides the AWS managed AWS_ConfigRole policy: deliver configuration snapshots and
 * history to its prefix of the report bucket, encrypted with the bucket's key.
 * https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html#iam-role-policies-S3-bucket
 */
export function configDeliveryPolicy(args: { bucketArn: string; keyPrefix: string; accountId: string; reportKeyArn: string }): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "ReadReportBucketAcl", Effect: "Allow", Action: "s3:GetBucketAcl", Resource: args.bucketArn },
            {
                Sid: "DeliverToConfigPrefix",
                Effect: "Allow",
                Action: "s3:PutObject",
                Resource: `${args.bucketArn}/${args.keyPrefix}/AWSLogs/${args.accountId}/*`,
                Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
            },
            { Sid: "EncryptWithReportKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: args.reportKeyArn },
        ],
    };
}

/** AWS managed policy of AWS Config recorder roles. https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWS_ConfigRole.html */
export function configRecorderManagedPolicyArn(partition: string): string {
    assertPartition(partition);
    return `arn:${partition}:iam::aws:policy/service-role/AWS_ConfigRole`;
}
