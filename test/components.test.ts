import * as aws from "@pulumi/aws";
import assert from "node:assert/strict";
import { AccountBackup } from "../components/account-backup";
import { AccountRegionBackup } from "../components/account-region-backup";
import { BackupKey } from "../components/backup-key";
import { BackupPlan } from "../components/backup-plan";
import { BackupServiceRole } from "../components/backup-service-role";
import { BackupVault } from "../components/backup-vault";
import { EnvironmentModel, PlanModel } from "../config/model";
import { planEnvironment } from "../projects/offline-plan";
import { accountProvider } from "../projects/platform";
import { Graph, loadStack, TYPES } from "./support/graph";

const prod = loadStack("prod");
const ledger = prod.accounts.find((account) => account.alias === "ledger-prod")!;
const tags = { team: "test" };

/** Plans one component inside the ledger-prod account's provider and returns the recorded graph. */
async function planComponent(build: (provider: aws.Provider) => void): Promise<Graph> {
    const { resources } = await planEnvironment(prod, (model: EnvironmentModel) => build(accountProvider(model, ledger.target)));
    return new Graph(resources);
}

describe("BackupKey", () => {
    it("creates a rotating, protected key with a 30-day deletion window, its alias, and a policy for the backup role", async () => {
        const graph = await planComponent((provider) => {
            new BackupKey(
                "k",
                {
                    region: "eu-west-1",
                    accountId: ledger.id,
                    partition: "aws",
                    backupRoleArn: ledger.backupRole.arn,
                    deploymentRoleArn: ledger.deploymentRoleArn,
                    aliasName: "alias/test-backup",
                    description: "d",
                    tags,
                },
                { provider },
            );
        });
        const key = graph.one(TYPES.key, "k-key");
        assert.equal(key.region, "eu-west-1");
        assert.equal(key.account, ledger.id);
        assert.equal(key.protect, true);
        assert.equal(key.retainOnDelete, true);
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.equal(key.inputs.deletionWindowInDays, 30);
        const policy = JSON.parse(String(key.inputs.policy));
        const principals = policy.Statement.map((s: any) => s.Principal?.AWS).filter(Boolean);
        assert.ok(principals.includes(ledger.backupRole.arn));
        assert.ok(principals.includes(`arn:aws:iam::${ledger.id}:root`));
        const alias = graph.one(TYPES.alias, "k-alias");
        assert.equal(alias.inputs.name, "alias/test-backup");
        assert.equal(alias.inputs.targetKeyId, "k-key-id");
    });
});

describe("BackupVault", () => {
    const base = {
        region: "eu-central-1",
        vaultName: "test-vault",
        kmsKeyArn: "arn:aws:kms:eu-central-1:510000000006:key/abc",
        breakGlassRoleArn: ledger.breakGlassRoleArn,
        deploymentRoleArn: ledger.deploymentRoleArn,
        tags,
    };

    it("creates a protected, KMS-encrypted vault whose access policy lets only the break-glass role delete", async () => {
        const graph = await planComponent((provider) => void new BackupVault("v", base, { provider }));
        const vault = graph.one(TYPES.vault, "v-vault");
        assert.equal(vault.protect, true);
        assert.equal(vault.inputs.kmsKeyArn, base.kmsKeyArn);
        assert.equal(vault.inputs.name, "test-vault");
        const policy = JSON.parse(String(graph.one(TYPES.vaultPolicy, "v-policy").inputs.policy));
        // Deny wins: of the statements denying recovery point deletion, one exempts only the break-glass role.
        const deleting = policy.Statement.filter((s: any) => s.Action.includes("backup:DeleteRecoveryPoint"));
        assert.ok(deleting.every((s: any) => s.Effect === "Deny"));
        assert.ok(
            deleting.some((s: any) => JSON.stringify(s.Condition) === JSON.stringify({ ArnNotEquals: { "aws:PrincipalArn": ledger.breakGlassRoleArn } })),
        );
        assert.equal(graph.ofType(TYPES.vaultLock).length, 0, "no lock unless asked");
    });

    it("sets changeableForDays only for a compliance lock", async () => {
        const graph = await planComponent((provider) => {
            new BackupVault(
                "c",
                { ...base, vaultName: "c", lock: { mode: "compliance", minRetentionDays: 7, maxRetentionDays: 365, changeableForDays: 3 } },
                { provider },
            );
            new BackupVault("g", { ...base, vaultName: "g", lock: { mode: "governance", minRetentionDays: 7, maxRetentionDays: 365 } }, { provider });
        });
        const compliance = graph.one(TYPES.vaultLock, "c-lock");
        assert.deepEqual(
            {
                min: compliance.inputs.minRetentionDays,
                max: compliance.inputs.maxRetentionDays,
                changeable: compliance.inputs.changeableForDays,
                protect: compliance.protect,
            },
            { min: 7, max: 365, changeable: 3, protect: true },
        );
        assert.equal(graph.one(TYPES.vaultLock, "g-lock").inputs.changeableForDays, undefined);
    });
});

describe("BackupServiceRole", () => {
    it("trusts AWS Backup and attaches the backup, restore and S3 managed policies", async () => {
        const graph = await planComponent((provider) => {
            new BackupServiceRole(
                "r",
                { accountId: ledger.id, partition: "aws", roleName: "test-backup-role", permissionsBoundaryArn: ledger.target.permissionsBoundaryArn, tags },
                { provider },
            );
        });
        const role = graph.one(TYPES.role, "r-role");
        assert.equal(role.region, null, "IAM is global");
        assert.equal(role.inputs.permissionsBoundary, "arn:aws:iam::510000000006:policy/acme-backup-role-boundary");
        const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
        assert.deepEqual(
            trust.Statement.map((s: any) => s.Principal.Service),
            ["backup.amazonaws.com"],
        );
        const attached = graph
            .ofType(TYPES.attachment)
            .map((a) => a.inputs.policyArn)
            .sort();
        assert.deepEqual(attached, [
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
        ]);
        for (const attachment of graph.ofType(TYPES.attachment)) assert.equal(attachment.inputs.role, "test-backup-role");
    });
});

describe("BackupPlan", () => {
    const plansOf = (alias: string, region: string) => prod.accounts.find((a) => a.alias === alias)!.regions.find((r) => r.region === region)!.plans;

    async function planTier(plan: PlanModel): Promise<Graph> {
        return planComponent((provider) => {
            new BackupPlan(
                "p",
                { region: "eu-west-1", plan, targetVaultName: "acme-backup-standard", backupRoleArn: ledger.backupRole.arn, tags },
                { provider },
            );
        });
    }

    it("turns each rule's schedule, windows, lifecycle and tags into plan rules", async () => {
        const weekly = plansOf("payments-prod", "eu-west-1").find((p) => p.tier === "weekly")!;
        const graph = await planTier(weekly);
        const plan = graph.one(TYPES.plan, "p-plan");
        assert.equal(plan.inputs.name, "acme-backup-weekly");
        assert.deepEqual(plan.inputs.rules, [
            {
                ruleName: "sunday",
                targetVaultName: "acme-backup-standard",
                schedule: "cron(0 3 ? * SUN *)",
                scheduleExpressionTimezone: "Europe/London",
                startWindow: 120,
                completionWindow: 1440,
                enableContinuousBackup: false,
                lifecycle: { coldStorageAfter: 30, deleteAfter: 365 },
                recoveryPointTags: { retention: "1y", "backup-platform:tier": "weekly" },
                // Its own lifecycle per copy, into the central vault of the rule's region and of its DR region.
                copyActions: [
                    { destinationVaultArn: "arn:aws:backup:eu-west-1:500000000002:backup-vault:acme-backup-central", lifecycle: { deleteAfter: 365 } },
                    { destinationVaultArn: "arn:aws:backup:eu-central-1:500000000002:backup-vault:acme-backup-central", lifecycle: { deleteAfter: 365 } },
                ],
            },
        ]);
        assert.equal(plan.inputs.advancedBackupSettings, undefined);
    });

    it("selects by tags with STRINGEQUALS and excludes notResources", async () => {
        const daily = plansOf("payments-prod", "eu-west-1").find((p) => p.tier === "daily")!;
        const selection = (await planTier(daily)).one(TYPES.selection, "p-selection");
        assert.deepEqual(selection.inputs.selectionTags, [{ type: "STRINGEQUALS", key: "backup-tier", value: "daily" }]);
        assert.deepEqual(selection.inputs.notResources, ["arn:aws:rds:*:*:db:scratch-*"]);
        assert.equal(selection.inputs.planId, "p-plan-id");
        assert.equal(selection.inputs.iamRoleArn, ledger.backupRole.arn);
    });

    it("selects resources narrowed by resource-tag conditions", async () => {
        const monthly = plansOf("payments-prod", "eu-west-1").find((p) => p.tier === "monthly")!;
        const selection = (await planTier(monthly)).one(TYPES.selection, "p-selection");
        assert.deepEqual(selection.inputs.resources, ["*"]);
        assert.deepEqual(selection.inputs.conditions, [
            {
                stringEquals: [{ key: "aws:ResourceTag/backup-monthly", value: "true" }],
                stringLikes: [],
                stringNotEquals: [],
                stringNotLikes: [{ key: "aws:ResourceTag/environment", value: "sandbox*" }],
            },
        ]);
    });

    it("turns on Windows VSS for EC2 when the tier asks for it, and continuous backup for PITR tiers", async () => {
        const windows = plansOf("windows-apps-prod", "eu-west-1").find((p) => p.tier === "windows")!;
        const vss = (await planTier(windows)).one(TYPES.plan, "p-plan");
        assert.deepEqual(vss.inputs.advancedBackupSettings, [{ resourceType: "EC2", backupOptions: { WindowsVSS: "enabled" } }]);
        const pitr = plansOf("kyc-prod", "eu-west-1").find((p) => p.tier === "pitr")!;
        const continuous = (await planTier(pitr)).one(TYPES.plan, "p-plan");
        assert.equal((continuous.inputs.rules as any[])[0].enableContinuousBackup, true);
        assert.deepEqual((continuous.inputs.rules as any[])[0].lifecycle, { deleteAfter: 35 });
    });
});

describe("AccountRegionBackup", () => {
    it("stamps one key, the tiers' vaults, and a plan per tier into one region", async () => {
        const stamp = ledger.regions.find((r) => r.region === "us-east-1")!;
        const graph = await planComponent((provider) => {
            new AccountRegionBackup(
                "s",
                {
                    accountId: ledger.id,
                    partition: "aws",
                    stamp,
                    backupRoleArn: ledger.backupRole.arn,
                    breakGlassRoleArn: ledger.breakGlassRoleArn,
                    deploymentRoleArn: ledger.deploymentRoleArn,
                    centralAccountId: ledger.centralAccountId,
                    eventsRoleArn: ledger.eventsRole.arn,
                    tags,
                },
                { provider },
            );
        });
        assert.equal(graph.ofType(TYPES.key).length, 1);
        assert.deepEqual(
            graph
                .ofType(TYPES.vault)
                .map((v) => v.inputs.name)
                .sort(),
            ["acme-backup-compliance", "acme-backup-standard"],
        );
        assert.deepEqual(
            graph
                .ofType(TYPES.plan)
                .map((p) => p.inputs.name)
                .sort(),
            ["acme-backup-compliance", "acme-backup-daily", "acme-backup-monthly"],
        );
        const compliancePlan = graph.ofType(TYPES.plan).find((p) => p.inputs.name === "acme-backup-compliance")!;
        assert.equal((compliancePlan.inputs.rules as any[])[0].targetVaultName, "acme-backup-compliance");
        for (const resource of graph.resources.filter((r) => r.custom && r.type !== TYPES.provider)) assert.equal(resource.region, "us-east-1");
        const component = graph.one(TYPES.accountRegionBackup, "s");
        assert.deepEqual([component.account, component.region], [ledger.id, "us-east-1"]);
    });
});

describe("AccountBackup", () => {
    it("refuses to stamp an account without an explicit provider", async () => {
        await assert.rejects(
            planEnvironment(prod, () => new AccountBackup("no-provider", { account: ledger, partition: "aws", tags })),
            /pass \{ provider \} with an aws\.Provider that assumes the deployment role in account 510000000006/,
        );
    });

    it("creates one backup role and one event-forwarding role for the account, and a stamp per region", async () => {
        const graph = await planComponent((provider) => void new AccountBackup("a", { account: ledger, partition: "aws", tags }, { provider }));
        assert.deepEqual(
            graph
                .ofType(TYPES.role)
                .map((role) => role.inputs.name)
                .sort(),
            [ledger.backupRole.name, ledger.eventsRole.name].sort(),
        );
        assert.deepEqual(
            graph
                .ofType(TYPES.accountRegionBackup)
                .map((s) => s.region)
                .sort(),
            ["eu-central-1", "eu-west-1", "us-east-1"],
        );
    });
});
