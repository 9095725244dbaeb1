import assert from "node:assert/strict";
import { RESOURCE_TYPES, resourceType } from "../components/resource-types";
import { duplicates } from "../config/findings";
import { allTargets, EnvironmentModel } from "../config/model";
import { DEPLOYMENT_PERMISSIONS, PolicyDocument } from "../policies";
import { CENTRAL_RESOURCE_TYPES } from "../projects/central";
import { duplicateUrns, PlannedResource, planTarget } from "../projects/offline-plan";
import { ORGANIZATION_RESOURCE_TYPES } from "../projects/organization";
import { WORKLOAD_RESOURCE_TYPES } from "../projects/workload";
import { findUnknownIamNames } from "./support/iam-data";
import { Graph, loadStack, planStack, TYPES } from "./support/graph";

const cloudResources = (resources: PlannedResource[]) => resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));

for (const stack of ["dev", "prod"]) {
    describe(`the ${stack} environment, planned offline`, () => {
        let model: EnvironmentModel;
        let graph: Graph;

        before(async () => {
            model = loadStack(stack);
            graph = new Graph((await planStack(stack)).resources);
        });

        it("gives every listed account-region its region settings, key, vaults, and a plan and selection per tier", () => {
            for (const account of model.accounts) {
                for (const stamp of account.regions) {
                    const here = graph.at(account.id, stamp.region);
                    const names = (type: string) =>
                        here
                            .filter((r) => r.type === type)
                            .map((r) => r.inputs.name)
                            .sort();
                    assert.equal(here.filter((r) => r.type === TYPES.regionSettings).length, 1, `${account.alias} ${stamp.region}: one region settings`);
                    // Protected buckets bring keys of their own (tested in test/s3-protection.test.ts).
                    const stampKeys = here.filter((r) => r.type === TYPES.key && !graph.ancestor(r, TYPES.protectedBucket));
                    assert.equal(stampKeys.length, 1, `${account.alias} ${stamp.region}: one KMS key`);
                    assert.ok(names(TYPES.alias).includes(stamp.key.aliasName));
                    assert.deepEqual(names(TYPES.vault), stamp.vaults.map((v) => v.name).sort());
                    assert.deepEqual(names(TYPES.plan), stamp.plans.map((p) => p.name).sort());
                    assert.deepEqual(names(TYPES.selection), stamp.plans.map((p) => p.selection.name).sort());
                    assert.equal(here.filter((r) => r.type === TYPES.vaultPolicy).length, stamp.vaults.length);
                    assert.equal(here.filter((r) => r.type === TYPES.vaultLock).length, stamp.vaults.filter((v) => v.lock).length);
                }
            }
        });

        it("opts S3 in for AWS Backup in every workload and central account-region", () => {
            const expected = [
                ...model.accounts.flatMap((a) => a.regions.map((r) => `${a.id}/${r.region}`)),
                ...model.central.regions.map((region) => `${model.central.accountId}/${region}`),
            ].sort();
            const settings = graph.ofType(TYPES.regionSettings);
            assert.deepEqual(settings.map((r) => `${r.account}/${r.region}`).sort(), expected);
            for (const resource of settings) {
                const optIn = resource.inputs.resourceTypeOptInPreference as Record<string, boolean>;
                assert.equal(optIn.S3, true, `${resource.name}: S3 opted in`);
                assert.equal(optIn.DynamoDB, true, `${resource.name}: DynamoDB opted in`);
                assert.equal((resource.inputs.resourceTypeManagementPreference as Record<string, boolean>).DynamoDB, true);
            }
        });

        it("creates nothing in an account or region that is not one of the environment's targets", () => {
            const listed = new Set(allTargets(model).flatMap((t) => [`${t.id}/null`, ...t.regions.map((region) => `${t.id}/${region}`)]));
            for (const resource of cloudResources(graph.resources)) {
                assert.ok(listed.has(`${resource.account}/${resource.region}`), `${resource.type} ${resource.name} in ${resource.account}/${resource.region}`);
            }
        });

        it("deploys every target's resources through that target's own provider, assuming its deployment role", () => {
            for (const target of allTargets(model)) {
                const provider = graph.one(TYPES.provider, `${target.alias}-aws`);
                assert.deepEqual(provider.inputs.allowedAccountIds, [target.id]);
                assert.deepEqual(provider.inputs.assumeRoles, [{ roleArn: target.deploymentRoleArn, sessionName: `backup-platform-${stack}` }]);
                assert.equal(provider.inputs.region, target.homeRegion);
                const viaProvider = graph.resources.filter((r) => r.custom && r.account === target.id);
                assert.ok(viaProvider.length > 1, `${target.alias} has resources`);
            }
            assert.equal(graph.ofType(TYPES.provider).length, allTargets(model).length);
        });

        it("registers unique URNs, unique logical names and unique physical names per account and region", () => {
            assert.deepEqual(duplicateUrns(graph.resources), []);
            const physical = graph.resources
                .filter((r) => r.custom && typeof r.inputs.name === "string")
                .map((r) => `${r.type}|${r.account}|${r.region}|${r.inputs.name}`);
            assert.equal(new Set(physical).size, physical.length);
            // Components and the resource they wrap may not share a name either: every logical name is unique.
            assert.deepEqual(duplicates(graph.resources.map((r) => r.name)), []);
        });

        it("protects every key, vault, vault lock, air-gapped vault, report bucket and deployment-role StackSet from deletion and replacement", () => {
            for (const type of [TYPES.key, TYPES.vault, TYPES.vaultLock, TYPES.airGappedVault, TYPES.bucket, TYPES.stackSet]) {
                for (const resource of graph.ofType(type)) {
                    assert.equal(resource.protect, true, `${resource.name} is not protected`);
                    assert.equal(resource.retainOnDelete, true, `${resource.name} is not retained on delete`);
                }
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

        it("sends every rule's windows explicitly, AWS Backup's defaults where config sets none", () => {
            for (const plan of graph.ofType(TYPES.plan)) {
                for (const rule of plan.inputs.rules as Array<{ startWindow: number; completionWindow: number }>) {
                    assert.ok(Number.isInteger(rule.startWindow) && rule.startWindow >= 60);
                    assert.ok(rule.completionWindow >= rule.startWindow + 60);
                }
            }
        });

        it("tags every taggable resource with the environment", () => {
            for (const resource of graph.resources.filter((r) => r.custom && "tags" in r.inputs)) {
                assert.equal((resource.inputs.tags as Record<string, string>)["backup-platform:environment"], stack, resource.name);
            }
        });

        it("creates the deployment role in workload accounts and in the central account with one StackSet each", () => {
            const stackSets = graph.ofType(TYPES.stackSet);
            assert.deepEqual(
                stackSets.map((s) => s.account),
                [model.management.target.id, model.management.target.id],
            );
            for (const stackSet of stackSets) {
                assert.equal(stackSet.inputs.permissionModel, "SERVICE_MANAGED");
                assert.deepEqual(stackSet.inputs.capabilities, ["CAPABILITY_NAMED_IAM"]);
                const template = JSON.parse(String(stackSet.inputs.templateBody));
                const role = Object.values(template.Resources as Record<string, any>).find((r) => r.Type === "AWS::IAM::Role");
                assert.equal(role.Properties.RoleName, model.roles.deploymentRoleName);
                assert.deepEqual(
                    role.Properties.AssumeRolePolicyDocument.Statement.flatMap((s: any) => [s.Principal.AWS].flat()).sort(),
                    [...model.management.bootstrap!.trustedPrincipalArns].sort(),
                );
            }
            const instances = graph.ofType(TYPES.stackSetInstance);
            const targetsOf = (name: string) => instances.find((i) => i.inputs.stackSetName === name)!.inputs.deploymentTargets as any;
            const workload = targetsOf(`${model.namePrefix}-deployment-role-workload`);
            assert.deepEqual(workload.organizationalUnitIds.sort(), [...new Set(model.accounts.map((a) => a.ou.id))].sort());
            assert.deepEqual([workload.accountFilterType, workload.accounts], ["DIFFERENCE", [model.central.accountId]]);
            const central = targetsOf(`${model.namePrefix}-deployment-role-central`);
            assert.deepEqual(central, {
                organizationalUnitIds: [model.organization.rootId],
                accounts: [model.central.accountId],
                accountFilterType: "INTERSECTION",
            });
        });

        it("generates only policies whose IAM actions and condition keys exist", async () => {
            const templates = graph.ofType(TYPES.stackSet).map((s) => JSON.parse(String(s.inputs.templateBody)) as { Resources: Record<string, any> });
            const documents: Array<[string, PolicyDocument]> = [
                ...graph.ofType(TYPES.key).map((r): [string, PolicyDocument] => [r.name, JSON.parse(String(r.inputs.policy))]),
                ...graph.ofType(TYPES.vaultPolicy).map((r): [string, PolicyDocument] => [r.name, JSON.parse(String(r.inputs.policy))]),
                ...graph.ofType(TYPES.role).map((r): [string, PolicyDocument] => [r.name, JSON.parse(String(r.inputs.assumeRolePolicy))]),
                ...templates.flatMap((template) =>
                    Object.entries(template.Resources).map(([id, resource]): [string, PolicyDocument] => [
                        id,
                        resource.Type === "AWS::IAM::Role" ? resource.Properties.AssumeRolePolicyDocument : resource.Properties.PolicyDocument,
                    ]),
                ),
            ];
            assert.ok(documents.length > 0);
            // One document of each shape is enough: the rest differ only in ARNs.
            const seen = new Set<string>();
            for (const [name, document] of documents) {
                const shape = JSON.stringify(document.Statement.map((s) => [s.Action, Object.keys(s.Condition ?? {})]));
                if (seen.has(shape)) continue;
                seen.add(shape);
                assert.deepEqual(await findUnknownIamNames(document), [], name);
            }
        });

        it("creates in each kind of target only the types its program declares, so the deployment role's policy covers them", () => {
            const declared = { management: ORGANIZATION_RESOURCE_TYPES, central: CENTRAL_RESOURCE_TYPES, workload: WORKLOAD_RESOURCE_TYPES };
            for (const target of allTargets(model)) {
                const used = new Set(cloudResources(graph.resources.filter((r) => r.account === target.id)).map((r) => r.type));
                for (const type of used) assert.ok(declared[target.kind].includes(type), `${target.kind} program creates undeclared ${type}`);
            }
            for (const type of [...CENTRAL_RESOURCE_TYPES, ...WORKLOAD_RESOURCE_TYPES]) assert.ok(DEPLOYMENT_PERMISSIONS[type], `no permissions for ${type}`);
        });

        it("knows every type it creates in its resource-type table", () => {
            for (const resource of cloudResources(graph.resources)) assert.ok(resourceType(resource.type), `${resource.type} is not in RESOURCE_TYPES`);
        });

        it("plans the same resources target by target as in one evaluation of the whole environment", async () => {
            const shape = (r: PlannedResource) => JSON.stringify([r.urn, r.account, r.region, r.parent, r.protect, r.inputs]);
            const whole = graph.resources
                .filter((r) => r.type !== "pulumi:pulumi:Stack")
                .map(shape)
                .sort();
            const byTarget: string[] = [];
            for (const target of allTargets(model)) {
                byTarget.push(...(await planTarget(model, target)).resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map(shape));
            }
            assert.deepEqual(byTarget.sort(), whole);
        });
    });
}

describe("scopes", () => {
    /** What a resource is, independent of the stack it was planned in. */
    const identity = (r: PlannedResource) => JSON.stringify([r.type, r.name, r.account, r.region, r.protect, r.inputs.name ?? null]);

    it("plans only the scoped workload account, with its provider, for account:<id>", async () => {
        const { resources } = await planStack("prod", "account:510000000007");
        const graph = new Graph(resources);
        assert.deepEqual([...new Set(resources.filter((r) => r.custom).map((r) => r.account))], ["510000000007"]);
        assert.deepEqual(
            graph.ofType(TYPES.provider).map((p) => p.name),
            ["kyc-prod-aws"],
        );
    });

    it("plans only the management account for organization and only the central account for central", async () => {
        const model = loadStack("prod");
        const organization = await planStack("prod", "organization");
        assert.deepEqual([...new Set(cloudResources(organization.resources).map((r) => r.account))], [model.management.target.id]);
        assert.ok(organization.resources.some((r) => r.type === TYPES.stackSet));
        const central = await planStack("prod", "central");
        assert.deepEqual([...new Set(cloudResources(central.resources).map((r) => r.account))], [model.central.accountId]);
    });

    it("plans for all exactly the union of the organization, central and every account scope", async () => {
        const model = loadStack("prod");
        const scopes = ["organization", "central", ...model.accounts.map((a) => `account:${a.id}`)];
        const union: string[] = [];
        for (const scope of scopes) union.push(...(await planStack("prod", scope)).resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map(identity));
        const all = (await planStack("prod")).resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map(identity);
        assert.deepEqual(union.sort(), all.sort());
    });

    it("names the Pulumi stack of a scope after the environment, so a per-target stack plans the same resources", async () => {
        const scoped = loadStack("prod", "central");
        assert.equal(scoped.environment, "prod");
        const tags = (await planStack("prod", "central")).resources.filter((r) => r.custom && "tags" in r.inputs).map((r) => r.inputs.tags);
        for (const value of tags) assert.equal((value as Record<string, string>)["backup-platform:environment"], "prod");
    });
});

describe("the resource-type table", () => {
    it("has one entry per token, each with a short name", () => {
        assert.deepEqual(duplicates(RESOURCE_TYPES.map((t) => t.token)), []);
        for (const type of RESOURCE_TYPES) assert.ok(type.short.length > 0);
    });

    it("marks IAM, Organizations and CloudFormation StackSet resources' regions as the table says: IAM global", async () => {
        const graph = new Graph((await planStack("dev")).resources);
        for (const role of graph.ofType(TYPES.role)) assert.equal(role.region, null);
        for (const stackSet of graph.ofType(TYPES.stackSet)) assert.equal(stackSet.region, loadStack("dev").management.target.homeRegion);
    });
});
