/**
 * How the offline plan runs its worker threads, measured with `npm run bench:plan` on the 2-core development machine
 * (README, "Benchmark"). Kept apart from cli/plan.ts so the benchmark can start the plan exactly as npm does.
 */

/**
 * Heap limits of a worker, measured with `npm run bench:plan` on the 2-core development machine: a target's
 * evaluation lives in far less old generation, and a young generation this large lets most of the SDK's short-lived
 * objects die before they are copied, which is where a default-sized one spends a fifth of the plan's time.
 */
export const WORKER_OLD_GENERATION_MB = 128;
export const WORKER_YOUNG_GENERATION_MB = 64;

/**
 * Node flags the plan runs with (package.json's `plan` script, and the benchmark): V8's parallel and concurrent
 * garbage collection helpers compete with the worker threads for the same cores, so one GC thread per isolate is faster.
 */
export const PLAN_NODE_FLAGS = ["--single-threaded-gc"];
