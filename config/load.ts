/**
 * Where config values come from: a stack file read from disk (offline plan, tests, rollouts) or the running
 * Pulumi engine (`pulumi up`). Both hand the same plain key → value map to validateEnvironment.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { Finding } from "./findings";
import { CONFIG_NAMESPACE, EnvironmentInput, validateEnvironment, ValidationResult } from "./validate";

export interface StackFile {
    /** This project's values, keys without the namespace. */
    values: Record<string, unknown>;
    /** Every config key of the file, namespaced, e.g. `aws:region`, `pulumi:disable-default-providers`. */
    allKeys: Record<string, unknown>;
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

/** Reads `Pulumi.<stack>.yaml` (or any file in that format); reports a missing file or YAML errors as findings. */
export function readStackFile(file: string): { stackFile?: StackFile; findings: Finding[] } {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        return { findings: [{ severity: "error", path: file, message: `cannot read the stack config: ${(error as Error).message}` }] };
    }
    const document = YAML.parseDocument(text, { prettyErrors: true });
    if (document.errors.length > 0) {
        return { findings: document.errors.map((error) => ({ severity: "error" as const, path: file, message: `YAML: ${error.message}` })) };
    }
    const parsed = (document.toJS() ?? {}) as { config?: unknown };
    const config = parsed.config;
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
        return { findings: [{ severity: "error", path: file, message: "the file has no `config:` map" }] };
    }
    const allKeys = config as Record<string, unknown>;
    return { stackFile: { values: projectValues(allKeys), allKeys }, findings: [] };
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

/** The stack file of a stack in a project directory. */
export function stackFilePath(projectDir: string, stack: string): string {
    return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/** Reads and validates a stack file in one step; `scope` overrides the file's scope when given. */
export function loadEnvironmentFromFile(file: string, stack: string, scope?: string): ValidationResult {
    const { stackFile, findings } = readStackFile(file);
    if (!stackFile) return { findings };
    const values = scope === undefined ? stackFile.values : { ...stackFile.values, scope };
    const result = validateEnvironment({ stack, values });
    return { model: result.model, findings: [...checkStackSettings(stackFile.allKeys), ...result.findings] };
}

/** This project's values from the running Pulumi engine (`pulumi up`/`preview`). Object values arrive as JSON. */
export function environmentFromEngine(stack: string, allConfig: Record<string, string>): EnvironmentInput {
    const values: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(projectValues(allConfig))) {
        try {
            values[key] = JSON.parse(raw as string);
        } catch {
            values[key] = raw; // plain strings are stored unquoted
        }
    }
    return { stack, values };
}
