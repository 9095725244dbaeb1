/**
 * The StackRunner of real rollouts: Pulumi's Automation API (`@pulumi/pulumi/automation`) with an inline program.
 * For each stack it creates or selects the stack (in a workspace directory of its own, so concurrent stacks never
 * share a settings file), sets the environment's config plus the stack's scope, and runs `preview`, `up`, `refresh` or
 * `destroy`, streaming the CLI's output line by line and its engine events as progress.
 *
 * The backend, its credentials and the secrets passphrase come from Pulumi's usual environment variables
 * (`PULUMI_BACKEND_URL` or `pulumi login`, `PULUMI_ACCESS_TOKEN`, `PULUMI_CONFIG_PASSPHRASE`):
 * https://www.pulumi.com/docs/iac/cli/environment-variables/
 * Node.js inline programs of different stacks run concurrently in one process: each run has its own runtime state
 * (`runtime/state.ts` in the SDK, pulumi/pulumi#5449).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandError, ConcurrentUpdateError, EngineEvent, LocalWorkspace, OpMap, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { CONFIG_NAMESPACE, PROJECT_NAME } from "../../config/constants";
import { platformFromEngine } from "../engine-program";
import { scopeText } from "./plan";
import { Operation, ResourceChanges, RolloutStack, RunContext, StackOutcome, StackRunError, StackRunner, TransientReason } from "./types";

/** The inline program of every platform stack: exactly what `pulumi up` runs (projects/index.ts). */
export const platformProgram: PulumiFn = async () => platformFromEngine();

export interface AutomationRunnerOptions {
    /** Every key of the environment's stack file (`backup-platform:accounts`, `pulumi:disable-default-providers`, ...). */
    environmentConfig: Record<string, unknown>;
    /** The program each stack runs; it reads its config from the engine. Default: the platform program. */
    program?: PulumiFn;
    /** The Pulumi CLI to drive; default `pulumi` on the PATH. */
    pulumiCommand?: PulumiCommand;
    /** Secrets provider of stacks this rollout creates (`awskms://...`, `passphrase`); default the backend's. */
    secretsProvider?: string;
    /** Extra environment for the CLI. */
    envVars?: Record<string, string>;
}

/**
 * The config one stack gets: the environment's, plus its scope. Values that are not strings are set as their JSON
 * text, which is what the engine hands programs for structured values either way (config/load.ts decodes them).
 */
export function stackConfig(environmentConfig: Record<string, unknown>, stack: RolloutStack): Record<string, { value: string }> {
    const config: Record<string, { value: string }> = {};
    for (const [key, value] of Object.entries(environmentConfig)) {
        if (value && typeof value === "object" && "secure" in value) {
            throw new Error(`${key} is a secret of the environment's stack file; it cannot be copied to per-target stacks (set it on each stack instead)`);
        }
        config[key] = { value: typeof value === "string" ? value : JSON.stringify(value) };
    }
    config[`${CONFIG_NAMESPACE}:scope`] = { value: scopeText(stack) };
    return config;
}

/**
 * AWS and Pulumi Cloud throttling as the CLI reports it in its output: AWS's throttling error codes (the ones the AWS
 * SDKs retry, e.g. `ThrottlingException`, `TooManyRequestsException`, `RequestLimitExceeded`) and the service's 429.
 */
const THROTTLING_TEXT = /\b(Throttling(Exception)?|TooManyRequestsException|RequestLimitExceeded|Rate exceeded|SlowDown)\b|\[429\]/;

/** Whether a failed operation may succeed if tried again later; never for a failure of the program or a resource. */
export function transientReason(error: unknown): TransientReason | undefined {
    if (error instanceof ConcurrentUpdateError) return "concurrent-update";
    // A CommandError's message is the CLI's exit code, stdout and stderr.
    if (error instanceof CommandError && THROTTLING_TEXT.test(error.message)) return "throttling";
    return undefined;
}

/**
 * What a failed command says about why: the program's error diagnostics and the CLI's `error:` messages, each with its
 * continuation lines (the engine explains a refused deletion over several lines).
 */
function failureMessage(error: unknown, diagnostics: string[]): string {
    const text = (error as Error)?.message ?? String(error);
    if (!(error instanceof CommandError)) return text;
    const messages: string[] = [];
    let current: string[] | undefined;
    // The message is "code: ...", " stdout: ...", " stderr: ...", " err?: ...", each possibly several lines long.
    for (const raw of text.split("\n")) {
        const line = raw.trim().replace(/^(stdout|stderr): /, "");
        if (line.startsWith("error:")) {
            current = [line];
            messages.push("");
        } else if (current && (line === "" || /^(code|err\?):/.test(line))) {
            current = undefined;
        } else if (current) {
            current.push(line);
        }
        if (current) messages[messages.length - 1] = current.join("\n");
    }
    const lines = [...new Set([...diagnostics, ...messages])];
    return lines.length > 0 ? lines.join("\n") : text.trim();
}

/** Splits streamed output chunks into lines. */
function lineWriter(write: (line: string) => void): { push(chunk: string): void; flush(): void } {
    let pending = "";
    return {
        push(chunk) {
            const parts = (pending + chunk).split(/\r?\n/);
            pending = parts.pop() ?? "";
            for (const line of parts) write(line);
        },
        flush() {
            if (pending) write(pending);
            pending = "";
        },
    };
}

export class AutomationStackRunner implements StackRunner {
    private readonly stacks = new Map<string, Stack>();

    constructor(private readonly options: AutomationRunnerOptions) {}

    async run(stack: RolloutStack, operation: Operation, context: RunContext): Promise<StackOutcome> {
        const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-platform-rollout-"));
        const diagnostics: string[] = [];
        const counted: ResourceChanges = {};
        let stepsDone = 0;
        const output = lineWriter(context.onOutput);
        const onEvent = (event: EngineEvent) => {
            if (event.resOutputsEvent) {
                const { op, urn } = event.resOutputsEvent.metadata;
                stepsDone++;
                counted[op] = (counted[op] ?? 0) + 1;
                context.onProgress({ stepsDone, lastEvent: `${op} ${urn.split("::").pop()}` });
            } else if (event.diagnosticEvent?.severity === "error") {
                diagnostics.push(event.diagnosticEvent.message.trim());
            } else if (event.cancelEvent) {
                context.onProgress({ stepsDone, lastEvent: "cancelling" });
            }
        };
        try {
            const workspace = await LocalWorkspace.create({
                workDir,
                pulumiCommand: this.options.pulumiCommand,
                program: this.options.program ?? platformProgram,
                projectSettings: { name: PROJECT_NAME, runtime: "nodejs" },
                secretsProvider: this.options.secretsProvider,
                envVars: this.options.envVars,
            });
            const pulumiStack = await Stack.createOrSelect(stack.name, workspace);
            this.stacks.set(stack.name, pulumiStack);
            await pulumiStack.setAllConfig(stackConfig(this.options.environmentConfig, stack));
            const common = { onOutput: (chunk: string) => output.push(chunk), onEvent, signal: context.signal, color: "never" as const };
            const changes = await this.execute(pulumiStack, operation, common);
            return { changes: Object.keys(changes).length > 0 ? changes : counted };
        } catch (error) {
            if (context.signal.aborted) return { changes: counted, cancelled: true };
            throw new StackRunError(failureMessage(error, diagnostics), transientReason(error));
        } finally {
            output.flush();
            this.stacks.delete(stack.name);
            fs.rmSync(workDir, { recursive: true, force: true });
        }
    }

    private async execute(
        stack: Stack,
        operation: Operation,
        common: { onOutput: (chunk: string) => void; onEvent: (event: EngineEvent) => void; signal: AbortSignal; color: "never" },
    ): Promise<OpMap> {
        switch (operation) {
            case "preview":
                return (await stack.preview(common)).changeSummary;
            case "up":
                return (await stack.up(common)).summary?.resourceChanges ?? {};
            case "refresh":
                return (await stack.refresh(common)).summary?.resourceChanges ?? {};
            case "destroy":
                // No `remove`: the stack and its history stay. The engine refuses to delete protected resources
                // (vaults, keys, StackSets) and fails the stack instead of skipping them.
                return (await stack.destroy(common)).summary?.resourceChanges ?? {};
        }
    }

    /** `pulumi cancel`: stops the stack's update in the backend at once (Pulumi Cloud), without waiting for it. */
    async forceCancel(stack: RolloutStack): Promise<void> {
        await this.stacks.get(stack.name)?.cancel();
    }
}
