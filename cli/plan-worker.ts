/**
 * A worker thread of the offline plan (piscina): plans and renders one target per task, from that target's slice of
 * the model. Each thread has its own Pulumi runtime, so targets evaluate in parallel.
 */
import { planTargetOutput, TargetOutput, TargetTask } from "./plan-target";

/**
 * The target's text goes back as UTF-8 bytes: copied into an ArrayBuffer outside the main thread's JavaScript heap, it
 * is written out and freed without growing that heap (a JSON plan of a thousand accounts is tens of megabytes).
 */
async function planTask(task: TargetTask): Promise<TargetOutput> {
    const output = await planTargetOutput(task);
    return { ...output, text: new TextEncoder().encode(output.text as string) };
}

export = planTask;
