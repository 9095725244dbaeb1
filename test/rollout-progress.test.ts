import assert from "node:assert/strict";
import { generateOrganization } from "../bench/generate-organization";
import { buildRolloutPlan } from "../projects/rollout/plan";
import { plainProgress, terminalProgress } from "../projects/rollout/progress";
import { runRollout } from "../projects/rollout/scheduler";
import { SimulatedRunner, virtualClock } from "../projects/rollout/simulation";
import { validate } from "./support/graph";

const plan = () => buildRolloutPlan(validate({ ...generateOrganization({ accounts: 2, regions: 1 }), rollout: { canary: [] } }, "bench").model!);

describe("rollout progress", () => {
    it("writes one timestamped line per event in CI, and every output line prefixed with its stack", async () => {
        const clock = virtualClock(Date.parse("2030-01-01T10:00:00Z"));
        const lines: string[] = [];
        const failing = "bench.acct-700000000002";
        const runner = new SimulatedRunner(clock, (stack, attempt) => ({
            durationMs: 30_000,
            result: stack.name === failing ? (attempt === 1 ? "concurrent-update" : "failed") : "succeeded",
            changes: { create: 2 },
        }));
        const observer = plainProgress(
            (text) => lines.push(text),
            () => clock.now(),
        );
        await clock.drive(
            runRollout(plan(), {
                operation: "up",
                concurrency: 2,
                runner,
                clock,
                random: () => 0,
                observer: {
                    ...observer,
                    stackStarted: (stack, attempt) => (observer.stackStarted!(stack, attempt), observer.stackOutput!(stack, "Updating...")),
                },
            }),
        );
        const text = lines.join("");
        assert.match(
            text,
            /^\[10:00:00\] wave 1\/3 organization: 1 stacks, failure budget 0\n\[10:00:00\] start {2}bench\.organization\n {2}bench\.organization \| Updating\.\.\.\n/,
        );
        assert.match(text, /\[10:01:00\] succeeded bench\.central 30\.0s, \+2\n/);
        assert.match(
            text,
            /\[\d\d:\d\d:\d\d\] retry {2}bench\.acct-700000000002 in 2\.5s \(try 2\): concurrent-update: bench\.acct-700000000002: another update is in progress\n/,
        );
        assert.match(text, /\] failed {4}bench\.acct-700000000002 30\.0s, 2 tries, bench\.acct-700000000002: the update failed\n/);
        assert.match(text, /\] wave accounts-1: budget-exceeded\n$/);
    });

    it("draws a table of running stacks in a terminal and prints a failed stack's output at the end", async () => {
        const clock = virtualClock();
        const frames: string[] = [];
        const stream = { columns: 100, rows: 20, isTTY: true, write: (chunk: string) => frames.push(String(chunk)) > 0 } as unknown as NodeJS.WriteStream;
        const view = terminalProgress(stream, 4, () => clock.now());
        const runner = new SimulatedRunner(clock, (stack) => ({
            durationMs: 10_000,
            result: stack.name === "bench.acct-700000000001" ? "failed" : "succeeded",
        }));
        await clock.drive(
            runRollout(plan(), {
                operation: "preview",
                concurrency: 2,
                runner,
                clock,
                observer: {
                    ...view,
                    stackStarted: (stack, attempt) => (view.stackStarted!(stack, attempt), view.stackOutput!(stack, `output of ${stack.name}`)),
                },
            }),
        );
        view.done();
        const screen = frames.join("");
        assert.match(screen, /wave 3\/3 accounts-1 · 4\/4 done · 0 running · 1 failed/);
        assert.match(screen, /\n {2}failed {4}bench\.acct-700000000001 10\.0s, bench\.acct-700000000001: the update failed/);
        assert.match(screen, /bench\.acct-700000000001 failed:\n {2}output of bench\.acct-700000000001\n/);
        assert.doesNotMatch(screen, /output of bench\.central/, "a succeeded stack's output is not shown");
    });
});
