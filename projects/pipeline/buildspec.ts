/**
 * The buildspec of the rollout's CodeBuild projects: install the pinned Pulumi CLI, then run the rollout command; the
 * JSON report and the Markdown summary are the build's output artifact. Plain data serialized once, so tests read it
 * back as YAML.
 * https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html
 */
import * as YAML from "yaml";
import { PipelineModel } from "./config";

export type RolloutOperation = "preview" | "up";

/** The files the rollout writes (see the command's --report and --summary), kept as the build's output artifact. */
export const ROLLOUT_OUTPUT_FILES = ["rollout-report.json", "rollout-summary.md"];

export function rolloutBuildspec(model: PipelineModel, operation: RolloutOperation): string {
    const spec = {
        version: 0.2,
        env: { shell: "bash" },
        phases: {
            install: {
                // Pin the runtime rather than take the image's default, which changes when a version reaches end of life.
                // https://docs.aws.amazon.com/codebuild/latest/userguide/available-runtimes.html
                "runtime-versions": { nodejs: model.build.nodeVersion },
                // Pulumi's installer puts the CLI in ~/.pulumi/bin; the rollout is pointed there with --pulumi-root.
                // https://www.pulumi.com/docs/iac/download-install/
                commands: [`curl -fsSL https://get.pulumi.com | sh -s -- --version ${model.pulumi.cliVersion}`],
            },
            // The lockfile's exact dependencies, then the same command as every other CI runs.
            build: { commands: ["npm ci --no-audit --no-fund", model.commands[operation]] },
        },
        artifacts: { files: ROLLOUT_OUTPUT_FILES, "discard-paths": "yes" },
    };
    return YAML.stringify(spec, { lineWidth: 0 });
}
