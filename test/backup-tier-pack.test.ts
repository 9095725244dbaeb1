import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { runPlan } from "../cli/plan";
import { BACKUP_TIER_POLICY_NAME, BackupTierConfig, backupTierTagPolicy, TIER_CHECKED_TYPES } from "../policies/backup-tier-pack/policies";
import { backupTierPackConfig } from "../policies/policy-pack-config";
import { organizationPolicies } from "../projects/guardrails";
import { TAG_ENFORCEMENT_TYPES, tierTagPolicy } from "../policies/tag-policies";
import { loadStack, PROJECT_DIR, stackValues, validate } from "./support/graph";

const PACK_DIR = path.join(PROJECT_DIR, "policies", "backup-tier-pack");
const CONFIG: BackupTierConfig = { tierTagKey: "backup-tier", allowedTiers: ["daily", "weekly"] };

/** Runs the pack's validator on one resource as the Pulumi engine would, and returns the violations it reports. */
function violations(type: string, props: Record<string, unknown>, config: BackupTierConfig = CONFIG): string[] {
    const reported: string[] = [];
    const args = { type, props, urn: `urn:pulumi:app::app::${type}::db`, name: "db", getConfig: <T>() => config as unknown as T } as ResourceValidationArgs;
    const validate = backupTierTagPolicy.validateResource;
    assert.equal(typeof validate, "function");
    (validate as (args: ResourceValidationArgs, report: (message: string) => void) => void)(args, (message) => reported.push(message));
    return reported;
}

describe("the backup-tier policy pack", () => {
    it("rejects an RDS instance without a tier tag, saying no tier selects it", () => {
        const reported = violations("aws:rds/instance:Instance", { engine: "postgres", tags: { team: "payments" } });
        assert.equal(reported.length, 1);
        assert.match(reported[0], /RDS instance has no backup-tier tag, so no backup tier selects it .* one of: daily, weekly/);
    });

    it("accepts an RDS instance tagged with a tier the environment defines", () => {
        assert.deepEqual(violations("aws:rds/instance:Instance", { engine: "postgres", tags: { "backup-tier": "daily" } }), []);
    });

    it("rejects a tier value the environment does not define, and points out a difference of case", () => {
        assert.match(
            violations("aws:dynamodb/table:Table", { tags: { "backup-tier": "daliy" } })[0],
            /backup-tier="daliy", which is not a backup tier of this environment/,
        );
        assert.match(violations("aws:s3/bucket:Bucket", { tags: { "backup-tier": "Daily" } })[0], /case-sensitive: did you mean "daily"\?/);
    });

    it("checks RDS clusters, DynamoDB tables, EFS file systems, EBS volumes, EC2 instances and S3 buckets, and nothing else", () => {
        for (const type of Object.keys(TIER_CHECKED_TYPES)) assert.equal(violations(type, {}).length, 1, type);
        assert.deepEqual(violations("aws:sqs/queue:Queue", {}), []);
        assert.deepEqual(violations("aws:lambda/function:Function", { tags: { "backup-tier": "nope" } }), []);
    });

    it("counts the provider's default tags when the engine passes them, and a resource's own tag over them", () => {
        assert.deepEqual(violations("aws:ebs/volume:Volume", { tagsAll: { "backup-tier": "weekly" } }), []);
        assert.equal(violations("aws:ebs/volume:Volume", { tags: { "backup-tier": "hourly" }, tagsAll: { "backup-tier": "weekly" } }).length, 1);
    });

    it("declares its config, so pulumi refuses to run it without the environment's tiers", () => {
        assert.deepEqual(backupTierTagPolicy.configSchema?.required, ["tierTagKey", "allowedTiers"]);
        assert.equal(backupTierTagPolicy.name, BACKUP_TIER_POLICY_NAME);
        const yaml = fs.readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8");
        assert.match(yaml, /^runtime: nodejs$/m);
        assert.match(JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")).version, /^\d+\.\d+\.\d+$/);
    });

    for (const stack of ["dev", "prod"]) {
        it(`ships config/${stack}.json exactly as npm run plan -- --policy-pack-config generates it from Pulumi.${stack}.yaml`, async () => {
            const model = loadStack(stack);
            const expected = backupTierPackConfig(model.management.guardrails!.tierTag!);
            const committed = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "config", `${stack}.json`), "utf8"));
            assert.deepEqual(
                committed,
                expected,
                `regenerate with: npm run -s plan -- --stack ${stack} --policy-pack-config > policies/backup-tier-pack/config/${stack}.json`,
            );
            const { exitCode, output } = await runPlan({ stack, policyPackConfig: true }, PROJECT_DIR);
            assert.equal(exitCode, 0);
            assert.deepEqual(JSON.parse(output), expected);
        });
    }

    it("takes the allowed values from the tiers' selections plus the additional values, and the enforcement level from config", () => {
        const config = backupTierPackConfig(loadStack("prod").management.guardrails!.tierTag!)[BACKUP_TIER_POLICY_NAME];
        assert.deepEqual(config, { enforcementLevel: "mandatory", tierTagKey: "backup-tier", allowedTiers: ["daily", "none", "weekly"] });
    });
});

describe("the tier tag policy", () => {
    it("fixes the tier tag's case and values, and enforces them for the resource types the tiers can select", () => {
        const policy = organizationPolicies(loadStack("prod")).find((candidate) => candidate.type === "TAG_POLICY")!;
        assert.deepEqual(policy.document, {
            tags: {
                "backup-tier": {
                    tag_key: { "@@assign": "backup-tier" },
                    tag_value: { "@@assign": ["daily", "none", "weekly"] },
                    enforced_for: { "@@assign": [...Object.values(TAG_ENFORCEMENT_TYPES).flat()].sort() },
                },
            },
        });
        assert.deepEqual(
            policy.targets.map((target) => target.label),
            ["prod-eu", "prod-us", "regulated", "shared"],
        );
    });

    it("leaves out of enforcement the resource types the environment opts out of AWS Backup", () => {
        const values = stackValues("prod");
        values.resourceTypes.optOut = ["VirtualMachine", "S3", "EC2"];
        // Protected buckets need S3 opted in; without them S3 may be turned off.
        delete values.protectedBuckets;
        const tierTag = validate(values, "prod").model!.management.guardrails!.tierTag!;
        assert.ok(!tierTag.tagPolicy!.enforcedFor.includes("s3:bucket"));
        assert.ok(!tierTag.tagPolicy!.enforcedFor.includes("ec2:instance"));
        assert.ok(tierTag.tagPolicy!.enforcedFor.includes("rds:db"));
    });

    it("keys the policy by the tag key in lower case and refuses wildcard values", () => {
        assert.deepEqual(Object.keys(tierTagPolicy({ tagKey: "Backup-Tier", values: ["gold"], enforcedFor: [] }).tags), ["backup-tier"]);
        assert.throws(() => tierTagPolicy({ tagKey: "backup-tier", values: ["gold*"], enforcedFor: [] }), /wildcard/);
    });
});
