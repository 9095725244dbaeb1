/**
 * The rollout's report: the JSON document a later run reads (durations for ordering and sharding, successes for
 * resume), several shards' reports merged into one, the Markdown summary for a CI job summary or a pull-request
 * comment, and the exit code CI acts on.
 */
import * as fs from "fs";
import { DurationHistory } from "./plan";
import { ResumeSet } from "./scheduler";
import { Operation, RolloutReport, RolloutStatus, StackRecord, WaveRecord } from "./types";

/** Exit codes of `npm run rollout`, for CI to act on. */
export const EXIT = {
    /** Every stack succeeded (or had succeeded already, on resume). */
    succeeded: 0,
    /** Bad flags or an invalid config: nothing ran. */
    usage: 1,
    /** Some stacks failed, within every wave's failure budget. */
    failed: 2,
    /** A wave exceeded its failure budget: later waves did not run. */
    budgetExceeded: 3,
    /** Organizations and config disagree and `--discover fail` was given: nothing ran. */
    discoveryDiffers: 4,
    /** Cancelled by a signal (128 + SIGINT's 2, as shells report it). */
    cancelled: 130,
} as const;

export function exitCodeOf(status: RolloutStatus): number {
    switch (status) {
        case "succeeded":
            return EXIT.succeeded;
        case "failed":
            return EXIT.failed;
        case "budget-exceeded":
            return EXIT.budgetExceeded;
        case "cancelled":
            return EXIT.cancelled;
    }
}

/** Reads a report written by an earlier run; a clear error for a file that is not one. */
export function readReport(file: string): RolloutReport {
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new Error(`cannot read the rollout report ${file}: ${(error as Error).message}`);
    }
    const report = parsed as Partial<RolloutReport>;
    if (report?.version !== 1 || !Array.isArray(report.waves) || typeof report.environment !== "string") {
        throw new Error(`${file} is not a rollout report (version 1)`);
    }
    return report as RolloutReport;
}

export function writeReport(file: string, report: RolloutReport): void {
    fs.writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
}

const stacksOf = (report: RolloutReport): StackRecord[] => report.waves.flatMap((wave) => wave.stacks);

/** How long each stack took when it last ran (succeeded or failed), over one or more reports, later ones winning. */
export function durationHistory(reports: RolloutReport[]): DurationHistory {
    const history = new Map<string, number>();
    const ordered = [...reports].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    for (const report of ordered) {
        for (const stack of stacksOf(report)) {
            if (stack.attempts > 0 && stack.durationMs !== undefined && (stack.status === "succeeded" || stack.status === "failed")) {
                history.set(stack.stack, stack.durationMs);
            }
        }
    }
    return history;
}

/**
 * Stacks a resumed run may skip: those that succeeded in `report` for the same environment and operation at the same
 * commit. The scheduler also compares each one's config fingerprint with the stack's current one.
 */
export function resumeSet(
    report: RolloutReport,
    current: { environment: string; operation: Operation; commit?: string },
): { resume: ResumeSet; problem?: string } {
    if (report.environment !== current.environment) return { resume: new Map(), problem: `the report is of environment ${report.environment}` };
    if (report.operation !== current.operation) return { resume: new Map(), problem: `the report is of a ${report.operation}, not a ${current.operation}` };
    if (!report.commit || !current.commit || report.commit !== current.commit) {
        return { resume: new Map(), problem: `the report is of commit ${report.commit ?? "(unknown)"}, this is ${current.commit ?? "(unknown)"}` };
    }
    return {
        resume: new Map(
            stacksOf(report)
                .filter((stack) => stack.status === "succeeded")
                .map((stack) => [stack.stack, stack]),
        ),
    };
}

const STATUS_RANK: Record<RolloutStatus, number> = { succeeded: 0, failed: 1, "budget-exceeded": 2, cancelled: 3 };

/** Several shards' reports as one: waves merged by name in first-seen order; the worst status wins. */
export function mergeReports(reports: RolloutReport[]): RolloutReport {
    if (reports.length === 0) throw new Error("no reports to merge");
    const first = reports[0];
    for (const report of reports) {
        if (report.environment !== first.environment || report.operation !== first.operation) {
            throw new Error(`cannot merge a ${report.operation} of ${report.environment} with a ${first.operation} of ${first.environment}`);
        }
    }
    const waves = new Map<string, WaveRecord>();
    const waveRank: Record<WaveRecord["status"], number> = { succeeded: 0, skipped: 1, failed: 2, "budget-exceeded": 3, cancelled: 4 };
    for (const report of reports) {
        for (const wave of report.waves) {
            const merged = waves.get(wave.name);
            if (!merged) waves.set(wave.name, { ...wave, stacks: [...wave.stacks] });
            else {
                merged.stacks.push(...wave.stacks);
                merged.failureBudget += wave.failureBudget;
                if (waveRank[wave.status] > waveRank[merged.status]) merged.status = wave.status;
            }
        }
    }
    const startedAt = reports.map((report) => report.startedAt).sort()[0];
    const finishedAt = reports
        .map((report) => report.finishedAt)
        .sort()
        .at(-1)!;
    const status = reports.map((report) => report.status).reduce((worst, status) => (STATUS_RANK[status] > STATUS_RANK[worst] ? status : worst));
    const commits = [...new Set(reports.map((report) => report.commit).filter((commit): commit is string => !!commit))];
    return {
        version: 1,
        environment: first.environment,
        operation: first.operation,
        ...(commits.length === 1 ? { commit: commits[0] } : {}),
        startedAt,
        finishedAt,
        durationMs: Date.parse(finishedAt) - Date.parse(startedAt),
        concurrency: reports.reduce((sum, report) => sum + report.concurrency, 0),
        status,
        waves: [...waves.values()].sort(byWaveOrder),
    };
}

const WAVE_KIND_ORDER: Record<WaveRecord["kind"], number> = { organization: 0, central: 1, canary: 2, accounts: 3 };

/** Plan order: organization, central, canary, then accounts-1, accounts-2, ... (shards see different subsets). */
function byWaveOrder(a: WaveRecord, b: WaveRecord): number {
    const number = (wave: WaveRecord) => Number(/-(\d+)$/.exec(wave.name)?.[1] ?? 0);
    return WAVE_KIND_ORDER[a.kind] - WAVE_KIND_ORDER[b.kind] || number(a) - number(b);
}

/** `1m 05s`, `12.3s`. */
export function formatDuration(ms: number | undefined): string {
    if (ms === undefined) return "–";
    if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
    const minutes = Math.floor(ms / 60_000);
    const seconds = Math.round((ms % 60_000) / 1000);
    return `${minutes}m ${String(seconds).padStart(2, "0")}s`;
}

/** `+3 ~1 -0 ±0` style, in the order Pulumi prints changes; empty when nothing changed. */
export function formatChanges(changes: Record<string, number> | undefined): string {
    if (!changes) return "";
    const labels: Array<[string, string]> = [
        ["create", "+"],
        ["update", "~"],
        ["replace", "±"],
        ["delete", "-"],
    ];
    const parts = labels.filter(([key]) => (changes[key] ?? 0) > 0).map(([key, sign]) => `${sign}${changes[key]}`);
    const same = changes.same ?? 0;
    return parts.length > 0 ? `${parts.join(" ")}${same ? ` (${same} unchanged)` : ""}` : same ? `no changes (${same} unchanged)` : "no changes";
}

/** Whether an operation changes (or would change) anything. */
export function hasChanges(changes: Record<string, number> | undefined): boolean {
    return Object.entries(changes ?? {}).some(([kind, count]) => kind !== "same" && count > 0);
}

const STATUS_ICON: Record<StackRecord["status"], string> = { succeeded: "✅", failed: "❌", cancelled: "⏹️", skipped: "⏭️" };

function escapeCell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** First line of an error, short enough for a table cell. */
function errorCell(record: StackRecord): string {
    const text = record.error ?? record.reason ?? "";
    const line = text.split("\n").find((candidate) => candidate.trim() !== "") ?? "";
    return escapeCell(line.length > 200 ? `${line.slice(0, 197)}...` : line);
}

/**
 * The Markdown summary: totals, then per wave a table of its stacks (status, duration, tries, changes, error). Waves
 * where everything succeeded without changes are folded into one line each when `compact` is set, so a PR comment of
 * a thousand unchanged accounts stays readable.
 */
export function renderMarkdown(report: RolloutReport, options: { title?: string; compact?: boolean } = {}): string {
    const stacks = stacksOf(report);
    const count = (status: StackRecord["status"]) => stacks.filter((stack) => stack.status === status).length;
    const lines = [
        `## ${options.title ?? `Rollout of ${report.environment}: ${report.operation}`}`,
        "",
        `**${report.status}** in ${formatDuration(report.durationMs)}: ${stacks.length} stacks, ${count("succeeded")} succeeded, ${count("failed")} failed, ` +
            `${count("cancelled")} cancelled, ${count("skipped")} skipped` +
            `${report.shard ? ` (shard ${report.shard})` : ""}${report.commit ? ` at \`${report.commit.slice(0, 12)}\`` : ""}.`,
        "",
    ];
    for (const wave of report.waves) {
        const changed = wave.stacks.filter((stack) => stack.status !== "succeeded" || hasChanges(stack.changes));
        lines.push(`### Wave ${wave.name}: ${wave.status} (${wave.stacks.length} stacks, failure budget ${wave.failureBudget})`, "");
        const shown = options.compact ? changed : wave.stacks;
        if (shown.length === 0) {
            lines.push(`Every stack succeeded without changes.`, "");
            continue;
        }
        lines.push("| stack | status | duration | tries | changes | error |", "| --- | --- | --- | --- | --- | --- |");
        for (const stack of shown) {
            lines.push(
                `| \`${stack.stack}\` (${stack.target.alias}) | ${STATUS_ICON[stack.status]} ${stack.status} | ${formatDuration(stack.durationMs)} | ${stack.attempts} | ` +
                    `${escapeCell(formatChanges(stack.changes))} | ${errorCell(stack)} |`,
            );
        }
        if (options.compact && shown.length < wave.stacks.length) lines.push("", `${wave.stacks.length - shown.length} more stacks succeeded without changes.`);
        lines.push("");
    }
    return lines.join("\n");
}
