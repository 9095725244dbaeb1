/**
 * Entry point of the rollout pipeline's own Pulumi project (`pulumi up` in projects/pipeline): validates the stack's
 * `backup-pipeline:` config, and the platform environment's stack file it names, before registering anything, then
 * deploys. `npm run plan -- --config projects/pipeline/Pulumi.tooling.yaml` plans it offline.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { projectValuesOf } from "../../config/load";
import { modelOrRunError } from "../engine-result";
import { PIPELINE_PROJECT, validatePipeline } from "./config";
import { deployPipeline } from "./program";

function run() {
    // The platform's stack files are at the repository root, two levels up, where the pipeline's builds run the rollout.
    const repositoryRoot = path.resolve(__dirname, "..", "..");
    const result = validatePipeline(pulumi.getStack(), projectValuesOf(pulumi.runtime.allConfig(), PIPELINE_PROJECT), { repositoryRoot });
    return deployPipeline(modelOrRunError(result));
}

export = run();
