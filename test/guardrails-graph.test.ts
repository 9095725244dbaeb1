import assert from "node:assert/strict";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { PlanDocument, runPlan } from "../cli/plan";
import { OrganizationPolicy } from "../components/organization-policy";
import { EnvironmentModel } from "../config/model";
import { policyContent } from "../policies/organizations-quotas";
import { planEnvironment } from "../projects/offline-plan";
import { organizationPolicies } from "../projects/guardrails";
import { Graph, loadStack, planStack, PROJECT_DIR, TYPES } from "./support/graph";

const FIXTURE = path.join(PROJECT_DIR, "test", "fixtures", "backup-policies.yaml");

describe("the organization program's guardrails", () => {
    for (const stack of ["dev", "prod"]) {
        describe(`of the ${stack} environment`, () => {
            let model: EnvironmentModel;
            let graph: Graph;

            before(async () => {
                model = loadStack(stack);
                graph = new Graph((await planStack(stack, "organization")).resources);
            });

            it("creates every Organizations policy as the builders make it, in the management account, through its provider", () => {
                const expected = organizationPolicies(model);
                const created = graph.ofType(TYPES.organizationsPolicy);
                assert.deepEqual(
                    created.map((policy) => [policy.inputs.name, policy.inputs.type, policy.inputs.content]),
                    expected.map((policy) => [policy.policyName, policy.type, policyContent(policy.document)]),
                );
                for (const resource of [...created, ...graph.ofType(TYPES.organizationsPolicyAttachment)]) {
                    assert.equal(resource.account, model.management.target.id);
                    assert.equal(resource.region, null, "Organizations is global");
                }
                for (const policy of created) assert.equal((policy.inputs.tags as Record<string, string>)["backup-platform:environment"], stack);
            });

            it("attaches each policy to exactly its configured targets, and never to the management account", () => {
                const attachments = graph.ofType(TYPES.organizationsPolicyAttachment);
                for (const policy of organizationPolicies(model)) {
                    const component = graph.ofType(TYPES.organizationsPolicy).find((resource) => resource.inputs.name === policy.policyName)!;
                    const targets = attachments.filter((attachment) => attachment.parent === component.parent).map((attachment) => attachment.inputs.targetId);
                    assert.deepEqual(
                        targets,
                        policy.targets.map((target) => target.id),
                    );
                    assert.ok(
                        attachments
                            .filter((attachment) => attachment.parent === component.parent)
                            .every((attachment) => attachment.inputs.policyId === `p-${component.name}-id`),
                    );
                }
                assert.ok(attachments.every((attachment) => attachment.inputs.targetId !== model.management.target.id));
            });
        });
    }

    it("lists each policy with its size against AWS's limit and its targets in npm run plan", async () => {
        const { exitCode, output } = await runPlan({ stack: "prod", scope: "organization" }, PROJECT_DIR);
        assert.equal(exitCode, 0);
        assert.match(
            output,
            /- SCP acme-backup-guardrails \([\d,]+ of 5,120 characters\); attached to ou-k9x8-prodeu001, ou-k9x8-produs001, ou-k9x8-regulatd1, ou-k9x8-shared001, 500000000002/,
        );
        assert.match(output, /- SCP acme-backup-stay-in-organization \([\d,]+ of 5,120 characters\); attached to r-k9x8/);
        assert.match(
            output,
            /- tag policy acme-backup-tier-tag \([\d,]+ of 10,000 characters\); backup-tier one of daily, none, weekly, enforced for 7 resource types/,
        );
    });

    it("puts the SCPs and their attachments with targets into --json for --scope organization", async () => {
        const { exitCode, output } = await runPlan({ stack: "prod", scope: "organization", json: true }, PROJECT_DIR);
        assert.equal(exitCode, 0);
        const document = JSON.parse(output) as PlanDocument;
        const scps = document.resources.filter((resource) => resource.type === TYPES.organizationsPolicy && resource.inputs.type === "SERVICE_CONTROL_POLICY");
        assert.deepEqual(
            scps.map((scp) => scp.inputs.name),
            ["acme-backup-guardrails", "acme-backup-stay-in-organization"],
        );
        const targets = document.resources
            .filter((resource) => resource.type === TYPES.organizationsPolicyAttachment)
            .map((resource) => resource.inputs.targetId);
        assert.ok(targets.includes("r-k9x8") && targets.includes("500000000002") && targets.includes("ou-k9x8-regulatd1"));
    });

    it("puts the backup policies into --json when the config selects them as the plan source", async () => {
        const { exitCode, output } = await runPlan({ stack: "demo", config: FIXTURE, scope: "organization", json: true }, PROJECT_DIR);
        assert.equal(exitCode, 0);
        const document = JSON.parse(output) as PlanDocument;
        const backup = document.resources.filter((resource) => resource.type === TYPES.organizationsPolicy && resource.inputs.type === "BACKUP_POLICY");
        assert.equal(backup.length, 3);
        for (const policy of backup) assert.ok(Object.keys(JSON.parse(String(policy.inputs.content)).plans).length > 0);
    });

    it("refuses to create a policy larger than AWS accepts, or one without targets, with a sentence that says so", async () => {
        const program = (content: string, targets: Array<{ kind: "root"; id: string; label: string }>) => () => {
            const provider = new aws.Provider("management-aws", { region: "us-east-1", allowedAccountIds: ["210987654321"] });
            new OrganizationPolicy("too-big", { policyName: "p", type: "SERVICE_CONTROL_POLICY", description: "", content, targets, tags: {} }, { provider });
        };
        const model = loadStack("dev");
        await assert.rejects(
            planEnvironment(model, program("x".repeat(5121), [{ kind: "root", id: "r-a1b2", label: "root" }])),
            /5121 characters and a SERVICE_CONTROL_POLICY takes at most 5120/,
        );
        await assert.rejects(planEnvironment(model, program("{}", [])), /it has no targets/);
    });
});
