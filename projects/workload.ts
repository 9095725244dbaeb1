/**
 * The workload program: AWS Backup in one workload account, across its regions.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountBackup } from "../components/account-backup";
import { ProtectedBucket } from "../components/protected-bucket";
import { TYPE } from "../components/resource-types";
import { restoreTestingIn, RESTORE_TESTING_RESOURCE_TYPES } from "../components/restore-testing";
import { S3BackupTiering } from "../components/s3-backup-tiering";
import { ScheduledBackup } from "../components/scheduled-backup";
import { deploymentSessionName } from "../config/constants";
import { AccountModel } from "../config/model";
import { validatorBundle } from "../restore-testing/bundle";

/** The types of every workload account's AWS Backup stamp. */
const WORKLOAD_BACKUP_TYPES: readonly string[] = [
    TYPE.regionSettings,
    TYPE.key,
    TYPE.alias,
    TYPE.vault,
    TYPE.vaultPolicy,
    TYPE.vaultLock,
    TYPE.plan,
    TYPE.selection,
    TYPE.role,
    TYPE.rolePolicyAttachment,
    TYPE.bucket,
    TYPE.bucketPublicAccessBlock,
    TYPE.bucketVersioning,
    TYPE.bucketEncryption,
    TYPE.bucketPolicy,
    TYPE.bucketLifecycle,
    TYPE.bucketNotification,
    TYPE.bucketIntelligentTiering,
    TYPE.bucketObjectLock,
    TYPE.bucketReplication,
    TYPE.rolePolicy,
    TYPE.schedule,
    TYPE.backupTiering,
    TYPE.vaultNotifications,
    TYPE.topic,
    TYPE.eventRule,
    TYPE.eventTarget,
];

/** Every resource type the workload program creates: the deployment role in workload accounts may manage exactly these. */
export const WORKLOAD_RESOURCE_TYPES: readonly string[] = [
    ...WORKLOAD_BACKUP_TYPES,
    // Only in accounts that restoreTesting.accounts lists.
    ...RESTORE_TESTING_RESOURCE_TYPES.filter((type) => !WORKLOAD_BACKUP_TYPES.includes(type)),
];

/** The types the workload deployment role needs: restore testing's only when some workload account runs it. */
export function workloadDeploymentTypes(restoreTesting: boolean): string[] {
    return [...(restoreTesting ? WORKLOAD_RESOURCE_TYPES : WORKLOAD_BACKUP_TYPES)];
}

export interface WorkloadOutputs {
    alias: string;
    backupRoleArn: pulumi.Output<string>;
    regions: Record<
        string,
        { keyArn: pulumi.Output<string>; vaultArns: Record<string, pulumi.Output<string>>; planIds: Record<string, pulumi.Output<string>> }
    >;
}

/** Deploys AWS Backup into one workload account through that account's provider. */
export function deployWorkload(
    account: AccountModel,
    context: { partition: string; tags: Record<string, string>; stack: string },
    provider: aws.Provider,
): WorkloadOutputs {
    const stamp = new AccountBackup(account.alias, { account, partition: context.partition, tags: context.tags }, { provider });
    deployS3Protection(account, context, provider, stamp);
    const restoreTesting = account.restoreTesting;
    for (const region of restoreTesting?.regions ?? []) {
        const settings = {
            accountId: account.id,
            partition: context.partition,
            permissionsBoundaryArn: account.target.permissionsBoundaryArn,
            tags: context.tags,
            settings: restoreTesting!.validator,
            bundle: validatorBundle(),
        };
        restoreTestingIn(account.alias, settings, region, { provider });
    }
    return {
        alias: account.alias,
        backupRoleArn: stamp.backupRoleArn,
        regions: Object.fromEntries(
            Object.entries(stamp.regions).map(([region, regional]) => [
                region,
                { keyArn: regional.keyArn, vaultArns: regional.vaultArns, planIds: regional.planIds },
            ]),
        ),
    };
}

/**
 * Protected buckets, their vaults' tiering and scheduled backups: only what the account's config asks for, so an
 * account without any registers nothing more.
 */
function deployS3Protection(
    account: AccountModel,
    context: { partition: string; tags: Record<string, string>; stack: string },
    provider: aws.Provider,
    stamp: AccountBackup,
): void {
    const backupRoleArn = stamp.backupRoleArn;
    for (const bucket of account.protectedBuckets ?? []) {
        new ProtectedBucket(
            `${account.alias}-${bucket.region}-bucket-${bucket.key}`,
            {
                bucket,
                accountId: account.id,
                partition: context.partition,
                permissionsBoundaryArn: account.target.permissionsBoundaryArn,
                backupRoleArn,
                deploymentRoleArn: account.deploymentRoleArn,
                breakGlassRoleArn: account.breakGlassRoleArn,
                tags: context.tags,
            },
            { provider },
        );
    }
    for (const tiering of account.s3BackupTiering ?? []) {
        new S3BackupTiering(
            `${account.alias}-${tiering.region}-backup-tiering-${tiering.vaultName}`,
            {
                tiering,
                accountId: account.id,
                deploymentRoleArn: account.deploymentRoleArn,
                sessionName: deploymentSessionName(context.stack),
                tags: context.tags,
            },
            // The vault must exist before AWS Backup accepts its tiering configuration.
            { dependsOn: [stamp] },
        );
    }
    for (const scheduled of account.scheduledBackups ?? []) {
        new ScheduledBackup(
            `${account.alias}-${scheduled.region}-scheduled-backup-${scheduled.key}`,
            { scheduled, accountId: account.id, partition: context.partition, permissionsBoundaryArn: account.target.permissionsBoundaryArn, backupRoleArn, tags: context.tags },
            { provider },
        );
    }
}
