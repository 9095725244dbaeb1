import assert from "node:assert/strict";
import { duplicates } from "../config/findings";
import { EnvironmentModel } from "../config/model";
import { PlannedResource, duplicateUrns } from "../projects/offline-plan";
import { PolicyDocument } from "../policies";
import { findUnknownIamNames } from "./support/iam-data";
import { Graph, loadStack, planStack, TYPES } from "./support/graph";

for (const stack of ["dev", "prod"]) {
    describe(`the ${stack} environment, planned offline`, () => {
        let model: EnvironmentModel;
        let graph: Graph;

        before(async () => {
            model = loadStack(stack);
            graph = new Graph((await planStack(stack)).resources);
        });

        it("gives every listed account-region its key, vaults, and a plan and selection per tier", () => {
            for (const account of model.accounts) {
                for (const stamp of account.regions) {
                    const here = graph.at(account.id, stamp.region);
                    const names = (type: string) =>
                        here
                            .filter((r) => r.type === type)
                            .map((r) => r.inputs.name)
                            .sort();
                    assert.equal(here.filter((r) => r.type === TYPES.key).length, 1, `${account.alias} ${stamp.region}: one KMS key`);
                    assert.deepEqual(names(TYPES.alias), [stamp.key.aliasName]);
                    assert.deepEqual(names(TYPES.vault), stamp.vaults.map((v) => v.name).sort());
                    assert.deepEqual(names(TYPES.plan), stamp.plans.map((p) => p.name).sort());
                    assert.deepEqual(names(TYPES.selection), stamp.plans.map((p) => p.selection.name).sort());
                    assert.equal(here.filter((r) => r.type === TYPES.vaultPolicy).length, stamp.vaults.length);
                    assert.equal(here.filter((r) => r.type === TYPES.vaultLock).length, stamp.vaults.filter((v) => v.lock).length);
                }
            }
        });

        it("creates nothing in an account or region the config does not list", () => {
            const listed = new Set(model.accounts.flatMap((a) => [`${a.id}/null`, ...a.regions.map((r) => `${a.id}/${r.region}`)]));
            for (const resource of graph.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))) {
                assert.ok(listed.has(`${resource.account}/${resource.region}`), `${resource.type} ${resource.name} in ${resource.account}/${resource.region}`);
            }
        });

        it("deploys every resource of an account through that account's own provider", () => {
            for (const stamp of graph.ofType(TYPES.accountBackup)) {
                const account = model.accounts.find((a) => a.alias === stamp.name)!;
                const provider = graph.one(TYPES.provider, `${account.alias}-aws`);
                assert.deepEqual(provider.inputs.allowedAccountIds, [account.id]);
                assert.deepEqual(provider.inputs.assumeRoles, [{ roleArn: account.deploymentRoleArn, sessionName: `backup-platform-${stack}` }]);
                const below = graph.resources.filter((r) => r.custom && graph.ancestor(r, TYPES.accountBackup)?.urn === stamp.urn);
                assert.ok(below.length > 0);
                for (const resource of below) assert.equal(resource.account, account.id, `${resource.name} is in the wrong account`);
            }
        });

        it("registers unique URNs and unique physical names per account and region", () => {
            assert.deepEqual(duplicateUrns(graph.resources), []);
            const physical = graph.resources
                .filter((r) => r.custom && typeof r.inputs.name === "string")
                .map((r) => `${r.type}|${r.account}|${r.region}|${r.inputs.name}`);
            assert.equal(new Set(physical).size, physical.length);
            const repeated = duplicates(graph.resources.map((r) => r.name));
            // Components and the resource they wrap may not share a name either: every logical name is unique.
            assert.deepEqual(repeated, []);
        });

        it("protects every key, vault and vault lock from deletion and replacement", () => {
            for (const type of [TYPES.key, TYPES.vault, TYPES.vaultLock]) {
                for (const resource of graph.ofType(type)) assert.equal(resource.protect, true, `${resource.name} is not protected`);
            }
            for (const vault of graph.ofType(TYPES.vault)) assert.equal(vault.inputs.forceDestroy, false);
            for (const key of graph.ofType(TYPES.key)) {
                assert.equal(key.inputs.deletionWindowInDays, 30);
                assert.equal(key.inputs.enableKeyRotation, true);
            }
        });

        it("encrypts each vault with the KMS key of its own account and region", () => {
            for (const vault of graph.ofType(TYPES.vault)) {
                assert.match(String(vault.inputs.kmsKeyArn), new RegExp(`^arn:aws:kms:${vault.region}:${vault.account}:key/`));
            }
        });

        it("points every selection at the account's backup role and every rule at a vault of the stamp", () => {
            for (const selection of graph.ofType(TYPES.selection)) {
                const account = model.accounts.find((a) => a.id === selection.account)!;
                assert.equal(selection.inputs.iamRoleArn, account.backupRole.arn);
            }
            for (const plan of graph.ofType(TYPES.plan)) {
                const vaults = graph
                    .at(plan.account!, plan.region)
                    .filter((r) => r.type === TYPES.vault)
                    .map((v) => v.inputs.name);
                for (const rule of plan.inputs.rules as Array<{ targetVaultName: string }>) assert.ok(vaults.includes(rule.targetVaultName));
            }
        });

        it("tags every taggable resource with the environment", () => {
            for (const resource of graph.resources.filter((r) => r.custom && "tags" in r.inputs)) {
                assert.equal((resource.inputs.tags as Record<string, string>)["backup-platform:environment"], stack, resource.name);
            }
        });

        it("generates only policies whose IAM actions and condition keys exist", async () => {
            const documents: Array<[string, PolicyDocument]> = [
                ...graph.ofType(TYPES.key).map((r): [string, PolicyDocument] => [r.name, JSON.parse(String(r.inputs.policy))]),
                ...graph.ofType(TYPES.vaultPolicy).map((r): [string, PolicyDocument] => [r.name, JSON.parse(String(r.inputs.policy))]),
                ...graph.ofType(TYPES.role).map((r): [string, PolicyDocument] => [r.name, JSON.parse(String(r.inputs.assumeRolePolicy))]),
            ];
            assert.ok(documents.length > 0);
            // One document of each kind per account is enough: the rest differ only in ARNs.
            const seen = new Set<string>();
            for (const [name, document] of documents) {
                const shape = JSON.stringify(document.Statement.map((s) => [s.Action, Object.keys(s.Condition ?? {})]));
                if (seen.has(shape)) continue;
                seen.add(shape);
                assert.deepEqual(await findUnknownIamNames(document), [], name);
            }
        });
    });
}

describe("scope filtering", () => {
    it("plans only the scoped account, with its provider, when the scope is account:<id>", async () => {
        const { resources } = await planStack("prod", "account:510000000007");
        const graph = new Graph(resources);
        const accounts = new Set(resources.filter((r) => r.custom).map((r) => r.account));
        assert.deepEqual([...accounts], ["510000000007"]);
        assert.deepEqual(
            graph.ofType(TYPES.provider).map((p) => p.name),
            ["kyc-prod-aws"],
        );
        const full = new Graph((await planStack("prod")).resources);
        const fullKyc = full.resources
            .filter((r) => r.custom && r.account === "510000000007")
            .map((r) => r.urn)
            .sort();
        assert.deepEqual(
            resources
                .filter((r) => r.custom)
                .map((r) => r.urn)
                .sort(),
            fullKyc,
        );
    });

    it("plans the same resources for an account whether scoped or not (stack-per-account reuses the program)", async () => {
        const scoped: PlannedResource[] = (await planStack("dev", "account:402345678901")).resources;
        const all: PlannedResource[] = (await planStack("dev")).resources;
        const inputsOf = (list: PlannedResource[]) =>
            list
                .filter((r) => r.custom && r.account === "402345678901")
                .map((r) => JSON.stringify([r.urn, r.inputs]))
                .sort();
        assert.deepEqual(inputsOf(scoped), inputsOf(all));
    });
});
