/**
 * A worker thread of the offline plan (piscina): plans and renders one target per task, from that target's slice of
 * the model. Each thread has its own Pulumi runtime, so targets evaluate in parallel.
 */
import { planTargetOutput, TargetOutput, TargetTask } from "./plan-target";

function planTask(task: TargetTask): Promise<TargetOutput> {
    return planTargetOutput(task);
}

export = planTask;
