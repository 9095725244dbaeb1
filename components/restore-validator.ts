import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { RestoreTestingRegionModel, RestoreValidatorSettings } from "../config/model";
import { deadLetterQueuePolicy, lambdaTrustPolicy, restoreValidatorPolicy, serializePolicy } from "../policies";
import type { ValidatorBundle } from "../restore-testing/bundle";
import { BACKUP_EVENT_SOURCE, METRIC_NAMESPACE, METRICS, PLAN_ARNS_ENV, RESTORE_JOB_DETAIL_TYPE, SERVICE_NAME } from "../restore-testing/constants";

/** Arguments of a {@link RestoreValidator}. */
export interface RestoreValidatorArgs {
    accountId: string;
    partition: string;
    /** Permissions boundary the role carries (the deployment role may only create roles that carry it). */
    permissionsBoundaryArn: string;
    /** The account-region's restore testing names, resource types and alert topic. */
    stamp: RestoreTestingRegionModel;
    settings: RestoreValidatorSettings;
    /** ARNs of the restore testing plans whose completed jobs the function validates (and only those). */
    planArns: pulumi.Input<string>[];
    /** The bundled handler (restore-testing/bundle.ts); a promise, so the plan waits for the build. */
    bundle: Promise<ValidatorBundle>;
    tags: Record<string, string>;
}

/** Seconds between alarm evaluations; restore tests run daily or less often, so five minutes is prompt enough. */
const ALARM_PERIOD_SECONDS = 300;
/** SQS keeps a message at most 14 days. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html */
const MAX_MESSAGE_RETENTION_SECONDS = 1_209_600;

/**
 * The validation Lambda of one account-region and everything around it: its least-privilege role, its log group
 * with retention, an EventBridge rule that matches only completed jobs of our restore testing plans, a dead-letter
 * queue for events that could not be processed, and alarms to the central alert topic.
 */
export class RestoreValidator extends pulumi.ComponentResource {
    public readonly functionArn: pulumi.Output<string>;

    constructor(name: string, args: RestoreValidatorArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("restore", "RestoreValidator"), name, {}, opts);
        const { stamp, partition, accountId, tags } = args;
        const region = stamp.region;
        const logGroupArn = `arn:${partition}:logs:${region}:${accountId}:log-group:${stamp.logGroupName}`;

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: stamp.validatorRole.name,
                description: `Runs the restore validation Lambda in ${region}`,
                assumeRolePolicy: serializePolicy(lambdaTrustPolicy()),
                permissionsBoundary: args.permissionsBoundaryArn,
                tags,
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                role: role.name,
                name: `restore-validation-${region}`,
                policy: serializePolicy(
                    restoreValidatorPolicy({
                        partition,
                        region,
                        accountId,
                        resourceTypes: stamp.resourceTypes,
                        logGroupArn,
                        deadLetterQueueArn: stamp.deadLetterQueueArn,
                    }),
                ),
            },
            { parent: this },
        );
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { region, name: stamp.logGroupName, retentionInDays: args.settings.logRetentionDays, tags },
            { parent: this },
        );
        const queue = new aws.sqs.Queue(
            `${name}-dlq`,
            { region, name: stamp.deadLetterQueueName, messageRetentionSeconds: MAX_MESSAGE_RETENTION_SECONDS, sqsManagedSseEnabled: true, tags },
            { parent: this },
        );

        const fn = new aws.lambda.Function(
            `${name}-function`,
            {
                region,
                name: stamp.functionName,
                description: pulumi
                    .output(args.bundle)
                    .apply((bundle) => `Validates AWS Backup restore tests (bundle ${bundle.bytes} bytes, sha256 ${bundle.sha256})`),
                // The role's ARN only once its policy is in place, so the function never runs without its permissions.
                role: pulumi.all([role.arn, policy.id]).apply(([arn]) => arn),
                runtime: aws.lambda.Runtime.NodeJS22dX,
                architectures: ["arm64"],
                handler: "index.handler",
                code: pulumi.output(args.bundle).apply((bundle) => new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(bundle.file) })),
                // The bundle is reproducible, so an unchanged handler means an unchanged hash and no update.
                sourceCodeHash: pulumi.output(args.bundle).apply((bundle) => bundle.sha256Base64),
                timeout: args.settings.timeoutSeconds,
                memorySize: args.settings.memoryMb,
                environment: { variables: { [PLAN_ARNS_ENV]: pulumi.all(args.planArns).apply((arns) => arns.join(",")) } },
                deadLetterConfig: { targetArn: queue.arn },
                tags,
            },
            { parent: this, dependsOn: [logGroup] },
        );

        // Only completed jobs of our plans: restore jobs of other plans and of manual restores never reach the function.
        // https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-validation.html
        const rule = new aws.cloudwatch.EventRule(
            `${name}-rule`,
            {
                region,
                name: stamp.ruleName,
                description: "Completed restore jobs of the platform's restore testing plans, to the validation Lambda",
                eventPattern: pulumi.all(args.planArns).apply((arns) =>
                    JSON.stringify({
                        source: [BACKUP_EVENT_SOURCE],
                        "detail-type": [RESTORE_JOB_DETAIL_TYPE],
                        detail: { status: ["COMPLETED"], restoreTestingPlanArn: [...arns].sort() },
                    }),
                ),
                tags,
            },
            { parent: this },
        );
        new aws.sqs.QueuePolicy(
            `${name}-dlq-policy`,
            {
                region,
                queueUrl: queue.url,
                policy: pulumi.all([queue.arn, rule.arn]).apply(([queueArn, ruleArn]) => serializePolicy(deadLetterQueuePolicy({ queueArn, ruleArn }))),
            },
            { parent: this },
        );
        const permission = new aws.lambda.Permission(
            `${name}-invoke`,
            { region, action: "lambda:InvokeFunction", function: fn.name, principal: "events.amazonaws.com", sourceArn: rule.arn, sourceAccount: accountId },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-target`,
            { region, rule: rule.name, targetId: "restore-validator", arn: fn.arn, deadLetterConfig: { arn: queue.arn } },
            { parent: this, dependsOn: [permission] },
        );

        if (stamp.alertTopicArn) {
            const alarm = (
                suffix: string,
                description: string,
                metric: { namespace: string; metricName: string; dimensions: Record<string, pulumi.Input<string>>; statistic: string },
            ) =>
                new aws.cloudwatch.MetricAlarm(
                    `${name}-alarm-${suffix}`,
                    {
                        region,
                        name: `${stamp.functionName}-${suffix}`,
                        alarmDescription: description,
                        ...metric,
                        period: ALARM_PERIOD_SECONDS,
                        evaluationPeriods: 1,
                        threshold: 0,
                        comparisonOperator: "GreaterThanThreshold",
                        // No restore tests, no data: that is not an alarm.
                        treatMissingData: "notBreaching",
                        alarmActions: [stamp.alertTopicArn!],
                        tags,
                    },
                    { parent: this },
                );
            const custom = (metricName: string) => ({ namespace: METRIC_NAMESPACE, metricName, dimensions: { service: SERVICE_NAME }, statistic: "Sum" });
            alarm("validation-failed", `A restored resource in ${region} failed validation: its backup is not proven restorable`, custom(METRICS.failed));
            alarm("validation-timed-out", `A restored resource in ${region} did not become usable within the validation budget`, custom(METRICS.timedOut));
            alarm("errors", `The restore validation Lambda in ${region} failed to run`, {
                namespace: "AWS/Lambda",
                metricName: "Errors",
                dimensions: { FunctionName: fn.name },
                statistic: "Sum",
            });
            alarm("dead-letters", `Restore job events in ${region} could not be processed and wait in the dead-letter queue`, {
                namespace: "AWS/SQS",
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: queue.name },
                statistic: "Maximum",
            });
        }
        this.functionArn = fn.arn;
        this.registerOutputs({ functionArn: this.functionArn });
    }
}
