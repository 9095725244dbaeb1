/**
 * The platform program as the engine runs it: reads the stack's config from the engine, validates all of it before a
 * single resource is registered, then deploys the scope the config or the stack's name says. `pulumi up` runs it
 * through projects/index.ts; the rollout runs it as the Automation API's inline program, so both deploy the same way.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { validateEnvironment } from "../config/environment";

import { environmentFromEngine, readStackFile, stackFilePath, withLocations } from "../config/load";
import { modelOrRunError } from "./engine-result";
import { deployPlatform, PlatformOutputs } from "./platform";

/** Where the engine's config came from, so findings can name its line: `Pulumi.<stack>.yaml` in the working directory. */
function locateInStackFile(stack: string) {
    const file = stackFilePath(process.cwd(), stack);
    return fs.existsSync(file) ? readStackFile(file).stackFile?.locate : undefined;
}

export function platformFromEngine(): PlatformOutputs {
    const stack = pulumi.getStack();
    const result = validateEnvironment(environmentFromEngine(stack, pulumi.runtime.allConfig()));
    const locate = locateInStackFile(stack);
    const findings = locate ? withLocations(result.findings, locate) : result.findings;
    return deployPlatform(modelOrRunError({ model: result.model, findings }));
}
