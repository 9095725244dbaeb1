import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import { createRequire } from "module";
import { PlannedResource, planProgram, PlanResult, PROJECT_NAME } from "../projects/offline-plan";
import { deployPlatform } from "../projects/platform";
import { modelForTarget, targetsInScope } from "../config/model";
import { loadStack } from "./support/graph";

/** Everything the plan records of a resource, keyed and ordered by URN: the order of registration may differ. */
function byUrn(resources: PlannedResource[]): string[] {
    return resources.map((resource) => JSON.stringify(resource)).sort();
}

/** A program whose values are not plain data: a secret input, and a resource's output secret passed to another. */
function secretsProgram() {
    const provider = new aws.Provider("p", { region: "eu-west-1", allowedAccountIds: ["111111111111"] });
    const parameter = new aws.ssm.Parameter("token", { name: "/platform/token", type: "SecureString", value: pulumi.secret("s3cr3t") }, { provider });
    new aws.ssm.Parameter("copy", { name: "/platform/copy", type: "SecureString", value: parameter.value }, { provider });
    return { name: parameter.name };
}

const sdkRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));

describe("the offline runtime", () => {
    for (const stack of ["dev", "prod"]) {
        it(`records the same ${stack} graph and outputs with its shortcuts as running the SDK exactly as an engine would`, async () => {
            const model = loadStack(stack);
            // One target of each kind (the exact SDK is slow): the management, central and first workload accounts.
            const targets = ["management", "central", "workload"].map((kind) => targetsInScope(model).find((target) => target.kind === kind)!);
            for (const target of targets) {
                const slice = modelForTarget(model, target);
                const plan = (exactSdk: boolean): Promise<PlanResult> =>
                    planProgram({ project: PROJECT_NAME, stack: model.stack, partition: model.partition, exactSdk }, () => deployPlatform(slice));
                const exact = await plan(true);
                const fast = await plan(false);
                assert.ok(exact.resources.length > 10, target.alias);
                assert.deepEqual(byUrn(fast.resources), byUrn(exact.resources), target.alias);
                assert.deepEqual(fast.outputs, exact.outputs, target.alias);
            }
        });
    }

    it("records secrets and values flowing between resources the same with its shortcuts as running the SDK exactly", async () => {
        const context = { project: "p", stack: "s", partition: "aws" };
        const engine = await planProgram({ ...context, exactSdk: true }, secretsProgram);
        const fast = await planProgram(context, secretsProgram);
        assert.deepEqual(byUrn(fast.resources), byUrn(engine.resources));
        const copy = fast.resources.find((resource) => resource.name === "copy");
        // The copy received the first parameter's value: the offline state echoes inputs, secret included.
        assert.deepEqual(copy?.inputs.value, engine.resources.find((resource) => resource.name === "copy")?.inputs.value);
        assert.ok(copy?.inputs.value !== undefined);
    });

    it("puts the SDK back as it found it after a plan, and after a failed one", async () => {
        const Struct = sdkRequire("google-protobuf/google/protobuf/struct_pb").Struct;
        const debuggable = sdkRequire("./runtime/debuggable");
        const before = { fromJavaScript: Struct.fromJavaScript, promise: debuggable.debuggablePromise, limit: Error.stackTraceLimit };
        await planProgram({ project: "p", stack: "s", partition: "aws" }, secretsProgram);
        await assert.rejects(
            planProgram({ project: "p", stack: "s", partition: "aws" }, () => {
                throw new Error("the program failed");
            }),
            /the program failed/,
        );
        assert.equal(Struct.fromJavaScript, before.fromJavaScript);
        assert.equal(debuggable.debuggablePromise, before.promise);
        assert.equal(Error.stackTraceLimit, before.limit);
        // And the Struct encodes again: a real engine connection in the same process would still work.
        assert.deepEqual(Struct.fromJavaScript({ a: [1, "b"] }).toJavaScript(), { a: [1, "b"] });
    });
});
