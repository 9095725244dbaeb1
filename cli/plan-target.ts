/**
 * One target of an offline plan, evaluated and rendered: what a plan worker thread does per task, and what the plan
 * does itself when it runs in one thread.
 */
import { EnvironmentModel } from "../config/model";
import { planTarget, plannedTargets } from "../projects/offline-plan";
import { renderJsonResources, renderTargetSummary, targetStats, TargetStats, withoutRepeatedStack } from "./plan-render";

export type PlanFormat = "summary" | "json";

export interface TargetTask {
    /** Index into the model's planned targets. */
    index: number;
    format: PlanFormat;
}

export interface TargetOutput {
    /** The target's part of the output. */
    text: string;
    stats: TargetStats;
}

export async function planTargetOutput(model: EnvironmentModel, task: TargetTask): Promise<TargetOutput> {
    const target = plannedTargets(model)[task.index];
    const { resources } = await planTarget(model, target);
    const shown = withoutRepeatedStack(resources, task.index === 0);
    const text = task.format === "json" ? renderJsonResources(shown, task.index === 0) : renderTargetSummary(target, shown);
    return { text, stats: targetStats(target, shown) };
}
