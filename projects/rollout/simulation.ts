/**
 * A rollout without Pulumi or AWS, in virtual time: a StackRunner whose stacks take scripted durations and fail as
 * scripted, on a clock from @sinonjs/fake-timers. The scheduler's tests and `npm run bench:rollout` run on it; a
 * simulated hour takes milliseconds and every run is deterministic.
 */
import * as FakeTimers from "@sinonjs/fake-timers";
import { Clock } from "./clock";
import { Operation, RolloutStack, RunContext, StackOutcome, StackRunError, StackRunner, TransientReason } from "./types";

export interface VirtualClock extends Clock {
    /** Runs `work` to completion, firing timers in time order as soon as nothing else can happen. */
    drive<T>(work: Promise<T>): Promise<T>;
}

export function virtualClock(start = 0): VirtualClock {
    const fake = FakeTimers.createClock(start, 10_000_000);
    return {
        now: () => fake.now,
        sleep: (ms, signal) =>
            new Promise<void>((resolve, reject) => {
                if (signal?.aborted) return reject(abortError());
                const timer = fake.setTimeout(() => {
                    signal?.removeEventListener("abort", onAbort);
                    resolve();
                }, ms);
                const onAbort = () => {
                    fake.clearTimeout(timer);
                    reject(abortError());
                };
                signal?.addEventListener("abort", onAbort, { once: true });
            }),
        async drive<T>(work: Promise<T>): Promise<T> {
            let settled = false;
            work.then(
                () => (settled = true),
                () => (settled = true),
            );
            while (!settled) {
                // Let every promise chain run until it waits on a timer, then fire the earliest timer.
                await new Promise((resolve) => setImmediate(resolve));
                if (settled) break;
                if (fake.countTimers() === 0) throw new Error("the simulated rollout waits on nothing: no timer is pending");
                fake.next();
            }
            return work;
        },
    };
}

function abortError(): Error {
    return Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
}

/** How one try of a stack goes. */
export interface ScriptedAttempt {
    durationMs: number;
    /** `succeeded` (default), a transient failure, or `failed` for a real one. */
    result?: "succeeded" | "failed" | TransientReason;
    changes?: Record<string, number>;
}

export type Script = (stack: RolloutStack, attempt: number, operation: Operation) => ScriptedAttempt;

/** What the simulated runner saw: every call, and the most stacks it ever ran at once. */
export interface RunnerCall {
    stack: string;
    attempt: number;
    startedAt: number;
    finishedAt?: number;
    outcome?: string;
}

export class SimulatedRunner implements StackRunner {
    readonly calls: RunnerCall[] = [];
    inFlight = 0;
    maxInFlight = 0;
    readonly forceCancelled: string[] = [];

    constructor(
        private readonly clock: Clock,
        private readonly script: Script,
    ) {}

    async run(stack: RolloutStack, operation: Operation, context: RunContext): Promise<StackOutcome> {
        const attempt = this.script(stack, context.attempt, operation);
        const call: RunnerCall = { stack: stack.name, attempt: context.attempt, startedAt: this.clock.now() };
        this.calls.push(call);
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
            context.onProgress({ stepsDone: 0, lastEvent: "started" });
            try {
                await this.clock.sleep(attempt.durationMs, context.signal);
            } catch (error) {
                if ((error as Error).name !== "AbortError") throw error;
                call.outcome = "cancelled";
                return { changes: {}, cancelled: true };
            }
            const result = attempt.result ?? "succeeded";
            call.outcome = result;
            if (result === "succeeded") return { changes: attempt.changes ?? { same: 1 } };
            if (result === "failed") throw new StackRunError(`${stack.name}: the update failed`);
            throw new StackRunError(`${stack.name}: ${result === "concurrent-update" ? "another update is in progress" : "Rate exceeded"}`, result);
        } finally {
            call.finishedAt = this.clock.now();
            this.inFlight--;
        }
    }

    async forceCancel(stack: RolloutStack): Promise<void> {
        this.forceCancelled.push(stack.name);
    }
}
