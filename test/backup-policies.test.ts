import assert from "node:assert/strict";
import * as path from "node:path";
import { z } from "zod";
import { loadEnvironmentFromFile } from "../config/load";
import { EnvironmentModel, PlanModel } from "../config/model";
import { backupPolicyDocument, effectiveBackupPolicy, effectivePlanProblems } from "../policies/backup-policies";
import { organizationsPolicySize } from "../policies/organizations-quotas";
import { planEnvironment, PlannedResource } from "../projects/offline-plan";
import { organizationPolicies } from "../projects/guardrails";
import { Graph, TYPES } from "./support/graph";

/**
 * AWS's documented backup policy structure, key by key, as a strict schema: every key the platform emits must be one
 * the page names, every value set with @@assign, numbers as the page's examples write them (strings), the account as
 * $account in ARNs. https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_backup_syntax.html
 */
const assign = <T extends z.ZodType>(value: T) => z.strictObject({ "@@assign": value });
const days = assign(z.string().regex(/^\d+$/));
const lifecycle = z.strictObject({ move_to_cold_storage_after_days: days.optional(), delete_after_days: days.optional() });
const tagElement = z.strictObject({ tag_key: assign(z.string()), tag_value: assign(z.string()) });
/** Elements keyed by their tag key in lower case ("the tag key name in all lower case"). */
const lowerCaseKeyed = <T extends z.ZodType>(element: T) =>
    z.record(z.string(), element).refine((map) => Object.keys(map).every((key) => key === key.toLowerCase()), { error: "keys must be lower case" });
const vaultArn = z.string().regex(/^arn:aws[a-z-]*:backup:[a-z0-9-]+:(\d{12}|\$account):backup-vault:[A-Za-z0-9_-]+$/);
const documentedBackupPolicy = z.strictObject({
    plans: z.record(
        z.string().regex(/^[A-Za-z0-9_.-]{1,50}$/),
        z.strictObject({
            regions: assign(z.array(z.string()).min(1)),
            rules: z.record(
                z.string(),
                z.strictObject({
                    schedule_expression: assign(z.string().regex(/^cron\(.+\)$/)),
                    start_backup_window_minutes: assign(z.string().regex(/^\d+$/)).optional(),
                    complete_backup_window_minutes: assign(z.string().regex(/^\d+$/)).optional(),
                    enable_continuous_backup: assign(z.boolean()).optional(),
                    target_backup_vault_name: assign(z.string()),
                    lifecycle: lifecycle.optional(),
                    recovery_point_tags: lowerCaseKeyed(tagElement).optional(),
                    copy_actions: z
                        .record(vaultArn, z.strictObject({ target_backup_vault_arn: assign(vaultArn), lifecycle: lifecycle.optional() }))
                        .refine((copies) => Object.entries(copies).every(([key, copy]) => key === copy.target_backup_vault_arn["@@assign"]), {
                            error: "a copy action is keyed by its target vault's ARN",
                        })
                        .optional(),
                }),
            ),
            selections: z.strictObject({
                tags: lowerCaseKeyed(
                    z.strictObject({
                        iam_role_arn: assign(z.string().regex(/^arn:aws[a-z-]*:iam::\$account:role\/[\w+=,.@-]+$/)),
                        tag_key: assign(z.string()),
                        tag_value: assign(z.array(z.string()).min(1)),
                    }),
                ),
            }),
            advanced_backup_settings: z.strictObject({ ec2: z.strictObject({ windows_vss: assign(z.enum(["enabled", "disabled"])) }) }).optional(),
            backup_plan_tags: lowerCaseKeyed(tagElement).optional(),
        }),
    ),
});

const FIXTURE = path.join(__dirname, "fixtures", "backup-policies.yaml");

function fixtureModel(scope?: string): EnvironmentModel {
    const result = loadEnvironmentFromFile(FIXTURE, "demo", scope);
    assert.ok(result.model, result.findings.map((f) => `${f.path}: ${f.message}`).join("\n"));
    return result.model;
}

const weeklyPlan = (model: EnvironmentModel): PlanModel =>
    model.management.guardrails!.backupPolicies.flatMap((policy) => policy.plans).find((plan) => plan.tier === "weekly")!;

describe("Organizations backup policies", () => {
    let model: EnvironmentModel;
    let graph: Graph;

    before(async () => {
        model = fixtureModel();
        graph = new Graph((await planEnvironment(model)).resources);
    });

    it("writes every policy in AWS's documented backup policy syntax, within 10,000 characters", () => {
        const policies = organizationPolicies(model).filter((policy) => policy.type === "BACKUP_POLICY");
        assert.equal(policies.length, 3);
        for (const policy of policies) {
            const parsed = documentedBackupPolicy.safeParse(policy.document);
            assert.ok(parsed.success, `${policy.policyName}: ${parsed.error?.message}`);
            assert.ok(organizationsPolicySize(policy.document) <= 10_000);
        }
    });

    it("translates a tier into a plan with its schedule, windows, lifecycle, vault, tags and the service role of each account", () => {
        const document = backupPolicyDocument({
            partition: "aws",
            regions: ["eu-west-1", "eu-central-1"],
            backupRoleName: model.roles.backupServiceRoleName,
            plans: [weeklyPlan(model)],
            planTags: { team: "platform" },
        });
        assert.deepEqual(document.plans["acme-backup-weekly"], {
            regions: { "@@assign": ["eu-central-1", "eu-west-1"] },
            rules: {
                sunday: {
                    schedule_expression: { "@@assign": "cron(0 3 ? * SUN *)" },
                    start_backup_window_minutes: { "@@assign": "120" },
                    complete_backup_window_minutes: { "@@assign": "720" },
                    enable_continuous_backup: { "@@assign": false },
                    target_backup_vault_name: { "@@assign": "acme-backup-standard" },
                    lifecycle: { move_to_cold_storage_after_days: { "@@assign": "30" }, delete_after_days: { "@@assign": "180" } },
                    recovery_point_tags: {
                        "backup-platform:tier": { tag_key: { "@@assign": "backup-platform:tier" }, tag_value: { "@@assign": "weekly" } },
                        retention: { tag_key: { "@@assign": "retention" }, tag_value: { "@@assign": "6m" } },
                    },
                },
            },
            selections: {
                tags: {
                    "backup-tier": {
                        iam_role_arn: { "@@assign": "arn:aws:iam::$account:role/acme-backup-backup-service" },
                        tag_key: { "@@assign": "backup-tier" },
                        tag_value: { "@@assign": ["weekly"] },
                    },
                },
            },
            backup_plan_tags: { team: { tag_key: { "@@assign": "team" }, tag_value: { "@@assign": "platform" } } },
        });
    });

    it("keys copy actions by their target vault's ARN and names that ARN again, as AWS asks", () => {
        const target = "arn:aws:backup:eu-west-1:312345678901:backup-vault:acme-backup-central";
        const plan = weeklyPlan(model);
        const copying = {
            ...plan,
            rules: plan.rules.map((rule) => ({
                ...rule,
                copyActions: [{ target: "central" as const, region: "eu-west-1", destinationVaultArn: target, lifecycle: { deleteAfterDays: 365 } }],
            })),
        };
        const document = backupPolicyDocument({
            partition: "aws",
            regions: ["eu-west-1"],
            backupRoleName: "acme-backup-backup-service",
            plans: [copying],
            planTags: {},
        });
        assert.deepEqual(document.plans["acme-backup-weekly"].rules.sunday.copy_actions, {
            [target]: { target_backup_vault_arn: { "@@assign": target }, lifecycle: { delete_after_days: { "@@assign": "365" } } },
        });
        assert.ok(documentedBackupPolicy.safeParse(document).success);
    });

    it("attaches one policy per set of regions and tiers to the OUs, and to an account whose regions differ from its OU's", () => {
        const attachments = graph.ofType(TYPES.organizationsPolicyAttachment);
        const targetsOf = (name: string) => {
            const policy = graph.ofType(TYPES.organizationsPolicy).find((resource) => resource.inputs.name === name)!;
            return attachments.filter((attachment) => attachment.parent === policy.parent).map((attachment) => attachment.inputs.targetId);
        };
        assert.deepEqual(targetsOf("acme-backup-plans-daily-in-eu-west-1"), ["ou-a1b2-devx1234"]);
        assert.deepEqual(targetsOf("acme-backup-plans-daily-weekly-in-eu-central-1-eu-west-1"), ["ou-a1b2-test5678"]);
        assert.deepEqual(targetsOf("acme-backup-plans-daily-in-eu-central-1-eu-west-1"), ["402345678901"]);
    });

    it("gives each account the effective plans of its tiers, in its own regions, into its own vaults, as its own service role", () => {
        const documents = organizationPolicies(model).filter((policy) => policy.type === "BACKUP_POLICY");
        const attached = (id: string) => documents.filter((policy) => policy.targets.some((target) => target.id === id)).map((policy) => policy.document);
        const catalog = model.accounts.find((account) => account.alias === "catalog-dev")!;
        const effective = effectiveBackupPolicy([...attached(catalog.ou.id), ...attached(catalog.id)]) as any;
        // The account's own policy overrides the regions of the plan it inherits from OU dev.
        assert.deepEqual(effective.plans["acme-backup-daily"].regions, ["eu-central-1", "eu-west-1"]);
        assert.equal(effective.plans["acme-backup-daily"].rules.nightly.target_backup_vault_name, "acme-backup-standard");
        const facts = {
            id: catalog.id,
            backupRoleArn: catalog.backupRole.arn,
            planNames: ["acme-backup-daily"],
            vaultsByRegion: Object.fromEntries(catalog.regions.map((stamp) => [stamp.region, stamp.vaults.map((vault) => vault.name)])),
        };
        assert.deepEqual(effectivePlanProblems(effective, facts), []);
        // Without the account's own policy it would run in eu-west-1 only; with another region, vault or role, it could not run.
        const broken = structuredClone(effective);
        broken.plans["acme-backup-daily"].regions.push("us-east-1");
        broken.plans["acme-backup-daily"].rules.nightly.target_backup_vault_name = "acme-backup-gold";
        broken.plans["acme-backup-daily"].selections.tags["backup-tier"].iam_role_arn = "arn:aws:iam::$account:role/SomeoneElse";
        assert.deepEqual(effectivePlanProblems(broken, facts), [
            "gets plan acme-backup-daily whose rule nightly backs up in eu-central-1 to vault acme-backup-gold, which it does not have there",
            "gets plan acme-backup-daily whose rule nightly backs up in eu-west-1 to vault acme-backup-gold, which it does not have there",
            "gets plan acme-backup-daily in us-east-1, where it has no vaults",
            `gets plan acme-backup-daily whose selection backup-tier runs as arn:aws:iam::${catalog.id}:role/SomeoneElse, not its AWS Backup role ${catalog.backupRole.arn}`,
        ]);
        assert.deepEqual(effectivePlanProblems({ plans: {} }, facts), ["gets no plan acme-backup-daily"]);
    });

    it("creates no backup plans or selections in workload accounts, only the vaults, keys, region settings and roles the policies and alerts use", () => {
        assert.deepEqual(graph.ofType(TYPES.plan), []);
        assert.deepEqual(graph.ofType(TYPES.selection), []);
        for (const account of model.accounts) {
            const here = (type: string) => graph.resources.filter((resource: PlannedResource) => resource.type === type && resource.account === account.id);
            assert.equal(here(TYPES.vault).length, account.regions.length);
            assert.equal(here(TYPES.key).length, account.regions.length);
            assert.equal(here(TYPES.regionSettings).length, account.regions.length);
            // The backup service role the policies name, and the role that forwards failed-job events to the central bus.
            assert.deepEqual(
                here(TYPES.role)
                    .map((role) => role.inputs.name)
                    .sort(),
                [model.roles.backupServiceRoleName, account.eventsRole.name].sort(),
            );
        }
    });
});
