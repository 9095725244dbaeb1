/**
 * Entry point of the demo workload's own Pulumi project (`pulumi up` in projects/demo-workload): validates the stack's
 * `backup-demo:` config before registering anything, then deploys. `npm run plan -- --config
 * projects/demo-workload/Pulumi.sandbox.yaml` plans it offline.
 */
import * as pulumi from "@pulumi/pulumi";
import { projectValuesOf } from "../../config/load";
import { modelOrRunError } from "../engine-result";
import { DEMO_PROJECT, validateDemo } from "./config";
import { deployDemoWorkload } from "./program";

function run() {
    return deployDemoWorkload(modelOrRunError(validateDemo(pulumi.getStack(), projectValuesOf(pulumi.runtime.allConfig(), DEMO_PROJECT))));
}

export = run();
