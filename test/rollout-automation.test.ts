import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { readStackFile } from "../config/load";
import { EnvironmentModel } from "../config/model";
import { planTarget } from "../projects/offline-plan";
import { AutomationStackRunner, stackConfig } from "../projects/rollout/automation";
import { buildRolloutPlan } from "../projects/rollout/plan";
import { runRollout } from "../projects/rollout/scheduler";
import { RolloutPlan, RolloutStack, RunContext } from "../projects/rollout/types";
import { loadStack, PROJECT_DIR } from "./support/graph";

/** The stand-in `pulumi` (test/fixtures/pulumi-cli/bin/pulumi), found the way the SDK finds an installed CLI. */
const STAND_IN_ROOT = path.join(__dirname, "fixtures", "pulumi-cli");

interface Invocation {
    argv: string[];
    cwd: string;
}

describe("the Automation API runner, through the SDK against a stand-in pulumi CLI", function () {
    this.timeout(60_000);
    let model: EnvironmentModel;
    let plan: RolloutPlan;
    let environmentConfig: Record<string, unknown>;
    let pulumiCommand: PulumiCommand;
    let backend: string;
    let logFile: string;

    const stackOf = (name: string): RolloutStack => plan.waves.flatMap((wave) => wave.stacks).find((stack) => stack.name === name)!;
    const invocations = (): Invocation[] =>
        fs
            .readFileSync(logFile, "utf8")
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line));
    /** The commands run for one stack, without the arguments that change from run to run (ports, config values). */
    const commandsFor = (stack: string) =>
        invocations()
            .filter((call) => call.argv.includes(stack))
            .map((call) => call.argv.filter((arg) => !arg.includes("=") && !arg.startsWith("tcp://")).join(" "));
    const runner = (extraEnv: Record<string, string> = {}, config = environmentConfig) =>
        new AutomationStackRunner({
            environmentConfig: config,
            pulumiCommand,
            envVars: { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_STANDIN_LOG: logFile, PULUMI_CONFIG_PASSPHRASE: "test", ...extraEnv },
        });
    const context = (lines: string[] = [], signal = new AbortController().signal): RunContext => ({
        signal,
        attempt: 1,
        onProgress: () => undefined,
        onOutput: (line) => lines.push(line),
    });
    const resourcesOf = async (target: { id: string }) => {
        const found = [model.management.target, model.central.target, ...model.accounts.map((account) => account.target)].find((t) => t.id === target.id)!;
        return (await planTarget(model, found)).resources.length;
    };

    before(async () => {
        model = loadStack("prod");
        plan = buildRolloutPlan(model);
        environmentConfig = readStackFile(path.join(PROJECT_DIR, "Pulumi.prod.yaml")).stackFile!.allKeys;
        pulumiCommand = await PulumiCommand.get({ root: STAND_IN_ROOT });
        backend = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-backend-"));
        logFile = path.join(backend, "invocations.jsonl");
    });

    after(() => fs.rmSync(backend, { recursive: true, force: true }));

    it("creates new stacks, sets the environment's config and each one's scope, and previews the real program through the CLI, two at once", async () => {
        // Workload stacks: the central stack's restore testing would also build the validation bundle, which other tests cover.
        const [account, central] = [stackOf("prod.acct-510000000002"), stackOf("prod.acct-510000000008")];
        const lines: string[] = [];
        const [accountOutcome, centralOutcome] = await Promise.all([
            runner().run(account, "preview", context(lines)),
            runner().run(central, "preview", context()),
        ]);
        assert.deepEqual(commandsFor(account.name), [
            `stack select --stack ${account.name} --non-interactive`,
            `stack init ${account.name} --non-interactive`,
            `config set-all --stack ${account.name}${" --plaintext".repeat(Object.keys(environmentConfig).length + 1)} --non-interactive`,
            `preview --color never --exec-kind auto.inline --event-log --stack ${account.name} --non-interactive`,
        ]);
        const setAll = invocations().find((call) => call.argv[1] === "set-all" && call.argv.includes(account.name))!.argv;
        assert.ok(setAll.includes("backup-platform:scope=account:510000000002"));
        assert.ok(setAll.includes('pulumi:disable-default-providers=["aws"]'));
        assert.ok(setAll.includes(`backup-platform:accounts=${JSON.stringify(environmentConfig["backup-platform:accounts"])}`));
        const preview = invocations().find((call) => call.argv[0] === "preview" && call.argv.includes(account.name))!;
        assert.match(
            preview.argv.find((arg) => arg.startsWith("--client="))!,
            /^--client=127\.0\.0\.1:\d+$/,
        );
        // Each stack works in a directory of its own, removed afterwards.
        assert.notEqual(preview.cwd, PROJECT_DIR);
        assert.equal(fs.existsSync(preview.cwd), false);
        // The programs ran in this process, concurrently, and registered exactly what the offline plan records.
        assert.deepEqual(accountOutcome.changes, { create: await resourcesOf(account.target) });
        assert.deepEqual(centralOutcome.changes, { create: await resourcesOf(central.target) });
        assert.ok(
            lines.some((line) => /^\s+\+ \d+ to create$/.test(line)),
            lines.join("\n"),
        );
    });

    it("updates a stack, after which a preview finds every resource unchanged", async () => {
        const central = stackOf("prod.acct-510000000009");
        const expected = await resourcesOf(central.target);
        const up = await runner().run(central, "up", context());
        assert.deepEqual(up.changes, { create: expected });
        const again = await runner().run(central, "preview", context());
        assert.deepEqual(again.changes, { same: expected });
        assert.deepEqual(
            // A new stack: it is created first (`stack init`), and config is set before each operation.
            commandsFor(central.name).filter((command) => !command.startsWith("config") && !command.startsWith("stack init")),
            [
                `stack select --stack ${central.name} --non-interactive`,
                `up --yes --skip-preview --color never --exec-kind auto.inline --event-log --stack ${central.name} --non-interactive`,
                `stack output --json --stack ${central.name} --non-interactive`,
                `stack output --json --show-secrets --stack ${central.name} --non-interactive`,
                `stack history --json --show-secrets --page-size 1 --page 1 --stack ${central.name} --non-interactive`,
                `stack select --stack ${central.name} --non-interactive`,
                `preview --color never --exec-kind auto.inline --event-log --stack ${central.name} --non-interactive`,
            ],
        );
    });

    it("retries an update refused because another update holds the stack's lock, and succeeds", async () => {
        const organization = stackOf("prod.organization");
        const single: RolloutPlan = { environment: "prod", waves: [{ name: "organization", kind: "organization", stacks: [organization], failureBudget: 0 }] };
        const report = await runRollout(single, {
            operation: "up",
            concurrency: 1,
            runner: runner({ PULUMI_STANDIN_CONFLICTS: JSON.stringify({ [organization.name]: 1 }) }),
            retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 },
        });
        const record = report.waves[0].stacks[0];
        assert.deepEqual([record.status, record.attempts, record.changes], ["succeeded", 2, { create: await resourcesOf(organization.target) }]);
        assert.equal(commandsFor(organization.name).filter((command) => command.startsWith("up ")).length, 2);
    });

    it("refuses to destroy a stack with protected resources, says which and how to unprotect it, and keeps them", async () => {
        const organization = stackOf("prod.organization"); // updated by the test before: its StackSets are protected
        await assert.rejects(runner().run(organization, "destroy", context()), (error: Error & { transient?: string }) => {
            assert.equal(error.transient, undefined);
            assert.match(error.message, /error: unable to delete resource "urn:pulumi:prod\.organization::.*"\nas it is currently marked for protection/);
            assert.match(error.message, /pulumi state unprotect/);
            return true;
        });
        const after = await runner().run(organization, "preview", context());
        assert.equal(after.changes.create, undefined, "nothing was deleted");
    });

    it("reports the CLI's concurrent-update error as transient and a failed program as a real failure with its findings", async () => {
        const [locked, broken] = [stackOf("prod.acct-510000000001"), stackOf("prod.acct-510000000003")];
        const invalid = { ...environmentConfig, "backup-platform:namePrefix": "Not A Prefix!" };
        const [conflict, failure] = await Promise.allSettled([
            runner({ PULUMI_STANDIN_CONFLICTS: JSON.stringify({ [locked.name]: 1 }) }).run(locked, "up", context()),
            runner({}, invalid).run(broken, "preview", context()),
        ]);
        const reason = (result: PromiseSettledResult<unknown>) => (result as PromiseRejectedResult).reason as Error & { transient?: string };
        assert.equal(reason(conflict).transient, "concurrent-update");
        assert.match(reason(conflict).message, /^error: \[409\] Conflict: Another update is currently in progress\.$/);
        assert.equal(reason(failure).transient, undefined);
        assert.match(reason(failure).message, /namePrefix/);
        assert.match(reason(failure).message, /error: preview failed/);
    });

    it("stops a running update when cancelled: the CLI gets an interrupt and the stack is reported as cancelled", async () => {
        const account = stackOf("prod.acct-510000000004");
        const controller = new AbortController();
        const progress: number[] = [];
        const run = runner({ PULUMI_STANDIN_DELAY_MS: "20000" }).run(account, "up", {
            ...context(),
            signal: controller.signal,
            onProgress: (p) => progress.push(p.stepsDone),
        });
        while (progress.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
        const started = Date.now();
        controller.abort();
        const outcome = await run;
        assert.equal(outcome.cancelled, true);
        assert.ok(Date.now() - started < 10_000, "the update stopped without waiting out its delay");
    });

    it("copies the environment's values as text and refuses to copy the environment's secrets", () => {
        const central = stackOf("prod.central");
        const config = stackConfig({ "backup-platform:namePrefix": "acme", "pulumi:disable-default-providers": ["aws"] }, central);
        assert.deepEqual(config, {
            "backup-platform:namePrefix": { value: "acme" },
            "pulumi:disable-default-providers": { value: '["aws"]' },
            "backup-platform:scope": { value: "central" },
        });
        assert.throws(() => stackConfig({ "backup-platform:token": { secure: "AAAB..." } }, central), /backup-platform:token is a secret/);
    });
});
