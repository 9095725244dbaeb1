/**
 * The rollout's vocabulary: the stacks it deploys and in which waves, the small interface through which it runs one
 * stack (the Automation API in real use, a fake in tests and the benchmark), and the report it writes.
 */
import type { Scope } from "../../config/scope";
import type { TargetKind } from "../../config/model";

/** What is done to each stack. `destroy` only with an explicit confirmation (cli/rollout.ts). */
export type Operation = "preview" | "up" | "refresh" | "destroy";
export const OPERATIONS: readonly Operation[] = ["preview", "up", "refresh", "destroy"];

/** One stack of the rollout: one target of the environment, deployed with the environment's config and its scope. */
export interface RolloutStack {
    /** Pulumi stack name, from config/scope.ts (`prod.acct-510000000001`). */
    name: string;
    scope: Scope;
    target: { kind: TargetKind; id: string; alias: string };
    /** Fingerprint of what this stack deploys (its model slice): resume skips a stack only when it is unchanged. */
    configHash: string;
    /** Relative size from the model, used to order stacks when no previous run says how long they take. */
    sizeEstimate: number;
}

export type WaveKind = "organization" | "central" | "canary" | "accounts";

export interface Wave {
    /** `organization`, `central`, `canary`, `accounts-1`, `accounts-2`, ... */
    name: string;
    kind: WaveKind;
    stacks: RolloutStack[];
    /** Failed stacks this wave tolerates; one more stops later waves (and starts no more stacks in this one). */
    failureBudget: number;
}

export interface RolloutPlan {
    environment: string;
    waves: Wave[];
}

/** Resource changes of one operation, as Pulumi counts them (`create`, `update`, `delete`, `same`, `replace`, ...). */
export type ResourceChanges = Record<string, number>;

/** What the runner reports while a stack runs. */
export interface StackProgress {
    /** Resource steps finished so far. */
    stepsDone: number;
    /** The last thing that happened, for the live view. */
    lastEvent?: string;
}

export interface RunContext {
    /** Aborted when the rollout is cancelled: the runner asks the operation to stop gracefully. */
    signal: AbortSignal;
    /** 1 for the first try of this stack, 2 for its first retry, ... */
    attempt: number;
    onProgress(progress: StackProgress): void;
    /** One line of the operation's output. */
    onOutput(line: string): void;
}

export interface StackOutcome {
    changes: ResourceChanges;
    /** Set when the operation stopped because it was cancelled. */
    cancelled?: boolean;
}

/** Why a failure may go away by itself: another update holds the stack's lock, or an API throttled us. */
export type TransientReason = "concurrent-update" | "throttling";

/** A failed stack operation; `transient` says whether trying again later may succeed. */
export class StackRunError extends Error {
    constructor(
        message: string,
        readonly transient?: TransientReason,
    ) {
        super(message);
        this.name = "StackRunError";
    }
}

/**
 * Runs one operation on one stack. The scheduler (projects/rollout/scheduler.ts) owns ordering, concurrency, retries
 * and the failure budget; a runner only runs, and throws a StackRunError (transient or not) when the operation fails.
 */
export interface StackRunner {
    run(stack: RolloutStack, operation: Operation, context: RunContext): Promise<StackOutcome>;
    /** Stops an update in progress without waiting for it (a second Ctrl-C); best effort. */
    forceCancel?(stack: RolloutStack): Promise<void>;
}

export type StackStatus = "succeeded" | "failed" | "cancelled" | "skipped";

export interface StackRecord {
    stack: string;
    scope: string;
    target: RolloutStack["target"];
    configHash: string;
    status: StackStatus;
    /** Why a stack was skipped or not run, or the failure's message. */
    reason?: string;
    attempts: number;
    /** Time of the successful (or last) attempt, in milliseconds; retries' waiting time is not counted. */
    durationMs?: number;
    startedAt?: string;
    changes?: ResourceChanges;
    error?: string;
}

export interface WaveRecord {
    name: string;
    kind: WaveKind;
    failureBudget: number;
    status: "succeeded" | "failed" | "budget-exceeded" | "cancelled" | "skipped";
    stacks: StackRecord[];
}

export type RolloutStatus = "succeeded" | "failed" | "budget-exceeded" | "cancelled";

/** The JSON report: what ran, how it went, and what a later run needs for ordering, sharding and resume. */
export interface RolloutReport {
    version: 1;
    environment: string;
    operation: Operation;
    /** Git commit of the program that ran, when known; resume requires the same commit. */
    commit?: string;
    /** `K/N` when the run was one shard of N. */
    shard?: string;
    startedAt: string;
    finishedAt: string;
    durationMs: number;
    concurrency: number;
    status: RolloutStatus;
    waves: WaveRecord[];
}
