/**
 * Where config values come from: a stack file read from disk (offline plan, tests, rollouts) or the running
 * Pulumi engine (`pulumi up`). Both hand the same plain key → value map to validateEnvironment; findings about a file
 * carry the file, line and column of the value they are about.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CONFIG_NAMESPACE } from "./constants";
import { EnvironmentInput, validateEnvironment, ValidationResult } from "./environment";
import { Finding } from "./findings";
import { Locator, stackFileLocator } from "./locate";

export interface StackFile {
    /** This project's values, keys without the namespace. */
    values: Record<string, unknown>;
    /** Every config key of the file, namespaced, e.g. `aws:region`, `pulumi:disable-default-providers`. */
    allKeys: Record<string, unknown>;
    /** Where a config path is written in the file. */
    locate: Locator;
}

/** Splits a stack file's `config:` map into this project's values and the rest. */
export function projectValues(config: Record<string, unknown>): Record<string, unknown> {
    const prefix = `${CONFIG_NAMESPACE}:`;
    return Object.fromEntries(
        Object.entries(config)
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
}

/** The file name as findings show it: relative to the working directory when it is below it. */
function displayName(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative && !relative.startsWith("..") ? relative : file;
}

/** Reads `Pulumi.<stack>.yaml` (or any file in that format); reports a missing file or YAML errors as findings. */
export function readStackFile(file: string): { stackFile?: StackFile; findings: Finding[] } {
    const shown = displayName(file);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        return { findings: [{ severity: "error", path: shown, message: `cannot read the stack config: ${(error as Error).message}` }] };
    }
    const lines = new YAML.LineCounter();
    const document = YAML.parseDocument(text, { prettyErrors: true, lineCounter: lines });
    if (document.errors.length > 0) {
        return {
            findings: document.errors.map((error) => ({
                severity: "error" as const,
                path: shown,
                message: `YAML: ${error.message.split("\n")[0]}`,
                ...(error.linePos ? { location: { file: shown, line: error.linePos[0].line, column: error.linePos[0].col } } : {}),
            })),
        };
    }
    const parsed = (document.toJS() ?? {}) as { config?: unknown };
    const config = parsed.config;
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
        return { findings: [{ severity: "error", path: shown, message: "the file has no `config:` map" }] };
    }
    const allKeys = config as Record<string, unknown>;
    const locate = stackFileLocator(shown, document.get("config", true), CONFIG_NAMESPACE, lines);
    return { stackFile: { values: projectValues(allKeys), allKeys, locate }, findings: [] };
}

/** Findings about the stack file's settings outside this project's namespace. */
export function checkStackSettings(allKeys: Record<string, unknown>): Finding[] {
    const disabled = allKeys["pulumi:disable-default-providers"];
    if (!Array.isArray(disabled) || !disabled.some((entry) => entry === "aws" || entry === "*")) {
        return [
            {
                severity: "warning",
                path: "pulumi:disable-default-providers",
                message: 'set it to ["aws"] so a resource that forgot its account provider fails instead of landing in the default account',
            },
        ];
    }
    return [];
}

/** Adds the file position to every finding the locator can place. */
export function withLocations(findings: Finding[], locate: Locator): Finding[] {
    return findings.map((finding) => {
        if (finding.location) return finding;
        const location = locate(finding.path);
        return location ? { ...finding, location } : finding;
    });
}

/** The stack file of an environment in a project directory. */
export function stackFilePath(projectDir: string, environment: string): string {
    return path.join(projectDir, `Pulumi.${environment}.yaml`);
}

/** Validates a stack file that has been read; `scope` overrides the file's scope when given. */
export function validateStackFile(stackFile: StackFile, stack: string, scope?: string): ValidationResult {
    const values = scope === undefined ? stackFile.values : { ...stackFile.values, scope };
    const result = validateEnvironment({ stack, values });
    return { model: result.model, findings: withLocations([...checkStackSettings(stackFile.allKeys), ...result.findings], stackFile.locate) };
}

/** Reads and validates a stack file in one step; `scope` overrides the file's scope when given. */
export function loadEnvironmentFromFile(file: string, stack: string, scope?: string): ValidationResult {
    const { stackFile, findings } = readStackFile(file);
    return stackFile ? validateStackFile(stackFile, stack, scope) : { findings };
}

/**
 * Another program's values from the running Pulumi engine (the demo workload, the rollout pipeline: projects of their
 * own), keys without its namespace. Object values arrive as JSON text, plain strings unquoted.
 */
export function projectValuesOf(allConfig: Record<string, string>, namespace: string): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(allConfig)) {
        if (!key.startsWith(`${namespace}:`)) continue;
        try {
            values[key.slice(namespace.length + 1)] = JSON.parse(raw);
        } catch {
            values[key.slice(namespace.length + 1)] = raw;
        }
    }
    return values;
}

/** This project's values from the running Pulumi engine (`pulumi up`/`preview`). Object values arrive as JSON. */
export function environmentFromEngine(stack: string, allConfig: Record<string, string>): EnvironmentInput {
    return { stack, values: projectValuesOf(allConfig, CONFIG_NAMESPACE) };
}

/** The directory of Pulumi.yaml above `start`: the sources' parent (cli/), or the compiled bundle's grandparent (dist/cli/). */
export function findProjectDir(start: string): string {
    for (let dir = start; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        if (path.dirname(dir) === dir) return path.resolve(start, "..");
    }
}
