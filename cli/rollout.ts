/**
 * `npm run rollout -- --env prod`: deploys an environment's stacks (organization, central, one per workload account)
 * in waves through the Pulumi Automation API, with bounded concurrency, retries of transient failures, a failure
 * budget per wave, live progress, and a JSON report plus a Markdown summary for CI.
 *
 *   npm run rollout -- --env prod --dry-run                       waves, stacks, config and offline resource counts
 *   npm run rollout -- --env prod --operation up --shard 2/4      one shard of a CI matrix
 *   npm run rollout -- matrix --env prod --shards 4               the GitHub Actions matrix
 *   npm run rollout -- summarize reports/*.json                   shards' reports merged, as Markdown
 */
import { spawnSync } from "child_process";
import { Command, InvalidArgumentError, Option } from "commander";
import * as fs from "fs";
import * as path from "path";
import { Finding, renderFinding } from "../config/findings";
import { findProjectDir, readStackFile, stackFilePath, StackFile, validateStackFile } from "../config/load";
import { EnvironmentModel } from "../config/model";
import { failureBudgetSchema } from "../config/sections/rollout";
import type { DiscoveryDifferences } from "../projects/rollout/discovery";
import { dryRun, renderDryRun, renderDryRunMarkdown } from "../projects/rollout/dry-run";
import {
    assignShards,
    buildRolloutPlan,
    DurationHistory,
    estimateDurations,
    formatShard,
    parseShard,
    PlanOptions,
    selectWaves,
    Shard,
    shardPlan,
    waveSelectors,
} from "../projects/rollout/plan";
import { plainProgress, terminalProgress } from "../projects/rollout/progress";
import { durationHistory, EXIT, exitCodeOf, mergeReports, readReport, renderMarkdown, resumeSet, writeReport } from "../projects/rollout/report";
import { ResumeSet, RolloutObserver, startRollout } from "../projects/rollout/scheduler";
import { Operation, OPERATIONS, RolloutPlan } from "../projects/rollout/types";

/** A problem with the command line or the config: printed without a stack trace, and nothing runs. */
class UsageError extends Error {
    constructor(
        message: string,
        readonly exitCode: number = EXIT.usage,
    ) {
        super(message);
    }
}

interface EnvironmentOptions {
    env: string;
    config?: string;
    waves?: string;
    failureBudget?: string;
    history?: string[];
}

interface RunOptions extends EnvironmentOptions {
    operation: Operation;
    dryRun?: boolean;
    json?: boolean;
    concurrency?: number;
    shard?: Shard;
    resume?: string;
    report: string;
    summary?: string;
    discover?: "report" | "add" | "fail";
    confirmDestroy?: string;
    secretsProvider?: string;
    pulumiRoot?: string;
    progress: "auto" | "tty" | "plain";
    commit?: string;
}

interface Loaded {
    model: EnvironmentModel;
    stackFile: StackFile;
    file: string;
    planOptions: PlanOptions;
    /** Every wave of the environment, before --waves selects some. */
    allWaves: RolloutPlan;
    history: DurationHistory;
}

function positiveInteger(text: string): number {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
    return value;
}

function shardArgument(text: string): Shard {
    const shard = parseShard(text);
    if (!shard) throw new InvalidArgumentError("expected K/N with 1 <= K <= N, e.g. 2/4");
    return shard;
}

const display = (file: string) => path.relative(process.cwd(), file) || file;

/** Reads and validates the environment's stack file as scope `all`; every finding at once, as `npm run plan` prints them. */
function loadEnvironment(options: EnvironmentOptions, projectDir: string, extraAccounts: unknown[] = []): Loaded {
    if (!options.env) throw new UsageError("--env <name> is required: the environment whose Pulumi.<name>.yaml to roll out");
    const file = options.config ?? stackFilePath(projectDir, options.env);
    const { stackFile, findings: readFindings } = readStackFile(file);
    if (!stackFile) throw new UsageError(readFindings.map(renderFinding).join("\n"));
    const withAdded: StackFile =
        extraAccounts.length > 0
            ? { ...stackFile, values: { ...stackFile.values, accounts: [...((stackFile.values.accounts as unknown[]) ?? []), ...extraAccounts] } }
            : stackFile;
    const { model, findings } = validateStackFile(withAdded, options.env, "all");
    const errors = findings.filter((finding: Finding) => finding.severity === "error");
    if (!model || errors.length > 0) {
        throw new UsageError(`${display(file)}: ${errors.length} error(s); nothing was deployed.\n${findings.map(renderFinding).join("\n")}`);
    }
    let failureBudget: PlanOptions["failureBudget"];
    if (options.failureBudget !== undefined) {
        const text = /^\d+$/.test(options.failureBudget) ? Number(options.failureBudget) : options.failureBudget;
        const parsed = failureBudgetSchema.safeParse(text);
        if (!parsed.success) throw new UsageError(`--failure-budget: ${parsed.error.issues[0].message}`);
        failureBudget = typeof parsed.data === "number" ? { stacks: parsed.data } : { percent: Number.parseFloat(parsed.data) };
    }
    const waves = options.waves?.split(",").map((name) => name.trim());
    const planOptions: PlanOptions = { waves, failureBudget };
    const allWaves = buildRolloutPlan(model, { failureBudget });
    if (waves) {
        const known = waveSelectors(allWaves);
        const unknown = waves.filter((name) => !known.includes(name));
        if (unknown.length > 0) throw new UsageError(`--waves: unknown wave ${unknown.join(", ")} (this environment has: ${known.join(", ")})`);
    }
    const history = durationHistory((options.history ?? []).filter((report) => fs.existsSync(report)).map(readReport));
    return { model, stackFile, file, planOptions, allWaves, history };
}

function planFor(loaded: Loaded, shard?: Shard, operation?: Operation): RolloutPlan {
    const whole = selectWaves(loaded.allWaves, loaded.planOptions.waves);
    const plan = shard ? shardPlan(loaded.model, whole, shard, loaded.history, loaded.planOptions) : whole;
    // Destroy in the reverse order: accounts before the central account, the organization (and its deployment role) last.
    return operation === "destroy" ? { ...plan, waves: [...plan.waves].reverse() } : plan;
}

/** The commit that runs: CI's, or the work tree's (marked dirty when it has changes, so a resume never trusts it). */
function currentCommit(projectDir: string): string | undefined {
    if (process.env.GITHUB_SHA) return process.env.GITHUB_SHA;
    const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: projectDir, encoding: "utf8" });
    if (head.status !== 0) return undefined;
    const dirty = spawnSync("git", ["status", "--porcelain"], { cwd: projectDir, encoding: "utf8" }).stdout.trim() !== "";
    return `${head.stdout.trim()}${dirty ? "+dirty" : ""}`;
}

/** Appends to the job summary in GitHub Actions, or writes the given file. */
function writeSummary(markdown: string, file: string | undefined): string | undefined {
    const target = file ?? process.env.GITHUB_STEP_SUMMARY;
    if (!target) return undefined;
    fs.appendFileSync(target, markdown + "\n");
    return target;
}

async function discover(loaded: Loaded, mode: NonNullable<RunOptions["discover"]>, options: RunOptions, projectDir: string): Promise<Loaded> {
    const { OrganizationsClient } = await import("@aws-sdk/client-organizations");
    const { accountsToAdd, compareWithConfig, discoverAccounts, hasDifferences, renderDifferences } = await import("../projects/rollout/discovery");
    // Organizations is global; its API is reached through the management account's partition.
    const client = new OrganizationsClient({ region: loaded.model.management.target.homeRegion, maxAttempts: 1 });
    const found = await discoverAccounts(client, loaded.model.rollout.discovery);
    const differences: DiscoveryDifferences = compareWithConfig(loaded.model, found);
    const lines = renderDifferences(differences);
    process.stderr.write(
        `Organizations discovery: ${found.active.length} active and ${found.inactive.length} inactive accounts under ` +
            `${loaded.model.rollout.discovery.includeOuIds.length} OUs (${found.calls} calls, ${found.throttled} throttled); ` +
            `${lines.length === 0 ? "config matches." : `${lines.length} differences:`}\n${lines.map((line) => `  ${line}\n`).join("")}`,
    );
    if (mode === "fail" && hasDifferences(differences))
        throw new UsageError("Organizations and config differ (--discover fail); nothing was deployed.", EXIT.discoveryDiffers);
    if (mode !== "add") return loaded;
    const added = accountsToAdd(loaded.model, differences);
    if (added.length === 0) return loaded;
    process.stderr.write(`Adding ${added.length} accounts to this rollout: ${added.map((a) => `${a.id} as ${a.alias} (${a.ou})`).join(", ")}\n`);
    return loadEnvironment(options, projectDir, added);
}

async function runCommand(options: RunOptions, projectDir: string): Promise<number> {
    if (options.operation === "destroy" && options.confirmDestroy !== options.env && !options.dryRun) {
        throw new UsageError(`destroy removes the environment's stacks' resources; confirm with --confirm-destroy ${options.env}`);
    }
    let loaded = loadEnvironment(options, projectDir);
    if (options.discover) loaded = await discover(loaded, options.discover, options, projectDir);
    const plan = planFor(loaded, options.shard, options.operation);
    const concurrency = options.concurrency ?? loaded.model.rollout.concurrency;
    const environmentConfig = loaded.stackFile.allKeys;

    if (options.dryRun) {
        const document = await dryRun(loaded.model, plan, { operation: options.operation, concurrency, environmentConfig, shard: options.shard });
        process.stdout.write(options.json ? JSON.stringify(document, null, 2) + "\n" : renderDryRun(document, display(loaded.file)));
        writeSummary(renderDryRunMarkdown(document), options.summary);
        return EXIT.succeeded;
    }

    const commit = options.commit ?? currentCommit(projectDir);
    let resume: ResumeSet | undefined;
    if (options.resume) {
        const result = resumeSet(readReport(options.resume), { environment: options.env, operation: options.operation, commit });
        if (result.problem) process.stderr.write(`--resume: every stack runs again: ${result.problem}\n`);
        resume = result.resume;
    }
    const { PulumiCommand } = await import("@pulumi/pulumi/automation");
    const { AutomationStackRunner } = await import("../projects/rollout/automation");
    const pulumiCommand = await PulumiCommand.get(options.pulumiRoot ? { root: options.pulumiRoot } : undefined);
    const runner = new AutomationStackRunner({ environmentConfig, pulumiCommand, secretsProvider: options.secretsProvider });

    const total = plan.waves.reduce((sum, wave) => sum + wave.stacks.length, 0);
    const tty = options.progress === "tty" || (options.progress === "auto" && process.stderr.isTTY === true && !process.env.CI);
    const view = tty ? terminalProgress(process.stderr, total) : undefined;
    const observer: RolloutObserver = view ?? plainProgress((text) => process.stderr.write(text));

    // First Ctrl-C (or SIGTERM): no stack starts any more, running updates are asked to stop and finish cleanly (the
    // SDK interrupts the CLI, which completes in-flight resource operations and saves state). Second: `pulumi cancel`.
    // In a terminal, Ctrl-C already reaches the pulumi processes (same process group); interrupting them once more
    // would make them quit at once, so then only the rollout stops starting stacks.
    const cancel = new AbortController();
    const interrupt = new AbortController();
    let signals = 0;
    const rollout = startRollout(plan, {
        operation: options.operation,
        concurrency,
        runner,
        history: loaded.history,
        resume,
        observer,
        signal: cancel.signal,
        runnerSignal: interrupt.signal,
        commit,
        shard: options.shard ? formatShard(options.shard) : undefined,
    });
    const onSignal = (signal: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
            process.stderr.write(`\n${signal}: cancelling; running updates finish their current operations (again to stop them at once)\n`);
            cancel.abort();
            if (!(signal === "SIGINT" && process.stdin.isTTY)) interrupt.abort();
        } else if (signals === 2) {
            process.stderr.write(`\n${signal}: stopping running updates now (pulumi cancel)\n`);
            interrupt.abort();
            void rollout.forceCancel();
        } else {
            process.exit(EXIT.cancelled);
        }
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const report = await rollout.result;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    view?.done();

    writeReport(options.report, report);
    const summaryFile = writeSummary(renderMarkdown(report, { compact: total > 50 }), options.summary);
    process.stderr.write(`Report: ${options.report}${summaryFile ? `; summary: ${summaryFile}` : ""}; ${report.status}.\n`);
    return exitCodeOf(report.status);
}

interface MatrixOptions extends EnvironmentOptions {
    shards?: number;
    maxStacksPerShard: number;
    githubOutput?: boolean;
}

/** GitHub Actions runs at most 256 jobs per matrix: https://docs.github.com/en/actions/using-jobs/using-a-matrix-for-your-jobs */
const MAX_MATRIX_JOBS = 256;

function matrixCommand(options: MatrixOptions, projectDir: string): number {
    const loaded = loadEnvironment(options, projectDir);
    const plan = planFor(loaded);
    const stacks = plan.waves.flatMap((wave) => wave.stacks);
    const count = Math.min(MAX_MATRIX_JOBS, Math.max(1, options.shards ?? Math.ceil(stacks.length / options.maxStacksPerShard)), Math.max(1, stacks.length));
    const assignment = assignShards(plan, count, loaded.history);
    const estimate = estimateDurations(stacks, loaded.history);
    const include = Array.from({ length: count }, (_, index) => {
        const mine = stacks.filter((stack) => assignment.get(stack.name) === index + 1);
        const known = loaded.history.size > 0;
        return {
            shard: `${index + 1}/${count}`,
            stacks: mine.length,
            ...(known ? { estimatedMinutes: Math.round(mine.reduce((sum, stack) => sum + estimate.get(stack.name)!, 0) / 60_000) } : {}),
        };
    });
    const matrix = JSON.stringify({ include });
    if (options.githubOutput && process.env.GITHUB_OUTPUT) fs.appendFileSync(process.env.GITHUB_OUTPUT, `matrix=${matrix}\n`);
    process.stdout.write(matrix + "\n");
    return EXIT.succeeded;
}

function summarizeCommand(files: string[], options: { out?: string; compact?: boolean; title?: string }): number {
    const merged = mergeReports(files.map(readReport));
    if (options.out) writeReport(options.out, merged);
    process.stdout.write(renderMarkdown(merged, { compact: options.compact, title: options.title }) + "\n");
    return exitCodeOf(merged.status);
}

function environmentOptions(command: Command): Command {
    // Checked by each command: commander would also require a root command's required option before a subcommand.
    return command
        .option("--env <name>", "environment: the stacks of Pulumi.<name>.yaml (required)")
        .option("--config <file>", "the environment's stack file instead of Pulumi.<env>.yaml")
        .option("--waves <names>", "only these waves, comma-separated: organization, central, canary, accounts or accounts-<n>")
        .option("--failure-budget <n|p%>", "failed stacks each account wave tolerates (overrides rollout.failureBudget)")
        .option("--history <reports...>", "earlier reports: stacks start longest first and shards balance by their durations");
}

/** The command line; `configure` applies to every command (the tests make errors throw instead of exiting). */
export function rolloutProgram(projectDir: string, exit: (code: number) => void, configure: (command: Command) => Command = (command) => command): Command {
    const program = environmentOptions(
        configure(new Command())
            .name("rollout")
            .description("Preview or deploy an environment's stacks in waves through the Pulumi Automation API.")
            // Options after `matrix` or `summarize` are that command's own.
            .enablePositionalOptions()
            .showHelpAfterError(),
    )
        .addOption(new Option("--operation <operation>", "what to do to each stack").choices(OPERATIONS).default("preview"))
        .option("--dry-run", "print the waves, stacks, their config and offline resource counts; needs neither the Pulumi CLI nor AWS")
        .option("--json", "with --dry-run: one JSON document")
        .option("--concurrency <n>", "stacks at once (overrides rollout.concurrency)", positiveInteger)
        .option("--shard <K/N>", "run only shard K of N (stable, balanced by --history)", shardArgument)
        .option("--resume <report>", "skip stacks that succeeded in that report at the same commit and config")
        .option("--report <file>", "where the JSON report goes", "rollout-report.json")
        .option("--summary <file>", "append the Markdown summary here (default: $GITHUB_STEP_SUMMARY when set)")
        .addOption(
            new Option("--discover <mode>", "compare with AWS Organizations first: report differences, add missing accounts, or fail").choices([
                "report",
                "add",
                "fail",
            ]),
        )
        .option("--confirm-destroy <env>", "required with --operation destroy: the environment's name")
        .option("--secrets-provider <url>", "secrets provider of stacks this rollout creates (default: the backend's)")
        .option("--pulumi-root <dir>", "Pulumi CLI installation to use (<dir>/bin/pulumi); default: pulumi on the PATH")
        .addOption(new Option("--progress <mode>", "live table in a terminal, plain lines elsewhere").choices(["auto", "tty", "plain"]).default("auto"))
        .option("--commit <sha>", "commit recorded in the report (default: $GITHUB_SHA or git HEAD)")
        .action(async (options: RunOptions) => exit(await runCommand(options, projectDir)));
    environmentOptions(configure(program.command("matrix")).description("Print the GitHub Actions matrix of shards for this environment."))
        .option("--shards <n>", "number of shards", positiveInteger)
        .option("--max-stacks-per-shard <n>", "without --shards: as many shards as this needs", positiveInteger, 100)
        .option("--github-output", "also write matrix=<json> to $GITHUB_OUTPUT")
        .action((options: MatrixOptions) => exit(matrixCommand(options, projectDir)));
    configure(program.command("summarize"))
        .description("Merge shards' reports and print their Markdown summary; exits as the merged rollout would.")
        .argument("<reports...>", "JSON reports")
        .option("--out <file>", "also write the merged report here")
        .option("--compact", "fold waves without changes")
        .option("--title <text>", "heading of the summary")
        .action((files: string[], options: { out?: string; compact?: boolean; title?: string }) => exit(summarizeCommand(files, options)));
    return program;
}

async function main(): Promise<void> {
    const projectDir = findProjectDir(__dirname);
    try {
        await rolloutProgram(projectDir, (code) => (process.exitCode = code)).parseAsync(process.argv);
    } catch (error) {
        if (error instanceof UsageError) {
            process.stderr.write(`${error.message}\n`);
            process.exitCode = error.exitCode;
        } else {
            // An AWS, CLI or program failure outside any stack (discovery, the CLI's version check): nothing was deployed.
            process.stderr.write(`rollout failed: ${(error as Error).message}\n`);
            process.exitCode = EXIT.usage;
        }
    }
}

if (require.main === module) {
    void main();
}
