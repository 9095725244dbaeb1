/** The validation result of a project's config, as every entry point of this repository hands it to the engine. */
import * as pulumi from "@pulumi/pulumi";
import { Finding, renderFinding } from "../config/findings";

/**
 * What every entry point of this repository's projects does with its validation result under the engine: warnings to
 * the engine's log, and either the model or every error at once as a RunError (printed without a stack trace).
 */
export function modelOrRunError<T>(result: { model?: T; findings: Finding[] }): T {
    for (const finding of result.findings.filter((f) => f.severity === "warning")) pulumi.log.warn(renderFinding(finding).trim());
    if (!result.model) {
        const errors = result.findings.filter((f) => f.severity === "error").map(renderFinding);
        throw new pulumi.RunError(`the stack config has ${errors.length} error(s):\n${errors.join("\n")}`);
    }
    return result.model;
}
