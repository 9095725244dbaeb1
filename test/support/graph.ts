/** Shared test helpers: load a stack config, plan it under the mock runtime once, and query the recorded graph. */
import assert from "node:assert/strict";
import * as path from "path";
import { PROVIDER_TYPE_PREFIX, TYPE } from "../../components/resource-types";
import { componentType } from "../../config/constants";
import { Finding } from "../../config/findings";
import { loadEnvironmentFromFile, readStackFile } from "../../config/load";
import { EnvironmentModel } from "../../config/model";
import { validateEnvironment, ValidationResult } from "../../config/environment";
import { PlannedResource, planEnvironment, PlanResult } from "../../projects/offline-plan";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

const modelCache = new Map<string, EnvironmentModel>();

/**
 * Validates a committed stack config once per test run (the model is shared, as planStack's results are: tests read
 * it, never change it); throws with every finding if it has errors.
 */
export function loadStack(stack: string, scope?: string): EnvironmentModel {
    const key = `${stack}/${scope ?? ""}`;
    const cached = modelCache.get(key);
    if (cached) return cached;
    const result = loadEnvironmentFromFile(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), stack, scope);
    if (!result.model) {
        throw new Error(`Pulumi.${stack}.yaml is invalid:\n${result.findings.map((f) => `${f.path}: ${f.message}`).join("\n")}`);
    }
    modelCache.set(key, result.model);
    return result.model;
}

/** The project values of a committed stack file, to mutate into invalid variants. */
export function stackValues(stack: string): Record<string, any> {
    const { stackFile } = readStackFile(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`));
    if (!stackFile) throw new Error(`cannot read Pulumi.${stack}.yaml`);
    return structuredClone(stackFile.values) as Record<string, any>;
}

export function validate(values: Record<string, unknown>, stack = "test"): ValidationResult {
    return validateEnvironment({ stack, values });
}

/** A policy element that may be one value or a list, as a list. */
export function asList<T>(value: T | T[] | undefined): T[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The values of a project's stack file (the demo workload's, the pipeline's), keys without the namespace, to mutate. */
export function projectStackValues(file: string, namespace: string): Record<string, any> {
    const { stackFile } = readStackFile(file);
    if (!stackFile) throw new Error(`cannot read ${file}`);
    return Object.fromEntries(
        Object.entries(stackFile.allKeys)
            .filter(([key]) => key.startsWith(`${namespace}:`))
            .map(([key, value]) => [key.slice(namespace.length + 1), structuredClone(value)]),
    );
}

export function errorsOf(findings: Finding[]): Finding[] {
    return findings.filter((finding) => finding.severity === "error");
}

/** Validates `values` and asserts that it yields no model and an error at `path` whose message matches. */
export function assertRejected(values: Record<string, unknown>, path: string, message: RegExp, stack?: string): void {
    const result = validate(values, stack);
    const errors = errorsOf(result.findings);
    assert.equal(result.model, undefined, "an invalid config must not produce a model");
    const match = errors.find((finding) => finding.path === path && message.test(finding.message));
    assert.ok(match, `expected an error at ${path} matching ${message}; got:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join("\n")}`);
}

const planCache = new Map<string, Promise<PlanResult>>();

/** Plans a committed stack (optionally with a scope) once per test run. */
export function planStack(stack: string, scope?: string): Promise<PlanResult> {
    const key = `${stack}/${scope ?? ""}`;
    if (!planCache.has(key)) planCache.set(key, planEnvironment(loadStack(stack, scope)));
    return planCache.get(key)!;
}

/** Queries over a recorded resource graph. */
export class Graph {
    constructor(readonly resources: PlannedResource[]) {}

    ofType(type: string): PlannedResource[] {
        return this.resources.filter((resource) => resource.type === type);
    }

    one(type: string, name: string): PlannedResource {
        const found = this.resources.filter((resource) => resource.type === type && resource.name === name);
        if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
        return found[0];
    }

    children(parent: PlannedResource): PlannedResource[] {
        return this.resources.filter((resource) => resource.parent === parent.urn);
    }

    /** Nearest ancestor of the given type. */
    ancestor(resource: PlannedResource, type: string): PlannedResource | undefined {
        let current: PlannedResource | undefined = resource;
        while (current) {
            const parentUrn: string | null = current.parent;
            current = this.resources.find((candidate) => candidate.urn === parentUrn);
            if (current?.type === type) return current;
        }
        return undefined;
    }

    /** Cloud resources in one account and region. */
    at(account: string, region: string | null): PlannedResource[] {
        return this.resources.filter((resource) => resource.custom && resource.account === account && resource.region === region);
    }
}

/** Type tokens the tests query: the platform's table plus the component tokens. */
export const TYPES = {
    ...TYPE,
    provider: `${PROVIDER_TYPE_PREFIX}aws`,
    attachment: TYPE.rolePolicyAttachment,
    accountBackup: componentType("stamp", "AccountBackup"),
    accountRegionBackup: componentType("stamp", "AccountRegionBackup"),
    deploymentRoleStackSet: componentType("bootstrap", "DeploymentRoleStackSet"),
    protectedBucket: componentType("s3", "ProtectedBucket"),
    scheduledBackup: componentType("backup", "ScheduledBackup"),
    s3BackupTiering: componentType("backup", "S3BackupTiering"),
    centralRegionBackup: componentType("central", "CentralRegionBackup"),
    backupAudit: componentType("audit", "BackupAudit"),
} as const;
