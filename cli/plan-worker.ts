/**
 * A worker thread of the offline plan (piscina): plans and renders one target per task, from that target's slice of
 * the model. Each thread has its own Pulumi runtime, so targets evaluate in parallel.
 */
import { move, transferableSymbol, valueSymbol } from "piscina";
import { planTargetOutput, TargetOutput, TargetTask } from "./plan-target";

/**
 * The target's text goes back as UTF-8 bytes, moved rather than copied to the main thread: outside the JavaScript heap,
 * it is written out and freed without growing that heap (a JSON plan of a thousand accounts is tens of megabytes).
 */
async function planTask(task: TargetTask): Promise<TargetOutput> {
    const output = await planTargetOutput(task);
    const text = new TextEncoder().encode(output.text as string);
    const result: TargetOutput = { ...output, text };
    // piscina's custom transferable: the result is posted with the text's buffer in the transfer list.
    return move({
        get [transferableSymbol]() {
            return [text.buffer];
        },
        get [valueSymbol]() {
            return result;
        },
    }) as unknown as TargetOutput;
}

export = planTask;
