import assert from "node:assert/strict";
import { renderDiagram } from "../cli/plan-diagram";
import { runPlan } from "../cli/plan";
import { EnvironmentModel } from "../config/model";
import {
    backupKeyPolicy,
    centralBackupKeyPolicy,
    centralVaultAccessPolicy,
    copyIntoVaultFromOrganization,
    failedJobsEventPattern,
    PolicyDocument,
    PolicyStatement,
} from "../policies";
import { PlannedResource } from "../projects/offline-plan";
import { findUnknownIamNames } from "./support/iam-data";
import { asList, assertRejected, Graph, loadStack, planStack, PROJECT_DIR, stackValues, TYPES, validate } from "./support/graph";

type Mutation = (values: Record<string, any>) => void;

const nightly = (values: Record<string, any>) => values.tiers.daily.rules.nightly;

/** Each mutation of the valid dev (or prod) config breaks one rule of copies and the central account; path and message name it. */
const invalidCopyConfigs: Array<{ rule: string; stack?: string; mutate: Mutation; path: string; message: RegExp }> = [
    {
        rule: "a copy to the central vault needs a central vault in the rule's region, and the error names both",
        mutate: (v) => (v.accounts[0].regions = ["eu-west-1", "eu-north-1"]),
        path: "tiers.daily.rules.nightly.copies[0]",
        message:
            /central vault in eu-north-1 \(where payments-dev back up\), but the central account has no vault in eu-north-1 \(centralAccount\.regions: eu-west-1, eu-central-1\)/,
    },
    {
        rule: "a disaster-recovery copy needs a DR region for the rule's region",
        mutate: (v) => delete v.centralBackup.disasterRecoveryRegions["eu-central-1"],
        path: "tiers.weekly.rules.sunday.copies[0]",
        message: /eu-central-1 \(where payments-test back up\) has no disaster-recovery region; set centralBackup\.disasterRecoveryRegions\.eu-central-1/,
    },
    {
        rule: "a DR region holds a central vault, and the error names both regions",
        mutate: (v) => (v.centralBackup.disasterRecoveryRegions["eu-west-1"] = "us-west-2"),
        path: "centralBackup.disasterRecoveryRegions.eu-west-1",
        message: /copies of eu-west-1 would go to us-west-2, which has no central vault \(centralAccount\.regions: eu-west-1, eu-central-1\)/,
    },
    {
        rule: "a DR region is another region",
        mutate: (v) => (v.centralBackup.disasterRecoveryRegions["eu-west-1"] = "eu-west-1"),
        path: "centralBackup.disasterRecoveryRegions.eu-west-1",
        message: /must be another region/,
    },
    {
        rule: "DR regions are real regions",
        mutate: (v) => (v.centralBackup.disasterRecoveryRegions["eu-west-1"] = "eu-wset-1"),
        path: "centralBackup.disasterRecoveryRegions.eu-west-1",
        message: /not an AWS region code/,
    },
    {
        rule: "DR regions are keyed by real regions, a misspelt one named with the closest code",
        mutate: (v) => {
            const map = v.centralBackup.disasterRecoveryRegions;
            map["eu-wset-1"] = map["eu-west-1"];
            delete map["eu-west-1"];
        },
        path: "centralBackup.disasterRecoveryRegions.eu-wset-1",
        message: /"eu-wset-1" is not an AWS region code .*did you mean "eu-west-1"\?/,
    },
    {
        rule: "an air-gapped copy needs an air-gapped vault",
        mutate: (v) => (nightly(v).copies = [{ to: "airGapped", lifecycle: { deleteAfterDays: 35 } }]),
        path: "tiers.daily.rules.nightly.copies[0]",
        message: /air-gapped vault in eu-west-1 .*centralBackup\.airGappedVault is not set/,
    },
    {
        rule: "an air-gapped copy needs the air-gapped vault in the rule's region",
        mutate: (v) => {
            v.centralBackup.airGappedVault = { regions: ["eu-central-1"], minRetentionDays: 7, maxRetentionDays: 400 };
            nightly(v).copies = [{ to: "airGapped", lifecycle: { deleteAfterDays: 35 } }];
        },
        path: "tiers.daily.rules.nightly.copies[0]",
        message: /air-gapped vault in eu-west-1 .*regions: eu-central-1/,
    },
    {
        rule: "the air-gapped vault keeps recovery points at least 7 days",
        mutate: (v) => (v.centralBackup.airGappedVault = { minRetentionDays: 3, maxRetentionDays: 400 }),
        path: "centralBackup.airGappedVault.minRetentionDays",
        message: /at least 7 days \(AWS Backup CreateLogicallyAirGappedBackupVault\)/,
    },
    {
        rule: "the air-gapped vault's maximum retention is required",
        mutate: (v) => (v.centralBackup.airGappedVault = { minRetentionDays: 7 }),
        path: "centralBackup.airGappedVault.maxRetentionDays",
        message: /is required/,
    },
    {
        rule: "the air-gapped vault's minimum does not exceed its maximum",
        mutate: (v) => (v.centralBackup.airGappedVault = { minRetentionDays: 500, maxRetentionDays: 400 }),
        path: "centralBackup.airGappedVault.minRetentionDays",
        message: /must not exceed maxRetentionDays 400/,
    },
    {
        rule: "the air-gapped vault lives in central regions",
        mutate: (v) => (v.centralBackup.airGappedVault = { regions: ["us-east-1"], minRetentionDays: 7, maxRetentionDays: 400 }),
        path: "centralBackup.airGappedVault.regions[0]",
        message: /us-east-1 is not a central region/,
    },
    {
        rule: "air-gapped vaults only where AWS offers them",
        mutate: (v) => {
            v.centralAccount.regions = ["eu-west-1", "eu-central-1", "ca-west-1"];
            v.centralBackup.airGappedVault = { minRetentionDays: 7, maxRetentionDays: 400 };
        },
        path: "centralBackup.airGappedVault",
        message: /no logically air-gapped vaults in ca-west-1 \(one of the central regions\)/,
    },
    {
        rule: "a copy's lifecycle follows the lifecycle rules (90 days in cold storage)",
        mutate: (v) => (nightly(v).copies[0].lifecycle = { coldStorageAfterDays: 30, deleteAfterDays: 60 }),
        path: "tiers.daily.rules.nightly.copies[0].lifecycle",
        message: /deleteAfterDays 60 must be at least 90 days after coldStorageAfterDays 30/,
    },
    {
        rule: "a copy's retention fits the central vault's lock",
        mutate: (v) => (nightly(v).copies[0].lifecycle = { deleteAfterDays: 500 }),
        path: "tiers.daily.rules.nightly.copies[0].lifecycle.deleteAfterDays",
        message: /500 days is outside the central vault's retention range 7\.\.400 days/,
    },
    {
        rule: "a copy kept forever does not fit a lock with a maximum",
        mutate: (v) => delete nightly(v).copies[0].lifecycle,
        path: "tiers.daily.rules.nightly.copies[0].lifecycle.deleteAfterDays",
        message: /keeps copies forever, but the central vault allows 7\.\.400 days/,
    },
    {
        rule: "a copy's retention fits the air-gapped vault's range",
        stack: "prod",
        mutate: (v) => (v.tiers.compliance.rules["daily-7y"].copies[0].lifecycle = { deleteAfterDays: 10 }),
        path: "tiers.compliance.rules.daily-7y.copies[0].lifecycle.deleteAfterDays",
        message: /10 days is outside the air-gapped vault's retention range 30\.\.3650 days/,
    },
    {
        rule: "one copy per destination in a rule",
        mutate: (v) => nightly(v).copies.push({ to: "central", lifecycle: { deleteAfterDays: 35 } }),
        path: "tiers.daily.rules.nightly.copies",
        message: /copies to central more than once/,
    },
    {
        rule: "copy targets are central, disasterRecovery or airGapped",
        mutate: (v) => (nightly(v).copies[0].to = "centrl"),
        path: "tiers.daily.rules.nightly.copies[0].to",
        message: /to must be one of central, disasterRecovery, airGapped/,
    },
    {
        rule: "copy sources are defined OUs",
        mutate: (v) => (v.centralBackup.copySources = { organizationalUnits: ["dev", "tset"] }),
        path: "centralBackup.copySources.organizationalUnits[1]",
        message: /unknown organizational unit "tset"; did you mean "test"\?/,
    },
    {
        rule: "every account that copies is under a copy-source OU",
        mutate: (v) => (v.centralBackup.copySources = { organizationalUnits: ["dev"] }),
        path: "centralBackup.copySources.organizationalUnits",
        message: /payments-test \(OU test\) copy into the central vaults but are outside these OUs/,
    },
    {
        rule: "copies into the central account need cross-account backup",
        mutate: (v) => (v.organizationBackup.crossAccountBackup = false),
        path: "organizationBackup.crossAccountBackup",
        message: /tiers daily, weekly copy into the central account.*isCrossAccountBackupEnabled/,
    },
    {
        rule: "the management account cannot be its own delegated administrator",
        mutate: (v) => (v.centralAccount.id = v.managementAccount.id),
        path: "organizationBackup.delegatedAdministrator",
        message: /cannot be registered as a delegated administrator/,
    },
    {
        rule: "subscriptions name an endpoint of their protocol",
        mutate: (v) => (v.alerts.subscriptions[0].endpoint = "oncall.example.com"),
        path: "alerts.subscriptions[0].endpoint",
        message: /"oncall\.example\.com" is not an email address/,
    },
    {
        rule: "subscription protocols are SNS's",
        mutate: (v) => (v.alerts.subscriptions[0].protocol = "slack"),
        path: "alerts.subscriptions[0].protocol",
        message: /protocol must be one of email/,
    },
    {
        rule: "the AWS Config recorder is created or required explicitly",
        mutate: (v) => delete v.audit.configRecorder,
        path: "audit.configRecorder",
        message: /is required/,
    },
    {
        rule: "framework names follow AWS's pattern",
        mutate: (v) => (v.audit.frameworkName = "acme-controls"),
        path: "audit.frameworkName",
        message: /must be 1-256 characters, a letter first, then letters, digits or underscores/,
    },
    {
        rule: "compliance reports need a control",
        mutate: (v) => (v.audit.controls = {}),
        path: "audit.controls",
        message: /reports controlCompliance report on the framework's controls/,
    },
    {
        rule: "the audit region is a central region",
        mutate: (v) => (v.audit.region = "us-east-1"),
        path: "audit.region",
        message: /us-east-1 is not a central region/,
    },
    {
        rule: "the plan-frequency control takes at most 24 hours",
        mutate: (v) => (v.audit.controls.planFrequencyAndRetention = { frequencyUnit: "hours", frequencyValue: 25, retentionDays: 35 }),
        path: "audit.controls.planFrequencyAndRetention.frequencyValue",
        message: /at most 24 hours/,
    },
];

describe("central backup config", () => {
    for (const testCase of invalidCopyConfigs) {
        it(`rejects a config that breaks: ${testCase.rule}`, () => {
            const values = stackValues(testCase.stack ?? "dev");
            testCase.mutate(values);
            assertRejected(values, testCase.path, testCase.message);
        });
    }

    it("warns when a compliance lock becomes immutable within a week", () => {
        const values = stackValues("prod");
        values.centralBackup.vaultLock.changeableForDays = 3;
        const result = validate(values);
        assert.ok(result.model);
        const warning = result.findings.find((f) => f.severity === "warning" && f.path === "centralBackup.vaultLock.changeableForDays");
        assert.match(warning?.message ?? "", /immutable 3 days after it is set: from then on no one, not even AWS, can remove it/);
    });

    it("sends every copy's destination ARN from the central model: central and DR vaults, and the air-gapped vault", () => {
        const model = loadStack("prod");
        const ledger = model.accounts.find((a) => a.alias === "ledger-prod")!;
        const us = ledger.regions.find((r) => r.region === "us-east-1")!;
        const copies = us.plans.find((p) => p.tier === "compliance")!.rules[0].copyActions;
        assert.deepEqual(
            copies.map((copy) => [copy.target, copy.region, copy.destinationVaultArn]),
            [
                ["airGapped", "us-east-1", model.central.airGappedVaultArnByRegion["us-east-1"]],
                ["disasterRecovery", "eu-west-1", model.central.vaultArnByRegion["eu-west-1"]],
            ],
        );
    });

    it("scopes copies into the central vaults to the configured OU paths, under the organization", () => {
        const model = loadStack("prod");
        assert.deepEqual(model.central.backup.copySources.organizationalUnitPaths, [
            "o-k9x8w7v6u5/*/ou-k9x8-prodeu001/*",
            "o-k9x8w7v6u5/*/ou-k9x8-produs001/*",
            "o-k9x8w7v6u5/*/ou-k9x8-regulatd1/*",
            "o-k9x8w7v6u5/*/ou-k9x8-shared001/*",
        ]);
    });
});

/** Every policy document a planned resource carries, with where it came from. */
function policiesOf(resources: PlannedResource[]): Array<{ resource: PlannedResource; field: string; document: PolicyDocument }> {
    const found: Array<{ resource: PlannedResource; field: string; document: PolicyDocument }> = [];
    for (const resource of resources.filter((r) => r.custom)) {
        for (const field of ["policy", "assumeRolePolicy"]) {
            const value = resource.inputs[field];
            if (typeof value === "string" && value.startsWith("{")) found.push({ resource, field, document: JSON.parse(value) });
        }
        for (const inline of (resource.inputs.inlinePolicies ?? []) as Array<{ policy: string }>) {
            found.push({ resource, field: "inlinePolicies", document: JSON.parse(inline.policy) });
        }
    }
    return found;
}

/** An Allow to anyone is scoped to the organization or to one exact principal ARN. */
function scopedToOrganizationOrPrincipal(statement: PolicyStatement, organizationId: string): boolean {
    const condition = statement.Condition ?? {};
    const orgIds = asList(condition.StringEquals?.["aws:PrincipalOrgID"] as string | string[] | undefined);
    const principalArns = asList(condition.ArnEquals?.["aws:PrincipalArn"] as string | string[] | undefined);
    return (orgIds.length > 0 && orgIds.every((id) => id === organizationId)) || (principalArns.length > 0 && principalArns.every((arn) => !/[*?]/.test(arn)));
}

for (const stack of ["dev", "prod"]) {
    describe(`the ${stack} environment's central account and copies`, () => {
        let model: EnvironmentModel;
        let graph: Graph;
        before(async () => {
            model = loadStack(stack);
            graph = new Graph((await planStack(stack)).resources);
        });

        const centralVaultArns = () =>
            new Map(
                [...graph.ofType(TYPES.vault), ...graph.ofType(TYPES.airGappedVault)]
                    .filter((v) => v.account === model.central.accountId)
                    .map((v) => [`arn:aws:backup:${v.region}:${v.account}:backup-vault:${v.inputs.name}`, v]),
            );

        it("points every copy at a vault the central program creates, in the central account and the copy's region", () => {
            const vaults = centralVaultArns();
            let copies = 0;
            for (const plan of graph.ofType(TYPES.plan)) {
                for (const rule of plan.inputs.rules as Array<{ ruleName: string; copyActions?: Array<{ destinationVaultArn: string }> }>) {
                    for (const copy of rule.copyActions ?? []) {
                        copies++;
                        const vault = vaults.get(copy.destinationVaultArn);
                        assert.ok(vault, `${plan.name} ${rule.ruleName} copies to ${copy.destinationVaultArn}, which the central program does not create`);
                        assert.equal(vault.account, model.central.accountId);
                    }
                }
            }
            assert.ok(copies > 0, `${stack} has copies`);
        });

        it("sends central copies to the rule's region and DR copies to the region's DR region", () => {
            for (const account of model.accounts) {
                for (const stamp of account.regions) {
                    for (const copy of stamp.plans.flatMap((plan) => plan.rules.flatMap((rule) => rule.copyActions))) {
                        const expected = copy.target === "disasterRecovery" ? model.central.disasterRecoveryRegionByRegion[stamp.region] : stamp.region;
                        assert.equal(copy.region, expected);
                        assert.equal(copy.destinationVaultArn.split(":")[3], expected);
                    }
                }
            }
        });

        it("gives every copy a retention inside its destination vault's lock range", () => {
            const vaults = centralVaultArns();
            const lockOf = (vault: PlannedResource) => {
                if (vault.type === TYPES.airGappedVault) return vault.inputs as { minRetentionDays?: number; maxRetentionDays?: number };
                return graph.resources.find((r) => r.type === TYPES.vaultLock && r.parent === vault.parent)?.inputs as
                    { minRetentionDays?: number; maxRetentionDays?: number } | undefined;
            };
            for (const plan of graph.ofType(TYPES.plan)) {
                for (const rule of plan.inputs.rules as Array<{ copyActions?: Array<{ destinationVaultArn: string; lifecycle?: { deleteAfter?: number } }> }>) {
                    for (const copy of rule.copyActions ?? []) {
                        const lock = lockOf(vaults.get(copy.destinationVaultArn)!);
                        if (!lock) continue;
                        const days = copy.lifecycle?.deleteAfter;
                        assert.ok(days !== undefined || lock.maxRetentionDays === undefined, `${plan.name}: kept forever in a vault with a maximum`);
                        if (days !== undefined) {
                            assert.ok(days >= (lock.minRetentionDays ?? 1) && days <= (lock.maxRetentionDays ?? Infinity), `${plan.name}: ${days} days`);
                        }
                    }
                }
            }
        });

        it("gives each central region a vault encrypted with its own protected key, and the vault access policy the organization may copy through", () => {
            for (const region of model.central.regions) {
                const here = graph.at(model.central.accountId, region);
                const vault = here.find((r) => r.type === TYPES.vault && r.inputs.name === model.central.vaultName)!;
                const key = here.find((r) => r.type === TYPES.key && String(r.inputs.description).includes("central backup vault"))!;
                assert.equal(vault.inputs.kmsKeyArn, `arn:aws:kms:${region}:${model.central.accountId}:key/${key.name}-id`);
                assert.deepEqual([key.protect, key.retainOnDelete, key.inputs.enableKeyRotation, key.inputs.deletionWindowInDays], [true, true, true, 30]);
                const policy = JSON.parse(
                    String(graph.resources.find((r) => r.type === TYPES.vaultPolicy && r.parent === vault.parent)!.inputs.policy),
                ) as PolicyDocument;
                const copyIn = policy.Statement.find((s) => s.Effect === "Allow" && s.Action === "backup:CopyIntoBackupVault")!;
                assert.equal(copyIn.Principal, "*");
                assert.deepEqual(copyIn.Condition?.StringEquals, { "aws:PrincipalOrgID": model.organization.id });
                const denied = policy.Statement.filter((s) => s.Effect === "Deny").flatMap((s) => asList(s.Action));
                for (const action of [
                    "backup:DeleteRecoveryPoint",
                    "backup:UpdateRecoveryPointLifecycle",
                    "backup:DeleteBackupVault",
                    "backup:DeleteBackupVaultAccessPolicy",
                ]) {
                    assert.ok(denied.includes(action), action);
                }
                const keyPolicy = JSON.parse(String(key.inputs.policy)) as PolicyDocument;
                const organizationUse = keyPolicy.Statement.find((s) => s.Sid === "OrganizationUsesKeyOnlyThroughAwsBackup")!;
                assert.deepEqual(organizationUse.Condition?.StringLike, { "kms:ViaService": "backup.*.amazonaws.com" });
                assert.equal(organizationUse.Condition?.StringEquals?.["aws:PrincipalOrgID"], model.organization.id);
            }
        });

        it("scopes every Allow to anyone in the central account to the organization or to one exact principal", () => {
            const documents = policiesOf(graph.resources.filter((r) => r.account === model.central.accountId));
            assert.ok(documents.length > 0);
            for (const { resource, document } of documents) {
                for (const statement of document.Statement.filter((s) => s.Effect === "Allow" && s.Principal === "*")) {
                    assert.ok(scopedToOrganizationOrPrincipal(statement, model.organization.id), `${resource.name} ${statement.Sid} is open to anyone`);
                }
            }
        });

        it("lets the central account copy back into every workload vault, and use the workload keys only through AWS Backup", () => {
            const centralRoot = `arn:aws:iam::${model.central.accountId}:root`;
            for (const policy of graph.ofType(TYPES.vaultPolicy).filter((r) => r.account !== model.central.accountId)) {
                const document = JSON.parse(String(policy.inputs.policy)) as PolicyDocument;
                const copyBack = document.Statement.find((s) => s.Action === "backup:CopyIntoBackupVault")!;
                assert.deepEqual([copyBack.Effect, copyBack.Principal], ["Allow", { AWS: centralRoot }], policy.name);
            }
            // The vault keys (a protected bucket's own key serves S3, not AWS Backup copies).
            const vaultKeys = graph
                .ofType(TYPES.key)
                .filter((r) => model.accounts.some((a) => a.id === r.account) && !graph.ancestor(r, TYPES.protectedBucket));
            for (const key of vaultKeys) {
                const document = JSON.parse(String(key.inputs.policy)) as PolicyDocument;
                const central = document.Statement.filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ AWS: centralRoot }));
                assert.equal(central.length, 2, key.name);
                for (const statement of central) assert.deepEqual(statement.Condition?.StringLike, { "kms:ViaService": "backup.*.amazonaws.com" });
            }
        });

        it("notifies an encrypted topic of the vault's own account-region from every workload vault, and forwards failed jobs to the central bus", () => {
            for (const account of model.accounts) {
                for (const stamp of account.regions) {
                    const here = graph.at(account.id, stamp.region);
                    const topic = here.find((r) => r.type === TYPES.topic)!;
                    const key = here.find((r) => r.type === TYPES.key)!;
                    assert.equal(topic.inputs.kmsMasterKeyId, `arn:aws:kms:${stamp.region}:${account.id}:key/${key.name}-id`);
                    const notifications = here.filter((r) => r.type === TYPES.vaultNotifications);
                    assert.equal(notifications.length, stamp.vaults.length);
                    for (const notification of notifications) {
                        assert.equal(notification.inputs.snsTopicArn, `arn:aws:sns:${stamp.region}:${account.id}:${stamp.notifications.topicName}`);
                        assert.ok((notification.inputs.backupVaultEvents as string[]).includes("COPY_JOB_FAILED"));
                    }
                    const rule = here.find((r) => r.type === TYPES.eventRule)!;
                    assert.deepEqual(JSON.parse(String(rule.inputs.eventPattern)), failedJobsEventPattern());
                    const target = here.find((r) => r.type === TYPES.eventTarget)!;
                    assert.equal(target.inputs.arn, stamp.eventForwarding.eventBusArn);
                    assert.equal(String(target.inputs.arn).split(":")[4], model.central.accountId);
                    assert.equal(target.inputs.roleArn, account.eventsRole.arn);
                }
            }
        });

        it("accepts events on the central bus only from the organization, and routes failures to the alert topic and its alarm", () => {
            for (const region of model.central.regions) {
                const here = graph.at(model.central.accountId, region);
                const busPolicy = JSON.parse(String(here.find((r) => r.type === TYPES.eventBusPolicy)!.inputs.policy)) as PolicyDocument;
                assert.deepEqual(
                    busPolicy.Statement.map((s) => [s.Effect, s.Principal, s.Action, s.Condition]),
                    [["Allow", "*", "events:PutEvents", { StringEquals: { "aws:PrincipalOrgID": model.organization.id } }]],
                );
                const target = here.find((r) => r.type === TYPES.eventTarget && r.inputs.rule === model.central.alerts.ruleName)!;
                assert.equal(target.inputs.arn, model.central.alertTopicArnByRegion[region]);
                const alarm = here.find((r) => r.type === TYPES.metricAlarm && r.inputs.name === model.central.alerts.alarmName)!;
                assert.deepEqual(alarm.inputs.alarmActions, [model.central.alertTopicArnByRegion[region]]);
                assert.deepEqual(alarm.inputs.dimensions, { EventBusName: model.central.alerts.eventBusName, RuleName: model.central.alerts.ruleName });
                const topic = here.find((r) => r.type === TYPES.topic && r.inputs.name === model.central.alerts.topicName)!;
                assert.match(String(topic.inputs.kmsMasterKeyId), new RegExp(`^arn:aws:kms:${region}:${model.central.accountId}:key/`));
            }
        });

        it("sets AWS Backup's organization settings from the management account", () => {
            const here = graph.resources.filter((r) => r.custom && r.account === model.management.target.id);
            assert.deepEqual(here.find((r) => r.type === TYPES.serviceAccess)!.inputs, { servicePrincipal: "backup.amazonaws.com" });
            assert.deepEqual(here.find((r) => r.type === TYPES.delegatedAdministrator)!.inputs, {
                accountId: model.central.accountId,
                servicePrincipal: "backup.amazonaws.com",
            });
            assert.deepEqual(here.find((r) => r.type === TYPES.globalSettings)!.inputs.globalSettings, {
                isCrossAccountBackupEnabled: "true",
                isMpaEnabled: "false",
                isDelegatedAdministratorEnabled: "true",
            });
        });

        it("delivers audit reports to a protected, versioned, KMS-encrypted, private bucket that only Audit Manager writes to", () => {
            const audit = model.central.audit!;
            const here = graph.at(model.central.accountId, audit.region);
            const bucket = here.find((r) => r.type === TYPES.bucket)!;
            assert.deepEqual(
                [bucket.inputs.bucket, bucket.protect, bucket.retainOnDelete, bucket.inputs.forceDestroy],
                [audit.reportBucket.name, true, true, false],
            );
            assert.deepEqual(here.find((r) => r.type === TYPES.bucketVersioning)!.inputs.versioningConfiguration, { status: "Enabled" });
            const block = here.find((r) => r.type === TYPES.bucketPublicAccessBlock)!.inputs;
            assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
            const sse = (here.find((r) => r.type === TYPES.bucketEncryption)!.inputs.rules as any[])[0].applyServerSideEncryptionByDefault;
            assert.equal(sse.sseAlgorithm, "aws:kms");
            const policy = JSON.parse(String(here.find((r) => r.type === TYPES.bucketPolicy)!.inputs.policy)) as PolicyDocument;
            const put = policy.Statement.find((s) => s.Action === "s3:PutObject")!;
            assert.deepEqual(put.Condition, {
                ArnEquals: {
                    "aws:PrincipalArn": `arn:aws:iam::${model.central.accountId}:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports`,
                },
                StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" },
            });
            assert.equal(put.Resource, `${audit.reportBucket.arn}/*`);
            const plans = here.filter((r) => r.type === TYPES.reportPlan);
            assert.deepEqual(
                plans.map((p) => (p.inputs.reportSetting as { reportTemplate: string }).reportTemplate),
                audit.reportPlans.map((p) => p.template),
            );
            for (const plan of plans) assert.equal((plan.inputs.reportDeliveryChannel as { s3BucketName: string }).s3BucketName, audit.reportBucket.name);
            const framework = here.find((r) => r.type === TYPES.framework)!;
            assert.deepEqual(
                (framework.inputs.controls as Array<{ name: string }>).map((c) => c.name),
                audit.controls.map((c) => c.name),
            );
            assert.equal(
                here.some((r) => r.type === TYPES.configRecorder),
                audit.configRecorder === "create",
            );
        });

        it("uses only IAM actions and condition keys that exist in every policy it adds", async () => {
            const types = new Set<string>([
                TYPES.topic,
                TYPES.eventBusPolicy,
                TYPES.bucketPolicy,
                TYPES.airGappedVault,
                TYPES.vaultPolicy,
                TYPES.key,
                TYPES.role,
            ]);
            const seen = new Set<string>();
            for (const { resource, field, document } of policiesOf(graph.resources.filter((r) => types.has(r.type)))) {
                const shape = JSON.stringify(document.Statement.map((s) => [s.Action, Object.values(s.Condition ?? {}).map((c) => Object.keys(c))]));
                if (seen.has(shape)) continue;
                seen.add(shape);
                assert.deepEqual(await findUnknownIamNames(document), [], `${resource.name} ${field}`);
            }
        });

        it("draws a diagram with one edge per copy flow into the central vaults", () => {
            const diagram = renderDiagram(model);
            assert.match(diagram, /^flowchart LR\n/);
            const flows = new Map<string, { from: string; to: string }>();
            for (const account of model.accounts) {
                for (const stamp of account.regions) {
                    for (const plan of stamp.plans) {
                        const vault = stamp.vaults.find((v) => v.name === plan.vaultName)!;
                        for (const copy of plan.rules.flatMap((rule) => rule.copyActions)) {
                            const from = `vault_${account.id}_${stamp.region.replace(/-/g, "_")}_${vault.key}`;
                            const to = `${copy.target === "airGapped" ? "airgapped" : "central"}_${copy.region.replace(/-/g, "_")}`;
                            flows.set(`${from}>${to}`, { from, to });
                        }
                    }
                }
            }
            const edges = diagram.split("\n").filter((line) => line.includes(' -- "'));
            assert.equal(edges.length, flows.size);
            for (const { from, to } of flows.values()) {
                assert.ok(
                    edges.some((edge) => edge.trim().startsWith(from) && edge.trim().endsWith(`--> ${to}`)),
                    `${from} → ${to}`,
                );
            }
        });
    });
}

describe("central policy builders", () => {
    const CENTRAL = "500000000002";
    const ORG = "o-k9x8w7v6u5";
    const vaultArn = `arn:aws:backup:eu-west-1:${CENTRAL}:backup-vault:acme-backup-central`;
    const roles = { breakGlassRoleArn: `arn:aws:iam::${CENTRAL}:role/BackupBreakGlass`, deploymentRoleArn: `arn:aws:iam::${CENTRAL}:role/Deploy` };

    it("assembles the central vault policy from the workload vault's protections plus copies from the organization's OUs", () => {
        const policy = centralVaultAccessPolicy({ vaultArn, ...roles, organizationId: ORG, organizationalUnitPaths: [`${ORG}/*/ou-k9x8-prodeu001/*`] });
        assert.deepEqual(policy.Statement[0].Condition, {
            StringEquals: { "aws:PrincipalOrgID": ORG },
            "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": [`${ORG}/*/ou-k9x8-prodeu001/*`] },
        });
        assert.deepEqual(
            policy.Statement.slice(1).map((s) => s.Sid),
            [
                "DenyRecoveryPointDeletionAndPolicyChanges",
                "DenyEarlyRecoveryPointLossExceptBreakGlass",
                "DenyVaultDeletionExceptBreakGlass",
                "DenyAccessPolicyDeletionExceptBreakGlassAndDeployment",
            ],
        );
    });

    it("refuses OU paths outside the organization", () => {
        assert.throws(() => copyIntoVaultFromOrganization(ORG, ["o-other12345/*/ou-x/*"]), /must start with the organization id o-k9x8w7v6u5\//);
    });

    it("lets the backup storage service use a workload key for the central account's vaults too, and no one else's", () => {
        const policy = backupKeyPolicy({
            partition: "aws",
            accountId: "510000000001",
            region: "eu-west-1",
            backupRoleArn: "arn:aws:iam::510000000001:role/acme-backup-backup-service",
            deploymentRoleArn: "arn:aws:iam::510000000001:role/Deploy",
            copyBackAccountId: CENTRAL,
        });
        const deny = policy.Statement.find((s) => s.Sid === "DenyBackupStorageOutsideThisAccountsVaults")!;
        assert.deepEqual(deny.Condition, {
            StringNotEquals: { "aws:SourceAccount": ["510000000001", CENTRAL] },
            ArnNotLike: { "aws:SourceArn": ["arn:aws:backup:eu-west-1:510000000001:backup-vault:*", `arn:aws:backup:eu-west-1:${CENTRAL}:backup-vault:*`] },
        });
    });

    it("builds central key policies whose names all exist", async () => {
        const policy = centralBackupKeyPolicy({
            partition: "aws",
            accountId: CENTRAL,
            region: "eu-west-1",
            backupRoleArn: `arn:aws:iam::${CENTRAL}:role/acme-backup-backup-service`,
            deploymentRoleArn: roles.deploymentRoleArn,
            organizationId: ORG,
        });
        assert.deepEqual(await findUnknownIamNames(policy), []);
        assert.ok(policy.Statement.some((s) => s.Sid === "DenyBackupStorageOutsideTheOrganization"));
    });
});

describe("npm run plan -- --diagram", () => {
    it("prints a Mermaid flowchart of the prod environment instead of planning, and exits 0", async () => {
        const { exitCode, output } = await runPlan({ stack: "prod", diagram: true }, PROJECT_DIR);
        assert.equal(exitCode, 0);
        assert.equal(output + "\n", renderDiagram(loadStack("prod")));
        assert.match(output, /vault_510000000006_us_east_1_compliance -- "air-gapped copy: compliance\/daily-7y" --> airgapped_us_east_1/);
        assert.match(output, /vault_510000000006_us_east_1_compliance -- "DR copy: compliance\/daily-7y" --> central_eu_west_1/);
    });
});
