/**
 * The plan of work, as pure arithmetic over the environment model: one stack per target (names from config/scope.ts),
 * in waves organization → central → canary → accounts; each wave's failure budget; the order in which a wave's stacks
 * start (longest first); and which stacks a shard of a CI matrix runs.
 */
import { createHash } from "crypto";
import { allTargets, EnvironmentModel, modelForTarget, scopeOfTarget, Target } from "../../config/model";
import { formatScope, stackNameFor } from "../../config/scope";
import { RolloutPlan, RolloutStack, Wave, WaveKind } from "./types";

/** Durations of stacks in an earlier run, in milliseconds, by stack name. */
export type DurationHistory = ReadonlyMap<string, number>;

/** A slice of a CI matrix: shard `index` (1-based) of `count`. */
export interface Shard {
    index: number;
    count: number;
}

/** Parses `K/N` (1 <= K <= N); undefined when malformed. */
export function parseShard(text: string): Shard | undefined {
    const match = /^(\d+)\/(\d+)$/.exec(text.trim());
    if (!match) return undefined;
    const [index, count] = [Number(match[1]), Number(match[2])];
    return index >= 1 && index <= count ? { index, count } : undefined;
}

export const formatShard = (shard: Shard) => `${shard.index}/${shard.count}`;

/** Keys sorted at every level, so equal models hash equally whatever order their maps were built in. */
function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (value && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
        return `{${entries
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
            .join(",")}}`;
    }
    return JSON.stringify(value);
}

/** What a stack deploys, as a short fingerprint: its slice of the model, without the rollout's own settings. */
export function configHashOf(model: EnvironmentModel, target: Target): string {
    const { rollout: _rollout, ...slice } = modelForTarget(model, target);
    return createHash("sha256").update(canonicalJson(slice)).digest("hex").slice(0, 16);
}

/** A target's size from the model (registrations grow with regions, vaults and plans), for ordering without history. */
function sizeOf(model: EnvironmentModel, target: Target): number {
    switch (target.kind) {
        case "management":
            return 1 + (model.management.bootstrap?.stackSets.length ?? 0) * 3;
        case "central":
            return 1 + model.central.regions.length * 2;
        case "workload": {
            const account = model.accounts.find((candidate) => candidate.id === target.id)!;
            return 3 + account.regions.reduce((sum, region) => sum + 2 + region.vaults.length + 2 * region.plans.length, 0);
        }
    }
}

/** The stack that deploys one target. */
export function rolloutStack(model: EnvironmentModel, target: Target): RolloutStack {
    const scope = scopeOfTarget(target);
    return {
        name: stackNameFor(model.environment, scope),
        scope,
        target: { kind: target.kind, id: target.id, alias: target.alias },
        configHash: configHashOf(model, target),
        sizeEstimate: sizeOf(model, target),
    };
}

/** Failed stacks a workload wave of `size` stacks tolerates. */
export function failureBudgetFor(budget: EnvironmentModel["rollout"]["failureBudget"], size: number): number {
    return "stacks" in budget ? budget.stacks : Math.floor((budget.percent * size) / 100);
}

export interface PlanOptions {
    /** Keep only these waves: names (`accounts-2`) or kinds (`organization`, `central`, `canary`, `accounts`). */
    waves?: string[];
    /** Overrides the config's failure budget of workload waves. */
    failureBudget?: EnvironmentModel["rollout"]["failureBudget"];
}

/**
 * Every target of the environment as a stack, in waves: the organization stack (the deployment role must exist
 * before anything else deploys), the central stack (workload copy actions target its vaults), the canary accounts,
 * then the other accounts in config order, `waveSize` at a time. Only workload waves after the canary tolerate
 * failures; a failed organization, central or canary stack stops the rollout.
 */
export function buildRolloutPlan(model: EnvironmentModel, options: PlanOptions = {}): RolloutPlan {
    const targets = allTargets(model);
    const stacks = new Map(targets.map((target) => [target.id + target.kind, rolloutStack(model, target)]));
    const stackOf = (target: Target) => stacks.get(target.id + target.kind)!;
    const canary = new Set(model.rollout.canaryAccountIds);
    const workloads = model.accounts.map((account) => account.target);
    const rest = workloads.filter((target) => !canary.has(target.id)).map(stackOf);
    const budget = options.failureBudget ?? model.rollout.failureBudget;
    const size = model.rollout.waveSize ?? Math.max(rest.length, 1);

    const waves: Wave[] = [
        { name: "organization", kind: "organization", stacks: [stackOf(model.management.target)], failureBudget: 0 },
        { name: "central", kind: "central", stacks: [stackOf(model.central.target)], failureBudget: 0 },
        { name: "canary", kind: "canary", stacks: workloads.filter((target) => canary.has(target.id)).map(stackOf), failureBudget: 0 },
    ];
    for (let start = 0, number = 1; start < rest.length; start += size, number++) {
        const part = rest.slice(start, start + size);
        waves.push({ name: `accounts-${number}`, kind: "accounts", stacks: part, failureBudget: failureBudgetFor(budget, part.length) });
    }
    return selectWaves({ environment: model.environment, waves: waves.filter((wave) => wave.stacks.length > 0) }, options.waves);
}

/** The plan's waves named (by name or kind) in `names`; all of them without names. */
export function selectWaves(plan: RolloutPlan, names: readonly string[] | undefined): RolloutPlan {
    return names ? { ...plan, waves: plan.waves.filter((wave) => names.some((name) => name === wave.name || name === wave.kind)) } : plan;
}

/** Wave names and kinds a plan of this model can have, for checking `--waves`. */
export function waveSelectors(plan: RolloutPlan): string[] {
    const kinds: WaveKind[] = ["organization", "central", "canary", "accounts"];
    return [...new Set([...kinds, ...plan.waves.map((wave) => wave.name)])];
}

/**
 * Each stack's expected duration: the last run's when known; otherwise its size, scaled by the known stacks'
 * duration per unit of size so both kinds of estimate compare.
 */
export function estimateDurations(stacks: RolloutStack[], history: DurationHistory = new Map()): Map<string, number> {
    const known = stacks.filter((stack) => history.has(stack.name));
    const perUnit =
        known.length > 0 ? known.reduce((sum, stack) => sum + history.get(stack.name)!, 0) / known.reduce((sum, stack) => sum + stack.sizeEstimate, 0) : 1;
    return new Map(stacks.map((stack) => [stack.name, history.get(stack.name) ?? stack.sizeEstimate * perUnit]));
}

/** Longest first (ties in plan order): the slowest stacks start early instead of stretching the end of the wave. */
export function longestFirst(stacks: RolloutStack[], history?: DurationHistory): RolloutStack[] {
    const estimate = estimateDurations(stacks, history);
    return stacks
        .map((stack, index) => ({ stack, index }))
        .sort((a, b) => estimate.get(b.stack.name)! - estimate.get(a.stack.name)! || a.index - b.index)
        .map(({ stack }) => stack);
}

/**
 * Which shard runs each stack: per wave, longest first, each stack to the shard with the least estimated work so far
 * (ties: the least work over all waves, then the lowest shard). Every shard computes the same assignment from the
 * same config and history, so a matrix needs no coordinator; it changes only when they change.
 */
export function assignShards(plan: RolloutPlan, count: number, history?: DurationHistory): Map<string, number> {
    const assignment = new Map<string, number>();
    const total = new Array<number>(count).fill(0);
    for (const wave of plan.waves) {
        const estimate = estimateDurations(wave.stacks, history);
        const load = new Array<number>(count).fill(0);
        for (const stack of longestFirst(wave.stacks, history)) {
            let best = 0;
            for (let shard = 1; shard < count; shard++) {
                if (load[shard] < load[best] || (load[shard] === load[best] && total[shard] < total[best])) best = shard;
            }
            assignment.set(stack.name, best + 1);
            load[best] += estimate.get(stack.name)!;
            total[best] += estimate.get(stack.name)!;
        }
    }
    return assignment;
}

/** The part of the plan one shard runs; workload waves' percentage budgets apply to the shard's part of the wave. */
export function shardPlan(model: EnvironmentModel, plan: RolloutPlan, shard: Shard, history?: DurationHistory, options: PlanOptions = {}): RolloutPlan {
    const assignment = assignShards(plan, shard.count, history);
    const budget = options.failureBudget ?? model.rollout.failureBudget;
    const waves = plan.waves
        .map((wave) => {
            const stacks = wave.stacks.filter((stack) => assignment.get(stack.name) === shard.index);
            return { ...wave, stacks, failureBudget: wave.kind === "accounts" ? failureBudgetFor(budget, stacks.length) : 0 };
        })
        .filter((wave) => wave.stacks.length > 0);
    return { environment: plan.environment, waves };
}

/** The scope a stack deploys, as config text (`account:510000000001`). */
export const scopeText = (stack: RolloutStack) => formatScope(stack.scope);
