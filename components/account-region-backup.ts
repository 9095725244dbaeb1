import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountRegionModel, arns } from "../config/model";
import { failedJobsEventPattern, serializePolicy, vaultNotificationTopicPolicy } from "../policies";
import { BackupKey } from "./backup-key";
import { BackupPlan } from "./backup-plan";
import { BackupVault } from "./backup-vault";
import { backupRegionSettings } from "./region-settings";
import { componentType } from "../config/constants";

/** Arguments of an {@link AccountRegionBackup}. */
export interface AccountRegionBackupArgs {
    /** Account the stamp is deployed into. */
    accountId: string;
    /** ARN partition of the account. */
    partition: string;
    /** What to create in this region: region settings, key, vaults, plans. */
    stamp: AccountRegionModel;
    /** ARN of the account's AWS Backup service role. */
    backupRoleArn: pulumi.Input<string>;
    /** ARN of the only role allowed to delete recovery points or vaults. */
    breakGlassRoleArn: string;
    /** ARN of the role deployments run as. */
    deploymentRoleArn: string;
    /** The central backup account, whose copy-back jobs write into this stamp's vaults for restores. */
    centralAccountId: string;
    /** ARN of the account's role that EventBridge assumes to forward events to the central bus. */
    eventsRoleArn: pulumi.Input<string>;
    /** Tags for every resource. */
    tags: Record<string, string>;
}

/**
 * The complete AWS Backup setup of one account in one region: region settings, KMS key, vaults, plans and selections,
 * the vaults' notification topic, and the rule that forwards failed jobs to the central event bus. The last two are
 * plain resources of this component rather than components of their own: every registration here is repeated for each
 * account-region of the organization.
 */
export class AccountRegionBackup extends pulumi.ComponentResource {
    public readonly keyArn: pulumi.Output<string>;
    /** Vault ARNs by vault key. */
    public readonly vaultArns: Record<string, pulumi.Output<string>>;
    /** Plan ids by tier. */
    public readonly planIds: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: AccountRegionBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("stamp", "AccountRegionBackup"), name, {}, opts);
        const { stamp } = args;
        // Before any plan: a selected resource of a type that is not opted in is skipped without an error.
        const settings = backupRegionSettings(`${name}-region-settings`, stamp.region, stamp.regionSettings, { parent: this });
        const key = new BackupKey(
            `${name}-kms`,
            {
                region: stamp.region,
                accountId: args.accountId,
                partition: args.partition,
                backupRoleArn: args.backupRoleArn,
                deploymentRoleArn: args.deploymentRoleArn,
                aliasName: stamp.key.aliasName,
                description: stamp.key.description,
                copyBackAccountId: args.centralAccountId,
                encryptsNotificationTopic: true,
                tags: args.tags,
            },
            { parent: this },
        );
        // AWS Backup notifies only topics of the vault's own account, so each account-region has its own, encrypted
        // with the region's backup key. https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-notifications.html
        const topicArn = arns.snsTopic(args.partition, stamp.region, args.accountId, stamp.notifications.topicName);
        const topic = new aws.sns.Topic(
            `${name}-notifications`,
            {
                region: stamp.region,
                name: stamp.notifications.topicName,
                kmsMasterKeyId: key.arn,
                policy: serializePolicy(vaultNotificationTopicPolicy(topicArn)),
                tags: args.tags,
            },
            { parent: this },
        );
        // Failed jobs reach the platform team through the central bus, whatever the vault.
        // https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html
        const rule = new aws.cloudwatch.EventRule(
            `${name}-failed-jobs`,
            {
                region: stamp.region,
                name: stamp.eventForwarding.ruleName,
                description: "Forwards failed AWS Backup jobs to the central event bus",
                eventPattern: JSON.stringify(failedJobsEventPattern()),
                tags: args.tags,
            },
            { parent: this },
        );
        new aws.cloudwatch.EventTarget(
            `${name}-failed-jobs-to-central`,
            { region: stamp.region, rule: rule.name, targetId: "central-event-bus", arn: stamp.eventForwarding.eventBusArn, roleArn: args.eventsRoleArn },
            { parent: this },
        );
        const vaults = new Map(
            stamp.vaults.map((vault) => [
                vault.key,
                new BackupVault(
                    `${name}-vault-${vault.key}`,
                    {
                        region: stamp.region,
                        vaultName: vault.name,
                        kmsKeyArn: key.arn,
                        breakGlassRoleArn: args.breakGlassRoleArn,
                        deploymentRoleArn: args.deploymentRoleArn,
                        lock: vault.lock,
                        copyBackAccountIds: [args.centralAccountId],
                        notifications: { topicArn: topic.arn, events: stamp.notifications.events },
                        tags: args.tags,
                    },
                    { parent: this },
                ),
            ]),
        );
        const vaultByName = new Map(stamp.vaults.map((vault) => [vault.name, vaults.get(vault.key)!]));
        this.planIds = {};
        for (const plan of stamp.plans) {
            const target = vaultByName.get(plan.vaultName);
            if (!target) throw new Error(`AccountRegionBackup ${name}: plan ${plan.name} targets vault ${plan.vaultName}, which this stamp does not create`);
            const backupPlan = new BackupPlan(
                `${name}-tier-${plan.tier}`,
                { region: stamp.region, plan, targetVaultName: target.vaultName, backupRoleArn: args.backupRoleArn, tags: args.tags },
                { parent: this, dependsOn: settings ? [settings] : [] },
            );
            this.planIds[plan.tier] = backupPlan.planId;
        }
        this.keyArn = key.arn;
        this.vaultArns = Object.fromEntries([...vaults].map(([vaultKey, vault]) => [vaultKey, vault.arn]));
        this.registerOutputs({ keyArn: this.keyArn, vaultArns: this.vaultArns, planIds: this.planIds });
    }
}
