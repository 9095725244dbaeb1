/**
 * Entry point for `pulumi up` / `pulumi preview`: reads this stack's config from the engine, validates all of it
 * before a single resource is registered, then deploys.
 */
import * as pulumi from "@pulumi/pulumi";
import { environmentFromEngine } from "../config/load";
import { validateEnvironment } from "../config/validate";
import { deployPlatform, PlatformOutputs } from "./platform";

function run(): PlatformOutputs {
    const result = validateEnvironment(environmentFromEngine(pulumi.getStack(), pulumi.runtime.allConfig()));
    for (const finding of result.findings.filter((f) => f.severity === "warning")) {
        pulumi.log.warn(`${finding.path}: ${finding.message}`);
    }
    if (!result.model) {
        const errors = result.findings.filter((f) => f.severity === "error").map((f) => `  ${f.path}: ${f.message}`);
        // RunError prints its message without a stack trace.
        throw new pulumi.RunError(`the stack config has ${errors.length} error(s):\n${errors.join("\n")}`);
    }
    return deployPlatform(result.model);
}

export = run();
