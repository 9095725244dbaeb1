/**
 * `npm run plan -- --stack dev`: the offline plan. Validates a stack config, evaluates the real program for it under
 * Pulumi's mock runtime (no Pulumi CLI, no credentials), and prints what would be created in every target account and
 * region, or every problem in the config with its file position and path.
 *
 * Targets are evaluated one at a time (in worker threads when there are many) and written as soon as each is done, in
 * order, so an organization of a thousand accounts plans in bounded memory and the output does not depend on how many
 * threads made it.
 */
import { once } from "events";
import { Command, InvalidArgumentError } from "commander";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Finding, renderFinding } from "../config/findings";
import { CONFIG_NAMESPACE } from "../config/constants";
import { findProjectDir, readStackFile, StackFile, stackFilePath, validateStackFile } from "../config/load";
import { planProjectStackFile, programOfStackFile } from "./plan-project";
import { Piscina } from "piscina";
import { EnvironmentModel, modelForTarget, targetsInScope } from "../config/model";
import { formatScope, parseScope, parseStackName, stackNameFor } from "../config/scope";
import { iamPolicySize, PolicyDocument } from "../policies";
import { renderDiagram } from "./plan-diagram";
import { renderJsonFooter, renderJsonHeader, renderSummaryFooter, renderSummaryHeader, TargetStats } from "./plan-render";
import type { PlanFormat, TargetOutput, TargetTask } from "./plan-target";
import type { ValidatorBundle } from "../restore-testing/bundle";
import { PLAN_NODE_FLAGS, WORKER_OLD_GENERATION_MB, WORKER_YOUNG_GENERATION_MB } from "./plan-tuning";

export interface PlanOptions {
    /** Environment (`prod`) or per-target stack (`prod.central`); its `Pulumi.<environment>.yaml` is planned. */
    stack: string;
    config?: string;
    scope?: string;
    json?: boolean;
    /** Print the deployment role's policies instead of planning: `true` for every kind, or `workload` / `central`. */
    deploymentPolicy?: boolean | string;
    /** Print the backup-tier policy pack's configuration for this environment instead of planning. */
    policyPackConfig?: boolean;
    /** Worker threads for evaluation; 0 evaluates in this thread. Default: one per core for large plans. */
    workers?: number;
    /** Print a Mermaid diagram of accounts, vaults and copy flows instead of planning (`true`), or write it to this file. */
    diagram?: boolean | string;
}

/** Where output goes; resolves once the text is accepted, so a slow reader slows the plan instead of filling memory. */
export type Write = (text: string | Uint8Array) => Promise<void>;

/** The `--json` document when a config is invalid (and the shape of the streamed one). */
export interface PlanDocument {
    stack: string;
    scope: string | null;
    resources: Array<{
        type: string;
        name: string;
        account: string | null;
        region: string | null;
        parent: string | null;
        protect: boolean;
        inputs: Record<string, unknown>;
    }>;
    findings: Finding[];
}

/** Plans with many targets use worker threads, when the plan runs as compiled JavaScript. */
const WORKER_THRESHOLD = 16;

interface Resolved {
    file: string;
    stack: string;
    scopeText?: string;
}

/** Which file and stack name a plan is of: `--stack prod --scope central` plans stack `prod.central` from Pulumi.prod.yaml. */
function resolveInputs(options: PlanOptions, projectDir: string): Resolved {
    const named = parseStackName(options.stack);
    const environment = named?.environment ?? options.stack;
    const stackScope = named && named.scope.kind !== "all" ? formatScope(named.scope) : undefined;
    const scopeText = options.scope ?? stackScope;
    const scope = scopeText === undefined ? undefined : parseScope(scopeText);
    return {
        file: options.config ?? stackFilePath(projectDir, environment),
        stack: scope ? stackNameFor(environment, scope) : options.stack,
        scopeText,
    };
}

/** Evaluates targets in order, `inFlight` at a time, and writes each one's text as soon as it and all before it are done. */
async function writeInOrder(count: number, inFlight: number, evaluate: (index: number) => Promise<TargetOutput>, write: Write): Promise<TargetStats[]> {
    const stats: TargetStats[] = [];
    const pending: Array<Promise<TargetOutput>> = [];
    const flushOne = async () => {
        const output = await pending.shift()!;
        stats.push(output.stats);
        await write(output.text);
    };
    for (let index = 0; index < count; index++) {
        pending.push(evaluate(index));
        // Swallow here so an early failure is not "unhandled" while it waits its turn; flushOne rethrows it.
        pending[pending.length - 1].catch(() => undefined);
        if (pending.length >= inFlight) await flushOne();
    }
    while (pending.length > 0) await flushOne();
    return stats;
}

/** Evaluates one target's task: in this thread, or in a worker. */
interface Evaluator {
    evaluate(task: TargetTask): Promise<TargetOutput>;
    /** Tasks to keep going at once: enough to keep every worker busy, few enough that waiting output stays small. */
    inFlight: number;
    close(): Promise<void>;
}

async function inThisThread(): Promise<Evaluator> {
    const { planTargetOutput } = await import("./plan-target");
    return { evaluate: planTargetOutput, inFlight: 1, close: async () => undefined };
}

/**
 * A pool of worker threads, started before the config is validated so that loading the Pulumi SDK in each worker
 * overlaps with validation here. This thread never loads the SDK: it validates, hands each worker one target's slice
 * of the model, and writes.
 */
function inWorkers(workers: number): Evaluator {
    const extension = path.extname(__filename);
    const pool = new Piscina<TargetTask, TargetOutput>({
        filename: path.join(__dirname, `plan-worker${extension}`),
        minThreads: workers,
        maxThreads: workers,
        // A worker holds one target's slice at a time; a bounded heap keeps garbage from piling up between collections.
        resourceLimits: { maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
        // Workers inherit this process's Node options (profiling, say), except V8 flags, which are process-wide already;
        // running from TypeScript sources (tests), they need the same on-the-fly compilation.
        execArgv: [
            ...process.execArgv.filter((flag) => !PLAN_NODE_FLAGS.includes(flag)),
            ...(extension === ".ts" ? ["-r", "ts-node/register/transpile-only"] : []),
        ],
    });
    return { evaluate: (task) => pool.run(task), inFlight: workers * 2, close: () => pool.destroy() };
}

/** Plans every target of the model, in order, writing each one's part as soon as it and those before it are done. */
function evaluateTargets(
    model: EnvironmentModel,
    format: PlanFormat,
    evaluator: Evaluator,
    write: Write,
    validatorBundle: ValidatorBundle | undefined,
): Promise<TargetStats[]> {
    const targets = targetsInScope(model);
    const task = (index: number): TargetTask => ({
        model: modelForTarget(model, targets[index]),
        target: targets[index],
        first: index === 0,
        format,
        ...(validatorBundle ? { validatorBundle } : {}),
    });
    return writeInOrder(targets.length, evaluator.inFlight, (index) => evaluator.evaluate(task(index)), write);
}

function defaultWorkers(targets: number): number {
    if (path.extname(__filename) !== ".js" || targets < WORKER_THRESHOLD) return 0;
    return Math.max(1, Math.min(os.availableParallelism(), 8));
}

/** The deployment role's policies, as text or one JSON document, for teams that create the role their own way. */
async function renderDeploymentPolicies(model: EnvironmentModel, which: boolean | string, json: boolean): Promise<{ exitCode: number; text: string }> {
    const { deploymentRolePoliciesFor, deploymentRoleTemplateFor, permissionsBoundaryFor } = await import("../projects/organization");
    const kinds = which === true ? (["workload", "central"] as const) : ([which] as const);
    if (!kinds.every((kind) => kind === "workload" || kind === "central")) {
        return { exitCode: 1, text: `--deployment-policy takes workload or central, not ${JSON.stringify(which)}\n` };
    }
    const roleName = model.roles.deploymentRoleName;
    const boundary = permissionsBoundaryFor(model);
    const byKind = Object.fromEntries(kinds.map((kind) => [kind, deploymentRolePoliciesFor(model, kind as "workload" | "central")])) as Record<
        string,
        PolicyDocument[]
    >;
    if (json) {
        const templates = Object.fromEntries(kinds.map((kind) => [kind, deploymentRoleTemplateFor(model, kind as "workload" | "central")]));
        return { exitCode: 0, text: JSON.stringify({ roleName, policies: byKind, permissionsBoundary: boundary, templates }, null, 2) + "\n" };
    }
    const lines: string[] = [];
    for (const [kind, documents] of Object.entries(byKind)) {
        const sizes = documents.map((document) => iamPolicySize(document).toLocaleString("en-US")).join(", ");
        const count = `${documents.length} managed ${documents.length === 1 ? "policy" : "policies"}`;
        lines.push(`# Deployment role ${roleName} in ${kind} accounts: ${count} (${sizes} of 6,144 characters each at most)`);
        documents.forEach((document, index) => lines.push(`# policy ${index + 1}`, JSON.stringify(document, null, 2)));
        lines.push("");
    }
    lines.push(
        `# Permissions boundary ${boundary.name}: a customer managed policy of that name in every member account, attached to nothing.`,
        "# The deployment role creates and changes roles only when they carry it.",
        JSON.stringify(boundary.document, null, 2),
        "",
    );
    return { exitCode: 0, text: lines.join("\n") };
}

/** Plans and writes as it goes; returns the exit code (0 valid, 1 findings with errors). */
export async function streamPlan(options: PlanOptions, projectDir: string, write: Write): Promise<number> {
    const { file, stack, scopeText } = resolveInputs(options, projectDir);
    const planning = (options.deploymentPolicy === undefined || options.deploymentPolicy === false) && !options.policyPackConfig && !options.diagram;
    const { stackFile, findings: readFindings } = readStackFile(file);
    // A stack file of another program of this repository (the demo workload, the rollout pipeline) is planned by that program.
    if (stackFile && planning) {
        const program = programOfStackFile(stackFile.allKeys, CONFIG_NAMESPACE);
        if (program.kind === "mixed") {
            await write(`${file}: mixes ${program.namespaces.map((namespace) => `${namespace}:`).join(" and ")} keys; a stack file configures one program\n`);
            return 1;
        }
        if (program.kind === "project")
            return planProjectStackFile(program.planner, file, stackFile.allKeys, { projectDir, json: options.json === true }, write);
    }
    // How many targets there will be, from the raw config, so worker threads can start loading during validation.
    const scopeValue = scopeText ?? stackFile?.values.scope;
    const accounts = stackFile?.values.accounts;
    const expectedTargets = scopeValue !== undefined && scopeValue !== "all" ? 1 : (Array.isArray(accounts) ? accounts.length : 0) + 2;
    const workers = planning ? (options.workers ?? defaultWorkers(expectedTargets)) : 0;
    const workerPool = workers > 0 ? inWorkers(workers) : undefined;
    try {
        return await planValidated(options, { file, stack, scopeText, stackFile, readFindings }, workerPool, write);
    } finally {
        await workerPool?.close();
    }
}

async function planValidated(
    options: PlanOptions,
    input: Resolved & { stackFile?: StackFile; readFindings: Finding[] },
    workerPool: Evaluator | undefined,
    write: Write,
): Promise<number> {
    const { file, stack, scopeText } = input;
    const loaded = input.stackFile ? validateStackFile(input.stackFile, stack, scopeText) : { findings: input.readFindings };
    const findings = [...loaded.findings];
    const model = loaded.model;
    if (!model) {
        if (options.json) {
            const document: PlanDocument = { stack, scope: scopeText ?? null, resources: [], findings };
            await write(JSON.stringify(document, null, 2) + "\n");
        } else {
            const errors = findings.filter((finding) => finding.severity === "error");
            await write(
                [`${path.relative(process.cwd(), file) || file}: ${errors.length} error(s); nothing was planned.`, ...findings.map(renderFinding)].join("\n") +
                    "\n",
            );
        }
        return 1;
    }
    if (options.diagram) {
        const diagram = renderDiagram(model);
        if (typeof options.diagram === "string") {
            fs.writeFileSync(options.diagram, diagram);
            await write(`Mermaid diagram of ${stack} written to ${options.diagram}\n`);
        } else {
            await write(diagram);
        }
        return 0;
    }
    if (options.deploymentPolicy !== undefined && options.deploymentPolicy !== false) {
        const { exitCode, text } = await renderDeploymentPolicies(model, options.deploymentPolicy, options.json === true);
        await write(text);
        return exitCode;
    }
    if (options.policyPackConfig) {
        const tierTag = model.management.guardrails?.tierTag;
        if (!tierTag) {
            await write("--policy-pack-config needs backup-platform:tierTag in the stack config (the tag key whose value names a resource's tier)\n");
            return 1;
        }
        const { backupTierPackConfig } = await import("../policies/policy-pack-config");
        await write(JSON.stringify(backupTierPackConfig(tierTag), null, 2) + "\n");
        return 0;
    }
    const scope = formatScope(model.scope);
    const format: PlanFormat = options.json ? "json" : "summary";
    // The validation Lambda's bundle is built once here, so a build failure stops the plan with its reason before any
    // target is evaluated, and the summary can show what would be deployed.
    let bundleLine = "";
    let bundle: ValidatorBundle | undefined;
    if (usesRestoreTesting(model)) {
        const { validatorBundle } = await import("../restore-testing/bundle");
        try {
            bundle = await validatorBundle();
            bundleLine = `Restore validation Lambda bundle: ${bundle.file}, ${bundle.bytes.toLocaleString("en-US")} bytes, sha256 ${bundle.sha256}\n\n`;
        } catch (error) {
            await write(`plan failed: ${(error as Error).message}\n`);
            return 2;
        }
    }
    const evaluator = workerPool ?? (await inThisThread());
    await write(options.json ? renderJsonHeader(stack, scope) : renderSummaryHeader(stack, scope, path.relative(process.cwd(), file) || file) + bundleLine);
    const stats = await evaluateTargets(model, format, evaluator, write, bundle);
    // The engine rejects two resources with one URN; the mock runtime does not, so check here, across all targets.
    const seen = new Set<string>();
    for (const urn of stats.flatMap((target) => target.urns)) {
        if (seen.has(urn)) findings.push({ severity: "error", path: "(program)", message: `two resources share the URN ${urn}` });
        seen.add(urn);
    }
    const anyResources = stats.some((target) => target.registrations > 0);
    await write(options.json ? renderJsonFooter(anyResources, findings) + "\n" : renderSummaryFooter(stats, findings));
    return findings.some((finding) => finding.severity === "error") ? 1 : 0;
}

/** Whether any target in the model's scope runs restore testing (and so deploys the validation Lambda). */
function usesRestoreTesting(model: EnvironmentModel): boolean {
    return targetsInScope(model).some((target) =>
        target.kind === "central"
            ? model.central.restoreTesting !== undefined
            : target.kind === "workload" && model.accounts.some((account) => account.id === target.id && account.restoreTesting !== undefined),
    );
}

/** Plans into a string: for tests and callers that want the whole output. */
export async function runPlan(options: PlanOptions, projectDir: string): Promise<{ exitCode: number; output: string }> {
    const parts: string[] = [];
    const exitCode = await streamPlan(options, projectDir, async (text) => {
        parts.push(typeof text === "string" ? text : Buffer.from(text).toString("utf8"));
    });
    return { exitCode, output: parts.join("").replace(/\n$/, "") };
}

/** Writes to stdout, waiting for it to drain when its buffer is full; a reader that stops early (`| head`) ends the plan quietly. */
function stdoutWriter(): Write {
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "EPIPE") process.exit(0);
        throw error;
    });
    return async (text) => {
        // events.once rejects on "error" and removes both listeners either way, so waits do not pile up listeners.
        if (!process.stdout.write(text)) await once(process.stdout, "drain");
    };
}

function workerCount(text: string): number {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0 || value > 64) throw new InvalidArgumentError("expected a whole number from 0 to 64");
    return value;
}

async function main(): Promise<void> {
    const program = new Command()
        .name("plan")
        .description("Plan a stack offline: validate its config and show what the program would create, without AWS.")
        .option("--stack <name>", "environment (Pulumi.<name>.yaml) or per-target stack such as prod.central", "dev")
        .option("--config <file>", "plan this stack config file instead of Pulumi.<environment>.yaml")
        .option("--scope <scope>", "plan one scope: all, organization, central or account:<12-digit id>")
        .option("--json", "print one JSON document instead of the summary")
        .option("--deployment-policy [kind]", "print the deployment role's IAM policies (workload, central, or both) instead of planning")
        .option("--policy-pack-config", "print the backup-tier policy pack's config for this environment (for pulumi preview --policy-pack-config)")
        .option("--diagram [file]", "print a Mermaid diagram of accounts, vaults and copy flows instead of planning, or write it to <file>")
        .option("--workers <n>", "worker threads that evaluate targets (0: none); default one per core for large plans", workerCount)
        .parse(process.argv);
    const options = program.opts<PlanOptions>();
    const projectDir = findProjectDir(__dirname);
    try {
        process.exitCode = await streamPlan(options, projectDir, stdoutWriter());
    } catch (error) {
        // A failure inside the program is a bug, not a config problem; say what failed without a stack trace.
        process.stderr.write(`plan failed: ${(error as Error).message}\n`);
        process.exitCode = 2;
    }
}

if (require.main === module) {
    void main();
}
