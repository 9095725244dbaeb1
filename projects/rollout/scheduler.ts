/**
 * Runs a rollout plan through a StackRunner: waves one after another, at most `concurrency` stacks at once, longest
 * first; transient failures (a concurrent update holding the stack's lock, throttling) retried with backoff and
 * jitter, real failures never; a wave whose failures exceed its budget starts no more stacks and stops later waves;
 * cancellation stops starting stacks and asks running ones to stop. The result is the report, whatever happened.
 */
import pLimit from "p-limit";
import { Clock, systemClock } from "./clock";
import { DurationHistory, longestFirst, scopeText } from "./plan";
import {
    Operation,
    RolloutPlan,
    RolloutReport,
    RolloutStack,
    RolloutStatus,
    RunContext,
    StackProgress,
    StackRecord,
    StackRunError,
    StackRunner,
    TransientReason,
    Wave,
    WaveRecord,
} from "./types";

/** Retries of transient failures: exponential backoff with equal jitter, so stacks that collided do not collide again. */
export interface RetryPolicy {
    /** Tries per stack, the first included. */
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 5_000, maxDelayMs: 120_000 };

/** The wait before try `attempt + 1`: half of the exponential step, plus a random part of the other half. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
    const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + random() * (step / 2));
}

/** What the live view and the logs hear about. */
export interface RolloutObserver {
    waveStarted?(wave: Wave, index: number, count: number): void;
    stackStarted?(stack: RolloutStack, attempt: number): void;
    stackProgress?(stack: RolloutStack, progress: StackProgress): void;
    stackOutput?(stack: RolloutStack, line: string): void;
    stackRetrying?(stack: RolloutStack, attempt: number, delayMs: number, reason: TransientReason, message: string): void;
    stackFinished?(stack: RolloutStack, record: StackRecord): void;
    waveFinished?(wave: Wave, record: WaveRecord): void;
}

/** Stacks that succeeded at the same commit and config in an earlier run of the same operation, by name. */
export type ResumeSet = ReadonlyMap<string, StackRecord>;

export interface RolloutOptions {
    operation: Operation;
    concurrency: number;
    runner: StackRunner;
    clock?: Clock;
    retry?: RetryPolicy;
    /** Durations of an earlier run, for longest-first ordering. */
    history?: DurationHistory;
    /** Start stacks in plan order instead of longest first (the benchmark's baseline). */
    planOrder?: boolean;
    resume?: ResumeSet;
    observer?: RolloutObserver;
    /** Aborting it cancels the rollout: no stack starts any more, and (unless runnerSignal is given) running ones are asked to stop. */
    signal?: AbortSignal;
    /** What running stacks are interrupted by, when that differs from `signal` (see cli/rollout.ts). */
    runnerSignal?: AbortSignal;
    random?: () => number;
    commit?: string;
    shard?: string;
}

/** A rollout in progress: its result, and a way to stop running updates without waiting for them. */
export interface RunningRollout {
    result: Promise<RolloutReport>;
    /** For a second Ctrl-C: the runner stops each running update at once (stack.cancel() for the Automation API). */
    forceCancel(): Promise<void>;
}

const isoTime = (clock: Clock, at = clock.now()) => new Date(at).toISOString();

function baseRecord(stack: RolloutStack): StackRecord {
    return { stack: stack.name, scope: scopeText(stack), target: stack.target, configHash: stack.configHash, status: "skipped", attempts: 0 };
}

function isAbortError(error: unknown): boolean {
    return (error as Error)?.name === "AbortError";
}

export function startRollout(plan: RolloutPlan, options: RolloutOptions): RunningRollout {
    const clock = options.clock ?? systemClock;
    const policy = options.retry ?? DEFAULT_RETRY;
    const random = options.random ?? Math.random;
    const observer = options.observer ?? {};
    const running = new Set<RolloutStack>();
    const cancelled = () => options.signal?.aborted === true;

    /** A wave in progress: failures are counted before the failed stack's slot is released, so none starts after one too many. */
    interface WaveState {
        budget: number;
        failures: number;
        stopStarting: boolean;
    }

    async function runStack(stack: RolloutStack, record: StackRecord, limit: pLimit.Limit, wave: WaveState): Promise<void> {
        for (let attempt = 1; ; attempt++) {
            const outcome = await limit(async () => {
                if (wave.stopStarting || cancelled()) return "not-started" as const;
                record.attempts = attempt;
                const startedAt = clock.now();
                record.startedAt ??= isoTime(clock, startedAt);
                running.add(stack);
                observer.stackStarted?.(stack, attempt);
                const context: RunContext = {
                    signal: options.runnerSignal ?? options.signal ?? new AbortController().signal,
                    attempt,
                    onProgress: (progress) => observer.stackProgress?.(stack, progress),
                    onOutput: (line) => observer.stackOutput?.(stack, line),
                };
                try {
                    const result = await options.runner.run(stack, options.operation, context);
                    record.durationMs = clock.now() - startedAt;
                    record.changes = result.changes;
                    if (result.cancelled) {
                        record.status = "cancelled";
                        record.reason = "stopped by cancellation";
                    } else {
                        record.status = "succeeded";
                    }
                    return "done" as const;
                } catch (error) {
                    record.durationMs = clock.now() - startedAt;
                    const transient = error instanceof StackRunError ? error.transient : undefined;
                    const message = (error as Error)?.message ?? String(error);
                    if (transient && attempt < policy.maxAttempts && !cancelled()) return { transient, message };
                    record.status = cancelled() ? "cancelled" : "failed";
                    record.error = message;
                    if (record.status === "failed" && ++wave.failures > wave.budget) wave.stopStarting = true;
                    if (transient)
                        record.reason = `still ${transient === "concurrent-update" ? "locked by another update" : "throttled"} after ${attempt} tries`;
                    return "done" as const;
                } finally {
                    running.delete(stack);
                }
            });
            if (outcome === "not-started") {
                record.status = cancelled() ? "cancelled" : "skipped";
                record.reason = cancelled() ? "the rollout was cancelled before this stack started" : "the wave's failure budget was exceeded";
                return;
            }
            if (outcome === "done") return;
            // Wait outside the concurrency limit, so other stacks use the slot meanwhile; then queue up again.
            const wait = backoffDelay(policy, attempt, random);
            observer.stackRetrying?.(stack, attempt + 1, wait, outcome.transient, outcome.message);
            try {
                await clock.sleep(wait, options.signal);
            } catch (error) {
                if (!isAbortError(error)) throw error;
                record.status = "cancelled";
                record.error = outcome.message;
                record.reason = "the rollout was cancelled while this stack waited to retry";
                return;
            }
        }
    }

    async function runWave(wave: Wave, index: number, count: number): Promise<WaveRecord> {
        observer.waveStarted?.(wave, index, count);
        const limit = pLimit(options.concurrency);
        const state: WaveState = { budget: wave.failureBudget, failures: 0, stopStarting: false };
        const ordered = options.planOrder ? wave.stacks : longestFirst(wave.stacks, options.history);
        const records = new Map(wave.stacks.map((stack) => [stack.name, baseRecord(stack)]));
        await Promise.all(
            ordered.map(async (stack) => {
                const record = records.get(stack.name)!;
                const previous = options.resume?.get(stack.name);
                if (previous && previous.configHash === stack.configHash) {
                    Object.assign(record, { status: "succeeded", attempts: 0, durationMs: previous.durationMs, changes: previous.changes });
                    record.reason = "succeeded in the resumed run at the same commit and config";
                } else {
                    await runStack(stack, record, limit, state);
                }
                observer.stackFinished?.(stack, record);
            }),
        );
        const stacks = wave.stacks.map((stack) => records.get(stack.name)!);
        const status: WaveRecord["status"] = cancelled()
            ? "cancelled"
            : state.failures > wave.failureBudget
              ? "budget-exceeded"
              : state.failures > 0
                ? "failed"
                : "succeeded";
        const record: WaveRecord = { name: wave.name, kind: wave.kind, failureBudget: wave.failureBudget, status, stacks };
        observer.waveFinished?.(wave, record);
        return record;
    }

    async function run(): Promise<RolloutReport> {
        const started = clock.now();
        const waves: WaveRecord[] = [];
        let stopReason: string | undefined;
        for (const [index, wave] of plan.waves.entries()) {
            if (stopReason === undefined && cancelled()) stopReason = "the rollout was cancelled";
            if (stopReason !== undefined) {
                const stacks = wave.stacks.map((stack) => ({
                    ...baseRecord(stack),
                    status: cancelled() ? ("cancelled" as const) : ("skipped" as const),
                    reason: stopReason,
                }));
                waves.push({ name: wave.name, kind: wave.kind, failureBudget: wave.failureBudget, status: cancelled() ? "cancelled" : "skipped", stacks });
                continue;
            }
            const record = await runWave(wave, index, plan.waves.length);
            waves.push(record);
            if (record.status === "budget-exceeded") stopReason = `wave ${wave.name} exceeded its failure budget of ${wave.failureBudget}`;
        }
        const all = waves.flatMap((wave) => wave.stacks);
        const status: RolloutStatus = cancelled()
            ? "cancelled"
            : waves.some((wave) => wave.status === "budget-exceeded")
              ? "budget-exceeded"
              : all.some((stack) => stack.status !== "succeeded")
                ? "failed"
                : "succeeded";
        const finished = clock.now();
        return {
            version: 1,
            environment: plan.environment,
            operation: options.operation,
            ...(options.commit ? { commit: options.commit } : {}),
            ...(options.shard ? { shard: options.shard } : {}),
            startedAt: isoTime(clock, started),
            finishedAt: isoTime(clock, finished),
            durationMs: finished - started,
            concurrency: options.concurrency,
            status,
            waves,
        };
    }

    return {
        result: run(),
        forceCancel: async () => {
            const cancel = options.runner.forceCancel?.bind(options.runner);
            if (cancel) await Promise.allSettled([...running].map((stack) => cancel(stack)));
        },
    };
}

/** Runs a plan to the end and returns its report. */
export function runRollout(plan: RolloutPlan, options: RolloutOptions): Promise<RolloutReport> {
    return startRollout(plan, options).result;
}
