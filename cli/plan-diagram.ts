/**
 * `npm run plan -- --diagram`: a Mermaid flowchart of the environment's accounts, vaults and copy flows, drawn from
 * the validated model (the same model the plan evaluates), so it shows exactly the copies the plans would make.
 * https://mermaid.js.org/syntax/flowchart.html
 */
import { accountsInScope, CopyTarget, EnvironmentModel } from "../config/model";

const LABEL: Record<CopyTarget, string> = { central: "copy", disasterRecovery: "DR copy", airGapped: "air-gapped copy" };

/** Mermaid node ids: letters, digits and underscores. */
const id = (...parts: string[]) => parts.join("_").replace(/[^A-Za-z0-9_]/g, "_");
/** Mermaid labels in double quotes: a quote must be an entity. */
const text = (value: string) => value.replace(/"/g, "#quot;");

export function renderDiagram(model: EnvironmentModel): string {
    const { central, management } = model;
    const lines = ["flowchart LR"];
    const lock = central.backup.vaultLock;
    const lockText = lock ? `<br/>${lock.mode} lock ${lock.minRetentionDays ?? 1}..${lock.maxRetentionDays ?? "∞"} days` : "";

    lines.push(`    subgraph ${id("management")}["management ${text(management.target.alias)} (${management.target.id})"]`);
    const settings = management.backupOrganization;
    const managementNotes = [
        settings.manageTrustedAccess ? "trusted access for AWS Backup" : "trusted access managed elsewhere",
        settings.delegatedAdministratorAccountId ? `delegated administrator: ${settings.delegatedAdministratorAccountId}` : "no delegated administrator",
        `cross-account backup ${settings.globalSettings.isCrossAccountBackupEnabled === "true" ? "on" : "off"}`,
    ];
    lines.push(`        ${id("org_settings")}["${managementNotes.join("<br/>")}"]`, "    end");

    lines.push(`    subgraph ${id("central")}["central ${text(central.alias)} (${central.accountId})"]`);
    for (const region of central.regions) {
        lines.push(`        ${id("central", region)}[("${text(central.vaultName)}<br/>${region}${lockText}")]`);
        if (central.airGappedVaultArnByRegion[region]) {
            const airGapped = central.backup.airGappedVault!;
            lines.push(
                `        ${id("airgapped", region)}[["${text(airGapped.name)}<br/>${region}<br/>air-gapped ${airGapped.minRetentionDays}..${airGapped.maxRetentionDays} days"]]`,
            );
        }
        lines.push(`        ${id("bus", region)}{{"${text(central.alerts.eventBusName)}<br/>${region}"}}`);
    }
    if (central.audit) lines.push(`        ${id("reports")}[/"${text(central.audit.reportBucket.name)}<br/>audit reports"/]`);
    lines.push("    end");
    if (settings.delegatedAdministratorAccountId) lines.push(`    ${id("org_settings")} -. "delegated administrator" .-> ${id("central")}`);

    const edges: string[] = [];
    for (const account of accountsInScope(model)) {
        lines.push(`    subgraph ${id("account", account.id)}["${text(account.alias)} (${account.id})"]`);
        for (const stamp of account.regions) {
            for (const vault of stamp.vaults)
                lines.push(`        ${id("vault", account.id, stamp.region, vault.key)}[("${text(vault.name)}<br/>${stamp.region}")]`);
            // One edge per source vault and destination, labelled with the tier/rule pairs that copy along it.
            const flows = new Map<string, { from: string; to: string; target: CopyTarget; rules: string[] }>();
            for (const plan of stamp.plans) {
                const vault = stamp.vaults.find((candidate) => candidate.name === plan.vaultName)!;
                for (const rule of plan.rules) {
                    for (const copy of rule.copyActions) {
                        const to = copy.target === "airGapped" ? id("airgapped", copy.region) : id("central", copy.region);
                        const from = id("vault", account.id, stamp.region, vault.key);
                        const flow = flows.get(`${from}>${to}`) ?? { from, to, target: copy.target, rules: [] };
                        flow.rules.push(`${plan.tier}/${rule.name}`);
                        flows.set(`${from}>${to}`, flow);
                    }
                }
            }
            for (const flow of flows.values()) edges.push(`    ${flow.from} -- "${LABEL[flow.target]}: ${text(flow.rules.join(", "))}" --> ${flow.to}`);
            const busRegion = stamp.eventForwarding.eventBusArn.split(":")[3];
            edges.push(`    ${id("vault", account.id, stamp.region, stamp.vaults[0].key)} -. "failed jobs" .-> ${id("bus", busRegion)}`);
        }
        lines.push("    end");
    }
    lines.push(...edges);
    // Restores from a central copy start with a copy back into the source account's vault.
    lines.push(`    %% copy-back for restores: ${central.vaultName} -> the source account's vault (allowed by every workload vault policy)`);
    return lines.join("\n") + "\n";
}
