/**
 * How the offline plan is written: a summary section or a run of JSON array elements per target, and the totals and
 * findings after the last target. Each target's text depends only on that target's resources, so targets planned in
 * any order, in any thread, concatenate to the same output.
 */
import { PROVIDER_TYPE_PREFIX, resourceType, STACK_TYPE, TYPE } from "../components/resource-types";
import { Finding, renderFinding } from "../config/findings";
import { Target } from "../config/model";
import type { PlannedResource } from "../projects/offline-plan";

/** The fields of a resource in the `--json` document, in this order. */
export type JsonResource = Pick<PlannedResource, "type" | "name" | "account" | "region" | "parent" | "protect" | "inputs">;

/** What the totals need from one target, small enough to pass between threads. */
export interface TargetStats {
    kind: Target["kind"];
    registrations: number;
    /** Cloud resources by type token. */
    counts: Record<string, number>;
    providers: number;
    /** Components and the stack. */
    components: number;
    protected: number;
    /** `account/region` pairs holding at least one regional resource. */
    accountRegions: string[];
    urns: string[];
}

const KIND_LABEL: Record<Target["kind"], string> = { management: "management", central: "central", workload: "workload" };

const isCloudResource = (resource: PlannedResource) => resource.custom && !resource.type.startsWith(PROVIDER_TYPE_PREFIX);

/** One line per resource worth naming in an account-region, e.g. `vault acme-backup-standard (compliance lock)`. */
function describe(resource: PlannedResource, siblings: PlannedResource[]): string | undefined {
    const inputs = resource.inputs as Record<string, any>;
    const marker = resource.protect ? " [protected]" : "";
    switch (resource.type) {
        case TYPE.key:
            return `KMS key (rotation ${inputs.enableKeyRotation ? "on" : "off"}, ${inputs.deletionWindowInDays}-day deletion window)${marker}`;
        case TYPE.alias:
            return `key alias ${inputs.name}`;
        case TYPE.vault: {
            const lock = siblings.find((other) => other.type === TYPE.vaultLock && other.parent === resource.parent)?.inputs as Record<string, any> | undefined;
            const lockText = lock
                ? `, ${lock.changeableForDays ? "compliance" : "governance"} lock ${lock.minRetentionDays ?? 1}..${lock.maxRetentionDays ?? "∞"} days`
                : "";
            return `vault ${inputs.name} (access policy${lockText})${marker}`;
        }
        case TYPE.plan: {
            const rules = (inputs.rules as any[]).map(
                (rule) => `${rule.ruleName} ${rule.schedule}${rule.lifecycle?.deleteAfter ? ` keep ${rule.lifecycle.deleteAfter}d` : ""}`,
            );
            return `plan ${inputs.name}: ${rules.join("; ")}`;
        }
        case TYPE.role:
            return `IAM role ${inputs.name}`;
        case TYPE.regionSettings: {
            const optIn = Object.entries((inputs.resourceTypeOptInPreference ?? {}) as Record<string, boolean>);
            const on = optIn.filter(([, value]) => value).map(([name]) => name);
            const off = optIn.filter(([, value]) => !value).map(([name]) => name);
            return `region settings: ${on.length} resource types opted in (${on.join(", ")})${off.length > 0 ? `; off: ${off.join(", ")}` : ""}`;
        }
        case TYPE.stackSet: {
            const template = JSON.parse(String(inputs.templateBody)) as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
            const resources = Object.values(template.Resources);
            const role = resources.find((entry) => entry.Type === "AWS::IAM::Role")?.Properties.RoleName;
            const policies = resources.filter((entry) => entry.Type === "AWS::IAM::ManagedPolicy").length;
            const auto = inputs.autoDeployment?.enabled ? ", auto-deployment" : "";
            return `StackSet ${inputs.name} (${String(inputs.permissionModel).toLowerCase().replace("_", "-")}${auto}): role ${role} with ${policies} managed ${policies === 1 ? "policy" : "policies"}${marker}`;
        }
        case TYPE.stackSetInstance: {
            const targets = (inputs.deploymentTargets ?? {}) as { organizationalUnitIds?: string[]; accounts?: string[]; accountFilterType?: string };
            const filter =
                targets.accountFilterType === "INTERSECTION"
                    ? `, only account ${targets.accounts?.join(", ")}`
                    : targets.accountFilterType === "DIFFERENCE"
                      ? `, except account ${targets.accounts?.join(", ")}`
                      : "";
            return `StackSet instances in ${inputs.stackSetInstanceRegion}: ${targets.organizationalUnitIds?.join(", ")}${filter}`;
        }
        case TYPE.restoreTestingPlan: {
            const selection = inputs.recoveryPointSelection ?? {};
            const selections = siblings.filter(
                (other) => other.type === TYPE.restoreTestingSelection && other.parent === resource.parent && other.name.startsWith(`${resource.name}-`),
            );
            const types = selections.map(
                (other) => `${(other.inputs as Record<string, any>).protectedResourceType} ${(other.inputs as Record<string, any>).name}`,
            );
            return `restore testing plan ${inputs.name}: ${inputs.scheduleExpression} ${inputs.scheduleExpressionTimezone ?? ""}, ${String(selection.algorithm).toLowerCase().replace(/_/g, " ")} of ${selection.selectionWindowDays} days from ${(selection.includeVaults ?? []).length} vault(s); selections: ${types.join(", ")}`;
        }
        case TYPE.lambdaFunction:
            return `Lambda ${inputs.name} (${inputs.runtime}, ${inputs.timeout} s, ${inputs.memorySize} MB): ${inputs.description}`;
        case TYPE.eventRule: {
            const pattern = JSON.parse(String(inputs.eventPattern)) as { detail?: { restoreTestingPlanArn?: string[] } };
            return `EventBridge rule ${inputs.name}: completed restore jobs of ${pattern.detail?.restoreTestingPlanArn?.length ?? 0} restore testing plan(s), dead-letter queue`;
        }
        case TYPE.metricAlarm:
            return `alarm ${inputs.name} → ${(inputs.alarmActions as string[] | undefined)?.join(", ") || "no action"}`;
        case TYPE.instance:
            return `EC2 instance ${inputs.tags?.Name ?? resource.name} (tags ${JSON.stringify(inputs.tags ?? {})})`;
        case TYPE.ebsVolume:
            return `EBS volume ${inputs.size} GiB ${inputs.type}${inputs.encrypted ? ", encrypted" : ""}`;
        case TYPE.dynamodbTable:
            return `DynamoDB table ${inputs.name} (${inputs.billingMode})`;
        case TYPE.bucket:
            return `S3 bucket ${inputs.bucket}`;
        case TYPE.bucketObject:
            return `S3 object ${inputs.key}`;
        default:
            return undefined;
    }
}

/** The summary section of one target: its resources by region, each named in a line. */
export function renderTargetSummary(target: Target, resources: PlannedResource[]): string {
    const here = resources.filter(isCloudResource);
    const lines = [`${KIND_LABEL[target.kind]} ${target.alias} (${target.id}): ${here.length} resources`];
    const regions = [...new Set(here.map((resource) => resource.region))].sort((a, b) => (a ?? "").localeCompare(b ?? ""));
    for (const region of regions) {
        const inRegion = here.filter((resource) => resource.region === region);
        lines.push(`  ${region ?? "global"}`);
        for (const resource of inRegion) {
            const text = describe(resource, resources);
            if (text) lines.push(`    - ${text}`);
        }
        const attachments = inRegion.filter((resource) => resource.type === TYPE.rolePolicyAttachment);
        if (attachments.length > 0) {
            const names = attachments.map((attachment) => String(attachment.inputs.policyArn).split("/").pop());
            lines.push(`    - ${attachments.length} AWS managed policies: ${names.join(", ")}`);
        }
    }
    return lines.join("\n") + "\n\n";
}

export function targetStats(target: Target, resources: PlannedResource[]): TargetStats {
    const counts: Record<string, number> = {};
    for (const resource of resources.filter(isCloudResource)) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
    return {
        kind: target.kind,
        registrations: resources.length,
        counts,
        providers: resources.filter((resource) => resource.type.startsWith(PROVIDER_TYPE_PREFIX)).length,
        components: resources.filter((resource) => !resource.custom).length,
        protected: resources.filter((resource) => resource.protect).length,
        accountRegions: [...new Set(resources.filter((resource) => isCloudResource(resource) && resource.region).map((r) => `${r.account}/${r.region}`))],
        urns: resources.map((resource) => resource.urn),
    };
}

/** The first lines of the summary. */
export function renderSummaryHeader(stack: string, scope: string, file: string): string {
    return (
        `Offline plan of stack ${stack} (scope ${scope}) from ${file}\n` +
        "Evaluated under Pulumi's mock runtime, one target at a time: no Pulumi CLI and no AWS credentials were used.\n\n"
    );
}

/** The summary after the last target: totals by type, then the findings. */
export function renderSummaryFooter(stats: TargetStats[], findings: Finding[]): string {
    const counts = new Map<string, number>();
    for (const target of stats) for (const [type, count] of Object.entries(target.counts)) counts.set(type, (counts.get(type) ?? 0) + count);
    const sum = (pick: (target: TargetStats) => number) => stats.reduce((total, target) => total + pick(target), 0);
    const cloud = [...counts.values()].reduce((total, count) => total + count, 0);
    const kinds = (kind: Target["kind"]) => stats.filter((target) => target.kind === kind).length;
    const accountRegions = new Set(stats.flatMap((target) => target.accountRegions)).size;
    const lines = [
        `Totals: ${stats.length} targets (${kinds("management")} management, ${kinds("central")} central, ${kinds("workload")} workload), ` +
            `${accountRegions} account-regions, ${sum((t) => t.registrations)} registrations ` +
            `(${cloud} AWS resources, ${sum((t) => t.providers)} providers, ${sum((t) => t.components)} components and stack)`,
    ];
    for (const [type, count] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
        lines.push(`  ${String(count).padStart(5)}  ${resourceType(type)?.short ?? type}`);
    }
    lines.push(`  ${sum((t) => t.protected)} stateful resources are protected from deletion and replacement.`, "");
    const errors = findings.filter((finding) => finding.severity === "error");
    const warnings = findings.filter((finding) => finding.severity === "warning");
    if (errors.length > 0) lines.push(`Findings (${errors.length} errors, ${warnings.length} warnings):`);
    else lines.push(warnings.length === 0 ? "Findings: none." : `Findings (${warnings.length} warnings, no errors):`);
    lines.push(...findings.map(renderFinding));
    return lines.join("\n") + "\n";
}

/** Indents every line after the first, as JSON.stringify does for nested values. */
const indentNested = (text: string, indent: string) => text.split("\n").join(`\n${indent}`);

/** The `--json` document's opening, up to the resources array's first element. */
export function renderJsonHeader(stack: string, scope: string | null): string {
    return `{\n  "stack": ${JSON.stringify(stack)},\n  "scope": ${JSON.stringify(scope)},\n  "resources": [`;
}

/** The array elements of one target's resources; `first` says whether any element came before. */
export function renderJsonResources(resources: PlannedResource[], first: boolean): string {
    let out = "";
    resources.forEach((resource, index) => {
        const element: JsonResource = {
            type: resource.type,
            name: resource.name,
            account: resource.account,
            region: resource.region,
            parent: resource.parent,
            protect: resource.protect,
            inputs: resource.inputs,
        };
        out += `${first && index === 0 ? "" : ","}\n    ${indentNested(JSON.stringify(element, null, 2), "    ")}`;
    });
    return out;
}

/**
 * The rest of the document after the last resource. Together with the header and the elements this is byte for byte
 * `JSON.stringify({ stack, scope, resources, findings }, null, 2)`.
 */
export function renderJsonFooter(anyResources: boolean, findings: Finding[]): string {
    const close = anyResources ? "\n  ]" : "]";
    return `${close},\n  "findings": ${indentNested(JSON.stringify(findings, null, 2), "  ")}\n}`;
}

/** Resources of a target as they go into the output: the stack resource only once, with the first target. */
export function withoutRepeatedStack(resources: PlannedResource[], firstTarget: boolean): PlannedResource[] {
    return firstTarget ? resources : resources.filter((resource) => resource.type !== STACK_TYPE);
}
