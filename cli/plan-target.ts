/**
 * One target of an offline plan, evaluated and rendered: what a plan worker thread does per task, and what the plan
 * does itself when it runs in one thread.
 */
import { EnvironmentModel, Target } from "../config/model";
import { planEnvironment } from "../projects/offline-plan";
import { useValidatorBundle, ValidatorBundle } from "../restore-testing/bundle";
import { renderJsonResources, renderTargetSummary, targetStats, TargetStats, withoutRepeatedStack } from "./plan-render";

export type PlanFormat = "summary" | "json";

export interface TargetTask {
    /** The model slice of this target (modelForTarget), already scoped to it. */
    model: EnvironmentModel;
    target: Target;
    /** Whether this is the plan's first target, which shows the stack resource. */
    first: boolean;
    format: PlanFormat;
    /** The validation Lambda's bundle, built once by the plan before any target, when a target in scope deploys it. */
    validatorBundle?: ValidatorBundle;
}

export interface TargetOutput {
    /** The target's part of the output, as text or as its UTF-8 bytes. */
    text: string | Uint8Array;
    stats: TargetStats;
}

export async function planTargetOutput(task: TargetTask): Promise<TargetOutput> {
    if (task.validatorBundle) useValidatorBundle(task.validatorBundle);
    const { resources } = await planEnvironment(task.model);
    const shown = withoutRepeatedStack(resources, task.first);
    const text = task.format === "json" ? renderJsonResources(shown, task.first) : renderTargetSummary(task.target, shown);
    return { text, stats: targetStats(task.target, shown) };
}
