import { componentType } from "../config/constants";
import assert from "node:assert/strict";
import { TYPE } from "../components/resource-types";
import { EnvironmentModel } from "../config/model";
import { RESTORE_TESTING_NAME } from "../config/sections/restore-testing";
import { PolicyDocument } from "../policies";
import { REPORTING_ACTIONS, VALIDATOR_ACTIONS } from "../restore-testing/permissions";
import { deploymentRolePoliciesFor } from "../projects/organization";
import { findUnknownIamNames } from "./support/iam-data";
import { assertRejected, Graph, loadStack, planStack, stackValues, validate } from "./support/graph";

const actionsOf = (document: PolicyDocument) => document.Statement.flatMap((statement) => [statement.Action].flat());

/** Restore testing shares event rules, inline policies and alarms with other parts of the platform; these are its own. */
const RESTORE_TESTING_COMPONENT = componentType("restore", "RestoreTesting");

describe("restore testing, planned offline", () => {
    let prod: EnvironmentModel;
    let prodGraph: Graph;
    let devGraph: Graph;

    before(async () => {
        prod = loadStack("prod");
        prodGraph = new Graph((await planStack("prod")).resources);
        devGraph = new Graph((await planStack("dev")).resources);
    });

    it("puts a restore testing plan per configured plan in every central region, restoring from that region's central vault", () => {
        const plans = prodGraph.ofType(TYPE.restoreTestingPlan);
        assert.deepEqual(
            plans.map((plan) => `${plan.account}/${plan.region}/${plan.inputs.name}`).sort(),
            prod.central.regions
                .flatMap((region) => [`500000000002/${region}/acme_backup_nightly_databases`, `500000000002/${region}/acme_backup_weekly_sample`])
                .sort(),
        );
        for (const plan of plans) {
            const selection = plan.inputs.recoveryPointSelection as Record<string, unknown>;
            assert.deepEqual(selection.includeVaults, [prod.central.vaultArnByRegion[plan.region!]]);
            assert.match(String(plan.inputs.name), RESTORE_TESTING_NAME);
        }
    });

    it("runs restore testing in a workload account only where restoreTesting.accounts names it", () => {
        const accounts = new Set(devGraph.ofType(TYPE.restoreTestingPlan).map((plan) => plan.account));
        assert.deepEqual([...accounts].sort(), ["312345678901", "402345678901"]);
        for (const plan of devGraph.ofType(TYPE.restoreTestingPlan).filter((p) => p.account === "402345678901")) {
            const selection = plan.inputs.recoveryPointSelection as { includeVaults: string[] };
            assert.deepEqual(selection.includeVaults, [`arn:aws:backup:${plan.region}:402345678901:backup-vault:acme-backup-standard`]);
        }
    });

    it("gives every selection one resource type, the restore role, valid names, and the region's network settings", () => {
        for (const selection of prodGraph.ofType(TYPE.restoreTestingSelection)) {
            assert.match(String(selection.inputs.name), RESTORE_TESTING_NAME);
            assert.equal(typeof selection.inputs.protectedResourceType, "string");
            assert.equal(selection.inputs.iamRoleArn, `arn:aws:iam::500000000002:role/acme-backup-restore-testing-${selection.region}`);
            const overrides = (selection.inputs.restoreMetadataOverrides ?? {}) as Record<string, string>;
            const network = stackValues("prod").restoreTesting.network[selection.region!];
            if (selection.inputs.protectedResourceType === "EC2") {
                assert.equal(overrides.subnetId, network.subnetId);
                assert.deepEqual(JSON.parse(overrides.securityGroupIds), network.securityGroupIds);
                assert.equal(overrides.instanceType, "t3.medium");
            }
            if (selection.inputs.protectedResourceType === "RDS" || selection.inputs.protectedResourceType === "Aurora") {
                assert.equal(overrides.dbSubnetGroupName, "restore-tests");
                assert.deepEqual(JSON.parse(overrides.vpcSecurityGroupIds), network.securityGroupIds);
            }
            if (selection.inputs.protectedResourceType === "DynamoDB") assert.deepEqual(overrides, {});
        }
    });

    it("routes only completed jobs of the region's own restore testing plans to the validation Lambda", () => {
        for (const rule of prodGraph.ofType(TYPE.eventRule).filter((r) => prodGraph.ancestor(r, RESTORE_TESTING_COMPONENT))) {
            const pattern = JSON.parse(String(rule.inputs.eventPattern));
            const plans = prodGraph
                .ofType(TYPE.restoreTestingPlan)
                .filter((plan) => plan.account === rule.account && plan.region === rule.region)
                .map((plan) => `arn:aws:backup:${plan.region}:${plan.account}:restore-testing-plan:${plan.inputs.name}-`);
            assert.deepEqual(pattern.source, ["aws.backup"]);
            assert.deepEqual(pattern["detail-type"], ["Restore Job State Change"]);
            assert.deepEqual(pattern.detail.status, ["COMPLETED"]);
            assert.equal(pattern.detail.restoreTestingPlanArn.length, plans.length);
            for (const arn of pattern.detail.restoreTestingPlanArn as string[])
                assert.ok(
                    plans.some((prefix) => arn.startsWith(prefix)),
                    arn,
                );
            const fn = prodGraph.at(rule.account!, rule.region).find((r) => r.type === TYPE.lambdaFunction)!;
            const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
            assert.deepEqual(env.RESTORE_TESTING_PLAN_ARNS.split(",").sort(), [...pattern.detail.restoreTestingPlanArn].sort());
        }
    });

    it("grants the validation Lambda only the calls of the validators its selections need, and every name exists", async () => {
        for (const policy of prodGraph.ofType(TYPE.rolePolicy).filter((r) => prodGraph.ancestor(r, RESTORE_TESTING_COMPONENT))) {
            const document = JSON.parse(String(policy.inputs.policy)) as PolicyDocument;
            const region = String(policy.inputs.name).replace("restore-validation-", "");
            const types = new Set(
                prodGraph
                    .ofType(TYPE.restoreTestingSelection)
                    .filter((s) => s.account === policy.account && s.region === region)
                    .map((s) => String(s.inputs.protectedResourceType)),
            );
            const expected = [
                ...REPORTING_ACTIONS,
                ...[...types].flatMap((type) => VALIDATOR_ACTIONS[type] ?? []),
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "sqs:SendMessage",
            ];
            assert.deepEqual(actionsOf(document).sort(), [...new Set(expected)].sort());
            assert.deepEqual(await findUnknownIamNames(document), []);
            assert.ok(!actionsOf(document).some((action) => action.includes("*")), "no wildcard actions");
        }
    });

    it("alarms on failed and timed-out validations, Lambda errors and dead letters, to the region's central alert topic", () => {
        for (const fn of prodGraph.ofType(TYPE.lambdaFunction)) {
            const alarms = prodGraph.at(fn.account!, fn.region).filter((r) => r.type === TYPE.metricAlarm && prodGraph.ancestor(r, RESTORE_TESTING_COMPONENT));
            assert.deepEqual(alarms.map((alarm) => alarm.inputs.metricName).sort(), [
                "ApproximateNumberOfMessagesVisible",
                "Errors",
                "ValidationFailed",
                "ValidationTimedOut",
            ]);
            for (const alarm of alarms) assert.deepEqual(alarm.inputs.alarmActions, [prod.central.alertTopicArnByRegion[fn.region!]]);
        }
    });

    it("deploys the reproducible bundle with its hash, a dead-letter queue and a log group with retention", () => {
        for (const fn of prodGraph.ofType(TYPE.lambdaFunction)) {
            assert.match(String(fn.inputs.sourceCodeHash), /^[A-Za-z0-9+/]{43}=$/);
            assert.match(String(fn.inputs.description), /bundle \d+ bytes, sha256 [0-9a-f]{64}/);
            assert.equal(
                (fn.inputs.deadLetterConfig as { targetArn: string }).targetArn,
                `arn:aws:sqs:${fn.region}:500000000002:acme-backup-restore-validator-dlq`,
            );
            const logs = prodGraph.at(fn.account!, fn.region).find((r) => r.type === TYPE.logGroup)!;
            assert.equal(logs.inputs.name, "/aws/lambda/acme-backup-restore-validator");
            assert.equal(logs.inputs.retentionInDays, 90);
        }
        for (const policy of prodGraph.ofType(TYPE.queuePolicy)) {
            const document = JSON.parse(String(policy.inputs.policy)) as PolicyDocument;
            assert.deepEqual(document.Statement[0].Principal, { Service: "events.amazonaws.com" });
            assert.match(JSON.stringify(document.Statement[0].Condition), /arn:aws:events:[a-z0-9-]+:500000000002:rule\/acme-backup-restore-validation/);
        }
    });
});

describe("restore testing with the central account's alerts and keys", () => {
    let dev: EnvironmentModel;
    let devGraph: Graph;

    before(async () => {
        dev = loadStack("dev");
        devGraph = new Graph((await planStack("dev")).resources);
    });

    it("lets the platform's alarms of every account that tests restores publish to the central alert topic, and no others", async () => {
        const testing = ["402345678901"];
        for (const region of dev.central.regions) {
            const topic = devGraph.at(dev.central.accountId, region).find((r) => r.type === TYPE.topic && r.inputs.name === dev.central.alerts.topicName)!;
            const policy = JSON.parse(String(topic.inputs.policy)) as PolicyDocument;
            const alarms = policy.Statement.find((s) => s.Sid === "PlatformAlarmsPublish")!;
            assert.deepEqual(alarms.Principal, { Service: "cloudwatch.amazonaws.com" });
            assert.deepEqual(alarms.Condition, {
                ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:*:alarm:${dev.namePrefix}-*` },
                StringEquals: { "aws:SourceAccount": [dev.central.accountId, ...testing] },
            });
            assert.deepEqual(await findUnknownIamNames(policy), []);
        }
        // Every restore testing alarm in a workload account names the central topic of its region, and the platform's prefix.
        for (const alarm of devGraph.ofType(TYPE.metricAlarm).filter((r) => r.account === "402345678901")) {
            assert.match(String(alarm.inputs.name), new RegExp(`^${dev.namePrefix}-`));
            assert.deepEqual(alarm.inputs.alarmActions, [dev.central.alertTopicArnByRegion[alarm.region!]]);
        }
    });

    it("lets the region's restore testing role, by its exact ARN, use the central vault key for restores", async () => {
        for (const stamp of dev.central.restoreTesting!.regions) {
            const keys = devGraph.at(dev.central.accountId, stamp.region).filter((r) => r.type === TYPE.key && r.name.endsWith("-kms-key"));
            assert.ok(keys.length >= 1);
            for (const key of keys) {
                const policy = JSON.parse(String(key.inputs.policy)) as PolicyDocument;
                const uses = policy.Statement.find((s) => s.Sid === "RestoreTestingRolesUseKeyForCryptography")!;
                assert.deepEqual(uses.Condition, { ArnEquals: { "aws:PrincipalArn": [stamp.restoreRole.arn] } });
                assert.deepEqual(await findUnknownIamNames(policy), []);
            }
        }
    });
});

describe("the deployment role and restore testing", () => {
    const actions = (documents: PolicyDocument[]) => documents.flatMap(actionsOf);

    it("may manage restore testing's Lambda, queue and alarms only in the kinds of account that run restore testing", async () => {
        const prod = loadStack("prod");
        const dev = loadStack("dev");
        assert.ok(!actions(deploymentRolePoliciesFor(prod, "workload")).includes("lambda:CreateFunction"), "prod's workload accounts run no restore tests");
        for (const [model, kind] of [
            [prod, "central"],
            [dev, "central"],
            [dev, "workload"],
        ] as const) {
            const documents = deploymentRolePoliciesFor(model, kind);
            const granted = actions(documents);
            for (const action of [
                "backup:CreateRestoreTestingPlan",
                "backup:CreateRestoreTestingSelection",
                "lambda:CreateFunction",
                "events:PutRule",
                "cloudwatch:PutMetricAlarm",
            ]) {
                assert.ok(granted.includes(action), `${kind}: ${action}`);
            }
            for (const document of documents) assert.deepEqual(await findUnknownIamNames(document), []);
            const passRoles = documents.flatMap((d) => d.Statement).filter((statement) => [statement.Action].flat().includes("iam:PassRole"));
            assert.ok(
                passRoles.some(
                    (statement) =>
                        /restore-validator-\*$/.test(String(statement.Resource)) && JSON.stringify(statement.Condition).includes("lambda.amazonaws.com"),
                ),
            );
            assert.ok(
                passRoles.some(
                    (statement) =>
                        /restore-testing-\*$/.test(String(statement.Resource)) && JSON.stringify(statement.Condition).includes("backup.amazonaws.com"),
                ),
            );
        }
    });
});

type Mutation = (values: Record<string, any>) => void;

const plan = (values: Record<string, any>) => values.restoreTesting.plans.weekly_sample;

/** Each mutation of the valid prod config breaks one restore testing rule: the finding names the path and the rule. */
const invalidCases: Array<{ rule: string; mutate: Mutation; path: string; message: RegExp }> = [
    {
        rule: "plan names allow letters, digits and underscores only",
        mutate: (v) => (v.restoreTesting.plans["weekly-sample"] = plan(v)),
        path: "restoreTesting.plans.weekly-sample",
        message: /restore testing plan key/,
    },
    {
        rule: "plan names are at most 50 characters after the prefix",
        mutate: (v) => (v.restoreTesting.plans.a_very_long_plan_key_that_makes_the_name_too_long = plan(v)),
        path: "restoreTesting.plans.a_very_long_plan_key_that_makes_the_name_too_long",
        message: /must be 1-50 letters, digits and underscores/,
    },
    { rule: "schedules are cron", mutate: (v) => (plan(v).schedule = "rate(1 day)"), path: "restoreTesting.plans.weekly_sample.schedule", message: /not rate/ },
    {
        rule: "start window at most 168 hours",
        mutate: (v) => (plan(v).startWindowHours = 169),
        path: "restoreTesting.plans.weekly_sample.startWindowHours",
        message: /at most 168/,
    },
    {
        rule: "start window at least 1 hour",
        mutate: (v) => (plan(v).startWindowHours = 0),
        path: "restoreTesting.plans.weekly_sample.startWindowHours",
        message: /at least 1/,
    },
    {
        rule: "selection window 1..365 days",
        mutate: (v) => (plan(v).selectionWindowDays = 366),
        path: "restoreTesting.plans.weekly_sample.selectionWindowDays",
        message: /at most 365/,
    },
    {
        rule: "algorithm latest or random",
        mutate: (v) => (plan(v).algorithm = "oldest"),
        path: "restoreTesting.plans.weekly_sample.algorithm",
        message: /"latest" or "random"/,
    },
    {
        rule: "recovery point types snapshot or continuous",
        mutate: (v) => (plan(v).recoveryPointTypes = ["snapshot", "incremental"]),
        path: "restoreTesting.plans.weekly_sample.recoveryPointTypes[1]",
        message: /"snapshot" and "continuous"/,
    },
    {
        rule: "validation window 0..168 hours",
        mutate: (v) => (plan(v).selections.instances.validationWindowHours = 200),
        path: "restoreTesting.plans.weekly_sample.selections.instances.validationWindowHours",
        message: /at most 168/,
    },
    {
        rule: "resource types are those restore testing accepts",
        mutate: (v) => (plan(v).selections.instances.resourceType = "Redshift"),
        path: "restoreTesting.plans.weekly_sample.selections.instances.resourceType",
        message: /not a resource type restore testing accepts/,
    },
    {
        rule: "at most 30 protected resource ARNs",
        mutate: (v) => {
            plan(v).selections.volumes.conditions = undefined;
            plan(v).selections.volumes.resources = Array.from({ length: 31 }, (_, i) => `arn:aws:ec2:eu-west-1:510000000001:volume/vol-${i}`);
        },
        path: "restoreTesting.plans.weekly_sample.selections.volumes.resources",
        message: /at most 30/,
    },
    {
        rule: "no conditions with specific ARNs",
        mutate: (v) => (plan(v).selections.volumes.resources = ["arn:aws:ec2:eu-west-1:510000000001:volume/vol-1"]),
        path: "restoreTesting.plans.weekly_sample.selections.volumes.conditions",
        message: /conditions apply only with resources \["\*"\]/,
    },
    {
        rule: "ARNs match the selection's resource type",
        mutate: (v) => (plan(v).selections.volumes = { resourceType: "EBS", resources: ["arn:aws:rds:eu-west-1:510000000001:db:x"] }),
        path: "restoreTesting.plans.weekly_sample.selections.volumes.resources[0]",
        message: /is a rds ARN, not one of a EBS resource/,
    },
    {
        rule: "subnet ids have the EC2 id format",
        mutate: (v) => (v.restoreTesting.network["eu-west-1"].subnetId = "subnet-12"),
        path: "restoreTesting.network.eu-west-1.subnetId",
        message: /not a subnet id/,
    },
    {
        rule: "network settings name real regions",
        mutate: (v) => (v.restoreTesting.network["eu-wset-1"] = {}),
        path: "restoreTesting.network.eu-wset-1",
        message: /not an AWS region code/,
    },
    {
        rule: "restore testing accounts are workload accounts",
        mutate: (v) => (v.restoreTesting.accounts = ["510000000099"]),
        path: "restoreTesting.accounts[0]",
        message: /unknown workload account "510000000099"/,
    },
    {
        rule: "log retention is a value CloudWatch Logs accepts",
        mutate: (v) => (v.restoreTesting.validator = { logRetentionDays: 100 }),
        path: "restoreTesting.validator.logRetentionDays",
        message: /not a retention CloudWatch Logs accepts/,
    },
    {
        rule: "Lambda timeout at most 900 s",
        mutate: (v) => (v.restoreTesting.validator = { timeoutSeconds: 901 }),
        path: "restoreTesting.validator.timeoutSeconds",
        message: /at most 900/,
    },
];

describe("restore testing config validation", () => {
    for (const { rule, mutate, path, message } of invalidCases) {
        it(`rejects a config that breaks: ${rule}`, () => {
            const values = stackValues("prod");
            mutate(values);
            assertRejected(values, path, message, "prod");
        });
    }

    it("warns that restores of a type without a validator are reported unverified", () => {
        const values = stackValues("prod");
        plan(values).selections.fsx = { resourceType: "FSx" };
        const { model, findings } = validate(values, "prod");
        assert.ok(model);
        assert.ok(
            findings.some((f) => f.severity === "warning" && f.path === "restoreTesting.plans.weekly_sample.selections.fsx" && /unverified/.test(f.message)),
        );
    });

    it("warns when instances or databases are restored in a region without network settings (no default VPC in landing zones)", () => {
        const values = stackValues("prod");
        delete values.restoreTesting.network["us-east-1"];
        const { findings } = validate(values, "prod");
        assert.ok(findings.some((f) => f.severity === "warning" && /restores EC2, RDS, Aurora in us-east-1 without network settings/.test(f.message)));
    });

    it("sends AWS Backup's spelling and the selection's own overrides over the region's network settings", () => {
        const values = stackValues("prod");
        plan(values).selections.instances.metadataOverrides = { SUBNETID: "subnet-0f0f0f0f0f0f0f0f0" };
        const { model } = validate(values, "prod");
        const stamp = model!.central.restoreTesting!.regions.find((r) => r.region === "eu-west-1")!;
        const weekly = stamp.plans.find((p) => p.key === "weekly_sample")!;
        assert.equal(weekly.algorithm, "RANDOM_WITHIN_WINDOW");
        assert.deepEqual(weekly.recoveryPointTypes, ["SNAPSHOT"]);
        const overrides = weekly.selections.find((s) => s.name === "instances")!.metadataOverrides;
        assert.equal(overrides.subnetId, undefined);
        assert.equal(overrides.SUBNETID, "subnet-0f0f0f0f0f0f0f0f0");
        assert.deepEqual(JSON.parse(overrides.securityGroupIds), ["sg-0c1d2e3f4a5b60718"]);
    });
});
