/**
 * Live progress of a rollout. In a terminal: a table of the running stacks, redrawn in place (log-update erases and
 * rewrites the previous frame), with each stack's output kept and shown only if it fails. In CI and pipes: one plain,
 * timestamped line per event and every output line prefixed with its stack, so interleaved logs stay attributable.
 */
import logUpdate from "log-update";
import { formatChanges, formatDuration } from "./report";
import { RolloutObserver } from "./scheduler";
import { RolloutStack, StackProgress, StackRecord, Wave, WaveRecord } from "./types";

type Write = (text: string) => void;

const clockTime = (now: number) => new Date(now).toISOString().slice(11, 19);

/** One line per event, for CI logs. */
export function plainProgress(write: Write, now: () => number = Date.now): RolloutObserver {
    const line = (text: string) => write(`[${clockTime(now())}] ${text}\n`);
    return {
        waveStarted: (wave, index, count) =>
            line(`wave ${index + 1}/${count} ${wave.name}: ${wave.stacks.length} stacks, failure budget ${wave.failureBudget}`),
        stackStarted: (stack, attempt) => line(`start  ${stack.name}${attempt > 1 ? ` (try ${attempt})` : ""}`),
        stackOutput: (stack, text) => write(`  ${stack.name} | ${text}\n`),
        stackRetrying: (stack, attempt, delayMs, reason, message) =>
            line(`retry  ${stack.name} in ${formatDuration(delayMs)} (try ${attempt}): ${reason}: ${message.split("\n")[0]}`),
        stackFinished: (stack, record) => line(`${record.status.padEnd(9)} ${stack.name} ${describeRecord(record)}`),
        waveFinished: (wave, record) => line(`wave ${wave.name}: ${record.status}`),
    };
}

function describeRecord(record: StackRecord): string {
    const parts = [formatDuration(record.durationMs)];
    if (record.attempts > 1) parts.push(`${record.attempts} tries`);
    const changes = formatChanges(record.changes);
    if (changes) parts.push(changes);
    if (record.reason) parts.push(record.reason);
    if (record.error) parts.push(record.error.split("\n")[0]);
    return parts.join(", ");
}

interface Running {
    stack: RolloutStack;
    startedAt: number;
    attempt: number;
    progress: StackProgress;
}

/** Output lines kept per stack for the failure report; the end of a long log is what explains a failure. */
const KEPT_OUTPUT_LINES = 200;

/**
 * The terminal view: a header with the wave and counts, a row per running stack (elapsed, steps, last event), and the
 * latest finished stacks. Redrawn at most every 100 ms; `done()` leaves the final frame and prints failed stacks' output.
 */
export function terminalProgress(stream: NodeJS.WriteStream, total: number, now: () => number = Date.now): RolloutObserver & { done(): void } {
    const render = logUpdate.create(stream);
    const running = new Map<string, Running>();
    const output = new Map<string, string[]>();
    const finished: StackRecord[] = [];
    let wave: { wave: Wave; index: number; count: number } | undefined;
    let scheduled: NodeJS.Timeout | undefined;
    const startedAt = now();

    const frame = () => {
        scheduled = undefined;
        const width = Math.max(60, stream.columns ?? 120);
        const cut = (text: string) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
        const count = (status: StackRecord["status"]) => finished.filter((record) => record.status === status).length;
        const lines = [
            `${wave ? `wave ${wave.index + 1}/${wave.count} ${wave.wave.name}` : "starting"} · ${finished.length}/${total} done · ${running.size} running · ` +
                `${count("failed")} failed · ${formatDuration(now() - startedAt)}`,
        ];
        const rows = [...running.values()].sort((a, b) => a.startedAt - b.startedAt);
        const room = Math.max(3, (stream.rows ?? 30) - 8);
        for (const row of rows.slice(0, room)) {
            const tries = row.attempt > 1 ? ` try ${row.attempt}` : "";
            lines.push(
                cut(
                    `  ${row.stack.name.padEnd(28)} ${formatDuration(now() - row.startedAt).padStart(8)}${tries}  ${String(row.progress.stepsDone).padStart(4)} steps  ${row.progress.lastEvent ?? ""}`,
                ),
            );
        }
        if (rows.length > room) lines.push(`  … and ${rows.length - room} more running`);
        for (const record of finished.slice(-3)) lines.push(cut(`  ${record.status.padEnd(9)} ${record.stack} ${describeRecord(record)}`));
        render(lines.join("\n"));
    };
    const redraw = () => {
        scheduled ??= setTimeout(frame, 100);
    };

    return {
        waveStarted: (started, index, count) => {
            wave = { wave: started, index, count };
            redraw();
        },
        stackStarted: (stack, attempt) => {
            running.set(stack.name, { stack, startedAt: now(), attempt, progress: { stepsDone: 0 } });
            redraw();
        },
        stackProgress: (stack, progress) => {
            const row = running.get(stack.name);
            if (row) row.progress = progress;
            redraw();
        },
        stackOutput: (stack, line) => {
            const lines = output.get(stack.name) ?? [];
            lines.push(line);
            if (lines.length > KEPT_OUTPUT_LINES) lines.shift();
            output.set(stack.name, lines);
        },
        stackRetrying: (stack) => {
            running.delete(stack.name);
            redraw();
        },
        stackFinished: (stack, record) => {
            running.delete(stack.name);
            finished.push(record);
            if (record.status === "succeeded") output.delete(stack.name);
            redraw();
        },
        waveFinished: (_wave: Wave, _record: WaveRecord) => redraw(),
        done() {
            if (scheduled) clearTimeout(scheduled);
            frame();
            render.done();
            for (const record of finished.filter((r) => r.status === "failed")) {
                stream.write(`\n${record.stack} failed:\n${(output.get(record.stack) ?? []).map((line) => `  ${line}`).join("\n")}\n${record.error ?? ""}\n`);
            }
        },
    };
}
