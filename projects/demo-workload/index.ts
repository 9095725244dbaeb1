/**
 * Entry point of the demo workload's own Pulumi project (`pulumi up` in projects/demo-workload): validates the stack's
 * `backup-demo:` config before registering anything, then deploys. `npm run plan -- --config
 * projects/demo-workload/Pulumi.sandbox.yaml` plans it offline.
 */
import * as pulumi from "@pulumi/pulumi";
import { renderFinding } from "../../config/findings";
import { projectValuesOf } from "../../config/load";
import { DEMO_PROJECT, validateDemo } from "./config";
import { deployDemoWorkload } from "./program";

function run() {
    const result = validateDemo(pulumi.getStack(), projectValuesOf(pulumi.runtime.allConfig(), DEMO_PROJECT));
    for (const finding of result.findings.filter((f) => f.severity === "warning")) pulumi.log.warn(renderFinding(finding).trim());
    if (!result.model) {
        const errors = result.findings.filter((f) => f.severity === "error").map(renderFinding);
        throw new pulumi.RunError(`the stack config has ${errors.length} error(s):\n${errors.join("\n")}`);
    }
    return deployDemoWorkload(result.model);
}

export = run();
