import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { rolloutProgram } from "../cli/rollout";
import { stackNameFor } from "../config/scope";
import { planTarget } from "../projects/offline-plan";
import { DryRunDocument } from "../projects/rollout/dry-run";
import { readReport } from "../projects/rollout/report";
import { loadStack, PROJECT_DIR, stackValues } from "./support/graph";

/** Runs `npm run rollout -- <args>` in this process; what it printed and the exit code it set. */
async function rollout(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const saved = { stdout: process.stdout.write, stderr: process.stderr.write, env: { ...process.env } };
    process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
    Object.assign(process.env, env);
    let code = -1;
    try {
        const program = rolloutProgram(
            PROJECT_DIR,
            (exitCode) => (code = exitCode),
            (command) => command.exitOverride(),
        );
        await program.parseAsync(["node", "rollout", ...args]);
    } catch (error) {
        err.push((error as Error).message);
        code = (error as { exitCode?: number }).exitCode ?? 1;
    } finally {
        process.stdout.write = saved.stdout;
        process.stderr.write = saved.stderr;
        process.env = saved.env;
    }
    return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("npm run rollout", function () {
    this.timeout(60_000);
    let scratch: string;

    before(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-cli-"));
    });
    after(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it("--dry-run shows every account of Pulumi.prod.yaml in its wave with the offline plan's resource counts, without the CLI or AWS", async () => {
        const { code, stdout } = await rollout(["--env", "prod", "--dry-run", "--json", "--summary", path.join(scratch, "plan.md")]);
        assert.equal(code, 0);
        const document = JSON.parse(stdout) as DryRunDocument;
        const model = loadStack("prod");
        const stacks = document.waves.flatMap((wave) => wave.stacks);
        const listed = stackValues("prod").accounts.map((account: { id: string }) => stackNameFor("prod", { kind: "account", accountId: account.id }));
        assert.deepEqual(stacks.map((stack) => stack.stack).sort(), ["prod.central", "prod.organization", ...listed].sort());
        assert.deepEqual(
            document.waves.map((wave) => wave.name),
            ["organization", "central", "canary", "accounts-1"],
        );
        for (const target of [model.central.target, model.accounts[6].target]) {
            const stack = stacks.find((candidate) => candidate.target.id === target.id)!;
            assert.equal(stack.registrations, (await planTarget(model, target)).resources.length);
        }
        assert.ok(document.configKeys.includes("backup-platform:accounts") && document.configKeys.includes("pulumi:disable-default-providers"));
        assert.match(fs.readFileSync(path.join(scratch, "plan.md"), "utf8"), /\| canary \| 4 \| 0 \| \d+ \| \d+ \|/);
        const text = await rollout(["--env", "prod", "--dry-run", "--waves", "canary", "--shard", "2/2"]);
        assert.equal(text.code, 0);
        assert.match(text.stdout, /^Rollout of prod \(preview\) from Pulumi\.prod\.yaml, shard 2\/2: 2 stacks in 1 waves, 8 at once\./);
    });

    it("prints a GitHub Actions matrix whose shards cover every stack once", async () => {
        const { code, stdout } = await rollout(["matrix", "--env", "prod", "--max-stacks-per-shard", "4"]);
        assert.equal(code, 0);
        const matrix = JSON.parse(stdout) as { include: Array<{ shard: string; stacks: number }> };
        assert.deepEqual(
            matrix.include.map((entry) => entry.shard),
            ["1/3", "2/3", "3/3"],
        );
        assert.equal(
            matrix.include.reduce((sum, entry) => sum + entry.stacks, 0),
            11,
        );
    });

    it("refuses bad flags and an invalid config before anything runs, with exit code 1", async () => {
        const destroy = await rollout(["--env", "prod", "--operation", "destroy"]);
        assert.deepEqual([destroy.code, /confirm with --confirm-destroy prod/.test(destroy.stderr)], [1, true], destroy.stderr);
        const waves = await rollout(["--env", "prod", "--dry-run", "--waves", "canaries"]);
        assert.equal(waves.code, 1);
        assert.match(waves.stderr, /--waves: unknown wave canaries \(this environment has: organization, central, canary, accounts, accounts-1\)/);
        const budget = await rollout(["--env", "prod", "--dry-run", "--failure-budget", "150%"]);
        assert.match(budget.stderr, /--failure-budget: a percentage must be at most 100%/);
        const broken = await rollout(["--env", "broken", "--config", path.join(__dirname, "fixtures", "several-mistakes.yaml"), "--dry-run"]);
        assert.equal(broken.code, 1);
        assert.match(broken.stderr, /7 error\(s\); nothing was deployed\.\n.*managementAccount\.id/);
    });

    it("previews the dev environment's canaries through the Automation API and a stand-in CLI, writing the report and the job summary", async () => {
        const backend = path.join(scratch, "backend");
        fs.mkdirSync(backend);
        const report = path.join(scratch, "report.json");
        const summary = path.join(scratch, "summary.md");
        const args = [
            "--env",
            "dev",
            "--pulumi-root",
            path.join(__dirname, "fixtures", "pulumi-cli"),
            "--waves",
            "canary",
            "--report",
            report,
            "--summary",
            summary,
        ];
        const { code, stderr } = await rollout([...args, "--progress", "plain", "--commit", "abc123"], {
            PULUMI_BACKEND_URL: `file://${backend}`,
            GITHUB_STEP_SUMMARY: undefined,
        });
        assert.equal(code, 0, stderr);
        const written = readReport(report);
        assert.deepEqual(
            written.waves.map((wave) => [wave.name, wave.status, wave.stacks.length]),
            [["canary", "succeeded", 2]],
        );
        assert.ok(written.waves.every((wave) => wave.stacks.every((stack) => (stack.changes?.create ?? 0) > 0)));
        assert.match(stderr, /\] start {2}dev\.acct-401234567890\n/);
        assert.match(stderr, / {2}dev\.acct-403456789012 \| Resources:/);
        assert.match(fs.readFileSync(summary, "utf8"), /## Rollout of dev: preview\n\n\*\*succeeded\*\*/);
        // Resuming that report at the same commit runs nothing again.
        const again = await rollout([...args, "--progress", "plain", "--commit", "abc123", "--resume", report], { PULUMI_BACKEND_URL: `file://${backend}` });
        assert.equal(again.code, 0);
        assert.doesNotMatch(again.stderr, /\] start /);
        const merged = await rollout(["summarize", report, report.replace("report.json", "report.json")]);
        assert.match(merged.stdout, /4 stacks, 4 succeeded/);
    });
});
