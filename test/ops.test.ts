import {
    BackupClient,
    DescribeRestoreJobCommand,
    GetRecoveryPointRestoreMetadataCommand,
    ListBackupJobsCommand,
    ListCopyJobsCommand,
    ListRecoveryPointsByBackupVaultCommand,
    ListRecoveryPointsByResourceCommand,
    StartBackupJobCommand,
    StartCopyJobCommand,
    StartRestoreJobCommand,
} from "@aws-sdk/client-backup";
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import {
    CopyObjectCommand,
    DeleteObjectCommand,
    GetObjectCommand,
    HeadObjectCommand,
    ListObjectVersionsCommand,
    RestoreObjectCommand,
    S3Client,
} from "@aws-sdk/client-s3";
import { sdkStreamMixin } from "@smithy/util-stream";
import { mockClient } from "aws-sdk-client-mock";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { EXIT } from "../ops/errors";
import { Io } from "../ops/io";
import { runOps } from "../ops/cli";
import { maxScheduleGapMinutes } from "../ops/report";
import { loadStack, PROJECT_DIR } from "./support/graph";

const s3 = mockClient(S3Client);
const backup = mockClient(BackupClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);

/** Runs one ops command line against the mocks; returns its exit code and what it printed. */
async function ops(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (line) => out.push(line), err: (line) => err.push(line), sleep: async () => undefined, now: () => new Date("2026-06-10T08:00:00Z") };
    const code = await runOps(argv, io, PROJECT_DIR);
    return { code, out: out.join("\n"), err: err.join("\n") };
}

const awsError = (name: string, status: number, message = name) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, attempts: 6 } });

const BUCKET = ["--bucket", "docs", "--key", "a/report.pdf", "--region", "eu-west-1"];
const day = (d: number) => new Date(Date.UTC(2026, 5, d));

beforeEach(() => {
    s3.reset();
    backup.reset();
    tagging.reset();
});

describe("ops s3 versions", () => {
    it("lists every version and delete marker of the exact key across pages, newest first", async () => {
        s3.on(ListObjectVersionsCommand, { KeyMarker: undefined })
            .resolves({
                IsTruncated: true,
                NextKeyMarker: "a/report.pdf",
                NextVersionIdMarker: "v2",
                Versions: [
                    { Key: "a/report.pdf", VersionId: "v1", IsLatest: false, LastModified: day(1), Size: 10 },
                    { Key: "a/report.pdf.bak", VersionId: "x", IsLatest: true, LastModified: day(9) },
                ],
            })
            .on(ListObjectVersionsCommand, { KeyMarker: "a/report.pdf", VersionIdMarker: "v2" })
            .resolves({
                IsTruncated: false,
                Versions: [{ Key: "a/report.pdf", VersionId: "v2", IsLatest: false, LastModified: day(2), Size: 12 }],
                DeleteMarkers: [{ Key: "a/report.pdf", VersionId: "dm", IsLatest: true, LastModified: day(3) }],
            });
        const result = await ops("s3", "versions", ...BUCKET, "--format", "json");
        assert.equal(result.code, EXIT.ok);
        const rows = JSON.parse(result.out);
        assert.deepEqual(
            rows.map((r: any) => [r.versionId, r.deleteMarker, r.latest]),
            [
                ["dm", true, true],
                ["v2", false, false],
                ["v1", false, false],
            ],
        );
        assert.equal(s3.commandCalls(ListObjectVersionsCommand).length, 2);
        assert.equal(s3.commandCalls(ListObjectVersionsCommand)[0].args[0].input.Prefix, "a/report.pdf");
    });

    it("exits 3 when the key has no versions", async () => {
        s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false });
        const result = await ops("s3", "versions", ...BUCKET);
        assert.equal(result.code, EXIT.notFound);
        assert.match(result.err, /has no versions/);
    });

    it("exits 6 with a hint on access denied", async () => {
        s3.on(ListObjectVersionsCommand).rejects(awsError("AccessDenied", 403));
        const result = await ops("s3", "versions", ...BUCKET);
        assert.equal(result.code, EXIT.accessDenied);
        assert.match(result.err, /access denied .*--role-arn/);
    });

    it("exits 7 when AWS keeps throttling after the SDK's retries", async () => {
        s3.on(ListObjectVersionsCommand).rejects(awsError("SlowDown", 503, "Please reduce your request rate."));
        const result = await ops("s3", "versions", ...BUCKET);
        assert.equal(result.code, EXIT.throttled);
        assert.match(result.err, /throttled the request \(after 6 attempts\)/);
    });

    it("exits 2 with the usage when a required option is missing", async () => {
        const result = await ops("s3", "versions", "--bucket", "docs");
        assert.equal(result.code, EXIT.usage);
        assert.match(result.err, /required option '--region <region>'/);
    });
});

describe("ops s3 restore-version and undelete", () => {
    const history = {
        IsTruncated: false,
        Versions: [
            { Key: "a/report.pdf", VersionId: "v1", IsLatest: false, LastModified: day(1) },
            { Key: "a/report.pdf", VersionId: "v2", IsLatest: false, LastModified: day(2) },
        ],
        DeleteMarkers: [{ Key: "a/report.pdf", VersionId: "dm", IsLatest: true, LastModified: day(3) }],
    };

    it("copies the chosen version onto the key", async () => {
        s3.on(ListObjectVersionsCommand).resolves(history);
        s3.on(CopyObjectCommand).resolves({ VersionId: "v3" });
        const result = await ops("s3", "restore-version", ...BUCKET, "--version-id", "v1");
        assert.equal(result.code, EXIT.ok, result.err);
        assert.deepEqual(s3.commandCalls(CopyObjectCommand)[0].args[0].input, {
            Bucket: "docs",
            Key: "a/report.pdf",
            CopySource: "docs/a/report.pdf?versionId=v1",
        });
        assert.match(result.out, /as new version v3/);
    });

    it("exits 3 for a version the key does not have, and for a delete marker", async () => {
        s3.on(ListObjectVersionsCommand).resolves(history);
        assert.equal((await ops("s3", "restore-version", ...BUCKET, "--version-id", "v9")).code, EXIT.notFound);
        const marker = await ops("s3", "restore-version", ...BUCKET, "--version-id", "dm");
        assert.equal(marker.code, EXIT.notFound);
        assert.match(marker.err, /delete marker/);
        assert.equal(s3.commandCalls(CopyObjectCommand).length, 0);
    });

    it("undeletes by copying the newest data version, leaving the marker in the history", async () => {
        s3.on(ListObjectVersionsCommand).resolves(history);
        s3.on(CopyObjectCommand).resolves({ VersionId: "v3" });
        const result = await ops("s3", "undelete", ...BUCKET);
        assert.equal(result.code, EXIT.ok, result.err);
        assert.equal(s3.commandCalls(CopyObjectCommand)[0].args[0].input.CopySource, "docs/a/report.pdf?versionId=v2");
        assert.equal(s3.commandCalls(DeleteObjectCommand).length, 0);
    });

    it("with --remove-marker deletes exactly the current delete marker", async () => {
        s3.on(ListObjectVersionsCommand).resolves(history);
        s3.on(DeleteObjectCommand).resolves({});
        const result = await ops("s3", "undelete", ...BUCKET, "--remove-marker");
        assert.equal(result.code, EXIT.ok, result.err);
        assert.deepEqual(s3.commandCalls(DeleteObjectCommand)[0].args[0].input, { Bucket: "docs", Key: "a/report.pdf", VersionId: "dm" });
    });

    it("refuses to undelete an object that is not deleted", async () => {
        s3.on(ListObjectVersionsCommand).resolves({
            IsTruncated: false,
            Versions: [{ Key: "a/report.pdf", VersionId: "v1", IsLatest: true, LastModified: day(1) }],
        });
        const result = await ops("s3", "undelete", ...BUCKET);
        assert.equal(result.code, EXIT.failed);
        assert.match(result.err, /is not deleted/);
    });
});

describe("ops s3 restore-archived and restore-status", () => {
    it("restores a Glacier object with the chosen tier and days", async () => {
        s3.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER" });
        s3.on(RestoreObjectCommand).resolves({});
        const result = await ops("s3", "restore-archived", ...BUCKET, "--tier", "Bulk", "--days", "3");
        assert.equal(result.code, EXIT.ok, result.err);
        assert.deepEqual(s3.commandCalls(RestoreObjectCommand)[0].args[0].input.RestoreRequest, { Days: 3, GlacierJobParameters: { Tier: "Bulk" } });
    });

    it("exits 4 for an object that is not archived", async () => {
        s3.on(HeadObjectCommand).resolves({ StorageClass: "STANDARD_IA" });
        const result = await ops("s3", "restore-archived", ...BUCKET);
        assert.equal(result.code, EXIT.notArchived);
        assert.equal(s3.commandCalls(RestoreObjectCommand).length, 0);
    });

    it("exits 5 when a restore is already in progress, whether seen first or reported by S3", async () => {
        s3.on(HeadObjectCommand).resolves({ StorageClass: "DEEP_ARCHIVE", Restore: 'ongoing-request="true"' });
        assert.equal((await ops("s3", "restore-archived", ...BUCKET)).code, EXIT.inProgress);
        s3.reset();
        s3.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER" });
        s3.on(RestoreObjectCommand).rejects(awsError("RestoreAlreadyInProgress", 409, "Object restore is already in progress"));
        assert.equal((await ops("s3", "restore-archived", ...BUCKET)).code, EXIT.inProgress);
    });

    it("rejects Expedited retrieval from Deep Archive and sends no days for Intelligent-Tiering archives", async () => {
        s3.on(HeadObjectCommand).resolves({ StorageClass: "DEEP_ARCHIVE" });
        assert.equal((await ops("s3", "restore-archived", ...BUCKET, "--tier", "Expedited")).code, EXIT.usage);
        s3.reset();
        s3.on(HeadObjectCommand).resolves({ StorageClass: "INTELLIGENT_TIERING", ArchiveStatus: "ARCHIVE_ACCESS" });
        s3.on(RestoreObjectCommand).resolves({});
        assert.equal((await ops("s3", "restore-archived", ...BUCKET)).code, EXIT.ok);
        assert.deepEqual(s3.commandCalls(RestoreObjectCommand)[0].args[0].input.RestoreRequest, {});
    });

    it("shows a finished restore with its expiry", async () => {
        s3.on(HeadObjectCommand).resolves({ StorageClass: "GLACIER", Restore: 'ongoing-request="false", expiry-date="Fri, 12 Jun 2026 00:00:00 GMT"' });
        const result = await ops("s3", "restore-status", ...BUCKET, "--format", "json");
        assert.deepEqual(JSON.parse(result.out), [{ storageClass: "GLACIER", state: "restored until Fri, 12 Jun 2026 00:00:00 GMT" }]);
    });
});

describe("ops s3 replica reads", () => {
    const replica = loadStack("prod").accounts.find((a) => a.alias === "kyc-prod")!.protectedBuckets![0].replication!;

    it("reads from the replica bucket in the replica's region, found from the environment's config", async () => {
        const body = sdkStreamMixin(Readable.from([Buffer.from("identity document")]));
        s3.on(GetObjectCommand).resolves({ Body: body, VersionId: "r1" });
        const result = await ops("s3", "replica-get", "--stack", "prod", "--account", "kyc-prod", "--bucket-key", "documents", "--key", "k");
        assert.equal(result.code, EXIT.ok, result.err);
        assert.equal(result.out, "identity document");
        assert.equal(s3.commandCalls(GetObjectCommand)[0].args[0].input.Bucket, replica.bucketName);
        assert.equal(await s3.commandCalls(GetObjectCommand)[0].thisValue.config.region(), "eu-central-1");
    });

    it("copies from the replica to a bucket in a healthy region", async () => {
        s3.on(CopyObjectCommand).resolves({ VersionId: "n1" });
        const result = await ops(
            ..."s3 replica-copy --stack prod --account kyc-prod --bucket-key documents --key k --to-bucket rescue --to-region eu-central-1".split(" "),
        );
        assert.equal(result.code, EXIT.ok, result.err);
        assert.deepEqual(s3.commandCalls(CopyObjectCommand)[0].args[0].input, { Bucket: "rescue", Key: "k", CopySource: `${replica.bucketName}/k` });
    });

    it("tells which buckets exist when the key is wrong", async () => {
        const result = await ops("s3", "replica-get", "--stack", "prod", "--account", "kyc-prod", "--bucket-key", "docs", "--key", "k");
        assert.equal(result.code, EXIT.usage);
        assert.match(result.err, /no protected bucket docs \(it has: documents \(eu-west-1\)\)/);
    });
});

describe("ops backup", () => {
    const prod = loadStack("prod");
    const ledger = prod.accounts.find((a) => a.alias === "ledger-prod")!;
    const db = "arn:aws:rds:eu-west-1:510000000006:db:ledger";
    const env = ["--stack", "prod", "--account", "ledger-prod", "--region", "eu-west-1"];

    it("starts an on-demand backup into the tier's vault with its retention and the backup role", async () => {
        backup.on(StartBackupJobCommand).resolves({ BackupJobId: "job-1" });
        const result = await ops("backup", "start", ...env, "--resource-arn", db, "--tier", "monthly");
        assert.equal(result.code, EXIT.ok, result.err);
        const input = backup.commandCalls(StartBackupJobCommand)[0].args[0].input;
        assert.equal(input.BackupVaultName, "acme-backup-standard");
        assert.equal(input.IamRoleArn, ledger.backupRole.arn);
        assert.deepEqual(input.Lifecycle, { MoveToColdStorageAfterDays: 90, DeleteAfterDays: 2555, OptInToArchiveForSupportedResources: true });
    });

    it("infers the tier from the resource's tags when none is named", async () => {
        tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [{ ResourceARN: db, Tags: [{ Key: "backup-tier", Value: "daily" }] }] });
        backup.on(StartBackupJobCommand).resolves({ BackupJobId: "job-2" });
        const result = await ops("backup", "start", ...env, "--resource-arn", db);
        assert.equal(result.code, EXIT.ok, result.err);
        assert.match(result.out, /tier daily/);
        assert.equal(backup.commandCalls(StartBackupJobCommand)[0].args[0].input.Lifecycle?.DeleteAfterDays, 35);
    });

    it("lists local and central recovery points, the central ones from the model's central vault", async () => {
        backup.on(ListRecoveryPointsByResourceCommand).resolves({
            RecoveryPoints: [{ RecoveryPointArn: "rp-local", BackupVaultName: "acme-backup-standard", CreationDate: day(8), Status: "COMPLETED" }],
        });
        backup
            .on(ListRecoveryPointsByBackupVaultCommand)
            .resolves({ RecoveryPoints: [{ RecoveryPointArn: "rp-central", CreationDate: day(7), Status: "COMPLETED" }] });
        const result = await ops("backup", "list", ...env, "--resource-arn", db, "--central", "--format", "json");
        assert.equal(result.code, EXIT.ok, result.err);
        assert.deepEqual(
            JSON.parse(result.out).map((r: any) => [r.location, r.arn]),
            [
                ["local", "rp-local"],
                ["central", "rp-central"],
            ],
        );
        const { BackupVaultName, BackupVaultAccountId, ByResourceArn } = backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)[0].args[0].input;
        assert.deepEqual([BackupVaultName, BackupVaultAccountId, ByResourceArn], [prod.central.vaultName, prod.central.accountId, db]);
    });

    it("copies a recovery point back from the central vault into the account's vault", async () => {
        backup.on(StartCopyJobCommand).resolves({ CopyJobId: "copy-1" });
        const result = await ops("backup", "copy-back", ...env, "--recovery-point-arn", "rp-central", "--vault", "standard");
        assert.equal(result.code, EXIT.ok, result.err);
        const input = backup.commandCalls(StartCopyJobCommand)[0].args[0].input;
        assert.equal(input.SourceBackupVaultName, prod.central.vaultName);
        assert.equal(input.DestinationBackupVaultArn, ledger.regions.find((r) => r.region === "eu-west-1")!.vaults.find((v) => v.key === "standard")!.arn);
    });

    it("restores the newest recovery point before a time, item by item, and follows the job to completion", async () => {
        backup.on(ListRecoveryPointsByResourceCommand).resolves({
            RecoveryPoints: [
                { RecoveryPointArn: "rp-9", BackupVaultName: "v", CreationDate: day(9), Status: "COMPLETED" },
                { RecoveryPointArn: "rp-5", BackupVaultName: "v", CreationDate: day(5), Status: "COMPLETED" },
                { RecoveryPointArn: "rp-6", BackupVaultName: "v", CreationDate: day(6), Status: "PARTIAL" },
            ],
        });
        backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({ RestoreMetadata: { "file-system-id": "fs-1" }, ResourceType: "EFS" });
        backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: "restore-1" });
        backup
            .on(DescribeRestoreJobCommand)
            .resolvesOnce({ Status: "RUNNING", PercentDone: "40%" })
            .resolvesOnce({ Status: "COMPLETED", CreatedResourceArn: "arn:aws:elasticfilesystem:eu-west-1:510000000006:file-system/fs-2" });
        const efs = "arn:aws:elasticfilesystem:eu-west-1:510000000006:file-system/fs-1";
        const result = await ops(
            "backup",
            "restore",
            ...env,
            "--resource-arn",
            efs,
            "--before",
            "2026-06-08T00:00:00Z",
            "--item",
            "/data/a",
            "--metadata",
            "newFileSystem=true",
            "--wait",
        );
        assert.equal(result.code, EXIT.ok, result.err);
        const input = backup.commandCalls(StartRestoreJobCommand)[0].args[0].input;
        assert.equal(input.RecoveryPointArn, "rp-5");
        assert.deepEqual(input.Metadata, { "file-system-id": "fs-1", newFileSystem: "true", ItemsToRestore: '["/data/a"]' });
        assert.equal(input.IamRoleArn, ledger.backupRole.arn);
        assert.match(result.err, /RUNNING 40%/);
        assert.match(result.out, /restored: .*fs-2/);
    });

    it("exits 3 when no completed recovery point is old enough, and 1 when the restore job fails", async () => {
        backup
            .on(ListRecoveryPointsByResourceCommand)
            .resolves({ RecoveryPoints: [{ RecoveryPointArn: "rp-9", BackupVaultName: "v", CreationDate: day(9), Status: "COMPLETED" }] });
        assert.equal((await ops("backup", "restore", ...env, "--resource-arn", db, "--before", "2026-06-01T00:00:00Z")).code, EXIT.notFound);
        backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({ RestoreMetadata: {} });
        backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: "r" });
        backup.on(DescribeRestoreJobCommand).resolves({ Status: "FAILED", StatusMessage: "subnet group missing" });
        const failed = await ops("backup", "restore", ...env, "--resource-arn", db, "--wait");
        assert.equal(failed.code, EXIT.failed);
        assert.match(failed.err, /ended FAILED: subnet group missing/);
    });
});

describe("ops report", () => {
    it("reports failed jobs and stale or unprotected tier resources across accounts, and an account it cannot read", async () => {
        backup
            .on(ListBackupJobsCommand)
            .callsFake((input) =>
                input.ByState === "FAILED" && input.ByAccountId === "510000000006"
                    ? { BackupJobs: [{ ResourceArn: "arn:aws:rds:eu-west-1:510000000006:db:ledger", StatusMessage: "snapshot quota", CreationDate: day(10) }] }
                    : { BackupJobs: [] },
            );
        backup.on(ListCopyJobsCommand).resolves({ CopyJobs: [] });
        tagging.on(GetResourcesCommand).callsFake((input) =>
            input.TagFilters?.[0]?.Key === "backup-tier" && input.TagFilters[0].Values?.[0] === "daily"
                ? {
                      ResourceTagMappingList: [
                          { ResourceARN: "arn:aws:dynamodb:eu-west-1:510000000001:table/orders", Tags: [{ Key: "backup-tier", Value: "daily" }] },
                      ],
                  }
                : { ResourceTagMappingList: [] },
        );
        backup.on(ListRecoveryPointsByResourceCommand).resolves({ RecoveryPoints: [{ Status: "COMPLETED", CreationDate: new Date("2026-06-05T01:00:00Z") }] });
        const result = await ops("report", "--stack", "prod", "--format", "json", "--concurrency", "3");
        assert.equal(result.code, EXIT.ok, result.err);
        const rows = JSON.parse(result.out) as Array<Record<string, string>>;
        assert.ok(rows.some((r) => r.kind === "backup failed" && r.account === "ledger-prod" && r.detail === "snapshot quota"));
        const stale = rows.filter((r) => r.kind === "stale");
        assert.ok(stale.length > 0 && stale.every((r) => r.tier === "daily" && /allows 35 h/.test(r.detail)), JSON.stringify(stale));

        backup.on(ListBackupJobsCommand).rejects(awsError("AccessDeniedException", 403));
        const denied = await ops("report", "--stack", "prod", "--format", "csv");
        assert.equal(denied.code, EXIT.failed);
        assert.match(denied.out.split("\n")[0], /^account,region,kind,resource,tier,detail,time$/);
        assert.match(denied.out, /error,,,.*access denied/);
    });

    it("allows a monthly tier's longest gap between runs, not its shortest", () => {
        const from = new Date("2026-01-15T00:00:00Z");
        assert.equal(maxScheduleGapMinutes("cron(0 4 1 * ? *)", from), 31 * 24 * 60);
        assert.equal(maxScheduleGapMinutes("cron(0 1 ? * * *)", from), 24 * 60);
    });
});

describe("ops --help", () => {
    for (const command of [
        [],
        ["s3", "versions"],
        ["s3", "restore-version"],
        ["s3", "undelete"],
        ["s3", "restore-archived"],
        ["s3", "restore-status"],
        ["s3", "replica-get"],
        ["s3", "replica-copy"],
        ["backup", "start"],
        ["backup", "list"],
        ["backup", "copy-back"],
        ["backup", "restore"],
        ["report"],
    ]) {
        it(`prints help for ${command.join(" ") || "ops"} and exits 0`, async () => {
            const result = await ops(...command, "--help");
            assert.equal(result.code, EXIT.ok);
            assert.match(result.out, new RegExp(`^Usage: ops ${command.join(" ")}`));
        });
    }
});
