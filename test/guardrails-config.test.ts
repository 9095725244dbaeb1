import assert from "node:assert/strict";
import * as path from "node:path";
import { readStackFile } from "../config/load";
import { assertRejected, errorsOf, stackValues, validate } from "./support/graph";

/** The project values of the backup-policy fixture, to mutate. */
function fixtureValues(): Record<string, any> {
    const { stackFile } = readStackFile(path.join(__dirname, "fixtures", "backup-policies.yaml"));
    return structuredClone(stackFile!.values) as Record<string, any>;
}

interface InvalidCase {
    rule: string;
    base: () => Record<string, any>;
    mutate: (values: Record<string, any>) => void;
    path: string;
    message: RegExp;
}

const dev = () => stackValues("dev");
const scps = (values: Record<string, any>) => values.serviceControlPolicies;

/** Each row breaks one rule of the guardrail sections; the finding must name the path and the rule. */
const invalidCases: InvalidCase[] = [
    {
        rule: "SCPs are never attached to the management account, where they have no effect",
        base: dev,
        mutate: (v) => (scps(v).policies.guardrails.targets = { accounts: [v.managementAccount.id] }),
        path: "serviceControlPolicies.policies.guardrails.targets.accounts[0]",
        message: /210987654321 is the management account, where service control policies have no effect/,
    },
    {
        rule: "SCP targets name a defined OU, with the closest key suggested",
        base: dev,
        mutate: (v) => (scps(v).policies.guardrails.targets = { organizationalUnits: ["tset"] }),
        path: "serviceControlPolicies.policies.guardrails.targets.organizationalUnits[0]",
        message: /unknown organizational unit "tset"; did you mean "test"\?/,
    },
    {
        rule: "SCP targets name an account of the environment",
        base: dev,
        mutate: (v) => (scps(v).policies.guardrails.targets = { accounts: ["499999999999"] }),
        path: "serviceControlPolicies.policies.guardrails.targets.accounts[0]",
        message: /unknown account "499999999999"/,
    },
    {
        rule: "a group names at least one target",
        base: dev,
        mutate: (v) => (scps(v).policies.guardrails.targets = {}),
        path: "serviceControlPolicies.policies.guardrails.targets",
        message: /name at least one target/,
    },
    {
        rule: "protections are known, with the closest suggested",
        base: dev,
        mutate: (v) => (scps(v).policies.guardrails.protections = ["backupTamper"]),
        path: "serviceControlPolicies.policies.guardrails.protections[0]",
        message: /"backupTamper" is not a protection; did you mean "backupTampering"\?/,
    },
    {
        rule: "group keys name policies and stay lowercase",
        base: dev,
        mutate: (v) => (scps(v).policies["Guard Rails"] = scps(v).policies.guardrails),
        path: "serviceControlPolicies.policies.Guard Rails",
        message: /not a policy key/,
    },
    {
        rule: "at most 5 SCPs attached to a target, FullAWSAccess and the organization's own counted",
        base: dev,
        mutate: (v) => {
            scps(v).otherPoliciesAttached = { root: 3 };
            scps(v).policies["stay-in-organization"] = { protections: ["leaveOrganization"], targets: { root: true } };
            scps(v).policies["copies"] = { protections: ["copiesOutsideOrganization"], targets: { root: true } };
        },
        path: "serviceControlPolicies.policies.copies.targets",
        message:
            /the root \(r-a1b2\) would have 6 SCPs attached: 3 of its own .* and the platform's acme-backup-guardrails, acme-backup-stay-in-organization, acme-backup-copies; AWS Organizations attaches at most 5/,
    },
    {
        rule: "otherPoliciesAttached names a target of the environment",
        base: dev,
        mutate: (v) => (scps(v).otherPoliciesAttached = { prod: 2 }),
        path: "serviceControlPolicies.otherPoliciesAttached.prod",
        message: /unknown target "prod"/,
    },
    {
        rule: "protected buckets are S3 bucket names",
        base: dev,
        mutate: (v) => (scps(v).protectedBuckets = ["Audit_Logs"]),
        path: "serviceControlPolicies.protectedBuckets[0]",
        message: /not an S3 bucket name/,
    },
    {
        rule: "the tier tag is one the tiers select on",
        base: dev,
        mutate: (v) => (v.tierTag.key = "backup-teir"),
        path: "tierTag.key",
        message: /no tier selects on tag "backup-teir"/,
    },
    {
        rule: "the policy pack's enforcement level is advisory or mandatory",
        base: dev,
        mutate: (v) => (v.tierTag.policyPack = { enforcementLevel: "blocking" }),
        path: "tierTag.policyPack.enforcementLevel",
        message: /advisory|mandatory/,
    },
    {
        rule: "tag policy targets name a defined OU",
        base: dev,
        mutate: (v) => (v.tierTag.tagPolicy = { targets: { organizationalUnits: ["prod"] } }),
        path: "tierTag.tagPolicy.targets.organizationalUnits[0]",
        message: /unknown organizational unit "prod"/,
    },
    {
        rule: "the plan source is plans or backupPolicies",
        base: dev,
        mutate: (v) => (v.planSource = "backupPolicy"),
        path: "planSource",
        message: /not a plan source; did you mean "backupPolicies"\?/,
    },
    {
        rule: "backup policies run schedules in UTC: the syntax has no time zone",
        base: dev,
        mutate: (v) => (v.planSource = "backupPolicies"),
        path: "tiers.daily.rules.nightly.timezone",
        message: /Europe\/Dublin: a backup policy's schedule_expression runs in UTC/,
    },
    {
        rule: "backup policies select by tags only",
        base: fixtureValues,
        mutate: (v) => (v.tiers.daily.selection = { resources: ["arn:aws:rds:*:*:db:*"] }),
        path: "tiers.daily.selection",
        message: /selects resources by tags only/,
    },
    {
        rule: "backup policies have no archive tier",
        base: fixtureValues,
        mutate: (v) => (v.tiers.weekly.rules.sunday.lifecycle.optInToArchiveForSupportedResources = true),
        path: "tiers.weekly.rules.sunday.lifecycle.optInToArchiveForSupportedResources",
        message: /no archive tier key/,
    },
    {
        rule: "an account cannot leave out a tier its OU's backup policy gives it",
        base: fixtureValues,
        mutate: (v) => (v.accounts[2].tiers = ["weekly"]),
        path: "accounts[2].tiers",
        message: /payments-test inherits OU test's backup policy and with it tiers daily, which one account cannot leave out/,
    },
];

describe("guardrail config validation", () => {
    it("accepts the backup-policy fixture without errors", () => {
        const result = validate(fixtureValues(), "demo");
        assert.deepEqual(errorsOf(result.findings), []);
        assert.ok(result.model);
    });

    for (const testCase of invalidCases) {
        it(`rejects a config that breaks: ${testCase.rule}`, () => {
            const values = testCase.base();
            testCase.mutate(values);
            assertRejected(values, testCase.path, testCase.message);
        });
    }

    it("splits a group that outgrows 5,120 characters into numbered policies and counts each against the target's 5", () => {
        const values = dev();
        scps(values).protectedBuckets = Array.from({ length: 40 }, (_, index) => `acme-team-${String(index).padStart(2, "0")}-data-lake-archive-*`);
        const model = validate(values).model!;
        assert.ok(model, "40 protected buckets still fit, in several policies");
        scps(values).otherPoliciesAttached = { root: 4 };
        const errors = errorsOf(validate(values).findings);
        assert.ok(
            errors.some((e) =>
                /the root \(r-a1b2\) would have 6 SCPs attached: 4 of its own .* acme-backup-guardrails, acme-backup-guardrails-2;/.test(e.message),
            ),
            errors.map((e) => e.message).join("\n"),
        );
    });

    it("warns that roles must exist before the SCPs when no StackSet creates the deployment role", () => {
        const values = dev();
        delete values.bootstrap;
        const result = validate(values);
        assert.ok(result.model);
        const warning = result.findings.find((finding) => finding.severity === "warning" && finding.path === "serviceControlPolicies");
        assert.match(warning?.message ?? "", /create the deployment and break-glass roles in every targeted account before these SCPs are attached/);
        assert.ok(!validate(dev()).findings.some((finding) => finding.path === "serviceControlPolicies"));
    });

    it("lets an account add tiers or change regions under backup policies: its own policy overrides what it inherits", () => {
        const values = fixtureValues();
        values.accounts[0].tiers = ["daily", "weekly"];
        const model = validate(values, "demo").model!;
        const policies = model.management.guardrails!.backupPolicies;
        const ofAccount = policies.filter((policy) => policy.targets.some((target) => target.id === values.accounts[0].id));
        assert.deepEqual(
            ofAccount.map((policy) => [policy.name, policy.regions]),
            [["acme-backup-plans-daily-weekly-in-eu-west-1", ["eu-west-1"]]],
        );
    });

    it("stamps no plans into accounts when backup policies provide them, but keeps every vault the policies name", () => {
        const model = validate(fixtureValues(), "demo").model!;
        for (const account of model.accounts) {
            for (const stamp of account.regions) {
                assert.deepEqual(stamp.plans, []);
                assert.deepEqual(
                    stamp.vaults.map((vault) => vault.name),
                    ["acme-backup-standard"],
                );
            }
        }
    });
});
