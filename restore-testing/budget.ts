/**
 * Time budgets. A validator may wait for a restored resource to become usable, but never longer than the Lambda has
 * left minus a reserve for reporting the verdict, so a slow resource ends in TIMED_OUT, not in a killed function
 * that reports nothing.
 */

export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class Deadline {
    constructor(
        private readonly clock: Clock,
        /** Epoch milliseconds by which the work must be done. */
        readonly at: number,
        private readonly started = clock.now(),
    ) {}

    static after(clock: Clock, ms: number): Deadline {
        return new Deadline(clock, clock.now() + Math.max(0, ms));
    }

    remaining(): number {
        return Math.max(0, this.at - this.clock.now());
    }

    elapsedSeconds(): number {
        return Math.round((this.clock.now() - this.started) / 1000);
    }

    /** SDK call options that abort the request when the budget runs out. */
    callOptions(): { abortSignal: AbortSignal } {
        return { abortSignal: AbortSignal.timeout(Math.max(1, this.remaining())) };
    }
}

/** What one look at a resource found: a final verdict, or the state it is still in. */
export type Probe<V> = { done: true; verdict: V } | { done: false; state: string };

/**
 * Probes until a verdict or the deadline, waiting `firstIntervalMs` and then 1.5 times longer each round (at most 30 s).
 * At the deadline, `timedOut(lastState)` decides the verdict.
 */
export async function pollUntil<V>(
    clock: Clock,
    deadline: Deadline,
    probe: () => Promise<Probe<V>>,
    timedOut: (lastState: string) => V,
    firstIntervalMs = 5_000,
): Promise<V> {
    let interval = firstIntervalMs;
    for (;;) {
        const result = await probe();
        if (result.done) return result.verdict;
        const left = deadline.remaining();
        if (left <= 0) return timedOut(result.state);
        await clock.sleep(Math.min(interval, left));
        interval = Math.min(interval * 1.5, 30_000);
    }
}
