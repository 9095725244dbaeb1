/**
 * A worker thread of the offline plan (piscina): receives the validated model once, then plans and renders one target
 * per task. Each thread has its own Pulumi runtime, so targets evaluate in parallel.
 */
import { workerData } from "piscina";
import { EnvironmentModel } from "../config/model";
import { planTargetOutput, TargetOutput, TargetTask } from "./plan-target";

const model = (workerData as { model: EnvironmentModel }).model;

function planTask(task: TargetTask): Promise<TargetOutput> {
    return planTargetOutput(model, task);
}

export = planTask;
