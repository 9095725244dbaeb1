/**
 * `npm run plan -- --stack dev`: the offline plan. Validates a stack config, evaluates the real program for it under
 * Pulumi's mock runtime (no Pulumi CLI, no credentials), and prints what would be created in every account and
 * region, or every problem in the config with its path.
 */
import { Command } from "commander";
import * as path from "path";
import { Finding } from "../config/findings";
import { loadEnvironmentFromFile, stackFilePath } from "../config/load";
import { duplicateUrns, PlannedResource, planEnvironment } from "../projects/offline-plan";

interface PlanOptions {
    stack: string;
    config?: string;
    scope?: string;
    json?: boolean;
}

/** The `--json` document. */
export interface PlanDocument {
    stack: string;
    scope: string | null;
    resources: Array<Pick<PlannedResource, "type" | "name" | "account" | "region" | "parent" | "protect" | "inputs">>;
    findings: Finding[];
}

const SHORT_TYPES: Record<string, string> = {
    "aws:kms/key:Key": "KMS key",
    "aws:kms/alias:Alias": "key alias",
    "aws:backup/vault:Vault": "vault",
    "aws:backup/vaultPolicy:VaultPolicy": "vault access policy",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": "vault lock",
    "aws:backup/plan:Plan": "backup plan",
    "aws:backup/selection:Selection": "selection",
    "aws:iam/role:Role": "IAM role",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "managed policy attachment",
};

/** One line per resource worth naming in an account-region, e.g. `vault acme-backup-standard (compliance lock)`. */
function describe(resource: PlannedResource, all: PlannedResource[]): string | undefined {
    const inputs = resource.inputs as Record<string, any>;
    switch (resource.type) {
        case "aws:kms/key:Key":
            return `KMS key (rotation ${inputs.enableKeyRotation ? "on" : "off"}, ${inputs.deletionWindowInDays}-day deletion window)${resource.protect ? " [protected]" : ""}`;
        case "aws:kms/alias:Alias":
            return `key alias ${inputs.name}`;
        case "aws:backup/vault:Vault": {
            const lock = all.find((other) => other.type === "aws:backup/vaultLockConfiguration:VaultLockConfiguration" && other.parent === resource.parent);
            const lockText = lock
                ? `, ${(lock.inputs as any).changeableForDays ? "compliance" : "governance"} lock ${(lock.inputs as any).minRetentionDays}..${(lock.inputs as any).maxRetentionDays ?? "∞"} days`
                : "";
            return `vault ${inputs.name} (access policy${lockText})${resource.protect ? " [protected]" : ""}`;
        }
        case "aws:backup/plan:Plan": {
            const rules = (inputs.rules as any[]).map(
                (rule) => `${rule.ruleName} ${rule.schedule}${rule.lifecycle?.deleteAfter ? ` keep ${rule.lifecycle.deleteAfter}d` : ""}`,
            );
            return `plan ${inputs.name}: ${rules.join("; ")}`;
        }
        case "aws:iam/role:Role":
            return `IAM role ${inputs.name}`;
        default:
            return undefined;
    }
}

function renderFindings(findings: Finding[]): string[] {
    return findings.map((finding) => `  ${finding.severity === "error" ? "error  " : "warning"} ${finding.path}: ${finding.message}`);
}

function renderSummary(stack: string, scope: string, file: string, resources: PlannedResource[], findings: Finding[]): string {
    const lines: string[] = [];
    lines.push(`Offline plan of stack ${stack} (scope ${scope}) from ${file}`);
    lines.push("Evaluated under Pulumi's mock runtime: no Pulumi CLI and no AWS credentials were used.", "");
    const custom = resources.filter((resource) => resource.custom && !resource.type.startsWith("pulumi:providers:"));
    const accounts = [...new Set(custom.map((resource) => resource.account ?? "unknown"))];
    const stampOf = (account: string) => resources.find((resource) => resource.type === "backup-platform:stamp:AccountBackup" && resource.account === account);
    for (const account of accounts) {
        const inAccount = custom.filter((resource) => (resource.account ?? "unknown") === account);
        lines.push(`${stampOf(account)?.name ?? "account"} (${account}): ${inAccount.length} resources`);
        const regions = [...new Set(inAccount.map((resource) => resource.region))].sort((a, b) => (a ?? "").localeCompare(b ?? ""));
        for (const region of regions) {
            const here = inAccount.filter((resource) => resource.region === region);
            lines.push(`  ${region ?? "global"}`);
            for (const resource of here) {
                const text = describe(resource, resources);
                if (text) lines.push(`    - ${text}`);
            }
            const attachments = here.filter((resource) => resource.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
            if (attachments.length > 0) {
                lines.push(
                    `    - ${attachments.length} AWS managed policies: ${attachments
                        .map((a) =>
                            String((a.inputs as any).policyArn)
                                .split("/")
                                .pop(),
                        )
                        .join(", ")}`,
                );
            }
        }
        lines.push("");
    }
    const counts = new Map<string, number>();
    for (const resource of custom) counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
    const accountRegions = new Set(custom.filter((resource) => resource.region).map((resource) => `${resource.account}/${resource.region}`));
    lines.push(
        `Totals: ${accounts.length} accounts, ${accountRegions.size} account-regions, ${resources.length} registrations ` +
            `(${custom.length} AWS resources, ${resources.filter((r) => r.type.startsWith("pulumi:providers:")).length} providers, ` +
            `${resources.filter((r) => !r.custom).length} components and stack)`,
    );
    for (const [type, count] of [...counts].sort((a, b) => b[1] - a[1])) lines.push(`  ${String(count).padStart(5)}  ${SHORT_TYPES[type] ?? type}`);
    const protectedCount = resources.filter((resource) => resource.protect).length;
    lines.push(`  ${protectedCount} stateful resources are protected from deletion and replacement.`, "");
    const warnings = findings.filter((finding) => finding.severity === "warning");
    lines.push(warnings.length === 0 ? "Findings: none." : `Findings (${warnings.length} warnings, no errors):`);
    lines.push(...renderFindings(warnings));
    return lines.join("\n");
}

export async function runPlan(options: PlanOptions, projectDir: string): Promise<{ exitCode: number; output: string }> {
    const file = options.config ?? stackFilePath(projectDir, options.stack);
    const loaded = loadEnvironmentFromFile(file, options.stack, options.scope);
    const findings = loaded.findings;
    if (!loaded.model) {
        if (options.json) {
            const document: PlanDocument = { stack: options.stack, scope: options.scope ?? null, resources: [], findings };
            return { exitCode: 1, output: JSON.stringify(document, null, 2) };
        }
        const errors = findings.filter((finding) => finding.severity === "error");
        const output = [`${file}: ${errors.length} error(s); nothing was planned.`, ...renderFindings(findings)].join("\n");
        return { exitCode: 1, output };
    }
    const model = loaded.model;
    const scope = model.scope.kind === "all" ? "all" : `account:${model.scope.accountId}`;
    const plan = await planEnvironment(model);
    // The engine rejects two resources with one URN; the mock runtime does not, so check here.
    for (const urn of duplicateUrns(plan.resources)) {
        findings.push({ severity: "error", path: "(program)", message: `two resources share the URN ${urn}` });
    }
    const exitCode = findings.some((finding) => finding.severity === "error") ? 1 : 0;
    if (options.json) {
        const document: PlanDocument = {
            stack: options.stack,
            scope,
            resources: plan.resources.map(({ type, name, account, region, parent, protect, inputs }) => ({
                type,
                name,
                account,
                region,
                parent,
                protect,
                inputs,
            })),
            findings,
        };
        return { exitCode, output: JSON.stringify(document, null, 2) };
    }
    return { exitCode, output: renderSummary(options.stack, scope, path.relative(process.cwd(), file) || file, plan.resources, findings) };
}

async function main(): Promise<void> {
    const program = new Command()
        .name("plan")
        .description("Plan a stack offline: validate its config and show what the program would create, without AWS.")
        .option("--stack <name>", "stack whose Pulumi.<stack>.yaml to plan", "dev")
        .option("--config <file>", "plan this stack config file instead of Pulumi.<stack>.yaml")
        .option("--scope <scope>", 'override the scope: "all" or "account:<12-digit id>"')
        .option("--json", "print one JSON document instead of the summary")
        .parse(process.argv);
    const options = program.opts<PlanOptions>();
    const projectDir = path.resolve(__dirname, "..");
    try {
        const { exitCode, output } = await runPlan(options, projectDir);
        process.stdout.write(output + "\n");
        process.exitCode = exitCode;
    } catch (error) {
        // A failure inside the program is a bug, not a config problem; say what failed without a stack trace.
        process.stderr.write(`plan failed: ${(error as Error).message}\n`);
        process.exitCode = 2;
    }
}

if (require.main === module) {
    void main();
}
