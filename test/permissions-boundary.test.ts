import assert from "node:assert/strict";
import type { EnvironmentModel } from "../config/model";
import { Graph, loadStack, planStack, TYPES } from "./support/graph";

for (const stack of ["dev", "prod"]) {
    describe(`the ${stack} environment's IAM roles`, () => {
        let model: EnvironmentModel;
        let graph: Graph;
        before(async () => {
            model = loadStack(stack);
            graph = new Graph((await planStack(stack)).resources);
        });

        it("each carry the permissions boundary of their account, under a name the deployment role may create", () => {
            const targets = new Map([model.central.target, ...model.accounts.map((account) => account.target)].map((target) => [target.id, target]));
            const roles = graph.ofType(TYPES.role);
            assert.ok(roles.length > 0, `${stack} creates roles`);
            for (const role of roles) {
                const target = targets.get(role.account ?? "");
                assert.ok(target, `${role.name} is in ${role.account}, which is neither the central nor a workload account`);
                assert.equal(role.inputs.permissionsBoundary, target.permissionsBoundaryArn, role.name);
                assert.equal(role.inputs.permissionsBoundary, `arn:aws:iam::${role.account}:policy/${model.roles.permissionsBoundaryName}`);
                // The deployment role creates roles only under role/<prefix>-* (policies/deployment-role.ts).
                assert.ok(String(role.inputs.name).startsWith(`${model.namePrefix}-`), `${role.name} is named ${role.inputs.name}`);
            }
        });
    });
}
