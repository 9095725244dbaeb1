import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { VaultLockModel } from "../config/model";
import { backupVaultAccessPolicy, serializePolicy } from "../policies";

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
                        backupVaultAccessPolicy({ vaultArn, breakGlassRoleArn: args.breakGlassRoleArn, deploymentRoleArn: args.deploymentRoleArn }),
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
        this.arn = vault.arn;
        this.vaultName = vault.name;
        this.registerOutputs({ arn: this.arn, vaultName: this.vaultName });
    }
}
