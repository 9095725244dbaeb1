/**
 * Policies of the alerting path: each workload vault notifies an SNS topic of its own account, each workload
 * account-region forwards failed-job events to the central event bus, and the central bus routes them to the alert
 * topic, which the failed-jobs alarm also notifies.
 */
import { accountRootAdministersKey, deploymentRoleMaintainsKey, servicePublishesToEncryptedTopic } from "./backup-key-policy";
import { assertAccountId, assertRegionInPartition, assertRoleArn, parseArn } from "./arn";
import { serviceTrustPolicy, type PolicyDocument, type PolicyStatement } from "./policy-document";

/** Job states that mean a job did not do its work; restore jobs report `status`, backup and copy jobs `state`.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html */
export const FAILED_JOB_STATES = ["FAILED", "ABORTED", "EXPIRED", "PARTIAL"] as const;

/**
 * EventBridge pattern of failed backup, copy and restore jobs, the same on every workload default bus and on the
 * central bus (forwarded events keep their source and detail type).
 * https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-backup.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-complex-example-or
 */
export function failedJobsEventPattern(): Record<string, unknown> {
    return {
        source: ["aws.backup"],
        "detail-type": ["Backup Job State Change", "Copy Job State Change", "Restore Job State Change"],
        detail: { $or: [{ state: [...FAILED_JOB_STATES] }, { status: [...FAILED_JOB_STATES] }] },
    };
}

function assertTopicArn(topicArn: string) {
    const topic = parseArn(topicArn);
    if (topic.service !== "sns" || topic.resource.length === 0) throw new Error(`Not an SNS topic ARN: ${topicArn}`);
    assertAccountId(topic.accountId);
    return topic;
}

/**
 * The vault-notification topic of a workload account-region: AWS Backup publishes to it on behalf of this account's
 * vaults only (AWS Backup notifies no topic of another account).
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-notifications.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-service-confused-deputy-prevention.html
 */
export function vaultNotificationTopicPolicy(topicArn: string): PolicyDocument {
    const topic = assertTopicArn(topicArn);
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AwsBackupPublishesForThisAccountsVaults",
                Effect: "Allow",
                Principal: { Service: "backup.amazonaws.com" },
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: { StringEquals: { "aws:SourceAccount": topic.accountId } },
            },
        ],
    };
}

/**
 * The central alert topic: only the central bus's failed-jobs rule and the platform's own alarms (named with the
 * prefix: the failed-jobs alarm, restore testing's alarms) in the listed accounts publish to it.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 * https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html#source-account-versus-source-owner
 */
export function alertTopicPolicy(args: { topicArn: string; eventRuleArn: string; alarmArnPattern: string; alarmSourceAccountIds: string[] }): PolicyDocument {
    assertTopicArn(args.topicArn);
    const publish = (Sid: string, service: string, sourceArn: string): PolicyStatement => ({
        Sid,
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sns:Publish",
        Resource: args.topicArn,
        Condition: { ArnEquals: { "aws:SourceArn": sourceArn } },
    });
    return {
        Version: "2012-10-17",
        Statement: [
            publish("FailedJobsRulePublishes", "events.amazonaws.com", args.eventRuleArn),
            {
                Sid: "PlatformAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: args.topicArn,
                Condition: { ArnLike: { "aws:SourceArn": args.alarmArnPattern }, StringEquals: { "aws:SourceAccount": [...args.alarmSourceAccountIds] } },
            },
        ],
    };
}

/** The key of the central alert topic: EventBridge and CloudWatch publish to the encrypted topic. */
export function alertKeyPolicy(args: {
    partition: string;
    accountId: string;
    region: string;
    deploymentRoleArn: string;
    /** Accounts whose alarms publish to the topic this key encrypts. */
    alarmSourceAccountIds: string[];
}): PolicyDocument {
    const { partition, accountId, region, deploymentRoleArn } = args;
    assertAccountId(accountId);
    assertRegionInPartition(region, partition);
    assertRoleArn(deploymentRoleArn, "deploymentRoleArn", { partition, accountId });
    return {
        Version: "2012-10-17",
        Statement: [
            accountRootAdministersKey(partition, accountId),
            deploymentRoleMaintainsKey(deploymentRoleArn),
            servicePublishesToEncryptedTopic("events.amazonaws.com", accountId),
            servicePublishesToEncryptedTopic("cloudwatch.amazonaws.com", args.alarmSourceAccountIds),
        ],
    };
}

/**
 * The central event bus accepts events from principals of the organization only: the forwarding roles of the
 * workload accounts.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html#eb-event-bus-example-policy-cross-org
 */
export function centralEventBusPolicy(args: { eventBusArn: string; organizationId: string }): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "OrganizationPutsEvents",
                Effect: "Allow",
                Principal: "*",
                Action: "events:PutEvents",
                Resource: args.eventBusArn,
                Condition: { StringEquals: { "aws:PrincipalOrgID": args.organizationId } },
            },
        ],
    };
}

/**
 * Trust policy of the role EventBridge assumes in a workload account to put its events on the central buses: a rule
 * that targets another account's bus, whose policy grants the organization, needs a role in the sending account.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 */
export function eventForwardingTrustPolicy(accountId: string): PolicyDocument {
    assertAccountId(accountId);
    return serviceTrustPolicy("EventBridgeOfThisAccountAssumesRole", "events.amazonaws.com", { sourceAccount: accountId });
}

/** What the forwarding role may do: put events on the central buses, nothing else. */
export function eventForwardingPolicy(eventBusArns: string[]): PolicyDocument {
    for (const arn of eventBusArns) {
        const bus = parseArn(arn);
        if (bus.service !== "events" || !bus.resource.startsWith("event-bus/")) throw new Error(`Not an event bus ARN: ${arn}`);
    }
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "PutEventsOnCentralBuses",
                Effect: "Allow",
                Action: "events:PutEvents",
                Resource: eventBusArns.length === 1 ? eventBusArns[0] : eventBusArns,
            },
        ],
    };
}
