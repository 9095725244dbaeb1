/**
 * `npm run bench:plan`: how long the offline plan takes for a large organization rolled out one stack per account,
 * against a floor of the same number of bare resources under the same mock runtime.
 *
 *   npm run bench:plan -- [--accounts 200] [--regions 4] [--json]
 *
 * Order (fixed): one untimed warm-up account of each program, then the platform phase, then the floor phase (the
 * floor needs the platform's per-account resource counts). A benchmark, not a test: it prints numbers, it asserts
 * only that the config is valid and that both phases register the same number of resources per account.
 */
import * as aws from "@pulumi/aws";
import { Command, InvalidArgumentError } from "commander";
import { performance } from "perf_hooks";
import * as v8 from "v8";
import * as vm from "vm";
import { AccountModel, EnvironmentModel } from "../config/model";
import { validateEnvironment } from "../config/validate";
import { planEnvironment } from "../projects/offline-plan";
import { accountProvider } from "../projects/platform";
import { BENCH_REGIONS, generateOrganization } from "./generate-organization";

interface Options {
    accounts: number;
    regions: number;
    json: boolean;
}

function positiveInt(max: number) {
    return (text: string): number => {
        const value = Number(text);
        if (!Number.isInteger(value) || value < 1 || value > max) throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
        return value;
    };
}

function parseOptions(argv: string[]): Options {
    const program = new Command()
        .name("bench:plan")
        .description("Benchmark the offline plan of a generated organization, one stack (plan run) per account, against a bare-resource floor.")
        .option("--accounts <n>", "workload accounts to generate", positiveInt(99_999), 200)
        .option("--regions <n>", `regions per account (first N of ${BENCH_REGIONS.join(", ")})`, positiveInt(BENCH_REGIONS.length), 4)
        .option("--json", "print the results as one JSON object instead of the report", false)
        .parse(argv);
    return program.opts<Options>();
}

/** A full GC between phases and at checkpoints: --expose-gc if given, else enabled at run time (npm script has no flag). */
function findGc(): { gc?: () => void; source: string } {
    if (typeof global.gc === "function") return { gc: global.gc as () => void, source: "--expose-gc" };
    try {
        v8.setFlagsFromString("--expose-gc");
        const gc = vm.runInNewContext("gc") as unknown;
        if (typeof gc === "function") return { gc: gc as () => void, source: "v8.setFlagsFromString('--expose-gc')" };
    } catch {
        // fall through: no forced GC
    }
    return { source: "unavailable" };
}

const MB = 1024 * 1024;
const mb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

interface Checkpoint {
    /** Accounts planned so far in the phase. */
    accounts: number;
    /** Mean plan time of the accounts since the previous checkpoint, ms: drift here means per-run cost grows. */
    windowMeanMs: number;
    /** heapUsed right after a forced full GC, MB: what the process retains (absent without forced GC). */
    heapUsedAfterGcMb?: number;
    rssMb: number;
}

interface PhaseResult {
    name: string;
    accounts: number;
    resources: number;
    seconds: number;
    msPerAccount: number;
    msPerAccountRegion: number;
    resourcesPerSecond: number;
    perAccountMs: { min: number; median: number; p95: number; max: number };
    peakRssMb: number;
    peakHeapUsedMb: number;
    /** At the start and after each quarter of the accounts. */
    checkpoints: Checkpoint[];
}

function percentile(sorted: number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

function scoped(model: EnvironmentModel, account: AccountModel): EnvironmentModel {
    return { ...model, scope: { kind: "account", accountId: account.id } };
}

/** The floor program for one account: its provider plus `vaults` bare vaults, nothing else. */
function floorProgram(account: AccountModel, vaults: number) {
    return (model: EnvironmentModel) => {
        const provider = accountProvider(model, account);
        for (let i = 0; i < vaults; i++) new aws.backup.Vault(`v-${i}`, { name: `v-${i}` }, { provider });
        return {};
    };
}

async function runPhase(
    name: string,
    model: EnvironmentModel,
    accountRegions: number,
    plan: (account: AccountModel, index: number) => Promise<number>,
    gc: (() => void) | undefined,
    progress: boolean,
): Promise<PhaseResult> {
    const accounts = model.accounts;
    const checkpointEvery = Math.max(1, Math.ceil(accounts.length / 4));
    const times: number[] = [];
    const checkpoints: Checkpoint[] = [];
    const checkpoint = (done: number) => {
        const since = checkpoints.length === 0 ? done : checkpoints[checkpoints.length - 1].accounts;
        const windowMeanMs = round(mean(times.slice(since, done)));
        gc?.();
        const memory = process.memoryUsage();
        checkpoints.push({ accounts: done, windowMeanMs, ...(gc ? { heapUsedAfterGcMb: mb(memory.heapUsed) } : {}), rssMb: mb(memory.rss) });
    };
    checkpoint(0);
    let resources = 0;
    let peakRss = 0;
    let peakHeap = 0;
    for (let index = 0; index < accounts.length; index++) {
        const started = performance.now();
        resources += await plan(accounts[index], index);
        times.push(performance.now() - started);
        const memory = process.memoryUsage();
        peakRss = Math.max(peakRss, memory.rss);
        peakHeap = Math.max(peakHeap, memory.heapUsed);
        const done = index + 1;
        if (done % checkpointEvery === 0 || done === accounts.length) {
            checkpoint(done);
            if (progress)
                process.stderr.write(`  ${name}: ${done}/${accounts.length} accounts, ${resources} resources, ${round(mean(times) / 1000, 3)} s/account\n`);
        }
    }
    const totalMs = times.reduce((sum, value) => sum + value, 0);
    const sorted = [...times].sort((a, b) => a - b);
    return {
        name,
        accounts: accounts.length,
        resources,
        seconds: round(totalMs / 1000, 3),
        msPerAccount: round(totalMs / accounts.length),
        msPerAccountRegion: round(totalMs / accountRegions),
        resourcesPerSecond: Math.round(resources / (totalMs / 1000)),
        perAccountMs: {
            min: round(sorted[0]),
            median: round(percentile(sorted, 50)),
            p95: round(percentile(sorted, 95)),
            max: round(sorted[sorted.length - 1]),
        },
        peakRssMb: mb(peakRss),
        peakHeapUsedMb: mb(peakHeap),
        checkpoints,
    };
}

async function main(): Promise<void> {
    const options = parseOptions(process.argv);
    const progress = !options.json;
    const { gc, source: gcSource } = findGc();
    const startRssMb = mb(process.memoryUsage().rss);

    // 1. Generate and validate once.
    const values = generateOrganization({ accounts: options.accounts, regions: options.regions });
    const validationStarted = performance.now();
    const validation = validateEnvironment({ stack: "bench", values });
    const validationMs = performance.now() - validationStarted;
    const errors = validation.findings.filter((finding) => finding.severity === "error");
    const warnings = validation.findings.filter((finding) => finding.severity === "warning");
    if (!validation.model || errors.length > 0) {
        const list = validation.findings.map((finding) => `  ${finding.severity} ${finding.path}: ${finding.message}`).join("\n");
        throw new Error(`the generated organization does not validate (${errors.length} errors):\n${list}`);
    }
    const model = validation.model;
    const accountRegions = model.accounts.reduce((sum, account) => sum + account.regions.length, 0);

    // Warm-up (untimed): module loading and JIT for both programs, on the first account.
    const first = model.accounts[0];
    const firstCount = (await planEnvironment(scoped(model, first))).resources.length;
    await planEnvironment(scoped(model, first), floorProgram(first, Math.max(0, firstCount - 2)));

    // 2. Platform phase, one plan run (stack) per account.
    const counts: number[] = [];
    const breakdown = { custom: 0, components: 0, providers: 0, stacks: 0 };
    gc?.();
    const platform = await runPhase(
        "platform",
        model,
        accountRegions,
        async (account) => {
            const { resources } = await planEnvironment(scoped(model, account));
            for (const resource of resources) {
                if (resource.type === "pulumi:pulumi:Stack") breakdown.stacks++;
                else if (resource.type.startsWith("pulumi:providers:")) breakdown.providers++;
                else if (resource.custom) breakdown.custom++;
                else breakdown.components++;
            }
            counts.push(resources.length);
            return resources.length;
        },
        gc,
        progress,
    );

    // 3. Floor phase: the same number of registered resources per account (stack + provider + bare vaults).
    gc?.();
    const floor = await runPhase(
        "floor",
        model,
        accountRegions,
        async (account, index) => {
            const { resources } = await planEnvironment(scoped(model, account), floorProgram(account, counts[index] - 2));
            if (resources.length !== counts[index]) {
                throw new Error(`floor registered ${resources.length} resources for ${account.alias}, the platform ${counts[index]}: the counts must match`);
            }
            return resources.length;
        },
        gc,
        progress,
    );

    const ratio = round(floor.resources > 0 ? platform.seconds / platform.resources / (floor.seconds / floor.resources) : NaN, 2);
    const result = {
        node: process.version,
        order: "warm-up (1 account of each, untimed), then platform, then floor",
        forcedGc: gcSource,
        accounts: model.accounts.length,
        regionsPerAccount: options.regions,
        regions: BENCH_REGIONS.slice(0, options.regions),
        accountRegions,
        totalResources: platform.resources,
        resourcesPerAccount: { min: Math.min(...counts), max: Math.max(...counts), mean: round(mean(counts), 1) },
        platformBreakdown: breakdown,
        validation: { ms: round(validationMs), warnings: warnings.length },
        startRssMb,
        platform,
        floor,
        platformOverFloorTimePerResource: ratio,
    };

    if (options.json) {
        process.stdout.write(JSON.stringify(result) + "\n");
        return;
    }
    const later = (phase: PhaseResult) => phase.checkpoints.slice(1);
    const driftLine = (phase: PhaseResult) =>
        later(phase)
            .map((c) => `<=${c.accounts}: ${c.windowMeanMs}`)
            .join("  ");
    const memoryLine = (phase: PhaseResult) =>
        gc ? phase.checkpoints.map((c) => `${c.accounts}: ${c.heapUsedAfterGcMb}`).join("  ") + " MB" : "n/a (no forced GC)";
    const phaseLines = (phase: PhaseResult) => [
        `${phase.name.padEnd(8)}  ${phase.seconds.toFixed(2).padStart(8)} s   ${phase.msPerAccountRegion.toFixed(2).padStart(7)} ms/account-region   ` +
            `${String(phase.resourcesPerSecond).padStart(6)} resources/s   peak RSS ${phase.peakRssMb} MB   peak heapUsed ${phase.peakHeapUsedMb} MB`,
        `          per account ms: min ${phase.perAccountMs.min}  median ${phase.perAccountMs.median}  p95 ${phase.perAccountMs.p95}  max ${phase.perAccountMs.max}`,
        `          mean ms per account, by quarter: ${driftLine(phase)}`,
        `          heapUsed after full GC, by accounts done: ${memoryLine(phase)}`,
    ];
    const lines = [
        `Offline plan benchmark (Node ${process.version}; order: ${result.order}; forced GC: ${gcSource})`,
        `organization  ${result.accounts} accounts x ${result.regionsPerAccount} regions (${result.regions.join(", ")}) = ${accountRegions} account-regions, 3 OUs, 3 tiers`,
        `resources     ${result.totalResources} per phase (${result.resourcesPerAccount.min}-${result.resourcesPerAccount.max} per account; platform: ` +
            `${breakdown.custom} custom, ${breakdown.components} components, ${breakdown.providers} providers, ${breakdown.stacks} stacks)`,
        `validation    ${result.validation.ms} ms, once for the whole organization (${result.validation.warnings} warnings)`,
        "",
        ...phaseLines(platform),
        ...phaseLines(floor),
        "",
        `platform/floor time per resource: ${ratio}x`,
    ];
    process.stdout.write(lines.join("\n") + "\n");
}

main().catch((error) => {
    process.stderr.write(`bench:plan failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
});
