/**
 * Policies of the restore testing roles: the validation Lambda's role, which may make exactly the read calls of the
 * validators its selections need plus the calls that read the job and record the verdict, and the trust policies of
 * both roles. Pure functions over plain strings.
 */
import { REPORTING_ACTIONS, VALIDATOR_ACTIONS } from "../restore-testing/permissions";
import { assertAccountId, assertRegionInPartition } from "./arn";
import { serviceTrustPolicy, type PolicyDocument, type PolicyStatement } from "./policy-document";

export interface RestoreValidatorPolicyArgs {
    partition: string;
    region: string;
    accountId: string;
    /** Resource types the region's restore testing selections restore; only their validators' actions are granted. */
    resourceTypes: string[];
    /** ARN of the function's log group (the function writes its log streams there). */
    logGroupArn: string;
    /** ARN of the dead-letter queue that receives events the function could not process. */
    deadLetterQueueArn: string;
}

/**
 * Where each validator's actions may apply. EC2 Describe* calls have no resource-level permissions; the others are
 * held to the function's own account and region (S3 bucket ARNs carry neither, so s3:ResourceAccount does).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceaccount
 */
function validatorStatement(type: string, args: RestoreValidatorPolicyArgs): PolicyStatement {
    const { partition, region, accountId } = args;
    const actions = [...VALIDATOR_ACTIONS[type]];
    const sid = `Validate${type}Restores`;
    switch (type) {
        case "S3":
            return {
                Sid: sid,
                Effect: "Allow",
                Action: actions,
                Resource: [`arn:${partition}:s3:::*`, `arn:${partition}:s3:::*/*`],
                Condition: { StringEquals: { "s3:ResourceAccount": accountId } },
            };
        case "RDS":
            return { Sid: sid, Effect: "Allow", Action: actions, Resource: `arn:${partition}:rds:${region}:${accountId}:db:*` };
        case "Aurora":
            return { Sid: sid, Effect: "Allow", Action: actions, Resource: `arn:${partition}:rds:${region}:${accountId}:cluster:*` };
        case "DynamoDB":
            return { Sid: sid, Effect: "Allow", Action: actions, Resource: `arn:${partition}:dynamodb:${region}:${accountId}:table/*` };
        case "EFS":
            return { Sid: sid, Effect: "Allow", Action: actions, Resource: `arn:${partition}:elasticfilesystem:${region}:${accountId}:file-system/*` };
        default:
            return { Sid: sid, Effect: "Allow", Action: actions, Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": region } } };
    }
}

/** The validation Lambda's permissions in one account-region. Types without a validator add nothing. */
export function restoreValidatorPolicy(args: RestoreValidatorPolicyArgs): PolicyDocument {
    assertAccountId(args.accountId);
    assertRegionInPartition(args.region, args.partition);
    const types = [...new Set(args.resourceTypes)].filter((type) => Object.hasOwn(VALIDATOR_ACTIONS, type)).sort();
    return {
        Version: "2012-10-17",
        Statement: [
            {
                // Neither action has resource-level permissions (no resource types in the Service Authorization Reference).
                // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html
                Sid: "ReadRestoreJobsAndRecordVerdicts",
                Effect: "Allow",
                Action: [...REPORTING_ACTIONS],
                Resource: "*",
                Condition: { StringEquals: { "aws:RequestedRegion": args.region } },
            },
            ...types.map((type) => validatorStatement(type, args)),
            {
                // The log group exists (the component creates it with its retention), so no CreateLogGroup.
                Sid: "WriteOwnLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: `${args.logGroupArn}:*`,
            },
            {
                // Lambda sends events it failed to process to the dead-letter queue as the function's role.
                // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
                Sid: "SendFailedEventsToDeadLetterQueue",
                Effect: "Allow",
                Action: "sqs:SendMessage",
                Resource: args.deadLetterQueueArn,
            },
        ],
    };
}

/** Only Lambda may assume the validation function's role. https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html */
export function lambdaTrustPolicy(): PolicyDocument {
    return serviceTrustPolicy("OnlyLambdaAssumesRole", "lambda.amazonaws.com");
}

/**
 * The dead-letter queue's policy: EventBridge may send events it could not deliver to the function, and only for our
 * rule (aws:SourceArn). https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export function deadLetterQueuePolicy(args: { queueArn: string; ruleArn: string }): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "EventBridgeSendsUndeliveredEventsOfOurRule",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: args.queueArn,
                Condition: { ArnEquals: { "aws:SourceArn": args.ruleArn } },
            },
        ],
    };
}
