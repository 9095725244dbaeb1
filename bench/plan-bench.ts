/**
 * `npm run bench:plan`: how long `npm run plan` takes, and how much memory it needs, for a whole environment of 200
 * and of 1,000 workload accounts, against the per-account floor measured in the same run.
 *
 *   npm run bench:plan -- [--accounts 200,1000] [--regions 4] [--json]
 *
 * For each size it generates a valid organization into a stack file, then runs, each as its own process of the
 * compiled plan:
 *   1. the whole-environment plan, summary (`plan --config <file>`), output discarded;
 *   2. the same plan as JSON (`--json`);
 *   3. the floor: every target of the same environment evaluated one after another in one thread, as a
 *      stack-per-account rollout would evaluate them, with no rendering and no output.
 * and reports wall time, peak RSS (maxRSS of the process, worker threads included) and the ratio whole plan / floor.
 * At the first size it also plans in one thread (`--workers 0`) and checks that the output is byte for byte the same.
 *
 * A benchmark, not a test: it prints numbers and fails only when a plan fails or the outputs differ.
 */
import { spawn } from "child_process";
import { Command, InvalidArgumentError } from "commander";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { STACK_TYPE } from "../components/resource-types";
import { PLAN_NODE_FLAGS } from "../cli/plan-tuning";
import { loadEnvironmentFromFile } from "../config/load";
import { targetsInScope } from "../config/model";
import { planTarget } from "../projects/offline-plan";
import { BENCH_REGIONS, organizationStackFile } from "./generate-organization";

interface Options {
    accounts: number[];
    regions: number;
    runs: number;
    json: boolean;
    floor?: string;
}

/** The targets set by the issue this plan was built for: 1,000 accounts × 4 regions in 20 s and 512 MB on 2 cores. */
const TARGET = { accounts: 1000, seconds: 20, rssMb: 512 };

function accountList(text: string): number[] {
    const values = text.split(",").map(Number);
    if (values.some((value) => !Number.isInteger(value) || value < 1 || value > 99_999)) {
        throw new InvalidArgumentError("expected whole numbers from 1 to 99999, separated by commas");
    }
    return values;
}

function regionCount(text: string): number {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > BENCH_REGIONS.length) throw new InvalidArgumentError(`expected 1 to ${BENCH_REGIONS.length}`);
    return value;
}

function regionCountLike(text: string): number {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > 20) throw new InvalidArgumentError("expected 1 to 20");
    return value;
}

function parseOptions(argv: string[]): Options {
    return new Command()
        .name("bench:plan")
        .description("Benchmark the offline plan of generated environments against the per-account floor.")
        .option("--accounts <list>", "environment sizes, in workload accounts", accountList, [200, 1000])
        .option("--regions <n>", `regions per account (first N of ${BENCH_REGIONS.join(", ")})`, regionCount, 4)
        .option("--runs <n>", "runs of each measurement; the median run is reported, with the range", regionCountLike, 3)
        .option("--json", "print the results as one JSON object", false)
        .option("--floor <file>", "(internal) evaluate every target of this stack file in one thread and report the time")
        .parse(argv)
        .opts<Options>();
}

const MB = 1024 * 1024;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Preloaded into each measured process: reports its peak RSS (all threads) on stderr as it exits. */
const USAGE_REPORTER = `process.on("exit", () => process.stderr.write("\\nBENCH_USAGE " + JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }) + "\\n"));`;

interface RunResult {
    seconds: number;
    /** Fastest and slowest of the runs, seconds. */
    range?: [number, number];
    peakRssMb: number;
    outputBytes: number;
    outputSha256: string;
    /** The last part of stdout, for the summary's totals line. */
    tail: string;
    /** Whatever the process printed on stderr besides the usage report. */
    stderr: string;
}

/** Runs `node <args>` with the usage reporter, hashing stdout as it streams instead of keeping it. */
function measure(args: string[], reporter: string): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const child = spawn(process.execPath, ["--require", reporter, ...args], { stdio: ["ignore", "pipe", "pipe"] });
        const hash = createHash("sha256");
        let bytes = 0;
        // The last 8 KB as bytes, decoded once at the end: this process shares the cores with the one it measures.
        let tail: Buffer = Buffer.alloc(0);
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => {
            hash.update(chunk);
            bytes += chunk.length;
            tail = chunk.length >= 8192 ? chunk.subarray(-8192) : Buffer.concat([tail, chunk]).subarray(-8192);
        });
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        child.on("error", reject);
        child.on("close", (code) => {
            const seconds = (performance.now() - started) / 1000;
            const usage = /BENCH_USAGE (\{.*\})/.exec(stderr);
            const rest = stderr.replace(/\n?BENCH_USAGE .*\n?/, "").trim();
            const tailText = tail.toString("utf8");
            if (code !== 0) return reject(new Error(`node ${args.join(" ")} exited ${code}: ${rest || tailText.slice(-2000)}`));
            const maxRssKb = usage ? (JSON.parse(usage[1]) as { maxRssKb: number }).maxRssKb : NaN;
            resolve({
                seconds: round(seconds, 2),
                peakRssMb: round((maxRssKb * 1024) / MB),
                outputBytes: bytes,
                outputSha256: hash.digest("hex"),
                tail: tailText,
                stderr: rest,
            });
        });
    });
}

/** Runs a measurement `runs` times and keeps the median run (by wall time), noting the range. */
async function medianOf(runs: number, measureOnce: () => Promise<RunResult>): Promise<RunResult> {
    const results: RunResult[] = [];
    for (let run = 0; run < runs; run++) results.push(await measureOnce());
    results.sort((a, b) => a.seconds - b.seconds);
    const median = results[Math.floor((results.length - 1) / 2)];
    return { ...median, range: [results[0].seconds, results[results.length - 1].seconds], peakRssMb: Math.max(...results.map((r) => r.peakRssMb)) };
}

/** `--floor`: every target evaluated one after another in this thread; prints `{ seconds, targets, registrations }`. */
async function floor(file: string): Promise<void> {
    const loaded = loadEnvironmentFromFile(file, "bench");
    if (!loaded.model) throw new Error(`the generated stack file is invalid: ${loaded.findings.map((f) => f.message).join("; ")}`);
    const started = performance.now();
    let registrations = 0;
    const targets = targetsInScope(loaded.model);
    // The plan shows the stack resource once, with the first target; count it the same way.
    for (const [index, target] of targets.entries()) {
        const { resources } = await planTarget(loaded.model, target);
        registrations += resources.filter((resource) => index === 0 || resource.type !== STACK_TYPE).length;
    }
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(JSON.stringify({ seconds: round(seconds, 2), targets: targets.length, registrations }) + "\n");
}

interface SizeResult {
    accounts: number;
    accountRegions: number;
    targets: number;
    registrations: number;
    summary: RunResult;
    json: RunResult;
    floor: RunResult & { evaluationSeconds: number };
    wholeOverFloor: { summary: number; json: number };
    singleThreadIdentical?: boolean;
}

async function benchSize(accounts: number, regions: number, runs: number, workDir: string, reporter: string, checkSingleThread: boolean): Promise<SizeResult> {
    const file = path.join(workDir, `Pulumi.bench-${accounts}.yaml`);
    fs.writeFileSync(file, organizationStackFile({ accounts, regions }));
    const plan = path.join(__dirname, "..", "cli", "plan.js");
    const base = [...PLAN_NODE_FLAGS, plan, "--config", file, "--stack", "bench"];
    process.stderr.write(`  ${accounts} accounts: summary plan...`);
    const summary = await medianOf(runs, () => measure(base, reporter));
    process.stderr.write(` ${summary.seconds} s; JSON plan...`);
    const json = await medianOf(runs, () => measure([...base, "--json"], reporter));
    process.stderr.write(` ${json.seconds} s; floor...`);
    const floorRun = await medianOf(runs, () => measure([...PLAN_NODE_FLAGS, __filename, "--floor", file], reporter));
    const floorReport = JSON.parse(floorRun.tail.trim().split("\n").pop()!) as { seconds: number; targets: number; registrations: number };
    process.stderr.write(` ${floorRun.seconds} s\n`);
    const totals = /Totals: (\d+) targets .*?, (\d+) account-regions, (\d+) registrations/.exec(summary.tail);
    if (!totals) throw new Error(`the summary has no totals line:\n${summary.tail.slice(-1000)}`);
    if (Number(totals[3]) !== floorReport.registrations) {
        throw new Error(`the plan registered ${totals[3]} resources, the floor ${floorReport.registrations}: they must evaluate the same targets`);
    }
    let singleThreadIdentical: boolean | undefined;
    if (checkSingleThread) {
        process.stderr.write(`  ${accounts} accounts: single-thread plan for the byte-for-byte check...\n`);
        const single = await measure([...base, "--workers", "0"], reporter);
        singleThreadIdentical = single.outputSha256 === summary.outputSha256;
        if (!singleThreadIdentical) throw new Error("the plan's output differs between worker threads and one thread");
    }
    return {
        accounts,
        accountRegions: Number(totals[2]),
        targets: Number(totals[1]),
        registrations: Number(totals[3]),
        summary,
        json,
        floor: { ...floorRun, evaluationSeconds: floorReport.seconds },
        wholeOverFloor: { summary: round(summary.seconds / floorRun.seconds, 2), json: round(json.seconds / floorRun.seconds, 2) },
        singleThreadIdentical,
    };
}

async function main(): Promise<void> {
    const options = parseOptions(process.argv);
    if (options.floor) return floor(options.floor);
    if (path.extname(__filename) !== ".js") throw new Error("run the compiled benchmark: npm run bench:plan");
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-plan-"));
    const reporter = path.join(workDir, "usage-reporter.js");
    fs.writeFileSync(reporter, USAGE_REPORTER);
    process.stderr.write(`Offline plan benchmark: Node ${process.version}, ${os.availableParallelism()} cores, ${round(os.totalmem() / MB / 1024)} GiB\n`);
    const results: SizeResult[] = [];
    try {
        for (const [index, accounts] of options.accounts.entries())
            results.push(await benchSize(accounts, options.regions, options.runs, workDir, reporter, index === 0));
    } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
    }
    if (options.json) {
        process.stdout.write(JSON.stringify({ node: process.version, cores: os.availableParallelism(), regions: options.regions, results }) + "\n");
        return;
    }
    const lines = [
        `Offline plan benchmark (Node ${process.version}, ${os.availableParallelism()} cores; ${options.regions} regions per account; ` +
            `each run is its own process; median of ${options.runs} runs, peak RSS the highest of them)`,
        "",
        "accounts  targets  registrations  run                         wall s (range)         peak RSS MB   output MB   / floor",
    ];
    for (const result of results) {
        const row = (label: string, run: RunResult, ratio: string) =>
            `${String(result.accounts).padStart(8)}  ${String(result.targets).padStart(7)}  ${String(result.registrations).padStart(13)}  ${label.padEnd(26)}  ` +
            `${`${run.seconds.toFixed(2).padStart(6)} (${run.range?.map((seconds) => seconds.toFixed(1)).join("-") ?? ""})`.padEnd(23)}` +
            `${String(run.peakRssMb).padStart(11)}   ${round(run.outputBytes / MB)
                .toFixed(1)
                .padStart(9)}   ${ratio}`;
        lines.push(row("whole plan, summary", result.summary, `${result.wholeOverFloor.summary}x`));
        lines.push(row("whole plan, --json", result.json, `${result.wholeOverFloor.json}x`));
        lines.push(row(`floor (${result.floor.evaluationSeconds} s evaluating)`, result.floor, "1x"));
        if (result.singleThreadIdentical !== undefined)
            lines.push(`          output with worker threads = output in one thread, byte for byte: ${result.singleThreadIdentical}`);
    }
    const atTarget = results.find((result) => result.accounts === TARGET.accounts && options.regions === 4);
    if (atTarget) {
        const worst = Math.max(atTarget.summary.seconds, atTarget.json.seconds);
        const rss = Math.max(atTarget.summary.peakRssMb, atTarget.json.peakRssMb);
        lines.push(
            "",
            `target for ${TARGET.accounts} accounts x 4 regions: at most ${TARGET.seconds} s and ${TARGET.rssMb} MB; measured ${worst} s and ${rss} MB: ` +
                (worst <= TARGET.seconds && rss <= TARGET.rssMb ? "met" : "NOT met"),
        );
    }
    process.stdout.write(lines.join("\n") + "\n");
}

main().catch((error) => {
    process.stderr.write(`bench:plan failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
