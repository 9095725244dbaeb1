/**
 * The central program: what the central backup account needs. In each central region, the region settings that let
 * AWS Backup store copies of every resource type there, the central vault with its key and lock, the air-gapped vault
 * where configured, and the alerting path; once, the AWS Backup service role that copy-back jobs run as, and Backup
 * Audit Manager with its report bucket.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BackupAudit } from "../components/backup-audit";
import { BackupServiceRole } from "../components/backup-service-role";
import { CentralRegionBackup } from "../components/central-region-backup";
import { backupRegionSettings } from "../components/region-settings";
import { TYPE } from "../components/resource-types";
import { restoreTestingIn, RESTORE_TESTING_RESOURCE_TYPES } from "../components/restore-testing";
import { CentralAccountModel } from "../config/model";
import { validatorBundle } from "../restore-testing/bundle";

/** The types of the central account's AWS Backup setup, alerts and audit. */
const CENTRAL_BACKUP_TYPES: readonly string[] = [
    TYPE.regionSettings,
    TYPE.role,
    TYPE.rolePolicyAttachment,
    TYPE.key,
    TYPE.alias,
    TYPE.vault,
    TYPE.vaultPolicy,
    TYPE.vaultLock,
    TYPE.airGappedVault,
    TYPE.topic,
    TYPE.topicSubscription,
    TYPE.eventBus,
    TYPE.eventBusPolicy,
    TYPE.eventRule,
    TYPE.eventTarget,
    TYPE.metricAlarm,
    TYPE.framework,
    TYPE.reportPlan,
    TYPE.bucket,
    TYPE.bucketOwnershipControls,
    TYPE.bucketVersioning,
    TYPE.bucketEncryption,
    TYPE.bucketPublicAccessBlock,
    TYPE.bucketPolicy,
    TYPE.configRecorder,
    TYPE.configDeliveryChannel,
    TYPE.configRecorderStatus,
];

/** Every resource type the central program creates: the deployment role in the central account may manage exactly these. */
export const CENTRAL_RESOURCE_TYPES: readonly string[] = [
    ...CENTRAL_BACKUP_TYPES,
    ...RESTORE_TESTING_RESOURCE_TYPES.filter((type) => !CENTRAL_BACKUP_TYPES.includes(type)),
];

/** The types the central deployment role needs: restore testing's only when the central account runs it. */
export function centralDeploymentTypes(restoreTesting: boolean): string[] {
    return [...(restoreTesting ? CENTRAL_RESOURCE_TYPES : CENTRAL_BACKUP_TYPES)];
}

export interface CentralOutputs {
    alias: string;
    regions: string[];
    /** Central vault ARN by region. */
    vaultArns: Record<string, pulumi.Output<string>>;
    /** Air-gapped vault ARN by region that has one. */
    airGappedVaultArns: Record<string, pulumi.Output<string>>;
    alertTopicArns: Record<string, pulumi.Output<string>>;
    reportBucketArn?: pulumi.Output<string>;
}

export function deployCentral(
    central: CentralAccountModel,
    provider: aws.Provider,
    context: { partition: string; tags: Record<string, string> },
): CentralOutputs {
    for (const region of central.regions) {
        backupRegionSettings(`${central.alias}-${region}-region-settings`, region, central.regionSettings[region], { provider });
    }
    // Copy-back jobs (central vault to a workload vault, for a restore there) are started here and run as this role.
    // https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html
    const role = new BackupServiceRole(
        `${central.alias}-backup-service`,
        {
            accountId: central.accountId,
            partition: context.partition,
            roleName: central.backup.backupRole.name,
            permissionsBoundaryArn: central.target.permissionsBoundaryArn,
            tags: context.tags,
        },
        { provider },
    );
    const outputs: CentralOutputs = { alias: central.alias, regions: [...central.regions], vaultArns: {}, airGappedVaultArns: {}, alertTopicArns: {} };
    for (const region of central.regions) {
        const stamp = new CentralRegionBackup(
            `${central.alias}-${region}`,
            { region, central, partition: context.partition, backupRoleArn: role.arn, tags: context.tags },
            { provider },
        );
        outputs.vaultArns[region] = stamp.vaultArn;
        outputs.alertTopicArns[region] = stamp.alertTopicArn;
        if (stamp.airGappedVaultArn) outputs.airGappedVaultArns[region] = stamp.airGappedVaultArn;
    }
    const restoreTesting = central.restoreTesting;
    for (const stamp of restoreTesting?.regions ?? []) {
        restoreTestingIn(
            central.alias,
            {
                accountId: central.accountId,
                partition: context.partition,
                permissionsBoundaryArn: central.target.permissionsBoundaryArn,
                tags: context.tags,
                settings: restoreTesting!.validator,
                bundle: validatorBundle(),
            },
            stamp,
            { provider },
        );
    }
    if (central.audit) {
        const audit = new BackupAudit(
            `${central.alias}-audit`,
            {
                audit: central.audit,
                accountId: central.accountId,
                partition: context.partition,
                deploymentRoleArn: central.target.deploymentRoleArn,
                permissionsBoundaryArn: central.target.permissionsBoundaryArn,
                tags: context.tags,
            },
            { provider },
        );
        outputs.reportBucketArn = audit.bucketArn;
    }
    return outputs;
}
