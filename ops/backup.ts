/**
 * AWS Backup recovery: on-demand backups into a tier's vault, recovery points of a resource (in the account and in the
 * central vault), copying one back from the central vault, and restore jobs followed to completion.
 */
import {
    BackupClient,
    DescribeCopyJobCommand,
    DescribeRestoreJobCommand,
    GetRecoveryPointRestoreMetadataCommand,
    paginateListRecoveryPointsByBackupVault,
    paginateListRecoveryPointsByResource,
    StartBackupJobCommand,
    StartCopyJobCommand,
    StartRestoreJobCommand,
} from "@aws-sdk/client-backup";
import { TAG_TIER } from "../config/constants";
import { AccountModel, arns, EnvironmentModel, PlanModel } from "../config/model";
import { clientConfig, Target } from "./clients";
import { attempt, EXIT, OpsError } from "./errors";
import { Io } from "./io";

export interface RecoveryPoint {
    arn: string;
    vaultName: string;
    /** "local" (the account's own vault) or "central". */
    location: "local" | "central";
    created: Date;
    status: string;
    resourceType?: string;
    /** Continuous backups (point-in-time restore) have a parent-less recovery point that moves forward. */
    continuous: boolean;
}

/** The tier's plan in one of the account's regions, or an error naming the tiers it has. */
export function tierPlan(account: AccountModel, region: string, tier: string): PlanModel {
    const stamp = account.regions.find((candidate) => candidate.region === region);
    if (!stamp)
        throw new OpsError(`${account.alias} has no backups in ${region} (its regions: ${account.regions.map((r) => r.region).join(", ")})`, EXIT.usage);
    const plan = stamp.plans.find((candidate) => candidate.tier === tier);
    if (!plan) throw new OpsError(`${account.alias} has no tier ${tier} (its tiers: ${stamp.plans.map((p) => p.tier).join(", ")})`, EXIT.usage);
    return plan;
}

/**
 * Starts an on-demand backup of one resource into its tier's vault with the retention of the tier's first periodic
 * rule, as the account's backup service role.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_StartBackupJob.html
 */
export async function startBackup(
    target: Target,
    account: AccountModel,
    resourceArn: string,
    tier: string,
): Promise<{ backupJobId: string; vaultName: string }> {
    const plan = tierPlan(account, target.region, tier);
    const rule = plan.rules.find((candidate) => !candidate.continuousBackup);
    if (!rule) throw new OpsError(`tier ${tier} has only continuous rules; an on-demand backup needs a periodic rule's retention`, EXIT.usage);
    const client = new BackupClient(clientConfig(target));
    const result = await attempt(`starting a backup of ${resourceArn} into ${plan.vaultName}`, () =>
        client.send(
            new StartBackupJobCommand({
                BackupVaultName: plan.vaultName,
                ResourceArn: resourceArn,
                IamRoleArn: account.backupRole.arn,
                StartWindowMinutes: rule.startWindowMinutes,
                CompleteWindowMinutes: rule.completionWindowMinutes,
                Lifecycle: rule.lifecycle
                    ? {
                          MoveToColdStorageAfterDays: rule.lifecycle.coldStorageAfterDays,
                          DeleteAfterDays: rule.lifecycle.deleteAfterDays,
                          OptInToArchiveForSupportedResources: rule.lifecycle.optInToArchiveForSupportedResources,
                      }
                    : undefined,
                RecoveryPointTags: { ...rule.recoveryPointTags, [TAG_TIER]: tier },
            }),
        ),
    );
    return { backupJobId: result.BackupJobId ?? "", vaultName: plan.vaultName };
}

/** Recovery points of a resource in the account (every vault), newest first. */
export async function localRecoveryPoints(target: Target, resourceArn: string): Promise<RecoveryPoint[]> {
    const client = new BackupClient(clientConfig(target));
    const points: RecoveryPoint[] = [];
    await attempt(`listing recovery points of ${resourceArn}`, async () => {
        for await (const page of paginateListRecoveryPointsByResource({ client }, { ResourceArn: resourceArn })) {
            for (const point of page.RecoveryPoints ?? []) {
                points.push({
                    arn: point.RecoveryPointArn ?? "",
                    vaultName: point.BackupVaultName ?? "",
                    location: "local",
                    created: point.CreationDate ?? new Date(0),
                    status: point.Status ?? "UNKNOWN",
                    continuous: isContinuous(point.RecoveryPointArn),
                });
            }
        }
    });
    return newestFirst(points);
}

/** Recovery points of a resource in the central vault of a region (run with the central account's credentials). */
export async function centralRecoveryPoints(target: Target, model: EnvironmentModel, resourceArn: string): Promise<RecoveryPoint[]> {
    const vaultArn = model.central.vaultArnByRegion[target.region];
    if (!vaultArn)
        throw new OpsError(`the central account has no vault in ${target.region} (central regions: ${model.central.regions.join(", ")})`, EXIT.usage);
    const client = new BackupClient(clientConfig(target));
    const points: RecoveryPoint[] = [];
    await attempt(`listing recovery points of ${resourceArn} in ${vaultArn}`, async () => {
        const input = { BackupVaultName: model.central.vaultName, BackupVaultAccountId: model.central.accountId, ByResourceArn: resourceArn };
        for await (const page of paginateListRecoveryPointsByBackupVault({ client }, input)) {
            for (const point of page.RecoveryPoints ?? []) {
                points.push({
                    arn: point.RecoveryPointArn ?? "",
                    vaultName: point.BackupVaultName ?? model.central.vaultName,
                    location: "central",
                    created: point.CreationDate ?? new Date(0),
                    status: point.Status ?? "UNKNOWN",
                    resourceType: point.ResourceType,
                    continuous: isContinuous(point.RecoveryPointArn),
                });
            }
        }
    });
    return newestFirst(points);
}

/** AWS Backup names a continuous recovery point with "continuous" in its ARN (e.g. RDS and S3 point-in-time recovery). */
const isContinuous = (arn: string | undefined) => /continuous/.test(arn ?? "");

const newestFirst = (points: RecoveryPoint[]) => points.sort((a, b) => b.created.getTime() - a.created.getTime());

/**
 * The recovery point to restore: the newest completed one, or with `before`, the newest completed one created at or
 * before that time (a continuous recovery point restores to the time itself, given as RestoreTime).
 */
export function chooseRecoveryPoint(points: RecoveryPoint[], before?: Date): RecoveryPoint {
    const usable = points.filter((point) => point.status === "COMPLETED" && (before === undefined || point.created.getTime() <= before.getTime()));
    if (usable.length === 0) {
        const when = before ? ` created before ${before.toISOString()}` : "";
        throw new OpsError(`no completed recovery point${when} (found ${points.length} in all); list them with "backup list"`, EXIT.notFound);
    }
    return newestFirst(usable)[0];
}

/**
 * Copies a recovery point from the central vault back into the account's vault of the same region, run with the
 * central account's credentials as its backup role (the path when the account's own recovery points are gone).
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_StartCopyJob.html
 */
export async function copyBack(
    target: Target,
    model: EnvironmentModel,
    account: AccountModel,
    recoveryPointArn: string,
    vaultKey: string,
    centralRoleArn?: string,
): Promise<{ copyJobId: string; destinationVaultArn: string }> {
    const stamp = account.regions.find((candidate) => candidate.region === target.region);
    const vault = stamp?.vaults.find((candidate) => candidate.key === vaultKey);
    if (!vault) throw new OpsError(`${account.alias} has no vault ${vaultKey} in ${target.region}`, EXIT.usage);
    if (!model.central.vaultArnByRegion[target.region]) throw new OpsError(`the central account has no vault in ${target.region}`, EXIT.usage);
    const client = new BackupClient(clientConfig(target));
    const iamRoleArn = centralRoleArn ?? arns.role(model.partition, model.central.accountId, model.roles.backupServiceRoleName);
    const result = await attempt(`copying ${recoveryPointArn} back to ${vault.arn}`, () =>
        client.send(
            new StartCopyJobCommand({
                RecoveryPointArn: recoveryPointArn,
                SourceBackupVaultName: model.central.vaultName,
                DestinationBackupVaultArn: vault.arn,
                IamRoleArn: iamRoleArn,
            }),
        ),
    );
    return { copyJobId: result.CopyJobId ?? "", destinationVaultArn: vault.arn };
}

export interface RestoreRequest {
    recoveryPoint: RecoveryPoint;
    /** The account's backup service role, which AWS Backup restores as. */
    iamRoleArn: string;
    /** Overrides of the metadata AWS Backup returns for the recovery point (new names, KMS keys, ...). */
    metadata: Record<string, string>;
    /** Item-level restore: paths (EFS) or keys and prefixes (S3), sent as ItemsToRestore. */
    items: string[];
    /** A point in time to restore a continuous recovery point to. */
    restoreTime?: Date;
}

/**
 * Starts a restore job: the recovery point's own restore metadata, then the operator's overrides and items.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_StartRestoreJob.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-efs.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-s3.html
 */
export async function startRestore(target: Target, request: RestoreRequest): Promise<{ restoreJobId: string; metadata: Record<string, string> }> {
    const client = new BackupClient(clientConfig(target));
    const { recoveryPoint } = request;
    const stored = await attempt(`reading the restore metadata of ${recoveryPoint.arn}`, () =>
        client.send(new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: recoveryPoint.vaultName, RecoveryPointArn: recoveryPoint.arn })),
    );
    const metadata: Record<string, string> = { ...(stored.RestoreMetadata ?? {}), ...request.metadata };
    if (request.items.length > 0) metadata.ItemsToRestore = JSON.stringify(request.items);
    if (request.restoreTime) metadata.RestoreTime = request.restoreTime.toISOString();
    const result = await attempt(`starting a restore of ${recoveryPoint.arn}`, () =>
        client.send(
            new StartRestoreJobCommand({
                RecoveryPointArn: recoveryPoint.arn,
                IamRoleArn: request.iamRoleArn,
                Metadata: metadata,
                ResourceType: stored.ResourceType,
            }),
        ),
    );
    return { restoreJobId: result.RestoreJobId ?? "", metadata };
}

const DONE = new Set(["COMPLETED", "FAILED", "ABORTED", "PARTIAL"]);

/** Polls a restore job until it ends, reporting progress; fails with the job's status message unless it completed.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeRestoreJob.html */
export async function followRestore(target: Target, restoreJobId: string, io: Io, intervalMs = 15_000): Promise<string> {
    const client = new BackupClient(clientConfig(target));
    for (;;) {
        const job = await attempt(`reading restore job ${restoreJobId}`, () => client.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId })));
        const status = job.Status ?? "UNKNOWN";
        io.err(`restore ${restoreJobId}: ${status}${job.PercentDone ? ` ${job.PercentDone}` : ""}${job.StatusMessage ? ` (${job.StatusMessage})` : ""}`);
        if (DONE.has(status)) {
            if (status !== "COMPLETED") throw new OpsError(`restore job ${restoreJobId} ended ${status}: ${job.StatusMessage ?? "no message"}`, EXIT.failed);
            return job.CreatedResourceArn ?? "";
        }
        await io.sleep(intervalMs);
    }
}

/** Polls a copy job until it ends. https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeCopyJob.html */
export async function followCopy(target: Target, copyJobId: string, io: Io, intervalMs = 15_000): Promise<string> {
    const client = new BackupClient(clientConfig(target));
    for (;;) {
        const { CopyJob: job } = await attempt(`reading copy job ${copyJobId}`, () => client.send(new DescribeCopyJobCommand({ CopyJobId: copyJobId })));
        const state = job?.State ?? "UNKNOWN";
        io.err(`copy ${copyJobId}: ${state}${job?.StatusMessage ? ` (${job.StatusMessage})` : ""}`);
        if (state === "COMPLETED") return job?.DestinationRecoveryPointArn ?? "";
        if (state === "FAILED" || state === "PARTIAL")
            throw new OpsError(`copy job ${copyJobId} ended ${state}: ${job?.StatusMessage ?? "no message"}`, EXIT.failed);
        await io.sleep(intervalMs);
    }
}
