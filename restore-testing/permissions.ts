/**
 * What the validation function may call, as plain data: the IAM actions of each validator by AWS Backup resource type,
 * and the calls every invocation makes. The role policy (policies/restore-validator-role.ts) is built from this table
 * and the validators declare the same lists; a test checks both against the SDK commands the handler really sends.
 * Plain data, so the Pulumi program reads it without loading the SDK clients.
 */

/** IAM actions per resource type that has a validator. */
export const VALIDATOR_ACTIONS: Readonly<Record<string, readonly string[]>> = {
    S3: ["s3:ListBucket", "s3:GetObject"],
    EBS: ["ec2:DescribeVolumes"],
    EC2: ["ec2:DescribeInstances", "ec2:DescribeInstanceStatus"],
    RDS: ["rds:DescribeDBInstances"],
    Aurora: ["rds:DescribeDBClusters"],
    DynamoDB: ["dynamodb:DescribeTable", "dynamodb:Scan"],
    EFS: ["elasticfilesystem:DescribeFileSystems"],
};

/** Every invocation: read the job (authoritative plan, type and resource), then record the verdict. */
export const REPORTING_ACTIONS: readonly string[] = ["backup:DescribeRestoreJob", "backup:PutRestoreValidationResult"];

/** Resource types with a validator. */
export const VALIDATED_TYPES: readonly string[] = Object.keys(VALIDATOR_ACTIONS);
