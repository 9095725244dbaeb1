/** Where commands write and how they wait, so tests can capture output and skip the waiting. */
export interface Io {
    out(line: string): void;
    err(line: string): void;
    sleep(ms: number): Promise<void>;
    now(): Date;
}

export const processIo: Io = {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => new Date(),
};
