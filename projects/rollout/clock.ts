/**
 * Time as the scheduler sees it. The rollout uses the system clock; tests and the benchmark pass a virtual one
 * (projects/rollout/simulation.ts) so that hours of simulated rollout take milliseconds and are deterministic.
 */
import { setTimeout as delay } from "timers/promises";

export interface Clock {
    now(): number;
    /** Resolves after `ms`; rejects with an AbortError when `signal` aborts first. */
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
    now: () => Date.now(),
    sleep: async (ms, signal) => {
        await delay(ms, undefined, { signal });
    },
};
