/**
 * `--dry-run`: the plan of work without the Pulumi CLI or AWS. Every wave and stack, the config each stack gets, and
 * what the stack would deploy according to the offline plan (the same program under Pulumi's mock runtime, one
 * target at a time from its own slice of the model).
 */
import { allTargets, EnvironmentModel, Target } from "../../config/model";
import { CONFIG_NAMESPACE } from "../../config/constants";
import { isCloudResource } from "../../components/resource-types";
import { planTarget } from "../offline-plan";
import { formatShard, scopeText, Shard } from "./plan";
import { Operation, RolloutPlan, RolloutStack } from "./types";

/** AWS resources, as the plan summary counts them: custom resources other than providers. */

export interface DryRunStack {
    stack: string;
    scope: string;
    target: RolloutStack["target"];
    configHash: string;
    /** Everything the offline plan registers for the stack: stack resource, providers, components, AWS resources. */
    registrations: number;
    /** AWS resources alone. */
    resources: number;
    protectedResources: number;
}

export interface DryRunDocument {
    environment: string;
    operation: Operation;
    shard?: string;
    concurrency: number;
    /** The config keys every stack gets, besides its own `backup-platform:scope`. */
    configKeys: string[];
    waves: Array<{ name: string; kind: string; failureBudget: number; stacks: DryRunStack[] }>;
}

/** Plans every stack offline, in plan order. */
export async function dryRun(
    model: EnvironmentModel,
    plan: RolloutPlan,
    options: { operation: Operation; concurrency: number; environmentConfig: Record<string, unknown>; shard?: Shard },
): Promise<DryRunDocument> {
    const targets = new Map<string, Target>(allTargets(model).map((target) => [`${target.kind}/${target.id}`, target]));
    const waves: DryRunDocument["waves"] = [];
    for (const wave of plan.waves) {
        const stacks: DryRunStack[] = [];
        for (const stack of wave.stacks) {
            const { resources } = await planTarget(model, targets.get(`${stack.target.kind}/${stack.target.id}`)!);
            const cloud = resources.filter(isCloudResource);
            stacks.push({
                stack: stack.name,
                scope: scopeText(stack),
                target: stack.target,
                configHash: stack.configHash,
                registrations: resources.length,
                resources: cloud.length,
                protectedResources: cloud.filter((resource) => resource.protect).length,
            });
        }
        waves.push({ name: wave.name, kind: wave.kind, failureBudget: wave.failureBudget, stacks });
    }
    return {
        environment: plan.environment,
        operation: options.operation,
        ...(options.shard ? { shard: formatShard(options.shard) } : {}),
        concurrency: options.concurrency,
        configKeys: Object.keys(options.environmentConfig),
        waves,
    };
}

export function renderDryRun(document: DryRunDocument, source: string): string {
    const stacks = document.waves.flatMap((wave) => wave.stacks);
    const sum = (pick: (stack: DryRunStack) => number) => stacks.reduce((total, stack) => total + pick(stack), 0);
    const nameWidth = Math.max(...stacks.map((stack) => stack.stack.length), 10);
    const scopeWidth = Math.max(...stacks.map((stack) => stack.scope.length), 10);
    const lines = [
        `Rollout of ${document.environment} (${document.operation}) from ${source}${document.shard ? `, shard ${document.shard}` : ""}: ` +
            `${stacks.length} stacks in ${document.waves.length} waves, ${document.concurrency} at once.`,
        `Every stack gets the environment's config (${document.configKeys.join(", ")}) and its own ${CONFIG_NAMESPACE}:scope.`,
        "",
    ];
    for (const wave of document.waves) {
        lines.push(`Wave ${wave.name}: ${wave.stacks.length} ${wave.stacks.length === 1 ? "stack" : "stacks"}, failure budget ${wave.failureBudget}`);
        for (const stack of wave.stacks) {
            lines.push(
                `  ${stack.stack.padEnd(nameWidth)}  scope ${stack.scope.padEnd(scopeWidth)}  ${`${stack.target.kind} ${stack.target.alias} (${stack.target.id})`.padEnd(52)}` +
                    `  ${String(stack.resources).padStart(4)} AWS resources (${stack.protectedResources} protected), ${stack.registrations} registrations`,
            );
        }
        lines.push("");
    }
    lines.push(
        `Offline plan: ${sum((s) => s.resources)} AWS resources (${sum((s) => s.protectedResources)} protected) in ${stacks.length} stacks, ` +
            `${sum((s) => s.registrations)} registrations.`,
        "Dry run: evaluated under Pulumi's mock runtime; no Pulumi CLI and no AWS credentials were used, nothing was deployed.",
    );
    return lines.join("\n") + "\n";
}

/** The dry run as a Markdown section, for the job summary and the pull-request comment. */
export function renderDryRunMarkdown(document: DryRunDocument): string {
    const stacks = document.waves.flatMap((wave) => wave.stacks);
    const lines = [
        `## Rollout plan of ${document.environment} (${document.operation})`,
        "",
        `${stacks.length} stacks in ${document.waves.length} waves, ${document.concurrency} at once; offline plan: ` +
            `${stacks.reduce((total, stack) => total + stack.resources, 0)} AWS resources.`,
        "",
        "| wave | stacks | failure budget | AWS resources | protected |",
        "| --- | --- | --- | --- | --- |",
        ...document.waves.map(
            (wave) =>
                `| ${wave.name} | ${wave.stacks.length} | ${wave.failureBudget} | ${wave.stacks.reduce((t, s) => t + s.resources, 0)} | ` +
                `${wave.stacks.reduce((t, s) => t + s.protectedResources, 0)} |`,
        ),
        "",
    ];
    return lines.join("\n");
}
