/**
 * How the offline plan is written: a summary section or a run of JSON array elements per target, and the totals and
 * findings after the last target. Each target's text depends only on that target's resources, so targets planned in
 * any order, in any thread, concatenate to the same output.
 */
import { isCloudResource, PROVIDER_TYPE_PREFIX, resourceType, STACK_TYPE, TYPE } from "../components/resource-types";
import { Finding, renderFinding } from "../config/findings";
import { physicalNames, Target } from "../config/model";
import type { PlannedResource } from "../projects/offline-plan";
import { MAX_POLICY_SIZE, OrganizationsPolicyType } from "../policies/organizations-quotas";

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

/** One line per resource worth naming in an account-region, e.g. `vault acme-backup-standard (compliance lock)`. */
function describe(resource: PlannedResource, siblings: PlannedResource[]): string | undefined {
    const inputs = resource.inputs as Record<string, any>;
    const marker = resource.protect ? " [protected]" : "";
    switch (resource.type) {
        case TYPE.key:
            return `KMS key: ${inputs.description} (rotation ${inputs.enableKeyRotation ? "on" : "off"}, ${inputs.deletionWindowInDays}-day deletion window)${marker}`;
        case TYPE.alias:
            return `key alias ${inputs.name}`;
        case TYPE.vault: {
            const lock = siblings.find((other) => other.type === TYPE.vaultLock && other.parent === resource.parent)?.inputs as Record<string, any> | undefined;
            const lockText = lock
                ? lock.changeableForDays
                    ? `, compliance lock ${lock.minRetentionDays ?? 1}..${lock.maxRetentionDays ?? "∞"} days, immutable ${lock.changeableForDays} days after it is set`
                    : `, governance lock ${lock.minRetentionDays ?? 1}..${lock.maxRetentionDays ?? "∞"} days`
                : "";
            const notified = siblings.some((other) => other.type === TYPE.vaultNotifications && other.parent === resource.parent);
            return `vault ${inputs.name} (access policy${lockText}${notified ? ", failed-job notifications" : ""})${marker}`;
        }
        case TYPE.airGappedVault:
            return `air-gapped vault ${inputs.name} (compliance lock ${inputs.minRetentionDays}..${inputs.maxRetentionDays} days, AWS owned key, access policy)${marker}`;
        case TYPE.topic:
            return `SNS topic ${inputs.name} (encrypted with a customer-managed key)`;
        case TYPE.topicSubscription:
            return `subscription ${inputs.protocol} ${inputs.endpoint}`;
        case TYPE.eventBus:
            return `event bus ${inputs.name} (the organization may put events)`;
        case TYPE.eventRule: {
            const pattern = JSON.parse(String(inputs.eventPattern ?? "{}")) as { detail?: { restoreTestingPlanArn?: string[] } };
            const plans = pattern.detail?.restoreTestingPlanArn;
            if (plans) return `event rule ${inputs.name}: completed restore jobs of ${plans.length} restore testing plan(s), dead-letter queue`;
            return `event rule ${inputs.name}${inputs.eventBusName ? ` on bus ${inputs.eventBusName}` : ""}: failed backup, copy and restore jobs`;
        }
        case TYPE.eventTarget:
            return `event target of ${inputs.rule}: ${String(inputs.arn).split(":").slice(5).join(":")} in account ${String(inputs.arn).split(":")[4]}${inputs.roleArn ? " (as the event-forwarding role)" : ""}`;
        case TYPE.metricAlarm: {
            const actions = (inputs.alarmActions as string[] | undefined) ?? [];
            const metric = inputs.metricName ? `${inputs.metricName} ` : "";
            return `alarm ${inputs.name}: ${metric}>= ${inputs.threshold} in ${Number(inputs.period) / 60} minutes → ${actions.length > 0 ? actions.map((arn) => arn.split(":").pop()).join(", ") : "no action"}`;
        }
        case TYPE.framework:
            return `audit framework ${inputs.name}: ${(inputs.controls as any[]).map((control) => control.name).join(", ")}`;
        case TYPE.reportPlan: {
            const setting = inputs.reportSetting as { reportTemplate: string; accounts?: string[]; regions?: string[] };
            const scope = setting.accounts ? ` (accounts ${setting.accounts.join(", ")}, ${setting.regions?.length ?? 0} regions)` : "";
            return `report plan ${inputs.name}: ${setting.reportTemplate}${scope}`;
        }
        case TYPE.bucket: {
            const has = (type: string) => siblings.some((other) => other.type === type && other.parent === resource.parent);
            const features = [
                has(TYPE.bucketEncryption) && "KMS-encrypted",
                has(TYPE.bucketVersioning) && "versioned",
                has(TYPE.bucketPublicAccessBlock) && "public access blocked",
                has(TYPE.bucketPolicy) && "bucket policy",
            ].filter(Boolean);
            return `S3 bucket ${inputs.bucket} (${features.join(", ")})${marker}`;
        }
        case TYPE.configRecorder:
            return `AWS Config recorder (${inputs.recordingGroup?.allSupported ? "all supported resource types" : "selected resource types"})`;
        case TYPE.globalSettings:
            return `AWS Backup global settings: ${Object.entries(inputs.globalSettings as Record<string, string>)
                .map(([flag, value]) => `${flag}=${value}`)
                .join(", ")}`;
        case TYPE.serviceAccess:
            return `trusted access for ${inputs.servicePrincipal} (cross-account monitoring)`;
        case TYPE.delegatedAdministrator:
            return `delegated administrator for ${inputs.servicePrincipal}: account ${inputs.accountId}`;
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
        case TYPE.organizationsPolicy:
            return describeOrganizationsPolicy(resource, siblings);
        case TYPE.bucketEncryption: {
            const rule = (inputs.rules as any[])[0];
            return `encryption ${rule.applyServerSideEncryptionByDefault.sseAlgorithm} with key ${rule.applyServerSideEncryptionByDefault.kmsMasterKeyId}${rule.bucketKeyEnabled ? ", bucket key" : ""}`;
        }
        case TYPE.bucketLifecycle: {
            const rule = (inputs.rules as any[])[0];
            const steps = [
                ...(rule.transitions ?? []).map((t: any) => `${t.storageClass} at ${t.days}d`),
                ...(rule.noncurrentVersionTransitions ?? []).map((t: any) => `noncurrent ${t.storageClass} at ${t.noncurrentDays}d`),
                ...(rule.noncurrentVersionExpiration ? [`noncurrent expire at ${rule.noncurrentVersionExpiration.noncurrentDays}d`] : []),
                `abort uploads at ${rule.abortIncompleteMultipartUpload?.daysAfterInitiation}d`,
            ];
            return `lifecycle of ${inputs.bucket}: ${steps.join(", ")}`;
        }
        case TYPE.bucketReplication: {
            const destination = (inputs.rules as any[])[0].destination;
            return `replication to ${String(destination.bucket).split(":::").pop()} (${destination.storageClass}${destination.replicationTime ? ", 15-minute RTC" : ""})`;
        }
        case TYPE.bucketObjectLock: {
            const retention = (inputs.rule as any)?.defaultRetention ?? {};
            return `Object Lock ${retention.mode} ${retention.days ? `${retention.days} days` : `${retention.years} years`}`;
        }
        case TYPE.schedule:
            return `schedule ${inputs.name} ${inputs.scheduleExpression} (${inputs.scheduleExpressionTimezone}): StartBackupJob of ${JSON.parse(String((inputs.target as any).input)).ResourceArn}`;
        case TYPE.backupTiering: {
            const selections = (inputs.resourceSelection ?? []) as Array<{ resources: string[]; tieringDownSettingsInDays: number }>;
            return `backup tiering ${inputs.tieringConfigurationName} of vault ${inputs.backupVaultName}: ${selections.map((s) => `${s.resources.length} bucket(s) after ${s.tieringDownSettingsInDays}d`).join(", ")}`;
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
        case TYPE.instance:
            return `EC2 instance ${inputs.tags?.Name ?? resource.name} (tags ${JSON.stringify(inputs.tags ?? {})})`;
        case TYPE.ebsVolume:
            return `EBS volume ${inputs.size} GiB ${inputs.type}${inputs.encrypted ? ", encrypted" : ""}`;
        case TYPE.dynamodbTable:
            return `DynamoDB table ${inputs.name} (${inputs.billingMode})`;
        case TYPE.bucketObject:
            return `S3 object ${inputs.key}`;
        case TYPE.codePipeline:
            return `CodePipeline ${inputs.name} (${inputs.pipelineType}, ${String(inputs.executionMode).toLowerCase()}): ${(inputs.stages as Array<{ name: string }>).map((stage) => stage.name).join(" → ")}`;
        case TYPE.codeBuildProject:
            return `CodeBuild project ${inputs.name} (${inputs.environment?.computeType}, ${inputs.buildTimeout} min): ${inputs.description}`;
        case TYPE.logGroup:
            return `log group ${inputs.name} (${inputs.retentionInDays} days)`;
        default:
            return undefined;
    }
}

const POLICY_LABEL: Record<string, string> = { SERVICE_CONTROL_POLICY: "SCP", BACKUP_POLICY: "backup policy", TAG_POLICY: "tag policy" };

/** `SCP acme-backup-guardrails (3,120 of 5,120 characters): attached to r-a1b2`, with what a backup or tag policy sets. */
function describeOrganizationsPolicy(resource: PlannedResource, siblings: PlannedResource[]): string {
    const inputs = resource.inputs as Record<string, any>;
    const type = String(inputs.type);
    const content = String(inputs.content);
    const size = Buffer.byteLength(content, "utf8");
    const limit = MAX_POLICY_SIZE[type as OrganizationsPolicyType];
    const targets = siblings
        .filter((other) => other.type === TYPE.organizationsPolicyAttachment && other.parent === resource.parent)
        .map((attachment) => String(attachment.inputs.targetId));
    const document = JSON.parse(content) as { plans?: Record<string, { regions?: { "@@assign"?: string[] } }>; tags?: Record<string, any> };
    let sets = "";
    if (type === "BACKUP_POLICY") {
        const plans = Object.entries(document.plans ?? {});
        sets = `; plans ${plans.map(([name]) => name).join(", ")} in ${plans[0]?.[1].regions?.["@@assign"]?.join(", ") ?? "no region"}`;
    } else if (type === "TAG_POLICY") {
        sets = Object.values(document.tags ?? {})
            .map(
                (tag) =>
                    `; ${tag.tag_key?.["@@assign"]} one of ${tag.tag_value?.["@@assign"]?.join(", ")}, enforced for ${tag.enforced_for?.["@@assign"]?.length ?? 0} resource types`,
            )
            .join("");
    }
    const count = (value: number) => value.toLocaleString("en-US");
    return `${POLICY_LABEL[type] ?? type} ${inputs.name} (${count(size)} of ${count(limit)} characters)${sets}; attached to ${targets.join(", ")}`;
}

/** Vault names of the air-gapped vaults end in this, whatever the prefix (config/model.ts, physicalNames). */
const AIR_GAPPED_SUFFIX = physicalNames.airGappedVault("");

/** Where one copy goes, as people say it: `central eu-west-1`, `DR us-east-1`, `air-gapped eu-west-1`. */
export function describeCopyDestination(sourceRegion: string, destinationVaultArn: string): string {
    const [, , , region, , ...rest] = destinationVaultArn.split(":");
    const vault = rest.join(":").replace(/^backup-vault:/, "");
    if (vault.endsWith(AIR_GAPPED_SUFFIX)) return `air-gapped ${region}`;
    return region === sourceRegion ? `central ${region}` : `DR ${region}`;
}

/** For each rule of a plan that copies: `payments-prod/eu-west-1 nightly → central eu-west-1, DR us-east-1`. */
function copyLines(target: Target, plan: PlannedResource): string[] {
    const rules = (plan.inputs.rules ?? []) as Array<{ ruleName: string; copyActions?: Array<{ destinationVaultArn: string }> }>;
    return rules
        .filter((rule) => (rule.copyActions ?? []).length > 0)
        .map(
            (rule) =>
                `copies: ${target.alias}/${plan.region} ${rule.ruleName} → ${rule.copyActions!.map((copy) => describeCopyDestination(plan.region ?? "", copy.destinationVaultArn)).join(", ")}`,
        );
}

/** The summary section of one target: its resources by region, each named in a line. */
export function renderTargetSummary(target: Target, resources: PlannedResource[], label: string = KIND_LABEL[target.kind]): string {
    const here = resources.filter(isCloudResource);
    const lines = [`${label} ${target.alias} (${target.id}): ${here.length} resources`];
    const regions = [...new Set(here.map((resource) => resource.region))].sort((a, b) => (a ?? "").localeCompare(b ?? ""));
    for (const region of regions) {
        const inRegion = here.filter((resource) => resource.region === region);
        lines.push(`  ${region ?? "global"}`);
        for (const resource of inRegion) {
            const text = describe(resource, resources);
            if (text) lines.push(`    - ${text}`);
            if (resource.type === TYPE.plan) lines.push(...copyLines(target, resource).map((line) => `      ${line}`));
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

/** The summary after the last target: totals by type, then the findings; `targets` replaces the count of targets by kind. */
export function renderSummaryFooter(stats: TargetStats[], findings: Finding[], targets?: string): string {
    const counts = new Map<string, number>();
    for (const target of stats) for (const [type, count] of Object.entries(target.counts)) counts.set(type, (counts.get(type) ?? 0) + count);
    const sum = (pick: (target: TargetStats) => number) => stats.reduce((total, target) => total + pick(target), 0);
    const cloud = [...counts.values()].reduce((total, count) => total + count, 0);
    const kinds = (kind: Target["kind"]) => stats.filter((target) => target.kind === kind).length;
    const accountRegions = new Set(stats.flatMap((target) => target.accountRegions)).size;
    const lines = [
        `Totals: ${targets ?? `${stats.length} targets (${kinds("management")} management, ${kinds("central")} central, ${kinds("workload")} workload)`}, ` +
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
    if (resources.length === 0) return "";
    const elements = resources.map((resource): JsonResource => ({
        type: resource.type,
        name: resource.name,
        account: resource.account,
        region: resource.region,
        parent: resource.parent,
        protect: resource.protect,
        inputs: resource.inputs,
    }));
    // Nested one level down, the elements come out indented exactly as in the whole document; one call, no re-indenting.
    const wrapped = JSON.stringify({ resources: elements }, null, 2);
    const body = wrapped.slice(JSON_WRAPPER_OPENING.length, -JSON_WRAPPER_CLOSING.length);
    return first ? body : `,${body}`;
}

/** What JSON.stringify({ resources: [...] }, null, 2) puts around a non-empty array's elements. */
const JSON_WRAPPER_OPENING = '{\n  "resources": [';
const JSON_WRAPPER_CLOSING = "\n  ]\n}";

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
