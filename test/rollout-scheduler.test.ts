import assert from "node:assert/strict";
import fc from "fast-check";
import { generateOrganization } from "../bench/generate-organization";
import { EnvironmentModel } from "../config/model";
import { stackNameFor } from "../config/scope";
import { assignShards, buildRolloutPlan, longestFirst, parseShard, shardPlan } from "../projects/rollout/plan";
import { durationHistory, exitCodeOf, mergeReports, renderMarkdown, resumeSet } from "../projects/rollout/report";
import { backoffDelay, DEFAULT_RETRY, RolloutOptions, runRollout, startRollout } from "../projects/rollout/scheduler";
import { Script, SimulatedRunner, virtualClock } from "../projects/rollout/simulation";
import { RolloutPlan, RolloutReport } from "../projects/rollout/types";
import { loadStack, validate } from "./support/graph";

/** A valid environment of `accounts` workload accounts, with rollout settings merged in. */
function syntheticModel(accounts: number, rollout?: Record<string, unknown>): EnvironmentModel {
    const values = generateOrganization({ accounts, regions: 1 });
    const result = validate(rollout ? { ...values, rollout } : values, "bench");
    if (!result.model) throw new Error(result.findings.map((f) => `${f.path}: ${f.message}`).join("\n"));
    return result.model;
}

const names = (plan: RolloutPlan) => plan.waves.map((wave) => [wave.name, wave.stacks.map((stack) => stack.name)]);

/** Runs a plan on the simulated runner in virtual time. */
async function simulate(plan: RolloutPlan, script: Script, options: Partial<RolloutOptions> = {}) {
    const clock = virtualClock();
    const runner = new SimulatedRunner(clock, script);
    const report = await clock.drive(runRollout(plan, { operation: "up", concurrency: 4, runner, clock, random: () => 0.5, ...options }));
    return { report, runner, clock };
}

const statusOf = (report: RolloutReport, stack: string) => report.waves.flatMap((wave) => wave.stacks).find((record) => record.stack === stack)!;

describe("rollout plan", () => {
    it("orders every stack of Pulumi.prod.yaml organization → central → canary (one account per OU) → the other accounts", () => {
        const model = loadStack("prod");
        const plan = buildRolloutPlan(model);
        const acct = (id: string) => stackNameFor("prod", { kind: "account", accountId: id });
        assert.deepEqual(names(plan), [
            ["organization", ["prod.organization"]],
            ["central", ["prod.central"]],
            ["canary", [acct("510000000001"), acct("510000000004"), acct("510000000006"), acct("510000000008")]],
            ["accounts-1", [acct("510000000002"), acct("510000000003"), acct("510000000005"), acct("510000000007"), acct("510000000009")]],
        ]);
        const deployed = plan.waves.flatMap((wave) => wave.stacks.map((stack) => stack.target.id));
        assert.deepEqual(deployed.sort(), [model.management.target.id, model.central.accountId, ...model.accounts.map((a) => a.id)].sort());
        assert.deepEqual(
            plan.waves.map((wave) => wave.failureBudget),
            [0, 0, 0, 0],
        );
    });

    it("takes the canary set from config by alias or id, splits the rest into waves of waveSize, and sizes percentage budgets per wave", () => {
        const model = syntheticModel(10, { canary: ["payments-prod-0001", "700000000003"], waveSize: 4, failureBudget: "50%" });
        const plan = buildRolloutPlan(model);
        assert.deepEqual(
            plan.waves.map((wave) => [wave.name, wave.stacks.length, wave.failureBudget]),
            [
                ["organization", 1, 0],
                ["central", 1, 0],
                ["canary", 2, 0],
                ["accounts-1", 4, 2],
                ["accounts-2", 4, 2],
            ],
        );
        assert.deepEqual(
            plan.waves[2].stacks.map((stack) => stack.target.id),
            ["700000000001", "700000000003"],
        );
        assert.deepEqual(
            names(buildRolloutPlan(model, { waves: ["canary", "accounts-2"] })).map(([name]) => name),
            ["canary", "accounts-2"],
        );
        assert.deepEqual(
            names(buildRolloutPlan(model, { waves: ["accounts"] })).map(([name]) => name),
            ["accounts-1", "accounts-2"],
        );
    });

    it("rejects a canary that is not a workload account, naming the closest alias", () => {
        const result = validate(
            { ...generateOrganization({ accounts: 3, regions: 1 }), rollout: { canary: ["payments-prod-001"], failureBudget: "120%" } },
            "bench",
        );
        const errors = result.findings.filter((f) => f.severity === "error").map((f) => `${f.path}: ${f.message}`);
        assert.deepEqual(errors, [
            "rollout.failureBudget: a percentage must be at most 100%",
            'rollout.canary[0]: unknown workload account "payments-prod-001"; did you mean "payments-prod-0001"? (accounts has: payments-prod-0001, checkout-nonprod-0002, catalog-prod-0003)',
        ]);
    });

    it("fingerprints a stack by its own slice of the model, so editing one account changes only that account's hash", () => {
        const values = generateOrganization({ accounts: 3, regions: 1 }) as { accounts: Array<Record<string, unknown>> };
        const before = buildRolloutPlan(validate(values, "bench").model!);
        values.accounts[1].tiers = ["daily", "weekly"];
        const after = buildRolloutPlan(validate(values, "bench").model!);
        const hashes = (plan: RolloutPlan) => new Map(plan.waves.flatMap((wave) => wave.stacks.map((stack) => [stack.name, stack.configHash])));
        const changed = [...hashes(after)].filter(([name, hash]) => hashes(before).get(name) !== hash).map(([name]) => name);
        assert.deepEqual(changed, ["bench.acct-700000000002"]);
    });
});

describe("rollout scheduling", () => {
    it("never runs more stacks at once than the concurrency bound, runs each exactly once, and finishes each wave before the next", async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.integer({ min: 1, max: 6 }),
                fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 12, maxLength: 12 }),
                async (concurrency, durations) => {
                    const plan = buildRolloutPlan(syntheticModel(10, { waveSize: 3, canary: [] }));
                    const durationOf = new Map(plan.waves.flatMap((w) => w.stacks).map((stack, index) => [stack.name, durations[index] * 1000]));
                    const { report, runner } = await simulate(plan, (stack) => ({ durationMs: durationOf.get(stack.name)! }), { concurrency });
                    assert.ok(runner.maxInFlight <= concurrency, `ran ${runner.maxInFlight} at once with a bound of ${concurrency}`);
                    assert.equal(runner.maxInFlight, Math.min(concurrency, Math.max(...plan.waves.map((w) => w.stacks.length))));
                    assert.deepEqual(runner.calls.map((call) => call.stack).sort(), [...durationOf.keys()].sort());
                    for (let index = 1; index < plan.waves.length; index++) {
                        const previousEnd = Math.max(...plan.waves[index - 1].stacks.map((s) => runner.calls.find((c) => c.stack === s.name)!.finishedAt!));
                        const start = Math.min(...plan.waves[index].stacks.map((s) => runner.calls.find((c) => c.stack === s.name)!.startedAt));
                        assert.ok(start >= previousEnd, `wave ${plan.waves[index].name} started before ${plan.waves[index - 1].name} ended`);
                    }
                    assert.equal(report.status, "succeeded");
                    assert.equal(exitCodeOf(report.status), 0);
                },
            ),
            { numRuns: 25 },
        );
    });

    it("starts a wave's stacks longest first by the previous run's durations, the unknown ones by their size", () => {
        const plan = buildRolloutPlan(syntheticModel(4, { canary: [] }));
        const stacks = plan.waves.at(-1)!.stacks;
        const history = new Map([
            [stacks[0].name, 10_000],
            [stacks[2].name, 90_000],
            [stacks[3].name, 40_000],
        ]);
        assert.deepEqual(
            longestFirst(stacks, history).map((stack) => stack.name),
            [stacks[2], stacks[3], stacks[1], stacks[0]].map((stack) => stack.name),
        );
    });

    it("stops later waves and starts no more stacks of a wave whose failures exceed its budget", async () => {
        const plan = buildRolloutPlan(syntheticModel(12, { canary: [], waveSize: 6, failureBudget: 1 }));
        const failing = new Set(plan.waves[2].stacks.slice(0, 2).map((stack) => stack.name));
        const { report, runner } = await simulate(plan, (stack) => ({ durationMs: 60_000, result: failing.has(stack.name) ? "failed" : "succeeded" }), {
            concurrency: 2,
            planOrder: true,
        });
        assert.equal(report.status, "budget-exceeded");
        assert.equal(exitCodeOf(report.status), 3);
        const wave = report.waves[2];
        assert.equal(wave.status, "budget-exceeded");
        assert.deepEqual(
            wave.stacks.map((stack) => stack.status),
            // The first failure was within the budget, so the next stack took its slot; the second one stopped the wave.
            ["failed", "failed", "succeeded", "skipped", "skipped", "skipped"],
        );
        assert.equal(report.waves[3].status, "skipped");
        assert.match(report.waves[3].stacks[0].reason!, /wave accounts-1 exceeded its failure budget of 1/);
        assert.ok(!runner.calls.some((call) => plan.waves[3].stacks.some((stack) => stack.name === call.stack)));
    });

    it("carries on past failures within the budget and reports them as failed", async () => {
        const plan = buildRolloutPlan(syntheticModel(6, { canary: [], failureBudget: "50%" }));
        const failing = plan.waves[2].stacks[1].name;
        const { report } = await simulate(plan, (stack) => ({ durationMs: 1000, result: stack.name === failing ? "failed" : "succeeded" }));
        assert.equal(report.status, "failed");
        assert.equal(exitCodeOf(report.status), 2);
        assert.equal(statusOf(report, failing).status, "failed");
        assert.equal(statusOf(report, failing).attempts, 1, "a real failure is never retried");
        assert.equal(report.waves.flatMap((w) => w.stacks).filter((s) => s.status === "succeeded").length, 7);
    });

    it("stops everything after a failed canary, whatever the later waves' budget", async () => {
        const model = syntheticModel(6, { canary: ["700000000002"], failureBudget: 5 });
        const plan = buildRolloutPlan(model);
        const { report, runner } = await simulate(plan, (stack) => ({ durationMs: 1000, result: stack.target.id === "700000000002" ? "failed" : "succeeded" }));
        assert.deepEqual(
            report.waves.map((wave) => wave.status),
            ["succeeded", "succeeded", "budget-exceeded", "skipped"],
        );
        assert.equal(runner.calls.length, 3);
    });

    it("retries a stack locked by another update with growing backoff, releasing its slot meanwhile, until it succeeds", async () => {
        const plan = buildRolloutPlan(syntheticModel(2, { canary: [] }), { waves: ["accounts"] });
        const [locked, other] = plan.waves[0].stacks.map((stack) => stack.name);
        const { report, runner } = await simulate(
            plan,
            (stack, attempt) => ({ durationMs: 1000, result: stack.name === locked && attempt <= 2 ? "concurrent-update" : "succeeded" }),
            { concurrency: 1, planOrder: true },
        );
        assert.equal(statusOf(report, locked).status, "succeeded");
        assert.equal(statusOf(report, locked).attempts, 3);
        const tries = runner.calls.filter((call) => call.stack === locked);
        // Tries start after the previous one ended plus the backoff (random() = 0.5 gives 3/4 of each exponential step).
        assert.equal(
            tries[1].startedAt - tries[0].finishedAt!,
            backoffDelay(DEFAULT_RETRY, 1, () => 0.5),
        );
        assert.equal(
            tries[2].startedAt - tries[1].finishedAt!,
            backoffDelay(DEFAULT_RETRY, 2, () => 0.5),
        );
        assert.equal(
            backoffDelay(DEFAULT_RETRY, 2, () => 0.5),
            2 * backoffDelay(DEFAULT_RETRY, 1, () => 0.5),
        );
        // With one slot, the other stack ran while the locked one waited.
        assert.deepEqual(
            runner.calls.map((call) => call.stack),
            [locked, other, locked, locked],
        );
    });

    it("gives up on a throttled stack after the last try and says why", async () => {
        const plan = buildRolloutPlan(syntheticModel(1, { canary: [] }), { waves: ["accounts"] });
        const { report } = await simulate(plan, () => ({ durationMs: 1000, result: "throttling" }), {
            retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 4000 },
        });
        const record = report.waves[0].stacks[0];
        assert.deepEqual([record.status, record.attempts, record.reason], ["failed", 3, "still throttled after 3 tries"]);
        assert.match(record.error!, /Rate exceeded/);
    });

    it("skips stacks that succeeded at the same commit and config when resuming, and runs changed or failed ones", async () => {
        const plan = buildRolloutPlan(syntheticModel(3, { canary: [] }));
        const failing = plan.waves[2].stacks[0].name;
        const first = await simulate(plan, (stack) => ({ durationMs: 5000, result: stack.name === failing ? "failed" : "succeeded" }), { commit: "abc123" });
        const stale = first.report.waves[2].stacks[1];
        stale.configHash = "0000000000000000"; // as if this account's config had changed since
        const { resume, problem } = resumeSet(first.report, { environment: "bench", operation: "up", commit: "abc123" });
        assert.equal(problem, undefined);
        const second = await simulate(plan, () => ({ durationMs: 5000 }), { commit: "abc123", resume });
        assert.deepEqual(second.runner.calls.map((call) => call.stack).sort(), [failing, stale.stack].sort());
        assert.equal(second.report.status, "succeeded");
        assert.match(statusOf(second.report, "bench.central").reason!, /resumed run/);
        assert.match(resumeSet(first.report, { environment: "bench", operation: "up", commit: "def456" }).problem!, /commit abc123, this is def456/);
        assert.match(resumeSet(first.report, { environment: "bench", operation: "preview", commit: "abc123" }).problem!, /not a preview/);
    });

    it("on cancellation starts nothing more, stops running stacks through the runner, and reports the rest as cancelled", async () => {
        const plan = buildRolloutPlan(syntheticModel(6, { canary: [] }));
        const clock = virtualClock();
        const runner = new SimulatedRunner(clock, () => ({ durationMs: 60_000 }));
        const controller = new AbortController();
        const rollout = startRollout(plan, { operation: "up", concurrency: 2, runner, clock, signal: controller.signal });
        // Organization and central take a minute each, the first two accounts another; cancel half-way through the next two.
        void clock.sleep(210_000).then(async () => {
            await rollout.forceCancel();
            controller.abort();
        });
        const report = await clock.drive(rollout.result);
        assert.equal(report.status, "cancelled");
        assert.equal(exitCodeOf(report.status), 130);
        const accounts = report.waves[2].stacks;
        assert.equal(accounts.filter((s) => s.status === "succeeded").length, 2, "the first two accounts finished before the cancel");
        assert.equal(runner.calls.filter((c) => c.outcome === "cancelled").length, 2, "the two running accounts were asked to stop");
        assert.equal(runner.forceCancelled.length, 2);
        assert.deepEqual(accounts.map((s) => s.status).sort(), ["cancelled", "cancelled", "cancelled", "cancelled", "succeeded", "succeeded"]);
        assert.equal(runner.calls.length, 6);
    });
});

describe("rollout sharding", () => {
    it("assigns every stack to exactly one shard, the same way on every run, within one stack of the ideal balance", () => {
        const plan = buildRolloutPlan(syntheticModel(40, { canary: [] }));
        const stacks = plan.waves.flatMap((wave) => wave.stacks);
        fc.assert(
            fc.property(
                fc.integer({ min: 1, max: 9 }),
                fc.array(fc.integer({ min: 1, max: 3600 }), { minLength: stacks.length, maxLength: stacks.length }),
                (count, seconds) => {
                    const history = new Map(stacks.map((stack, index) => [stack.name, seconds[index] * 1000]));
                    const assignment = assignShards(plan, count, history);
                    assert.deepEqual(assignShards(plan, count, new Map([...history].reverse())), assignment, "stable for the same inputs");
                    const parts = Array.from({ length: count }, (_, index) => shardPlan(syntheticModelCache, plan, { index: index + 1, count }, history));
                    const shardStacks = parts.flatMap((part) => part.waves.flatMap((wave) => wave.stacks.map((stack) => stack.name)));
                    assert.deepEqual(shardStacks.sort(), stacks.map((stack) => stack.name).sort(), "every stack once");
                    // Greedy longest-first: no shard's work in a wave exceeds the wave's even share by more than its longest stack.
                    for (const wave of plan.waves) {
                        const loads = parts.map((part) =>
                            (part.waves.find((w) => w.name === wave.name)?.stacks ?? []).reduce((sum, s) => sum + history.get(s.name)!, 0),
                        );
                        const total = wave.stacks.reduce((sum, s) => sum + history.get(s.name)!, 0);
                        const longest = Math.max(...wave.stacks.map((s) => history.get(s.name)!));
                        assert.ok(Math.max(...loads) <= total / count + longest, `wave ${wave.name}: ${loads.join(", ")}`);
                    }
                },
            ),
            { numRuns: 50 },
        );
    });

    it("parses K/N shards and refuses malformed ones", () => {
        assert.deepEqual(parseShard("2/5"), { index: 2, count: 5 });
        for (const text of ["0/3", "4/3", "1-3", "a/b", "1/0"]) assert.equal(parseShard(text), undefined, text);
    });
});

const syntheticModelCache = syntheticModel(40, { canary: [] });

describe("rollout report", () => {
    it("merges shard reports, keeps the worst status, and summarizes failures in Markdown with their first error line", async () => {
        const model = syntheticModel(4, { canary: [], failureBudget: 2 });
        const plan = buildRolloutPlan(model);
        const parts = await Promise.all(
            [1, 2].map(async (index) => {
                const part = shardPlan(model, plan, { index, count: 2 });
                const failing = index === 2 ? part.waves.at(-1)!.stacks[0].name : "";
                const { report } = await simulate(
                    part,
                    (stack) => ({ durationMs: 2000, result: stack.name === failing ? "failed" : "succeeded", changes: { create: 3, same: 2 } }),
                    { shard: `${index}/2`, commit: "abc123" },
                );
                return report;
            }),
        );
        const merged = mergeReports(parts);
        assert.equal(merged.status, "failed");
        assert.equal(merged.commit, "abc123");
        assert.equal(merged.waves.flatMap((wave) => wave.stacks).length, 6);
        assert.deepEqual(
            merged.waves.map((wave) => [wave.name, wave.failureBudget]),
            [
                ["organization", 0],
                ["central", 0],
                ["accounts-1", 4],
            ],
        );
        assert.equal(durationHistory([merged]).size, 6);
        const markdown = renderMarkdown(merged);
        assert.match(markdown, /\*\*failed\*\* in .*: 6 stacks, 5 succeeded, 1 failed/);
        assert.match(markdown, /\| `bench\.acct-\d{12}` \([a-z0-9-]+\) \| ❌ failed \| 2\.0s \| 1 \|  \| bench\.acct-\d{12}: the update failed \|/);
    });

    it("folds waves without changes into one line in the compact summary a pull request gets", async () => {
        const plan = buildRolloutPlan(syntheticModel(3, { canary: [] }));
        const changed = plan.waves[2].stacks[1].name;
        const { report } = await simulate(plan, (stack) => ({
            durationMs: 1000,
            changes: (stack.name === changed ? { update: 1, same: 4 } : { same: 5 }) as Record<string, number>,
        }));
        const rows = (markdown: string) => markdown.split("\n").filter((line) => line.startsWith("| `"));
        assert.equal(rows(renderMarkdown(report)).length, 5);
        const compact = renderMarkdown(report, { compact: true });
        assert.deepEqual(
            rows(compact).map((row) => row.split(" | ")[0]),
            [`| \`${changed}\` (${plan.waves[2].stacks[1].target.alias})`],
        );
        assert.match(compact, /### Wave organization: succeeded \(1 stacks, failure budget 0\)\n\nEvery stack succeeded without changes\./);
        assert.match(compact, /2 more stacks succeeded without changes\./);
    });
});
