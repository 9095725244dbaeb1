import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { CentralAccountModel } from "../config/model";
import {
    alertKeyPolicy,
    alertTopicPolicy,
    centralBackupKeyPolicy,
    centralEventBusPolicy,
    centralVaultAccessPolicy,
    failedJobsEventPattern,
    serializePolicy,
} from "../policies";
import { BackupKey, KEY_DELETION_WINDOW_DAYS } from "./backup-key";
import { BackupVault } from "./backup-vault";

/** Arguments of a {@link CentralRegionBackup}. */
export interface CentralRegionBackupArgs {
    /** Central region this stamp is deployed into. */
    region: string;
    /** The central account: names, ARNs, lock, copy sources, alerts. */
    central: CentralAccountModel;
    /** ARN partition of the account. */
    partition: string;
    /** ARN of the central account's AWS Backup service role; pass the role's output so the key waits for it. */
    backupRoleArn: pulumi.Input<string>;
    /** Tags for every resource. */
    tags: Record<string, string>;
}

/**
 * What the central backup account has in one region: the central vault with its own customer-managed key and lock,
 * the logically air-gapped vault where configured, and the alerting path (event bus that accepts the organization's
 * failed-job events, the rule that routes them to the encrypted alert topic, its subscriptions, and the alarm).
 */
export class CentralRegionBackup extends pulumi.ComponentResource {
    public readonly vaultArn: pulumi.Output<string>;
    public readonly keyArn: pulumi.Output<string>;
    public readonly airGappedVaultArn?: pulumi.Output<string>;
    public readonly alertTopicArn: pulumi.Output<string>;
    public readonly eventBusArn: pulumi.Output<string>;

    constructor(name: string, args: CentralRegionBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("central", "CentralRegionBackup"), name, {}, opts);
        const { central, region, partition } = args;
        const accountId = central.accountId;
        const deploymentRoleArn = central.target.deploymentRoleArn;
        const { copySources } = central.backup;
        const key = new BackupKey(
            `${name}-kms`,
            {
                region,
                accountId,
                partition,
                backupRoleArn: args.backupRoleArn,
                deploymentRoleArn,
                aliasName: central.backup.key.aliasName,
                description: central.backup.key.description,
                tags: args.tags,
                policy: (backupRoleArn) =>
                    centralBackupKeyPolicy({
                        partition,
                        accountId,
                        region,
                        backupRoleArn,
                        deploymentRoleArn,
                        organizationId: copySources.organizationId,
                        organizationalUnitPaths: copySources.organizationalUnitPaths,
                        restoreRoleArns: (central.restoreTesting?.regions ?? [])
                            .filter((stamp) => stamp.region === region)
                            .map((stamp) => stamp.restoreRole.arn),
                    }),
            },
            { parent: this },
        );
        const accessPolicy = (vaultArn: string) =>
            centralVaultAccessPolicy({
                vaultArn,
                breakGlassRoleArn: central.backup.breakGlassRoleArn,
                deploymentRoleArn,
                organizationId: copySources.organizationId,
                organizationalUnitPaths: copySources.organizationalUnitPaths,
            });
        const vault = new BackupVault(
            `${name}-central-vault`,
            {
                region,
                vaultName: central.vaultName,
                kmsKeyArn: key.arn,
                breakGlassRoleArn: central.backup.breakGlassRoleArn,
                deploymentRoleArn,
                lock: central.backup.vaultLock,
                accessPolicy,
                tags: args.tags,
            },
            { parent: this },
        );
        const airGapped = central.backup.airGappedVault;
        if (airGapped?.regions.includes(region)) {
            // Its lock (compliance mode, these retention bounds) is part of the vault; its recovery points are encrypted
            // with an AWS owned key, which no account can disable or schedule for deletion.
            // https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html
            const lag = new aws.backup.LogicallyAirGappedVault(
                `${name}-air-gapped-vault`,
                { region, name: airGapped.name, minRetentionDays: airGapped.minRetentionDays, maxRetentionDays: airGapped.maxRetentionDays, tags: args.tags },
                { parent: this, protect: true, retainOnDelete: true },
            );
            new aws.backup.VaultPolicy(
                `${name}-air-gapped-vault-policy`,
                { region, backupVaultName: lag.name, policy: lag.arn.apply((arn) => serializePolicy(accessPolicy(arn))) },
                { parent: this },
            );
            this.airGappedVaultArn = lag.arn;
        }

        const alerts = central.alerts;
        const alertKey = new aws.kms.Key(
            `${name}-alerts-key`,
            {
                region,
                description: `Encrypts the backup platform's alert topic in account ${accountId}`,
                enableKeyRotation: true,
                deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
                policy: serializePolicy(
                    alertKeyPolicy({ partition, accountId, region, deploymentRoleArn, alarmSourceAccountIds: alerts.alarmSourceAccountIds }),
                ),
                tags: args.tags,
            },
            { parent: this, protect: true, retainOnDelete: true },
        );
        new aws.kms.Alias(`${name}-alerts-key-alias`, { region, name: alerts.keyAliasName, targetKeyId: alertKey.keyId }, { parent: this });
        const topicArn = central.alertTopicArnByRegion[region];
        const topic = new aws.sns.Topic(
            `${name}-alerts`,
            {
                region,
                name: alerts.topicName,
                kmsMasterKeyId: alertKey.arn,
                policy: serializePolicy(
                    alertTopicPolicy({
                        topicArn,
                        eventRuleArn: alerts.ruleArnByRegion[region],
                        alarmArnPattern: alerts.platformAlarmArnPatternByRegion[region],
                        alarmSourceAccountIds: alerts.alarmSourceAccountIds,
                    }),
                ),
                tags: args.tags,
            },
            { parent: this },
        );
        alerts.subscriptions.forEach((subscription, index) => {
            new aws.sns.TopicSubscription(
                `${name}-alerts-subscription-${index + 1}`,
                { region, topic: topic.arn, protocol: subscription.protocol, endpoint: subscription.endpoint },
                { parent: this },
            );
        });
        const bus = new aws.cloudwatch.EventBus(
            `${name}-event-bus`,
            { region, name: alerts.eventBusName, description: "Failed AWS Backup jobs of every workload account-region", tags: args.tags },
            { parent: this },
        );
        new aws.cloudwatch.EventBusPolicy(
            `${name}-event-bus-policy`,
            {
                region,
                eventBusName: bus.name,
                policy: bus.arn.apply((eventBusArn) => serializePolicy(centralEventBusPolicy({ eventBusArn, organizationId: copySources.organizationId }))),
            },
            { parent: this },
        );
        const rule = new aws.cloudwatch.EventRule(
            `${name}-failed-jobs`,
            {
                region,
                name: alerts.ruleName,
                eventBusName: bus.name,
                description: "Routes failed AWS Backup jobs from the organization to the alert topic",
                eventPattern: JSON.stringify(failedJobsEventPattern()),
                tags: args.tags,
            },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-failed-jobs-to-alerts`,
            { region, rule: rule.name, eventBusName: bus.name, targetId: "alert-topic", arn: topic.arn },
            { parent: this },
        );
        // Rules on a custom bus publish their metrics with both the bus and the rule name as dimensions.
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
        new aws.cloudwatch.MetricAlarm(
            `${name}-failed-jobs-alarm`,
            {
                region,
                name: alerts.alarmName,
                alarmDescription: "AWS Backup jobs failed somewhere in the organization (events routed by the central failed-jobs rule)",
                namespace: "AWS/Events",
                metricName: "TriggeredRules",
                dimensions: { EventBusName: alerts.eventBusName, RuleName: alerts.ruleName },
                statistic: "Sum",
                period: alerts.alarmPeriodSeconds,
                evaluationPeriods: 1,
                threshold: alerts.alarmThreshold,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                treatMissingData: "notBreaching",
                alarmActions: [topic.arn],
                tags: args.tags,
            },
            { parent: this, dependsOn: [rule] },
        );
        this.vaultArn = vault.arn;
        this.keyArn = key.arn;
        this.alertTopicArn = topic.arn;
        this.eventBusArn = bus.arn;
        this.registerOutputs({ vaultArn: this.vaultArn, keyArn: this.keyArn, alertTopicArn: this.alertTopicArn, eventBusArn: this.eventBusArn });
    }
}
