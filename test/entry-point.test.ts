import * as pulumi from "@pulumi/pulumi";
import assert from "node:assert/strict";
import { planEnvironment } from "../projects/offline-plan";
import { loadStack, planStack, stackValues } from "./support/graph";

const ENTRY = require.resolve("../projects/index");

/** Puts a stack's values into the engine's config the way `pulumi up` does: namespaced keys, objects as JSON text. */
function setEngineConfig(values: Record<string, unknown>): void {
    const config: Record<string, string> = { "aws:region": "eu-west-1", "backup-platform:scope": "all" };
    for (const [key, value] of Object.entries(values)) config[`backup-platform:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    pulumi.runtime.setAllConfig(config);
}

/** Runs projects/index.ts (the `pulumi up` entry point) fresh, as the engine would load it. */
function runEntryPoint(): unknown {
    delete require.cache[ENTRY];
    return require(ENTRY);
}

describe("the pulumi up entry point", () => {
    afterEach(() => pulumi.runtime.setAllConfig({}));

    it("reads the stack's config from the engine and registers the same graph as the offline plan", async () => {
        setEngineConfig(stackValues("dev"));
        const viaEngine = await planEnvironment(loadStack("dev"), runEntryPoint);
        const viaFile = await planStack("dev");
        const shape = (resources: typeof viaFile.resources) => resources.map((r) => JSON.stringify([r.urn, r.account, r.region, r.protect, r.inputs])).sort();
        assert.deepEqual(shape(viaEngine.resources), shape(viaFile.resources));
    });

    it("stops before registering any resource when the config is invalid, listing every error", async () => {
        const values = stackValues("dev");
        values.accounts[0].id = "1";
        values.tiers.daily.rules.nightly.startWindowMinutes = 5;
        setEngineConfig(values);
        await assert.rejects(planEnvironment(loadStack("dev"), runEntryPoint), (error: Error & { plannedResources?: Array<{ type: string }> }) => {
            assert.ok(error instanceof pulumi.RunError, "a RunError prints without a stack trace");
            assert.match(error.message, /2 error\(s\)/);
            assert.match(error.message, /accounts\[0\]\.id/);
            assert.match(error.message, /tiers\.daily\.rules\.nightly\.startWindowMinutes/);
            // Nothing but the stack itself was registered: no half-built graph.
            assert.deepEqual(
                error.plannedResources?.map((r) => r.type),
                ["pulumi:pulumi:Stack"],
            );
            return true;
        });
    });
});
