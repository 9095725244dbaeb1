import * as pulumi from "@pulumi/pulumi";
// @pulumi/aws has no AWS Backup tiering configuration; @pulumi/aws-native has AWS::Backup::TieringConfiguration.
// Only these two modules are loaded, not the whole package.
import { TieringConfiguration } from "@pulumi/aws-native/backup";
import { Provider as NativeProvider } from "@pulumi/aws-native/provider";
import type { Region as NativeRegion } from "@pulumi/aws-native/types/enums";
import { componentType } from "../config/constants";
import { S3BackupTieringModel } from "../config/model";

/** Arguments of an {@link S3BackupTiering}. */
export interface S3BackupTieringArgs {
    /** The vault's tiering configuration: its selections of buckets and their days. */
    tiering: S3BackupTieringModel;
    /** Account the vault lives in; the aws-native provider refuses any other. */
    accountId: string;
    /** Role deployments assume in the account. */
    deploymentRoleArn: string;
    /** Session name of the deployment, as the account's aws provider uses it. */
    sessionName: string;
    /** Tags for the tiering configuration. */
    tags: Record<string, string>;
}

/**
 * AWS Backup's low-cost warm tier for one vault's S3 backups: recovery points of the selected buckets move there after
 * their number of days in the vault (one way). aws-native resources take their region from their provider, so the
 * component makes one for its account and region, with the same account guard and role as the account's aws provider.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-tiering.html
 */
export class S3BackupTiering extends pulumi.ComponentResource {
    public readonly arn: pulumi.Output<string>;

    constructor(name: string, args: S3BackupTieringArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("backup", "S3BackupTiering"), name, {}, opts);
        const { tiering } = args;
        const provider = new NativeProvider(
            `${name}-aws-native`,
            {
                region: tiering.region as NativeRegion,
                allowedAccountIds: [args.accountId],
                assumeRole: { roleArn: args.deploymentRoleArn, sessionName: args.sessionName },
            },
            { parent: this },
        );
        const configuration = new TieringConfiguration(
            `${name}-configuration`,
            {
                tieringConfigurationName: tiering.name,
                backupVaultName: tiering.vaultName,
                resourceSelection: tiering.selections.map((selection) => ({
                    resourceType: "S3",
                    resources: selection.bucketArns,
                    tieringDownSettingsInDays: selection.tieringDownAfterDays,
                })),
                tieringConfigurationTags: args.tags,
            },
            { parent: this, provider },
        );
        this.arn = configuration.tieringConfigurationArn;
        this.registerOutputs({ arn: this.arn });
    }
}
