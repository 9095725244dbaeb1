import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { ScheduledBackupModel } from "../config/model";
import { scheduledBackupRolePolicy, schedulerTrustPolicy, serializePolicy } from "../policies";

/** Arguments of a {@link ScheduledBackup}. */
export interface ScheduledBackupArgs {
    /** The schedule, its tier's vault and retention, and its resources, resolved from config. */
    scheduled: ScheduledBackupModel;
    /** Permissions boundary the role carries (the deployment role may only create roles that carry it). */
    permissionsBoundaryArn: string;
    /** Account the schedules live in. */
    accountId: string;
    /** ARN partition of the account. */
    partition: string;
    /** ARN of the account's backup service role; pass the role's output so schedules wait for it. */
    backupRoleArn: pulumi.Input<string>;
    /** Tags for the role (schedules take none). */
    tags: Record<string, string>;
}

/**
 * On-demand AWS Backup jobs on a schedule: one EventBridge Scheduler schedule per resource calls StartBackupJob
 * through the universal target, as a role that may only start jobs into the tier's vault and pass the backup role.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_StartBackupJob.html
 */
export class ScheduledBackup extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: ScheduledBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("backup", "ScheduledBackup"), name, {}, opts);
        const { scheduled } = args;
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: scheduled.roleName,
                description: `Starts the scheduled AWS Backup jobs ${scheduled.key}`,
                assumeRolePolicy: serializePolicy(schedulerTrustPolicy({ accountId: args.accountId })),
                permissionsBoundary: args.permissionsBoundaryArn,
                tags: args.tags,
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                role: role.name,
                name: "start-backup-jobs",
                policy: serializePolicy(scheduledBackupRolePolicy({ vaultArn: scheduled.vaultArn, backupRoleArn: scheduled.backupRoleArn })),
            },
            { parent: this },
        );
        scheduled.targets.forEach((target, index) => {
            new aws.scheduler.Schedule(
                `${name}-schedule-${index + 1}`,
                {
                    region: scheduled.region,
                    name: target.scheduleName,
                    description: `On-demand backup of ${target.resourceArn} into ${scheduled.vaultName} (tier ${scheduled.tier})`,
                    scheduleExpression: scheduled.schedule,
                    scheduleExpressionTimezone: scheduled.timezone,
                    flexibleTimeWindow: { mode: "OFF" },
                    target: {
                        arn: `arn:${args.partition}:scheduler:::aws-sdk:backup:startBackupJob`,
                        roleArn: role.arn,
                        input: pulumi.output(args.backupRoleArn).apply((iamRoleArn) =>
                            JSON.stringify({
                                BackupVaultName: scheduled.vaultName,
                                ResourceArn: target.resourceArn,
                                IamRoleArn: iamRoleArn,
                                StartWindowMinutes: scheduled.startWindowMinutes,
                                CompleteWindowMinutes: scheduled.completionWindowMinutes,
                                ...(scheduled.lifecycle ? { Lifecycle: startJobLifecycle(scheduled.lifecycle) } : {}),
                                RecoveryPointTags: scheduled.recoveryPointTags,
                            }),
                        ),
                    },
                },
                { parent: this, dependsOn: [policy] },
            );
        });
        this.roleArn = role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}

/** StartBackupJob's Lifecycle, from a tier rule's. https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html */
function startJobLifecycle(lifecycle: NonNullable<ScheduledBackupModel["lifecycle"]>): Record<string, unknown> {
    return {
        ...(lifecycle.coldStorageAfterDays !== undefined ? { MoveToColdStorageAfterDays: lifecycle.coldStorageAfterDays } : {}),
        ...(lifecycle.deleteAfterDays !== undefined ? { DeleteAfterDays: lifecycle.deleteAfterDays } : {}),
        ...(lifecycle.optInToArchiveForSupportedResources !== undefined
            ? { OptInToArchiveForSupportedResources: lifecycle.optInToArchiveForSupportedResources }
            : {}),
    };
}
