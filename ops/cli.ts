/**
 * `npm run ops -- <command>`: the operator's recovery commands. Each prints what it did, and exits with a code that
 * names the kind of failure (ops/errors.ts: 3 not found, 4 not archived, 5 already in progress, 6 access denied,
 * 7 throttled, 2 usage). `--help` on every command.
 */
import { ResourceGroupsTaggingAPIClient, GetResourcesCommand } from "@aws-sdk/client-resource-groups-tagging-api";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import * as fs from "fs";
import { selectionSelects } from "../config/backup-selection";
import { loadEnvironmentFromFile, stackFilePath } from "../config/load";
import { AccountModel, EnvironmentModel, ProtectedBucketModel } from "../config/model";
import { parseStackName } from "../config/scope";
import {
    centralRecoveryPoints,
    chooseRecoveryPoint,
    copyBack,
    followCopy,
    followRestore,
    localRecoveryPoints,
    RecoveryPoint,
    startBackup,
    startRestore,
} from "./backup";
import { clientConfig, Target } from "./clients";
import { attempt, EXIT, OpsError } from "./errors";
import { Format, FORMATS, render, Row } from "./format";
import { Io, processIo } from "./io";
import { REPORT_COLUMNS, report } from "./report";
import { copyObject, listVersions, readObject, RETRIEVAL_TIERS, RetrievalTier, restoreArchived, restoreStatus, restoreVersion, undelete } from "./s3";

interface Common {
    region: string;
    roleArn?: string;
    format: Format;
}

interface EnvironmentOptions {
    stack: string;
    config?: string;
    account: string;
}

const positiveInt = (value: string) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError("must be a whole number of at least 1");
    return parsed;
};

const time = (value: string) => {
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime())) throw new InvalidArgumentError("must be a time such as 2026-05-01T09:30:00Z");
    return parsed;
};

const keyValue = (value: string, previous: Record<string, string> = {}) => {
    const at = value.indexOf("=");
    if (at < 1) throw new InvalidArgumentError("must be KEY=VALUE");
    return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The environment's model, from its stack file (default Pulumi.<environment>.yaml in the project). */
export function loadModel(projectDir: string, options: { stack: string; config?: string }): EnvironmentModel {
    const environment = parseStackName(options.stack)?.environment ?? options.stack;
    const file = options.config ?? stackFilePath(projectDir, environment);
    if (!fs.existsSync(file)) throw new OpsError(`no stack file ${file}; pass --config`, EXIT.usage);
    const result = loadEnvironmentFromFile(file, environment);
    if (!result.model) {
        const errors = result.findings.filter((finding) => finding.severity === "error");
        throw new OpsError(
            `${file} is invalid (${errors.length} errors; run npm run plan): ${errors.map((f) => `${f.path}: ${f.message}`).join("; ")}`,
            EXIT.usage,
        );
    }
    return result.model;
}

function findAccount(model: EnvironmentModel, aliasOrId: string): AccountModel {
    const account = model.accounts.find((candidate) => candidate.alias === aliasOrId || candidate.id === aliasOrId);
    if (!account)
        throw new OpsError(`no workload account ${aliasOrId} in ${model.environment} (accounts: ${model.accounts.map((a) => a.alias).join(", ")})`, EXIT.usage);
    return account;
}

function findBucket(account: AccountModel, key: string): ProtectedBucketModel {
    const bucket = (account.protectedBuckets ?? []).find((candidate) => candidate.key === key);
    if (!bucket) {
        const keys = (account.protectedBuckets ?? []).map((candidate) => `${candidate.key} (${candidate.region})`);
        throw new OpsError(`${account.alias} has no protected bucket ${key} (it has: ${keys.join(", ") || "none"})`, EXIT.usage);
    }
    return bucket;
}

/** The tier whose selection picks a resource, from the resource's tags, when the operator names none. */
async function inferTier(target: Target, account: AccountModel, resourceArn: string): Promise<string> {
    const client = new ResourceGroupsTaggingAPIClient(clientConfig(target));
    const result = await attempt(`reading the tags of ${resourceArn}`, () => client.send(new GetResourcesCommand({ ResourceARNList: [resourceArn] })));
    const tags = Object.fromEntries((result.ResourceTagMappingList?.[0]?.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""]));
    const stamp = account.regions.find((candidate) => candidate.region === target.region);
    const plain = (list: Array<{ key: string; value: string }>) => list.map(({ key, value }) => ({ key: key.replace(/^aws:ResourceTag\//, ""), value }));
    const matching = (stamp?.plans ?? []).filter((plan) =>
        selectionSelects(
            {
                tags: plan.selection.tags,
                resources: plan.selection.resources,
                notResources: plan.selection.notResources,
                conditions: {
                    stringEquals: plain(plan.selection.conditions.stringEquals),
                    stringLike: plain(plan.selection.conditions.stringLike),
                    stringNotEquals: plain(plan.selection.conditions.stringNotEquals),
                    stringNotLike: plain(plan.selection.conditions.stringNotLike),
                },
            },
            resourceArn,
            tags,
        ),
    );
    const periodic = matching.filter((plan) => plan.rules.some((rule) => !rule.continuousBackup));
    if (periodic.length !== 1) {
        throw new OpsError(
            `${resourceArn} is selected by ${periodic.length === 0 ? "no tier with a periodic rule" : `tiers ${periodic.map((p) => p.tier).join(", ")}`}; name one with --tier`,
            EXIT.usage,
        );
    }
    return periodic[0].tier;
}

const pointRow = (point: RecoveryPoint): Row => ({
    location: point.location,
    vault: point.vaultName,
    created: point.created.toISOString(),
    status: point.status,
    continuous: point.continuous,
    arn: point.arn,
});

/** The program, writing through `io`; `projectDir` is where stack files are found. */
export function buildProgram(io: Io, projectDir: string): Command {
    const program = new Command("ops")
        .description("Recovery commands for the backup platform: S3 versions, Glacier restores, replicas, AWS Backup jobs, and the morning report.")
        .showHelpAfterError()
        .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) });

    const common = (command: Command, region = true) => {
        if (region) command.requiredOption("--region <region>", "AWS region of the bucket or resource");
        return command
            .option("--role-arn <arn>", "role to assume first (in the member account), after the usual credential chain")
            .addOption(new Option("--format <format>", "output format").choices(FORMATS as string[]).default("table"));
    };
    const environment = (command: Command) =>
        command
            .requiredOption("--stack <stack>", "environment whose config names the accounts, tiers and vaults (e.g. prod)")
            .option("--config <file>", "stack file (default Pulumi.<environment>.yaml)")
            .requiredOption("--account <alias|id>", "workload account");

    const s3 = program.command("s3").description("S3 object recovery: versions, undelete, Glacier restores, replica reads");
    common(s3.command("versions").description("list an object's versions and delete markers, newest first"))
        .requiredOption("--bucket <bucket>", "bucket name")
        .requiredOption("--key <key>", "object key")
        .action(async (options: Common & { bucket: string; key: string }) => {
            const versions = await listVersions({ ...options });
            const rows = versions.map((v) => ({
                versionId: v.versionId,
                latest: v.isLatest,
                deleteMarker: v.deleteMarker,
                lastModified: v.lastModified.toISOString(),
                size: v.size,
                storageClass: v.storageClass,
            }));
            io.out(render(rows, ["versionId", "latest", "deleteMarker", "lastModified", "size", "storageClass"], options.format));
        });
    common(s3.command("restore-version").description("make an earlier version current again (copies it onto the key; history is kept)"))
        .requiredOption("--bucket <bucket>", "bucket name")
        .requiredOption("--key <key>", "object key")
        .requiredOption("--version-id <id>", "version to bring back (see s3 versions)")
        .action(async (options: Common & { bucket: string; key: string; versionId: string }) => {
            const result = await restoreVersion(options, options.versionId);
            io.out(`restored version ${options.versionId} of s3://${options.bucket}/${options.key} as new version ${result.newVersionId ?? "(unversioned)"}`);
        });
    common(s3.command("undelete").description("bring back a deleted object (copies its newest data version; --remove-marker deletes the marker)"))
        .requiredOption("--bucket <bucket>", "bucket name")
        .requiredOption("--key <key>", "object key")
        .option("--remove-marker", "delete the delete marker itself (s3:DeleteObjectVersion: break-glass only on protected buckets)")
        .action(async (options: Common & { bucket: string; key: string; removeMarker?: boolean }) => {
            const result = await undelete(options, { removeMarker: options.removeMarker });
            io.out(`undeleted s3://${options.bucket}/${options.key}: ${result.action}`);
        });
    common(s3.command("restore-archived").description("restore an archived object (Glacier Flexible Retrieval, Deep Archive, Intelligent-Tiering archive)"))
        .requiredOption("--bucket <bucket>", "bucket name")
        .requiredOption("--key <key>", "object key")
        .option("--version-id <id>", "version (default: current)")
        .addOption(new Option("--tier <tier>", "retrieval tier").choices(RETRIEVAL_TIERS as string[]).default("Standard"))
        .option("--days <days>", "days the restored copy stays readable", positiveInt, 7)
        .action(async (options: Common & { bucket: string; key: string; versionId?: string; tier: RetrievalTier; days: number }) => {
            const status = await restoreArchived(options, { tier: options.tier, days: options.days, versionId: options.versionId });
            io.out(
                `restore of s3://${options.bucket}/${options.key} from ${status.archiveStatus ?? status.storageClass} started (${options.tier}); follow it with s3 restore-status`,
            );
        });
    common(s3.command("restore-status").description("show whether an object is archived and where its restore stands"))
        .requiredOption("--bucket <bucket>", "bucket name")
        .requiredOption("--key <key>", "object key")
        .option("--version-id <id>", "version (default: current)")
        .action(async (options: Common & { bucket: string; key: string; versionId?: string }) => {
            const status = await restoreStatus(options, options.versionId);
            const state = !status.archived
                ? "not archived"
                : status.ongoing
                  ? "restore in progress"
                  : status.expiry
                    ? `restored until ${status.expiry}`
                    : "archived, not restored";
            io.out(
                render(
                    [{ storageClass: status.storageClass, archiveStatus: status.archiveStatus, state }],
                    ["storageClass", "archiveStatus", "state"],
                    options.format,
                ),
            );
        });
    environment(common(s3.command("replica-get").description("read an object from a protected bucket's replica (the source region is down)"), false))
        .requiredOption("--bucket-key <key>", "protected bucket key under protectedBuckets")
        .requiredOption("--key <key>", "object key")
        .option("--version-id <id>", "replica version")
        .option("--output <file>", "write the object here instead of standard output")
        .action(async (options: Omit<Common, "region"> & EnvironmentOptions & { bucketKey: string; key: string; versionId?: string; output?: string }) => {
            const replica = replicaOf(loadModel(projectDir, options), options);
            const object = await readObject(
                { bucket: replica.bucketName, key: options.key, region: replica.region, roleArn: options.roleArn },
                options.versionId,
            );
            if (options.output) {
                fs.writeFileSync(options.output, object.body);
                io.err(`wrote ${object.body.length} bytes of s3://${replica.bucketName}/${options.key} (${replica.region}) to ${options.output}`);
            } else {
                io.out(Buffer.from(object.body).toString("utf8"));
            }
        });
    environment(
        common(
            s3.command("replica-copy").description("copy an object from the replica to another bucket (for example a new source in a healthy region)"),
            false,
        ),
    )
        .requiredOption("--bucket-key <key>", "protected bucket key under protectedBuckets")
        .requiredOption("--key <key>", "object key")
        .requiredOption("--to-bucket <bucket>", "destination bucket")
        .requiredOption("--to-region <region>", "destination bucket's region")
        .option("--to-key <key>", "destination key (default: the same key)")
        .option("--version-id <id>", "replica version")
        .action(
            async (
                options: Omit<Common, "region"> &
                    EnvironmentOptions & { bucketKey: string; key: string; toBucket: string; toRegion: string; toKey?: string; versionId?: string },
            ) => {
                const replica = replicaOf(loadModel(projectDir, options), options);
                const result = await copyObject(
                    { bucket: replica.bucketName, key: options.key, region: replica.region },
                    { bucket: options.toBucket, key: options.toKey ?? options.key, region: options.toRegion, roleArn: options.roleArn },
                    options.versionId,
                );
                io.out(
                    `copied s3://${replica.bucketName}/${options.key} to s3://${options.toBucket}/${options.toKey ?? options.key} (version ${result.versionId ?? "-"})`,
                );
            },
        );

    const backup = program.command("backup").description("AWS Backup: on-demand backups, recovery points, copy back from the central vault, restores");
    environment(common(backup.command("start").description("start an on-demand backup of a resource into its tier's vault")))
        .requiredOption("--resource-arn <arn>", "resource to back up")
        .option("--tier <tier>", "tier whose vault and retention to use (default: the tier whose selection picks the resource)")
        .action(async (options: Common & EnvironmentOptions & { resourceArn: string; tier?: string }) => {
            const account = findAccount(loadModel(projectDir, options), options.account);
            const tier = options.tier ?? (await inferTier(options, account, options.resourceArn));
            const result = await startBackup(options, account, options.resourceArn, tier);
            io.out(`backup job ${result.backupJobId} started: ${options.resourceArn} into ${result.vaultName} (tier ${tier})`);
        });
    environment(common(backup.command("list").description("list a resource's recovery points, in the account and (with --central) in the central vault")))
        .requiredOption("--resource-arn <arn>", "resource whose recovery points to list")
        .option("--central", "also list the central vault's copies (needs --central-role-arn or central-account credentials)")
        .option("--central-role-arn <arn>", "role to assume in the central account")
        .action(async (options: Common & EnvironmentOptions & { resourceArn: string; central?: boolean; centralRoleArn?: string }) => {
            const model = loadModel(projectDir, options);
            findAccount(model, options.account);
            const points = await localRecoveryPoints(options, options.resourceArn);
            if (options.central)
                points.push(...(await centralRecoveryPoints({ region: options.region, roleArn: options.centralRoleArn }, model, options.resourceArn)));
            io.out(render(points.map(pointRow), ["location", "vault", "created", "status", "continuous", "arn"], options.format));
        });
    environment(common(backup.command("copy-back").description("copy a recovery point from the central vault back into the account's vault")))
        .requiredOption("--recovery-point-arn <arn>", "recovery point in the central vault (see backup list --central)")
        .requiredOption("--vault <key>", "destination vault key under vaults (e.g. standard)")
        .option("--central-role-arn <arn>", "role to assume in the central account, which starts the copy")
        .option("--iam-role-arn <arn>", "role AWS Backup copies as (default: the central account's backup service role)")
        .option("--wait", "follow the copy job to completion")
        .action(
            async (
                options: Common &
                    EnvironmentOptions & { recoveryPointArn: string; vault: string; centralRoleArn?: string; iamRoleArn?: string; wait?: boolean },
            ) => {
                const model = loadModel(projectDir, options);
                const account = findAccount(model, options.account);
                const central = { region: options.region, roleArn: options.centralRoleArn };
                const result = await copyBack(central, model, account, options.recoveryPointArn, options.vault, options.iamRoleArn);
                io.out(`copy job ${result.copyJobId} started: ${options.recoveryPointArn} to ${result.destinationVaultArn}`);
                if (options.wait) io.out(`copied: ${await followCopy(central, result.copyJobId, io)}`);
            },
        );
    environment(common(backup.command("restore").description("restore a resource from its latest recovery point, or the one closest before --before")))
        .requiredOption("--resource-arn <arn>", "resource to restore")
        .option("--recovery-point-arn <arn>", "restore exactly this recovery point")
        .option("--before <time>", "use the newest recovery point created at or before this time", time)
        .option("--point-in-time", "with --before and a continuous recovery point: restore to that exact time (RestoreTime)")
        .option("--metadata <key=value>", "restore metadata to set or override (repeatable), e.g. DestinationBucketName=..., newFileSystem=true", keyValue, {})
        .option("--item <path>", "item-level restore: an EFS path or an S3 key or prefix (repeatable)", collect, [])
        .option("--wait", "follow the restore job to completion with progress")
        .action(
            async (
                options: Common &
                    EnvironmentOptions & {
                        resourceArn: string;
                        recoveryPointArn?: string;
                        before?: Date;
                        pointInTime?: boolean;
                        metadata: Record<string, string>;
                        item: string[];
                        wait?: boolean;
                    },
            ) => {
                const account = findAccount(loadModel(projectDir, options), options.account);
                const points = await localRecoveryPoints(options, options.resourceArn);
                const chosen = options.recoveryPointArn
                    ? points.find((point) => point.arn === options.recoveryPointArn)
                    : chooseRecoveryPoint(points, options.before);
                if (!chosen) throw new OpsError(`${options.recoveryPointArn} is not a recovery point of ${options.resourceArn} in this account`, EXIT.notFound);
                if (options.pointInTime && !(options.before && chosen.continuous)) {
                    throw new OpsError("--point-in-time needs --before and a continuous recovery point", EXIT.usage);
                }
                const result = await startRestore(options, {
                    recoveryPoint: chosen,
                    iamRoleArn: account.backupRole.arn,
                    metadata: options.metadata,
                    items: options.item,
                    restoreTime: options.pointInTime ? options.before : undefined,
                });
                io.out(`restore job ${result.restoreJobId} started from ${chosen.arn} (${chosen.created.toISOString()})`);
                if (options.wait) io.out(`restored: ${await followRestore(options, result.restoreJobId, io)}`);
            },
        );

    program
        .command("report")
        .description("failed backup and copy jobs, and resources whose newest recovery point is older than their tier allows, across an environment")
        .requiredOption("--stack <stack>", "environment (e.g. prod)")
        .option("--config <file>", "stack file (default Pulumi.<environment>.yaml)")
        .option("--hours <hours>", "failed jobs of the last N hours", positiveInt, 24)
        .option("--role-name <name>", "role to assume in every workload account (read-only access to AWS Backup and tags)")
        .option("--concurrency <n>", "account-regions read at once", positiveInt, 8)
        .addOption(new Option("--format <format>", "output format").choices(FORMATS as string[]).default("table"))
        .action(async (options: { stack: string; config?: string; hours: number; roleName?: string; concurrency: number; format: Format }) => {
            const rows = await report(loadModel(projectDir, options), { ...options, now: io.now() });
            io.out(rows.length === 0 && options.format === "table" ? "nothing failed and nothing is stale" : render(rows, REPORT_COLUMNS, options.format));
            const failure = rows.find((row) => row.kind === "error");
            if (failure) throw new OpsError(`${rows.filter((row) => row.kind === "error").length} account-region(s) could not be read`, EXIT.failed);
        });
    return program;
}

function replicaOf(model: EnvironmentModel, options: { account: string; bucketKey: string }) {
    const bucket = findBucket(findAccount(model, options.account), options.bucketKey);
    if (!bucket.replication) throw new OpsError(`protected bucket ${options.bucketKey} has no replica (no replication in config)`, EXIT.usage);
    return bucket.replication;
}

/** Runs one command line; resolves to its exit code. */
export async function runOps(argv: string[], io: Io = processIo, projectDir = process.cwd()): Promise<number> {
    const program = buildProgram(io, projectDir);
    program.exitOverride();
    program.commands.forEach(function override(command: Command): void {
        command.exitOverride();
        command.commands.forEach(override);
    });
    try {
        await program.parseAsync(argv, { from: "user" });
        return EXIT.ok;
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
        const failure = error instanceof OpsError ? error : new OpsError(String((error as Error)?.message ?? error), EXIT.failed);
        io.err(`error: ${failure.message}`);
        return failure.exitCode;
    }
}

if (require.main === module) {
    runOps(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
