import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { VaultLockModel } from "../config/model";
import { backupVaultAccessPolicy, PolicyDocument, serializePolicy } from "../policies";

/** Arguments of a {@link BackupVault}. */
export interface BackupVaultArgs {
    /** AWS region the vault lives in. */
    region: string;
    /** Physical vault name; deterministic so copy actions and policies elsewhere can name it. */
    vaultName: string;
    /** ARN of the customer-managed KMS key that encrypts the vault's recovery points. */
    kmsKeyArn: pulumi.Input<string>;
    /** ARN of the only role allowed to delete recovery points or the vault. */
    breakGlassRoleArn: string;
    /** ARN of the role deployments run as, which may update the vault's access policy. */
    deploymentRoleArn: string;
    /** Optional AWS Backup Vault Lock. */
    lock?: VaultLockModel;
    /** Tags for the vault. */
    tags: Record<string, string>;
    /** Accounts whose copy jobs may copy into this vault (the central account's copy-back for restores). */
    copyBackAccountIds?: string[];
    /** A policy other than a workload vault's (a central vault's), given the vault's ARN. */
    accessPolicy?: (vaultArn: string) => PolicyDocument;
    /** SNS topic (of the vault's account and region) notified of these vault events. */
    notifications?: { topicArn: pulumi.Input<string>; events: string[] };
}

/** A KMS-encrypted backup vault with an access policy that blocks deletion, and an optional vault lock. */
export class BackupVault extends pulumi.ComponentResource {
    public readonly arn: pulumi.Output<string>;
    public readonly vaultName: pulumi.Output<string>;

    constructor(name: string, args: BackupVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("backup", "BackupVault"), name, {}, opts);
        if (!args.kmsKeyArn) {
            throw new Error(`BackupVault ${name}: pass kmsKeyArn, the customer-managed key that encrypts the vault`);
        }
        const vault = new aws.backup.Vault(
            `${name}-vault`,
            { region: args.region, name: args.vaultName, kmsKeyArn: args.kmsKeyArn, forceDestroy: false, tags: args.tags },
            { parent: this, protect: true, retainOnDelete: true },
        );
        new aws.backup.VaultPolicy(
            `${name}-policy`,
            {
                region: args.region,
                backupVaultName: vault.name,
                policy: vault.arn.apply((vaultArn) =>
                    serializePolicy(
                        args.accessPolicy
                            ? args.accessPolicy(vaultArn)
                            : backupVaultAccessPolicy({
                                  vaultArn,
                                  breakGlassRoleArn: args.breakGlassRoleArn,
                                  deploymentRoleArn: args.deploymentRoleArn,
                                  copyBackAccountIds: args.copyBackAccountIds,
                              }),
                    ),
                ),
            },
            { parent: this },
        );
        if (args.lock) {
            new aws.backup.VaultLockConfiguration(
                `${name}-lock`,
                {
                    region: args.region,
                    backupVaultName: vault.name,
                    minRetentionDays: args.lock.minRetentionDays,
                    maxRetentionDays: args.lock.maxRetentionDays,
                    // Setting changeableForDays is what makes a lock compliance mode.
                    changeableForDays: args.lock.mode === "compliance" ? args.lock.changeableForDays : undefined,
                },
                { parent: this, protect: true, retainOnDelete: true },
            );
        }
        if (args.notifications) {
            // https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-notifications.html
            new aws.backup.VaultNotifications(
                `${name}-notifications`,
                { region: args.region, backupVaultName: vault.name, snsTopicArn: args.notifications.topicArn, backupVaultEvents: args.notifications.events },
                { parent: this },
            );
        }
        this.arn = vault.arn;
        this.vaultName = vault.name;
        this.registerOutputs({ arn: this.arn, vaultName: this.vaultName });
    }
}
