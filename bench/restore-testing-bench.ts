/**
 * `npm run bench:restore-testing`: the validation Lambda's bundle size, and how long a fresh Node process takes to load
 * the bundle and handle one restore event cold, median of several runs.
 *
 *   npm run bench:restore-testing -- [--runs 9] [--json]
 *
 * Each run is its own `node` process, as a Lambda cold start is: it loads the bundle, then handles one completed
 * DynamoDB restore job of our plan end to end (DescribeRestoreJob, DescribeTable, PutRestoreValidationResult). The AWS
 * calls go, signed and serialized by the real SDK, to a stub of the three APIs on 127.0.0.1 (AWS_ENDPOINT_URL), so the
 * time is the function's own, without network latency. A benchmark, not a test: it fails only if a run does not
 * report its verdict.
 */
import { spawn } from "child_process";
import { Command, InvalidArgumentError } from "commander";
import * as http from "http";
import { AddressInfo } from "net";
import { performance } from "perf_hooks";
import { gzipSync } from "zlib";
import * as fs from "fs";
import { projectDirectory, validatorBundle } from "../restore-testing/bundle";

const PLAN_ARN = "arn:aws:backup:eu-west-1:312345678901:restore-testing-plan:bench_plan-abcdef";
const TABLE_ARN = "arn:aws:dynamodb:eu-west-1:312345678901:table/awsbackup-restore-test-bench";
/** The targets set by the issue: bundle under 1 MB, load and handle one event cold under 150 ms. */
const TARGET = { bundleBytes: 1024 * 1024, coldMs: 150 };

interface Options {
    runs: number;
    json: boolean;
}

function runCount(text: string): number {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > 99) throw new InvalidArgumentError("expected 1 to 99");
    return value;
}

/** Answers the three AWS calls of a DynamoDB restore validation, as the services would. */
function startStub(): Promise<{ url: string; close(): void; verdicts: string[] }> {
    const verdicts: string[] = [];
    const server = http.createServer((request, response) => {
        let body = "";
        request.on("data", (chunk) => (body += chunk));
        request.on("end", () => {
            const target = String(request.headers["x-amz-target"] ?? "");
            if (request.method === "GET" && request.url?.startsWith("/restore-jobs/")) {
                response.writeHead(200, { "content-type": "application/json" });
                response.end(
                    JSON.stringify({
                        RestoreJobId: request.url.split("/")[2],
                        Status: "COMPLETED",
                        ResourceType: "DynamoDB",
                        CreatedResourceArn: TABLE_ARN,
                        CreatedBy: { RestoreTestingPlanArn: PLAN_ARN },
                        BackupSizeInBytes: 4096,
                    }),
                );
            } else if (request.method === "PUT" && /\/validations$/.test(request.url ?? "")) {
                verdicts.push(body);
                response.writeHead(204);
                response.end();
            } else if (target === "DynamoDB_20120810.DescribeTable") {
                response.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
                response.end(JSON.stringify({ Table: { TableName: "awsbackup-restore-test-bench", TableStatus: "ACTIVE", ItemCount: 3 } }));
            } else {
                response.writeHead(400, { "content-type": "application/json" });
                response.end(JSON.stringify({ __type: "UnknownOperationException", message: `${request.method} ${request.url} ${target}` }));
            }
        });
    });
    return new Promise((resolve) =>
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as AddressInfo;
            resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close(), verdicts });
        }),
    );
}

/** What the measured process runs: load the bundle, handle one event, print the timings on one line. */
const COLD_START = (bundlePath: string) => `
const { performance } = require("perf_hooks");
const started = performance.now();
const { handler } = require(${JSON.stringify(bundlePath)});
const loaded = performance.now();
const event = { source: "aws.backup", "detail-type": "Restore Job State Change", detail: { restoreJobId: "BENCH-0001", status: "COMPLETED", resourceType: "DynamoDB", restoreTestingPlanArn: ${JSON.stringify(PLAN_ARN)} } };
handler(event, { getRemainingTimeInMillis: () => 300000, awsRequestId: "bench" }).then((outcome) => {
    const done = performance.now();
    process.stdout.write("\\nBENCH_RESULT " + JSON.stringify({ loadMs: loaded - started, handleMs: done - loaded, outcome }) + "\\n");
});
`;

interface Run {
    loadMs: number;
    handleMs: number;
    coldMs: number;
    processMs: number;
}

function coldRun(bundlePath: string, endpoint: string): Promise<Run> {
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const child = spawn(process.execPath, ["-e", COLD_START(bundlePath)], {
            stdio: ["ignore", "pipe", "pipe"],
            env: {
                PATH: process.env.PATH,
                AWS_REGION: "eu-west-1",
                AWS_ENDPOINT_URL: endpoint,
                AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
                AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                RESTORE_TESTING_PLAN_ARNS: PLAN_ARN,
            },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code) => {
            const processMs = performance.now() - started;
            const line = /BENCH_RESULT (\{.*\})/.exec(stdout);
            if (code !== 0 || !line) return reject(new Error(`the cold run exited ${code}: ${stderr.slice(-2000) || stdout.slice(-2000)}`));
            const result = JSON.parse(line[1]) as { loadMs: number; handleMs: number; outcome: { outcome: string; status?: string } };
            if (result.outcome.outcome !== "reported" || result.outcome.status !== "SUCCESSFUL") {
                return reject(new Error(`the cold run did not report SUCCESSFUL: ${JSON.stringify(result.outcome)}`));
            }
            resolve({ loadMs: result.loadMs, handleMs: result.handleMs, coldMs: result.loadMs + result.handleMs, processMs });
        });
    });
}

/** Wall time of a bare `node -e 0`: what this machine charges any Node process before the bundle is even read. */
function bareNodeMs(): Promise<number> {
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
        child.on("error", reject);
        child.on("close", () => resolve(performance.now() - started));
    });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
    const options = new Command()
        .name("bench:restore-testing")
        .description("Bundle size of the restore validation Lambda, and its cold load-and-handle time in fresh Node processes.")
        .option("--runs <n>", "cold runs; the median is reported", runCount, 9)
        .option("--json", "print the results as one JSON object", false)
        .parse(process.argv)
        .opts<Options>();
    const buildStarted = performance.now();
    const bundle = await validatorBundle(projectDirectory());
    const buildMs = performance.now() - buildStarted;
    const gzipBytes = gzipSync(fs.readFileSync(bundle.absolutePath), { level: 9 }).length;
    const stub = await startStub();
    const runs: Run[] = [];
    const bare: number[] = [];
    try {
        for (let run = 0; run < options.runs; run++) {
            runs.push(await coldRun(bundle.absolutePath, stub.url));
            bare.push(await bareNodeMs());
        }
    } finally {
        stub.close();
    }
    const result = {
        bundle: { file: bundle.file, bytes: bundle.bytes, gzipBytes, sha256: bundle.sha256, buildMs: round(buildMs) },
        cold: {
            runs: options.runs,
            medianLoadMs: round(median(runs.map((r) => r.loadMs))),
            medianHandleMs: round(median(runs.map((r) => r.handleMs))),
            medianColdMs: round(median(runs.map((r) => r.coldMs))),
            rangeColdMs: [round(Math.min(...runs.map((r) => r.coldMs))), round(Math.max(...runs.map((r) => r.coldMs)))],
            medianProcessMs: round(median(runs.map((r) => r.processMs))),
            medianBareNodeMs: round(median(bare)),
        },
        targets: { bundleBytes: TARGET.bundleBytes, coldMs: TARGET.coldMs },
        node: process.version,
    };
    if (options.json) {
        process.stdout.write(JSON.stringify(result, null, 2) + "\n");
        return;
    }
    const met = (ok: boolean) => (ok ? "met" : "NOT met");
    process.stdout.write(
        [
            `Restore validation Lambda (${result.node}, ${options.runs} cold runs, each a fresh node process)`,
            `  bundle       ${bundle.file}: ${bundle.bytes.toLocaleString("en-US")} bytes (${gzipBytes.toLocaleString("en-US")} gzipped), sha256 ${bundle.sha256}, built in ${result.bundle.buildMs} ms`,
            `  cold start   load ${result.cold.medianLoadMs} ms + handle one event ${result.cold.medianHandleMs} ms = ${result.cold.medianColdMs} ms median (range ${result.cold.rangeColdMs.join("-")} ms); whole process ${result.cold.medianProcessMs} ms (a bare \`node -e 0\` takes ${result.cold.medianBareNodeMs} ms here)`,
            `  targets      bundle under 1 MB: ${met(bundle.bytes < TARGET.bundleBytes)}; load and handle under ${TARGET.coldMs} ms: ${met(result.cold.medianColdMs < TARGET.coldMs)}`,
            "",
        ].join("\n"),
    );
}

main().catch((error) => {
    process.stderr.write(`bench:restore-testing failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
});
