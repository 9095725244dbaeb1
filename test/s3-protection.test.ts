import assert from "node:assert/strict";
import { selectionSelects, tagsThatSelect } from "../config/backup-selection";
import { EnvironmentModel, ProtectedBucketModel } from "../config/model";
import { PolicyDocument } from "../policies";
import { PlannedResource } from "../projects/offline-plan";
import { findUnknownIamNames } from "./support/iam-data";
import { assertRejected, Graph, loadStack, planStack, stackValues, TYPES, validate } from "./support/graph";

describe("protected buckets in the prod plan", () => {
    let model: EnvironmentModel;
    let graph: Graph;
    let buckets: Array<{ account: string; bucket: ProtectedBucketModel }>;

    before(async () => {
        model = loadStack("prod");
        graph = new Graph((await planStack("prod")).resources);
        buckets = model.accounts.flatMap((account) => (account.protectedBuckets ?? []).map((bucket) => ({ account: account.id, bucket })));
        assert.ok(buckets.length >= 2);
    });

    const under = (component: PlannedResource, type: string) =>
        graph.resources.filter((r) => r.type === type && graph.ancestor(r, TYPES.protectedBucket)?.urn === component.urn);
    const byBucket = (component: PlannedResource, type: string, bucketName: string) =>
        under(component, type).filter((r) => r.inputs.bucket === `${bucketName}`);

    it("creates every configured bucket, and its replica, in its own account and region, protected and retained", () => {
        for (const { account, bucket } of buckets) {
            const created = graph.ofType(TYPES.bucket).filter((r) => r.inputs.bucket === bucket.name);
            assert.equal(created.length, 1, bucket.name);
            assert.equal(created[0].account, account);
            assert.equal(created[0].region, bucket.region);
            if (bucket.replication) {
                const replica = graph.ofType(TYPES.bucket).find((r) => r.inputs.bucket === bucket.replication!.bucketName)!;
                assert.equal(replica.region, bucket.replication.region);
                assert.notEqual(replica.region, bucket.region);
            }
        }
        // The platform's protected buckets (the central account's report bucket is the audit section's).
        for (const resource of graph.ofType(TYPES.bucket).filter((r) => graph.ancestor(r, TYPES.protectedBucket))) {
            assert.equal(resource.protect, true, resource.name);
            assert.equal(resource.retainOnDelete, true, resource.name);
            assert.equal(resource.inputs.forceDestroy, false);
            assert.equal(resource.inputs.bucketNamespace, "account-regional");
            assert.match(String(resource.inputs.bucket), new RegExp(`-${resource.account}-${resource.region}-an$`));
        }
    });

    it("versions, encrypts with its own rotating customer-managed key and bucket keys, and blocks public access on every bucket and replica", () => {
        for (const component of graph.ofType(TYPES.protectedBucket)) {
            for (const bucket of under(component, TYPES.bucket)) {
                const id = `${bucket.inputs.bucket}`;
                const versioning = byBucket(component, TYPES.bucketVersioning, id);
                assert.deepEqual(
                    versioning.map((v) => v.inputs.versioningConfiguration),
                    [{ status: "Enabled" }],
                    id,
                );
                assert.equal(versioning[0].retainOnDelete, true, "removing versioning would suspend it");
                const encryption = byBucket(component, TYPES.bucketEncryption, id)[0].inputs.rules as any[];
                assert.equal(encryption[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
                assert.equal(encryption[0].bucketKeyEnabled, true);
                const keyArn = String(encryption[0].applyServerSideEncryptionByDefault.kmsMasterKeyId);
                assert.match(keyArn, new RegExp(`^arn:aws:kms:${bucket.region}:${bucket.account}:key/`));
                const key = under(component, TYPES.key).find((k) => keyArn.endsWith(`${k.name}-id`))!;
                assert.deepEqual([key.protect, key.retainOnDelete, key.inputs.enableKeyRotation, key.inputs.deletionWindowInDays], [true, true, true, 30]);
                const block = byBucket(component, TYPES.bucketPublicAccessBlock, id)[0].inputs;
                assert.deepEqual(
                    [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
                    [true, true, true, true],
                );
            }
        }
    });

    it("denies plain HTTP and version deletion by anyone but break-glass in every bucket policy", async () => {
        for (const policy of graph.ofType(TYPES.bucketPolicy).filter((r) => graph.ancestor(r, TYPES.protectedBucket))) {
            const account = model.accounts.find((a) => a.id === policy.account)!;
            const document = JSON.parse(String(policy.inputs.policy)) as PolicyDocument;
            const tls = document.Statement.find((s) => s.Sid === "DenyInsecureTransport")!;
            assert.deepEqual([tls.Effect, tls.Condition], ["Deny", { Bool: { "aws:SecureTransport": "false" } }]);
            const versions = document.Statement.find((s) => s.Sid === "DenyVersionDeletionExceptBreakGlass")!;
            assert.ok([versions.Action].flat().includes("s3:DeleteObjectVersion"));
            assert.deepEqual(versions.Condition, { ArnNotEquals: { "aws:PrincipalArn": account.breakGlassRoleArn } });
            assert.deepEqual(await findUnknownIamNames(document), []);
        }
    });

    it("applies the configured lifecycle: transitions, noncurrent versions, uploads and delete markers", () => {
        const documents = buckets.find(({ bucket }) => bucket.key === "documents")!.bucket;
        const lifecycle = graph.ofType(TYPES.bucketLifecycle).find((r) => r.inputs.bucket === documents.name)!;
        const rule = (lifecycle.inputs.rules as any[])[0];
        assert.deepEqual(rule.transitions, [{ days: 90, storageClass: "GLACIER_IR" }]);
        assert.deepEqual(rule.noncurrentVersionTransitions, [
            { noncurrentDays: 30, storageClass: "STANDARD_IA" },
            { noncurrentDays: 60, storageClass: "GLACIER" },
        ]);
        assert.deepEqual(rule.noncurrentVersionExpiration, { noncurrentDays: 400 });
        assert.deepEqual(rule.abortIncompleteMultipartUpload, { daysAfterInitiation: 3 });
        assert.deepEqual(rule.expiration, { expiredObjectDeleteMarker: true });
        const replicaRule = (graph.ofType(TYPES.bucketLifecycle).find((r) => r.inputs.bucket === documents.replication!.bucketName)!.inputs.rules as any[])[0];
        assert.equal(replicaRule.transitions, undefined, "replicas get no current-version transitions");
        assert.deepEqual(replicaRule.noncurrentVersionExpiration, { noncurrentDays: 400 });
    });

    it("replicates SSE-KMS objects with the replica's key, RTC and delete markers, as a role that S3 alone assumes for this bucket", async () => {
        const documents = buckets.find(({ bucket }) => bucket.key === "documents")!.bucket;
        const replication = graph.ofType(TYPES.bucketReplication).find((r) => r.inputs.bucket === documents.name)!;
        assert.equal(replication.retainOnDelete, true);
        const rule = (replication.inputs.rules as any[])[0];
        assert.deepEqual(rule.sourceSelectionCriteria, { sseKmsEncryptedObjects: { status: "Enabled" } });
        assert.deepEqual(rule.deleteMarkerReplication, { status: "Enabled" });
        assert.equal(rule.destination.bucket, documents.replication!.bucketArn);
        assert.match(rule.destination.encryptionConfiguration.replicaKmsKeyId, /^arn:aws:kms:eu-central-1:510000000007:key\//);
        assert.deepEqual(rule.destination.replicationTime, { status: "Enabled", time: { minutes: 15 } });
        assert.deepEqual(rule.destination.metrics, { status: "Enabled", eventThreshold: { minutes: 15 } });
        const role = graph.ofType(TYPES.role).find((r) => r.inputs.name === documents.replication!.roleName)!;
        assert.equal(replication.inputs.role, `arn:aws:iam::510000000007:role/${documents.replication!.roleName}`);
        const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as PolicyDocument;
        assert.deepEqual(trust.Statement[0].Condition, {
            StringEquals: { "aws:SourceAccount": "510000000007" },
            ArnEquals: { "aws:SourceArn": documents.arn },
        });
        const policy = JSON.parse(
            String(graph.ofType(TYPES.rolePolicy).find((r) => r.inputs.role === documents.replication!.roleName)!.inputs.policy),
        ) as PolicyDocument;
        const decrypt = policy.Statement.find((s) => s.Sid === "DecryptSourceThroughS3")!;
        assert.match(String(decrypt.Resource), /^arn:aws:kms:eu-west-1:/);
        assert.ok(
            policy.Statement.some((s) => [s.Action].flat().includes("s3:GetObjectRetention")),
            "Object Lock retention replicates",
        );
        for (const document of [trust, policy]) assert.deepEqual(await findUnknownIamNames(document), []);
    });

    it("locks objects where asked, on the source and its replica", () => {
        const locks = graph.ofType(TYPES.bucketObjectLock);
        const documents = buckets.find(({ bucket }) => bucket.key === "documents")!.bucket;
        assert.deepEqual(locks.map((l) => l.inputs.bucket).sort(), [documents.name, documents.replication!.bucketName].sort());
        for (const lock of locks) {
            assert.deepEqual(lock.inputs.rule, { defaultRetention: { mode: "GOVERNANCE", days: 30 } });
            assert.equal(lock.inputs.objectLockEnabled, "Enabled");
            assert.equal(lock.retainOnDelete, true);
        }
        assert.ok(
            graph.ofType(TYPES.bucket).every((b) => b.inputs.objectLockEnabled === undefined),
            "never the bucket's force-new objectLockEnabled",
        );
    });

    it("tags each bucket so exactly its tiers select it, continuous and periodic in one vault", () => {
        for (const { bucket } of buckets) {
            const created = graph.ofType(TYPES.bucket).find((r) => r.inputs.bucket === bucket.name)!;
            const tags = created.inputs.tags as Record<string, string>;
            const account = model.accounts.find((a) => a.protectedBuckets?.includes(bucket))!;
            const stamp = account.regions.find((r) => r.region === bucket.region)!;
            const selecting = stamp.plans.filter((plan) =>
                selectionSelects(
                    {
                        tags: plan.selection.tags,
                        resources: plan.selection.resources,
                        notResources: plan.selection.notResources,
                        conditions: {
                            stringEquals: plan.selection.conditions.stringEquals.map((c) => ({ key: c.key.replace("aws:ResourceTag/", ""), value: c.value })),
                            stringNotLike: plan.selection.conditions.stringNotLike.map((c) => ({ key: c.key.replace("aws:ResourceTag/", ""), value: c.value })),
                        },
                    },
                    bucket.arn,
                    tags,
                ),
            );
            assert.deepEqual(selecting.map((p) => p.tier).sort(), [...bucket.backup!.tiers].sort(), bucket.name);
            assert.equal(new Set(selecting.map((p) => p.vaultName)).size, 1);
        }
        const documents = buckets.find(({ bucket }) => bucket.key === "documents")!.bucket;
        assert.deepEqual(documents.backup!.continuousTiers, ["pitr"]);
        const replica = graph.ofType(TYPES.bucket).find((r) => r.inputs.bucket === documents.replication!.bucketName)!;
        assert.equal((replica.inputs.tags as Record<string, string>)["backup-pitr"], undefined, "the replica is not backed up again");
    });

    it("sends the bucket's events to EventBridge and configures the Intelligent-Tiering archive tiers", () => {
        assert.equal(graph.ofType(TYPES.bucketNotification).length, buckets.length);
        for (const notification of graph.ofType(TYPES.bucketNotification)) assert.equal(notification.inputs.eventbridge, true);
        const tiering = graph.ofType(TYPES.bucketIntelligentTiering);
        assert.equal(tiering.length, 1);
        assert.deepEqual(tiering[0].inputs.tierings, [
            { accessTier: "ARCHIVE_ACCESS", days: 90 },
            { accessTier: "DEEP_ARCHIVE_ACCESS", days: 180 },
        ]);
    });

    it("creates the vault's AWS Backup tiering with aws-native, through a provider of the bucket's account and region", () => {
        const [tiering] = graph.ofType(TYPES.backupTiering);
        assert.equal(tiering.account, "510000000007");
        assert.equal(tiering.region, "eu-west-1");
        assert.equal(tiering.inputs.backupVaultName, "acme-backup-standard");
        const documents = buckets.find(({ bucket }) => bucket.key === "documents")!.bucket;
        assert.deepEqual(tiering.inputs.resourceSelection, [{ resourceType: "S3", resources: [documents.arn], tieringDownSettingsInDays: 90 }]);
        const provider = graph.resources.find((r) => r.type === "pulumi:providers:aws-native")!;
        assert.deepEqual(provider.inputs.allowedAccountIds, ["510000000007"]);
        assert.equal(provider.inputs.region, "eu-west-1");
    });

    it("schedules on-demand backups, one schedule per resource, as a role that may only start jobs into the tier's vault", async () => {
        const schedules = graph.ofType(TYPES.schedule);
        assert.equal(schedules.length, 2);
        const ledger = model.accounts.find((a) => a.alias === "ledger-prod")!;
        const vaultArn = ledger.regions.find((r) => r.region === "eu-west-1")!.vaults.find((v) => v.key === "standard")!.arn;
        for (const schedule of schedules) {
            assert.equal(schedule.account, ledger.id);
            const target = schedule.inputs.target as { arn: string; input: string; roleArn: string };
            assert.equal(target.arn, "arn:aws:scheduler:::aws-sdk:backup:startBackupJob");
            const input = JSON.parse(target.input);
            assert.equal(input.BackupVaultName, "acme-backup-standard");
            assert.equal(input.IamRoleArn, ledger.backupRole.arn);
            assert.deepEqual(input.Lifecycle, { MoveToColdStorageAfterDays: 90, DeleteAfterDays: 2555, OptInToArchiveForSupportedResources: true });
        }
        const role = graph.ofType(TYPES.role).find((r) => String(r.inputs.name).includes("scheduled-backup"))!;
        const policy = JSON.parse(String(graph.ofType(TYPES.rolePolicy).find((r) => r.inputs.role === role.inputs.name)!.inputs.policy)) as PolicyDocument;
        assert.deepEqual(
            policy.Statement.map((s) => [s.Action, s.Resource]),
            [
                ["backup:StartBackupJob", vaultArn],
                ["iam:PassRole", ledger.backupRole.arn],
            ],
        );
        assert.deepEqual(await findUnknownIamNames(policy), []);
        assert.deepEqual(await findUnknownIamNames(JSON.parse(String(role.inputs.assumeRolePolicy))), []);
    });

    it("adds nothing to accounts without buckets or schedules", () => {
        for (const account of model.accounts.filter((a) => (a.protectedBuckets ?? []).length === 0 && (a.scheduledBackups ?? []).length === 0)) {
            const types = new Set(graph.resources.filter((r) => r.account === account.id).map((r) => r.type));
            for (const type of [TYPES.bucket, TYPES.schedule, TYPES.rolePolicy, TYPES.backupTiering]) assert.ok(!types.has(type), `${account.alias} ${type}`);
        }
    });
});

describe("tags that make a selection pick a bucket", () => {
    const arn = "arn:aws:s3:::b";
    it("uses a ListOfTags tag, or the StringEquals conditions of an ARN selection", () => {
        assert.deepEqual(tagsThatSelect({ tags: [{ key: "backup-tier", value: "daily" }] }, arn, {}), { ok: true, tags: { "backup-tier": "daily" } });
        assert.deepEqual(tagsThatSelect({ resources: ["arn:aws:s3:::*"], conditions: { stringEquals: [{ key: "pitr", value: "true" }] } }, arn, {}), {
            ok: true,
            tags: { pitr: "true" },
        });
    });
    it("explains why a selection can never pick the bucket", () => {
        assert.match((tagsThatSelect({ tags: [{ key: "t", value: "v" }], notResources: ["arn:aws:s3:::*"] }, arn, {}) as any).problem, /notResources exclude/);
        assert.match((tagsThatSelect({ resources: ["arn:aws:rds:*:*:db:*"] }, arn, {}) as any).problem, /ARN only/);
        assert.match(
            (
                tagsThatSelect({ tags: [{ key: "t", value: "v" }], conditions: { stringNotLike: [{ key: "env", value: "prod*" }] } }, arn, {
                    env: "production",
                }) as any
            ).problem,
            /conditions exclude/,
        );
    });
});

interface InvalidCase {
    rule: string;
    mutate: (values: Record<string, any>) => void;
    path: string;
    message: RegExp;
}

const documents = (v: Record<string, any>) => v.protectedBuckets["kyc-prod"]["eu-west-1"].documents;

/** Each mutation of the valid prod config breaks one rule of protected buckets or scheduled backups. */
const invalidCases: InvalidCase[] = [
    {
        rule: "buckets are grouped under region codes, a misspelt one named with the closest code",
        mutate: (v) => {
            const regions = v.protectedBuckets["kyc-prod"];
            regions["eu-wset-1"] = regions["eu-west-1"];
            delete regions["eu-west-1"];
        },
        path: "protectedBuckets.kyc-prod.eu-wset-1",
        message: /^"eu-wset-1" is not an AWS region code \(e\.g\. eu-west-1\); did you mean "eu-west-1"\?$/,
    },
    {
        rule: "a misspelt region key is reported along with an error inside its buckets",
        mutate: (v) => {
            const regions = v.protectedBuckets["kyc-prod"];
            regions["eu-wset-1"] = regions["eu-west-1"];
            delete regions["eu-west-1"];
            regions["eu-wset-1"].documents.lifecycle.transitions = [{ days: 10, storageClass: "STANDARD_IA" }];
        },
        path: "protectedBuckets.kyc-prod.eu-wset-1",
        message: /not an AWS region code/,
    },
    {
        rule: "Standard-IA no earlier than day 30",
        mutate: (v) => (documents(v).lifecycle.transitions = [{ days: 10, storageClass: "STANDARD_IA" }]),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.lifecycle.transitions[0]",
        message: /at least 30 days .* STANDARD_IA, got 10/,
    },
    {
        rule: "30 days in Standard-IA before the next class",
        mutate: (v) =>
            (documents(v).lifecycle.transitions = [
                { days: 30, storageClass: "STANDARD_IA" },
                { days: 45, storageClass: "GLACIER" },
            ]),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.lifecycle.transitions[1]",
        message: /needs day 60 or later/,
    },
    {
        rule: "transitions go down the waterfall",
        mutate: (v) =>
            (documents(v).lifecycle.noncurrentTransitions = [
                { days: 30, storageClass: "GLACIER" },
                { days: 90, storageClass: "GLACIER_IR" },
            ]),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.lifecycle.noncurrentTransitions[1]",
        message: /GLACIER cannot move to GLACIER_IR/,
    },
    {
        rule: "noncurrent expiration after the last noncurrent transition",
        mutate: (v) => (documents(v).lifecycle.noncurrentExpirationDays = 60),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.lifecycle.noncurrentExpirationDays",
        message: /not after their last transition on day 60/,
    },
    {
        rule: "unknown storage class",
        mutate: (v) => (documents(v).lifecycle.transitions = [{ days: 30, storageClass: "ONEZONE_IA" }]),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.lifecycle.transitions[0].storageClass",
        message: /not a lifecycle storage class/,
    },
    {
        rule: "replica in another region",
        mutate: (v) => (documents(v).replication.region = "eu-west-1"),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.replication.region",
        message: /another region than the bucket/,
    },
    {
        rule: "replica in one of the account's regions",
        mutate: (v) => (documents(v).replication.region = "ap-southeast-2"),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.replication.region",
        message: /not one of kyc-prod's regions/,
    },
    {
        rule: "replica readable without a restore",
        mutate: (v) => (documents(v).replication.storageClass = "DEEP_ARCHIVE"),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.replication.storageClass",
        message: /readable without a restore/,
    },
    {
        rule: "bucket names at most 63 characters",
        mutate: (v) => (v.protectedBuckets["kyc-prod"]["eu-west-1"]["a-very-long-bucket-key-for-documents"] = {}),
        path: "protectedBuckets.kyc-prod.eu-west-1.a-very-long-bucket-key-for-documents",
        message: /is 74 characters; bucket names are 3-63/,
    },
    {
        rule: "bucket names lowercase (the prefix becomes part of them)",
        mutate: (v) => (v.namePrefix = "Acme"),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents",
        message: /only contain lowercase letters/,
    },
    {
        rule: "buckets only in an account's regions",
        mutate: (v) => (v.protectedBuckets["kyc-prod"]["ap-south-1"] = { x: {} }),
        path: "protectedBuckets.kyc-prod.ap-south-1",
        message: /not deployed in ap-south-1/,
    },
    {
        rule: "buckets of a known account",
        mutate: (v) => (v.protectedBuckets["kyc-prd"] = v.protectedBuckets["kyc-prod"]),
        path: "protectedBuckets.kyc-prd",
        message: /unknown workload account alias "kyc-prd"; did you mean "kyc-prod"/,
    },
    {
        rule: "backup tiers of the account",
        mutate: (v) => (documents(v).backupTiers = ["pitr", "weekly"]),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.backupTiers[1]",
        message: /unknown tier "weekly"/,
    },
    {
        rule: "a tier that excludes S3 cannot protect a bucket",
        mutate: (v) => (documents(v).backupTiers = ["pitr", "compliance"]),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.backupTiers[1]",
        message: /tier compliance cannot select this bucket: its notResources exclude/,
    },
    {
        rule: "one value per tag key",
        mutate: (v) => {
            v.tiers.weekly.selection.tags = [{ key: "backup-tier", value: "weekly" }];
            v.accounts[6].tiers = ["daily", "weekly", "pitr"];
            documents(v).backupTiers = ["daily", "weekly"];
        },
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.backupTiers[1]",
        message: /carries one value per tag key/,
    },
    {
        rule: "continuous and periodic backups in one vault",
        mutate: (v) => (v.tiers.pitr.vault = "compliance"),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.backupTiers",
        message: /continuous and periodic backups in different vaults/,
    },
    {
        rule: "S3 opted in",
        mutate: (v) => (v.resourceTypes.optOut = ["VirtualMachine", "S3"]),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.backupTiers",
        message: /S3 is in resourceTypes.optOut/,
    },
    {
        rule: "Object Lock retention: days or years",
        mutate: (v) => (documents(v).objectLock = { mode: "governance", days: 3, years: 1 }),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.objectLock",
        message: /exactly one of days or years/,
    },
    {
        rule: "Intelligent-Tiering Archive Access at least 90 days",
        mutate: (v) => (v.protectedBuckets["data-lake-prod"]["eu-west-1"].raw.intelligentTiering = { archiveAccessDays: 30 }),
        path: "protectedBuckets.data-lake-prod.eu-west-1.raw.intelligentTiering.archiveAccessDays",
        message: /at least 90/,
    },
    {
        rule: "AWS Backup tiering after at least 60 days",
        mutate: (v) => (documents(v).backupTieringDownAfterDays = 30),
        path: "protectedBuckets.kyc-prod.eu-west-1.documents.backupTieringDownAfterDays",
        message: /at least 60/,
    },
    {
        rule: "scheduled backups of the account's region",
        mutate: (v) => (v.scheduledBackups["ledger-maintenance"].resources = ["arn:aws:rds:eu-central-1:510000000006:db:ledger"]),
        path: "scheduledBackups.ledger-maintenance.resources[0]",
        message: /is in region eu-central-1; this schedule backs up resources of eu-west-1/,
    },
    {
        rule: "scheduled backups need a periodic rule",
        mutate: (v) => {
            v.scheduledBackups["ledger-maintenance"].account = "kyc-prod";
            v.scheduledBackups["ledger-maintenance"].tier = "pitr";
            v.scheduledBackups["ledger-maintenance"].resources = ["arn:aws:rds:eu-west-1:510000000007:db:kyc"];
        },
        path: "scheduledBackups.ledger-maintenance.tier",
        message: /only continuous rules/,
    },
    {
        rule: "one-time schedules are operator commands",
        mutate: (v) => (v.scheduledBackups["ledger-maintenance"].schedule = "at(2026-07-01T18:00:00)"),
        path: "scheduledBackups.ledger-maintenance.schedule",
        message: /one-time backup is an operator command/,
    },
];

describe("protected bucket and scheduled backup validation", () => {
    for (const testCase of invalidCases) {
        it(`rejects: ${testCase.rule}`, () => {
            const values = stackValues("prod");
            testCase.mutate(values);
            assertRejected(values, testCase.path, testCase.message, "prod");
        });
    }

    it("warns about a bucket without point-in-time restore", () => {
        const result = validate(stackValues("prod"), "prod");
        assert.ok(result.model);
        assert.ok(result.findings.some((f) => f.severity === "warning" && f.path === "protectedBuckets.data-lake-prod.eu-west-1.raw.backupTiers"));
    });

    it("outside the two Middle East regions without it, names buckets in the account's regional namespace", () => {
        const values = stackValues("prod");
        values.accounts[7].regions = ["me-south-1"];
        // Its tiers copy to the central vault of their own region, and to a disaster-recovery region.
        values.centralAccount.regions.push("me-south-1");
        values.centralBackup.disasterRecoveryRegions["me-south-1"] = "eu-west-1";
        values.protectedBuckets["data-lake-prod"] = { "me-south-1": { raw: {} } };
        const result = validate(values, "prod");
        const bucket = result.model?.accounts[7].protectedBuckets?.[0];
        assert.equal(bucket?.name, "acme-backup-raw-510000000008-me-south-1");
        assert.equal(bucket?.accountRegionalNamespace, false);
    });
});
