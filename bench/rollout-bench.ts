/**
 * `npm run bench:rollout`: how close the scheduler comes to the best possible rollout. Simulates an environment of
 * 1,000 stacks (organization, central, 998 accounts in a canary wave and one large wave) with skewed durations,
 * in virtual time under the simulated runner, and compares each makespan with the ideal lower bound: per wave,
 * max(longest stack, total work / concurrency), summed over the waves (they run one after another).
 *
 * Orders compared: plan (config) order; longest first from the model's sizes alone; longest first from the previous
 * run's report, whose durations differ from this run's by a random ±15% or so.
 */
import { Command } from "commander";
import { generateOrganization } from "./generate-organization";
import { validateEnvironment } from "../config/environment";
import { assignShards, buildRolloutPlan } from "../projects/rollout/plan";
import { runRollout } from "../projects/rollout/scheduler";
import { SimulatedRunner, virtualClock } from "../projects/rollout/simulation";
import { RolloutPlan } from "../projects/rollout/types";

/** A small seeded PRNG (mulberry32), so every run of the benchmark simulates the same rollout. */
function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** A standard normal sample (Box-Muller). */
const gaussian = (next: () => number) => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());

/**
 * Skewed durations: log-normal around 90 s per account (sigma 0.6), and 3% of accounts ten times larger (many
 * regions and tiers); the organization and central stacks take a few minutes.
 */
function durations(plan: RolloutPlan, seed: number): Map<string, number> {
    const next = random(seed);
    const result = new Map<string, number>();
    for (const stack of plan.waves.flatMap((wave) => wave.stacks)) {
        const base = stack.target.kind === "workload" ? 90_000 : 240_000;
        const heavy = stack.target.kind === "workload" && next() < 0.03 ? 10 : 1;
        result.set(stack.name, Math.round(base * heavy * Math.exp(0.6 * gaussian(next))));
    }
    return result;
}

/** Lower bound of any schedule: waves in sequence, each at least its longest stack and its work spread evenly. */
function lowerBound(plan: RolloutPlan, duration: Map<string, number>, concurrency: number): number {
    return plan.waves.reduce((sum, wave) => {
        const times = wave.stacks.map((stack) => duration.get(stack.name)!);
        return sum + Math.max(Math.max(...times), times.reduce((a, b) => a + b, 0) / concurrency);
    }, 0);
}

async function makespan(
    plan: RolloutPlan,
    duration: Map<string, number>,
    concurrency: number,
    order: "plan" | "size" | "history",
    history: Map<string, number>,
) {
    const clock = virtualClock();
    const runner = new SimulatedRunner(clock, (stack) => ({ durationMs: duration.get(stack.name)! }));
    const report = await clock.drive(
        runRollout(plan, {
            operation: "up",
            concurrency,
            runner,
            clock,
            planOrder: order === "plan",
            history: order === "history" ? history : undefined,
        }),
    );
    if (report.status !== "succeeded" || runner.maxInFlight > concurrency) throw new Error(`simulation went wrong: ${report.status}, ${runner.maxInFlight}`);
    return report.durationMs;
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

async function main() {
    const options = new Command()
        .name("bench:rollout")
        .option("--stacks <n>", "stacks in the environment (organization and central included)", (text) => Number(text), 1000)
        .option("--seeds <n>", "simulated rollouts per setting", (text) => Number(text), 5)
        .parse(process.argv)
        .opts<{ stacks: number; seeds: number }>();
    const started = Date.now();
    const values = generateOrganization({ accounts: options.stacks - 2, regions: 1 });
    const model = validateEnvironment({ stack: "bench", values: { ...values, rollout: { waveSize: options.stacks } } }).model!;
    const plan = buildRolloutPlan(model);
    console.log(
        `Simulated rollouts of ${options.stacks} stacks in ${plan.waves.length} waves (${plan.waves.map((w) => `${w.name} ${w.stacks.length}`).join(", ")}), ` +
            `${options.seeds} duration draws each; ratio = makespan / lower bound (max(longest, work / concurrency) per wave).\n`,
    );
    console.log("| concurrency | order | makespan (mean) | lower bound (mean) | ratio (mean) | ratio (worst) |");
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const concurrency of [8, 16, 32]) {
        for (const order of ["plan", "size", "history"] as const) {
            const ratios: number[] = [];
            let spans = 0;
            let bounds = 0;
            for (let seed = 1; seed <= options.seeds; seed++) {
                const duration = durations(plan, seed);
                // The previous run: the same stacks, each a random ±15% or so slower or faster.
                const noise = random(seed * 7919);
                const history = new Map([...duration].map(([name, ms]) => [name, Math.round(ms * Math.exp(0.15 * gaussian(noise)))]));
                const span = await makespan(plan, duration, concurrency, order, history);
                const bound = lowerBound(plan, duration, concurrency);
                ratios.push(span / bound);
                spans += span;
                bounds += bound;
            }
            const label = { plan: "plan order", size: "longest first, model sizes", history: "longest first, last run's durations" }[order];
            console.log(
                `| ${concurrency} | ${label} | ${minutes(spans / options.seeds)} | ${minutes(bounds / options.seeds)} | ` +
                    `${(ratios.reduce((a, b) => a + b, 0) / ratios.length).toFixed(3)} | ${Math.max(...ratios).toFixed(3)} |`,
            );
        }
    }
    // Shard balance: the busiest shard's estimated work against an even split, from the last run's durations.
    const duration = durations(plan, 1);
    console.log("\n| shards | busiest shard / even share (largest wave) |\n| --- | --- |");
    for (const count of [4, 10, 20]) {
        const assignment = assignShards(plan, count, duration);
        const wave = plan.waves.at(-1)!;
        const loads = new Array<number>(count).fill(0);
        for (const stack of wave.stacks) loads[assignment.get(stack.name)! - 1] += duration.get(stack.name)!;
        const even = loads.reduce((a, b) => a + b, 0) / count;
        console.log(`| ${count} | ${(Math.max(...loads) / even).toFixed(3)} |`);
    }
    console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s of real time)`);
}

void main();
