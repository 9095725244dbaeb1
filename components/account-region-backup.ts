import * as pulumi from "@pulumi/pulumi";
import { AccountRegionModel } from "../config/model";
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
    /** Tags for every resource. */
    tags: Record<string, string>;
}

/** The complete AWS Backup setup of one account in one region: region settings, KMS key, vaults, plans and selections. */
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
                tags: args.tags,
            },
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
