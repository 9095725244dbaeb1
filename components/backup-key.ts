import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { backupKeyPolicy, PolicyDocument, serializePolicy } from "../policies";

/** Arguments of a {@link BackupKey}. */
export interface BackupKeyArgs {
    /** AWS region the key lives in. */
    region: string;
    /** Account that owns the key; its root administers it. */
    accountId: string;
    /** ARN partition of the account (aws, aws-cn, aws-us-gov, ...). */
    partition: string;
    /** ARN of the account's AWS Backup service role, which uses the key. Pass the role's output so the key waits for it. */
    backupRoleArn: pulumi.Input<string>;
    /** ARN of the role deployments run as, which maintains the key. */
    deploymentRoleArn: string;
    /** Alias name, "alias/..."; deterministic so other accounts and people can find the key. */
    aliasName: string;
    /** Human description stored on the key. */
    description: string;
    /** Tags for the key. */
    tags: Record<string, string>;
    /** The central backup account, whose copy-back jobs write recovery points encrypted with this key. */
    copyBackAccountId?: string;
    /** Whether the key also encrypts the account-region's vault-notification topic. */
    encryptsNotificationTopic?: boolean;
    /** A policy other than a workload vault key's (the central vault key's), given the backup role's ARN. */
    policy?: (backupRoleArn: string) => PolicyDocument;
}

/** Days KMS waits before deleting a key scheduled for deletion: the maximum, to leave time to notice a mistake.
 * https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html */
export const KEY_DELETION_WINDOW_DAYS = 30;

/** The customer-managed KMS key that encrypts an account's backup vaults in one region, with its alias. */
export class BackupKey extends pulumi.ComponentResource {
    public readonly arn: pulumi.Output<string>;
    public readonly keyId: pulumi.Output<string>;

    constructor(name: string, args: BackupKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("kms", "BackupKey"), name, {}, opts);
        const policy = pulumi.output(args.backupRoleArn).apply((backupRoleArn) =>
            serializePolicy(
                args.policy
                    ? args.policy(backupRoleArn)
                    : backupKeyPolicy({
                          partition: args.partition,
                          accountId: args.accountId,
                          region: args.region,
                          backupRoleArn,
                          deploymentRoleArn: args.deploymentRoleArn,
                          copyBackAccountId: args.copyBackAccountId,
                          encryptsNotificationTopic: args.encryptsNotificationTopic,
                      }),
            ),
        );
        const key = new aws.kms.Key(
            `${name}-key`,
            {
                region: args.region,
                description: args.description,
                enableKeyRotation: true,
                deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
                policy,
                tags: args.tags,
            },
            // Losing this key makes every recovery point it encrypts unreadable.
            { parent: this, protect: true, retainOnDelete: true },
        );
        new aws.kms.Alias(`${name}-alias`, { region: args.region, name: args.aliasName, targetKeyId: key.keyId }, { parent: this });
        this.arn = key.arn;
        this.keyId = key.keyId;
        this.registerOutputs({ arn: this.arn, keyId: this.keyId });
    }
}
