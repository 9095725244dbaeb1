/**
 * Turns one environment's raw config values into a validated EnvironmentModel, or into the full list of findings.
 *
 * Each section, and each entry of a map or list section, is parsed on its own, so one bad tier does not hide a bad
 * account: every problem is reported in one run. Rules that span sections run over the entries that parsed.
 */
import { z } from "zod";
import * as rules from "./aws-rules";
import { duplicates, Finding, FindingCollector, formatPath } from "./findings";
import { AccountModel, AccountRegionModel, arns, EnvironmentModel, PlanModel, physicalNames, Scope, SelectionModel, VaultModel } from "./model";
import {
    AccountConfig,
    centralAccountSchema,
    OrganizationalUnitConfig,
    organizationSchema,
    SectionName,
    sectionSchemas,
    SelectionConfig,
    TierConfig,
    VaultConfig,
} from "./schema";

/** The project's config namespace: keys are written `backup-platform:<key>` in stack files. */
export const CONFIG_NAMESPACE = "backup-platform";

export interface ValidationResult {
    /** Present only when there are no error findings. */
    model?: EnvironmentModel;
    findings: Finding[];
}

export interface EnvironmentInput {
    /** Stack (environment) name. */
    stack: string;
    /** This project's config values by key, without the namespace. */
    values: Record<string, unknown>;
}

type ZodIssue = z.ZodError["issues"][number];

function describeValue(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "object") return "a map";
    return `${typeof value} ${JSON.stringify(value)}`;
}

/** One zod issue as findings, with the section path in front and zod's generic wording made specific. */
function recordIssue(collector: FindingCollector, prefix: PropertyKey[], issue: ZodIssue): void {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) collector.error(formatPath([...path, key]), "unknown key (check the spelling against the README's config reference)");
        return;
    }
    if (issue.code === "invalid_type") {
        const input = (issue as { input?: unknown }).input;
        if (input === undefined) {
            collector.error(formatPath(path), "is required");
        } else if (issue.message.startsWith("Invalid input")) {
            collector.error(formatPath(path), `must be ${issue.expected === "int" ? "a whole number" : `a ${issue.expected}`}, got ${describeValue(input)}`);
        } else {
            collector.error(formatPath(path), `${issue.message}, got ${describeValue(input)}`);
        }
        return;
    }
    collector.error(formatPath(path), issue.message);
}

function parseWith<T>(collector: FindingCollector, schema: z.ZodType<T>, value: unknown, prefix: PropertyKey[]): T | undefined {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    for (const issue of result.error.issues) recordIssue(collector, prefix, issue);
    return undefined;
}

/** Parses a map section entry by entry; returns the entries that parsed and every key present. */
function parseMapSection<T>(collector: FindingCollector, section: string, raw: unknown, entrySchema: z.ZodType<T>) {
    const parsed = new Map<string, T>();
    const present = new Map<string, unknown>();
    if (raw === undefined) {
        collector.error(section, "is required");
        return { parsed, present };
    }
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        collector.error(section, `must be a map of names to settings, got ${describeValue(raw)}`);
        return { parsed, present };
    }
    for (const [key, value] of Object.entries(raw)) {
        present.set(key, value);
        const entry = parseWith(collector, entrySchema, value, [section, key]);
        if (entry !== undefined) parsed.set(key, entry);
    }
    return { parsed, present };
}

function parseListSection<T>(collector: FindingCollector, section: string, raw: unknown, entrySchema: z.ZodType<T>) {
    const parsed: Array<{ index: number; value: T }> = [];
    if (raw === undefined) {
        collector.error(section, "is required");
        return parsed;
    }
    if (!Array.isArray(raw)) {
        collector.error(section, `must be a list, got ${describeValue(raw)}`);
        return parsed;
    }
    raw.forEach((value, index) => {
        const entry = parseWith(collector, entrySchema, value, [section, index]);
        if (entry !== undefined) parsed.push({ index, value: entry });
    });
    return parsed;
}

const sectionNames = Object.keys(sectionSchemas) as SectionName[];

/** Validates one environment's config and, when it has no errors, builds its model. */
export function validateEnvironment(input: EnvironmentInput): ValidationResult {
    const collector = new FindingCollector();
    const values = input.values;

    for (const key of Object.keys(values)) {
        if (!(sectionNames as string[]).includes(key)) {
            collector.error(key, `unknown config key ${CONFIG_NAMESPACE}:${key} (known keys: ${sectionNames.join(", ")})`);
        }
    }

    const scopeText = parseWith(collector, sectionSchemas.scope, values.scope, ["scope"]);
    const namePrefix = parseWith(collector, sectionSchemas.namePrefix, values.namePrefix, ["namePrefix"]);
    const deploymentRoleName = parseWith(collector, sectionSchemas.deploymentRoleName, values.deploymentRoleName, ["deploymentRoleName"]);
    const breakGlassRoleName = parseWith(collector, sectionSchemas.breakGlassRoleName, values.breakGlassRoleName, ["breakGlassRoleName"]);
    const userTags = parseWith(collector, sectionSchemas.tags, values.tags, ["tags"]);
    const organization = parseWith(collector, organizationSchema, values.organization, ["organization"]);
    const central = parseWith(collector, centralAccountSchema, values.centralAccount, ["centralAccount"]);
    const ous = parseMapSection(collector, "organizationalUnits", values.organizationalUnits, sectionSchemas.organizationalUnits.valueType);
    const vaults = parseMapSection(collector, "vaults", values.vaults, sectionSchemas.vaults.valueType);
    const tiers = parseMapSection(collector, "tiers", values.tiers, sectionSchemas.tiers.valueType);
    const accounts = parseListSection(collector, "accounts", values.accounts, sectionSchemas.accounts.element);

    const resolvedAccounts = resolveAccounts(collector, accounts, ous);
    checkAccountIdentities(collector, accounts, organization, central);
    checkRegions(collector, resolvedAccounts, central);
    checkTierReferences(collector, resolvedAccounts, tiers, vaults, tierNamesMentioned(values));
    checkRetentionAgainstLocks(collector, tiers.parsed, vaults.parsed);
    if (namePrefix !== undefined) checkPhysicalNames(collector, namePrefix, [...tiers.present.keys()], [...vaults.present.keys()]);
    const tags = userTags === undefined ? undefined : withPlatformTags(collector, userTags, input.stack);
    const scope =
        scopeText === undefined
            ? undefined
            : resolveScope(
                  collector,
                  scopeText,
                  accounts.map((entry) => entry.value.id),
              );

    const findings = collector.findings;
    if (
        collector.hasErrors() ||
        !scope ||
        namePrefix === undefined ||
        deploymentRoleName === undefined ||
        breakGlassRoleName === undefined ||
        tags === undefined ||
        !organization ||
        !central
    ) {
        return { findings };
    }
    const partition = rules.partitionOf(central.regions[0]);
    const context: BuildContext = { partition, namePrefix, deploymentRoleName, breakGlassRoleName, tiers: tiers.parsed, vaults: vaults.parsed };
    const model: EnvironmentModel = {
        stack: input.stack,
        scope,
        partition,
        namePrefix,
        organization,
        tags,
        central: {
            accountId: central.id,
            alias: central.alias,
            regions: central.regions,
            vaultName: physicalNames.centralVault(namePrefix),
            vaultArnByRegion: Object.fromEntries(
                central.regions.map((region) => [region, arns.vault(partition, region, central.id, physicalNames.centralVault(namePrefix))]),
            ),
        },
        accounts: resolvedAccounts.map((account) => buildAccount(context, account)),
    };
    return { model, findings };
}

interface ResolvedAccount {
    index: number;
    config: AccountConfig;
    ou: { name: string; id: string };
    regions: string[];
    /** Where the regions came from, for messages. */
    regionsPath: string;
    tiers: string[];
    tiersPath: string;
}

/** Applies OU defaults to each account; reports accounts whose OU, regions or tiers cannot be resolved. */
function resolveAccounts(
    collector: FindingCollector,
    accounts: Array<{ index: number; value: AccountConfig }>,
    ous: { parsed: Map<string, OrganizationalUnitConfig>; present: Map<string, unknown> },
): ResolvedAccount[] {
    const resolved: ResolvedAccount[] = [];
    for (const { index, value: account } of accounts) {
        const path = formatPath(["accounts", index]);
        const ou = ous.parsed.get(account.ou);
        if (!ous.present.has(account.ou)) {
            const known = [...ous.present.keys()].join(", ") || "none defined";
            collector.error(`${path}.ou`, `unknown organizational unit ${JSON.stringify(account.ou)} (organizationalUnits has: ${known})`);
            continue;
        }
        if (!ou) continue; // the OU itself is invalid and already reported
        const regions = account.regions ?? ou.regions;
        const tiers = account.tiers ?? ou.tiers;
        const regionsPath = account.regions ? `${path}.regions` : `organizationalUnits.${account.ou}.regions`;
        const tiersPath = account.tiers ? `${path}.tiers` : `organizationalUnits.${account.ou}.tiers`;
        if (!regions || regions.length === 0) {
            collector.error(`${path}.regions`, `no regions: set them on the account or on organizationalUnits.${account.ou}`);
        }
        if (!tiers || tiers.length === 0) {
            collector.error(`${path}.tiers`, `no tiers: set them on the account or on organizationalUnits.${account.ou}`);
        }
        if (!regions || !tiers || regions.length === 0 || tiers.length === 0) continue;
        resolved.push({ index, config: account, ou: { name: account.ou, id: ou.id }, regions, regionsPath, tiers, tiersPath });
    }
    return resolved;
}

/** Tier names that accounts or OUs mention, read from the raw config so invalid entries still count as users. */
function tierNamesMentioned(values: Record<string, unknown>): Set<string> {
    const lists: unknown[] = [];
    if (Array.isArray(values.accounts)) lists.push(...values.accounts.map((account) => (account as { tiers?: unknown } | null)?.tiers));
    if (values.organizationalUnits && typeof values.organizationalUnits === "object") {
        lists.push(...Object.values(values.organizationalUnits).map((ou) => (ou as { tiers?: unknown } | null)?.tiers));
    }
    return new Set(lists.flatMap((list) => (Array.isArray(list) ? list.filter((name): name is string => typeof name === "string") : [])));
}

function checkAccountIdentities(
    collector: FindingCollector,
    accounts: Array<{ index: number; value: AccountConfig }>,
    organization: { managementAccountId: string } | undefined,
    central: { id: string; alias: string } | undefined,
): void {
    const repeatedIds = new Set(duplicates(accounts.map((entry) => entry.value.id)));
    const repeatedAliases = new Set(duplicates([...accounts.map((entry) => entry.value.alias), ...(central ? [central.alias] : [])]));
    for (const { index, value } of accounts) {
        const path = formatPath(["accounts", index]);
        if (repeatedIds.has(value.id)) collector.error(`${path}.id`, `account ${value.id} is listed more than once; account ids must be unique`);
        if (repeatedAliases.has(value.alias)) {
            collector.error(`${path}.alias`, `alias ${JSON.stringify(value.alias)} is used more than once; aliases name resources and must be unique`);
        }
        if (central && value.id === central.id) {
            collector.error(`${path}.id`, `account ${value.id} is the central backup account; list it only under centralAccount`);
        }
        if (organization && value.id === organization.managementAccountId) {
            collector.warning(`${path}.id`, "this is the management account; AWS recommends keeping workloads (and their backups) out of it");
        }
    }
    if (organization && central && central.id === organization.managementAccountId) {
        collector.warning("centralAccount.id", "the central backup account is the management account; AWS recommends a dedicated backup account");
    }
}

function checkRegions(collector: FindingCollector, accounts: ResolvedAccount[], central: { regions: string[] } | undefined): void {
    const partitions = new Map<string, string>();
    const note = (region: string, path: string) => {
        if (!partitions.has(rules.partitionOf(region))) partitions.set(rules.partitionOf(region), path);
    };
    if (central) {
        for (const region of duplicates(central.regions)) collector.error("centralAccount.regions", `region ${region} is listed more than once`);
        central.regions.forEach((region) => note(region, "centralAccount.regions"));
    }
    const reportedPaths = new Set<string>();
    for (const account of accounts) {
        if (!reportedPaths.has(account.regionsPath)) {
            for (const region of duplicates(account.regions)) collector.error(account.regionsPath, `region ${region} is listed more than once`);
            reportedPaths.add(account.regionsPath);
        }
        account.regions.forEach((region) => note(region, account.regionsPath));
        if (central) {
            for (const region of account.regions.filter((r) => !central.regions.includes(r))) {
                collector.warning(
                    account.regionsPath,
                    `${region} has no central vault (centralAccount.regions); copies from ${account.config.alias} there will have no destination`,
                );
            }
        }
    }
    // ARNs, roles and providers differ between partitions; one environment lives in one.
    if (partitions.size > 1) {
        const list = [...partitions.entries()].map(([partition, path]) => `${partition} (${path})`).join(", ");
        collector.error("accounts", `regions span several AWS partitions: ${list}; an environment must stay in one partition`);
    }
}

function checkTierReferences(
    collector: FindingCollector,
    accounts: ResolvedAccount[],
    tiers: { parsed: Map<string, TierConfig>; present: Map<string, unknown> },
    vaults: { parsed: Map<string, VaultConfig>; present: Map<string, unknown> },
    mentioned: Set<string>,
): void {
    const used = new Set<string>(mentioned);
    const reportedPaths = new Set<string>();
    for (const account of accounts) {
        account.tiers.forEach((tier) => used.add(tier));
        if (reportedPaths.has(account.tiersPath)) continue;
        reportedPaths.add(account.tiersPath);
        for (const tier of account.tiers) {
            if (!tiers.present.has(tier)) {
                collector.error(
                    account.tiersPath,
                    `unknown tier ${JSON.stringify(tier)} (tiers has: ${[...tiers.present.keys()].join(", ") || "none defined"})`,
                );
            }
        }
        for (const tier of duplicates(account.tiers)) collector.error(account.tiersPath, `tier ${tier} is listed more than once`);
    }
    // Checked on the raw tiers too, so a tier with another mistake still gets its vault reference checked.
    const usedVaults = new Set<string>();
    for (const [name, raw] of tiers.present) {
        const vault = (raw as { vault?: unknown } | null)?.vault;
        if (typeof vault !== "string") continue;
        usedVaults.add(vault);
        if (!vaults.present.has(vault)) {
            collector.error(
                `tiers.${name}.vault`,
                `unknown vault ${JSON.stringify(vault)} (vaults has: ${[...vaults.present.keys()].join(", ") || "none defined"})`,
            );
        }
    }
    for (const name of tiers.present.keys()) {
        if (!used.has(name)) collector.warning(`tiers.${name}`, "no account uses this tier");
    }
    for (const name of vaults.present.keys()) {
        if (!usedVaults.has(name)) collector.warning(`vaults.${name}`, "no tier backs up to this vault");
    }
}

/**
 * Vault Lock rejects backup and copy jobs whose retention falls outside [minRetentionDays, maxRetentionDays], so a
 * plan that applies cleanly would fail at its first run.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
function checkRetentionAgainstLocks(collector: FindingCollector, tiers: Map<string, TierConfig>, vaults: Map<string, VaultConfig>): void {
    for (const [tierName, tier] of tiers) {
        const lock = vaults.get(tier.vault)?.lock;
        if (!lock) continue;
        for (const [ruleName, rule] of Object.entries(tier.rules)) {
            const path = `tiers.${tierName}.rules.${ruleName}.lifecycle.deleteAfterDays`;
            const days = rule.lifecycle?.deleteAfterDays;
            const range = `${lock.minRetentionDays}..${lock.maxRetentionDays ?? "unbounded"} days`;
            if (days === undefined) {
                if (lock.maxRetentionDays !== undefined) {
                    collector.error(path, `keeps recovery points forever, but vault ${tier.vault}'s lock allows ${range}; jobs would fail at run time`);
                }
                continue;
            }
            if (days < lock.minRetentionDays || (lock.maxRetentionDays !== undefined && days > lock.maxRetentionDays)) {
                collector.error(path, `${days} days is outside vault ${tier.vault}'s lock range ${range}; jobs would fail at run time (AWS Backup Vault Lock)`);
            }
        }
    }
}

/** Names built from the prefix and config keys must still fit AWS's patterns once joined. */
function checkPhysicalNames(collector: FindingCollector, namePrefix: string, tierNames: string[], vaultKeys: string[]): void {
    for (const key of vaultKeys) {
        const name = physicalNames.vault(namePrefix, key);
        if (!rules.VAULT_NAME.test(name)) {
            collector.error(
                `vaults.${key}`,
                `vault name ${JSON.stringify(name)} (namePrefix-key) must be 2-50 letters, digits, hyphens or underscores (AWS Backup CreateBackupVault)`,
            );
        }
    }
    for (const tier of tierNames) {
        const plan = physicalNames.plan(namePrefix, tier);
        if (!rules.PLAN_NAME.test(plan)) {
            collector.error(
                `tiers.${tier}`,
                `plan and selection name ${JSON.stringify(plan)} (namePrefix-tier) must be 1-50 letters, digits or -_. (AWS Backup plan and selection names)`,
            );
        }
    }
    const central = physicalNames.centralVault(namePrefix);
    if (!rules.VAULT_NAME.test(central)) collector.error("namePrefix", `central vault name ${JSON.stringify(central)} is not a valid vault name`);
    const role = physicalNames.backupRole(namePrefix);
    if (!rules.IAM_ROLE_NAME.test(role)) collector.error("namePrefix", `backup role name ${JSON.stringify(role)} is not a valid IAM role name`);
    const alias = physicalNames.keyAlias(namePrefix);
    if (!rules.KMS_ALIAS_NAME.test(alias) || alias.length > rules.KMS_ALIAS_MAX_LENGTH || alias.startsWith("alias/aws")) {
        collector.error("namePrefix", `KMS alias ${JSON.stringify(alias)} is not a valid alias name (AWS KMS CreateAlias)`);
    }
}

function withPlatformTags(collector: FindingCollector, userTags: Record<string, string>, stack: string): Record<string, string> | undefined {
    const tags = { ...userTags, "backup-platform:environment": stack, "backup-platform:managed-by": "pulumi" };
    if (Object.keys(tags).length > rules.MAX_TAGS_PER_RESOURCE) {
        collector.error("tags", `with the platform's 2 tags this is ${Object.keys(tags).length} tags; AWS allows ${rules.MAX_TAGS_PER_RESOURCE} per resource`);
        return undefined;
    }
    return tags;
}

function resolveScope(collector: FindingCollector, text: string, accountIds: string[]): Scope | undefined {
    if (text === "all") return { kind: "all" };
    const accountId = text.slice("account:".length);
    if (!accountIds.includes(accountId)) {
        collector.error("scope", `account ${accountId} is not one of the workload accounts listed under accounts`);
        return undefined;
    }
    return { kind: "account", accountId };
}

interface BuildContext {
    partition: string;
    namePrefix: string;
    deploymentRoleName: string;
    breakGlassRoleName: string;
    tiers: Map<string, TierConfig>;
    vaults: Map<string, VaultConfig>;
}

function buildAccount(context: BuildContext, account: ResolvedAccount): AccountModel {
    const { partition, namePrefix } = context;
    const id = account.config.id;
    const backupRoleName = physicalNames.backupRole(namePrefix);
    return {
        id,
        alias: account.config.alias,
        ou: account.ou,
        homeRegion: account.regions[0],
        deploymentRoleArn: arns.role(partition, id, context.deploymentRoleName),
        backupRole: { name: backupRoleName, arn: arns.role(partition, id, backupRoleName) },
        breakGlassRoleArn: arns.role(partition, id, context.breakGlassRoleName),
        regions: account.regions.map((region) => buildAccountRegion(context, id, region, account.tiers)),
    };
}

function buildAccountRegion(context: BuildContext, accountId: string, region: string, tierNames: string[]): AccountRegionModel {
    const { partition, namePrefix } = context;
    const tiers = tierNames.map((name) => [name, context.tiers.get(name)!] as const);
    const vaultKeys = [...new Set(tiers.map(([, tier]) => tier.vault))];
    const vaults: VaultModel[] = vaultKeys.map((key) => {
        const name = physicalNames.vault(namePrefix, key);
        const lock = context.vaults.get(key)!.lock;
        return { key, name, arn: arns.vault(partition, region, accountId, name), ...(lock ? { lock: { ...lock } } : {}) };
    });
    const plans: PlanModel[] = tiers.map(([name, tier]) => ({
        tier: name,
        name: physicalNames.plan(namePrefix, name),
        vaultName: physicalNames.vault(namePrefix, tier.vault),
        windowsVss: tier.windowsVss,
        rules: Object.entries(tier.rules).map(([ruleName, rule]) => ({
            name: ruleName,
            schedule: rule.schedule,
            timezone: rule.timezone,
            startWindowMinutes: rule.startWindowMinutes,
            completionWindowMinutes: rule.completionWindowMinutes,
            lifecycle: rule.lifecycle ? { ...rule.lifecycle } : undefined,
            continuousBackup: rule.continuousBackup,
            recoveryPointTags: { ...(rule.recoveryPointTags ?? {}), "backup-platform:tier": name },
        })),
        selection: buildSelection(physicalNames.selection(namePrefix, name), tier.selection),
    }));
    return {
        region,
        key: { aliasName: physicalNames.keyAlias(namePrefix), description: `Encrypts AWS Backup vaults of account ${accountId} in ${region}` },
        vaults,
        plans,
    };
}

/** Condition keys of a selection's `conditions` are tag keys in config and `aws:ResourceTag/<key>` for AWS.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html */
function buildSelection(name: string, selection: SelectionConfig): SelectionModel {
    const asResourceTag = (conditions: Array<{ key: string; value: string }> | undefined) =>
        (conditions ?? []).map(({ key, value }) => ({ key: `aws:ResourceTag/${key}`, value }));
    return {
        name,
        tags: (selection.tags ?? []).map(({ key, value }) => ({ key, value })),
        resources: [...(selection.resources ?? [])],
        notResources: [...(selection.notResources ?? [])],
        conditions: {
            stringEquals: asResourceTag(selection.conditions?.stringEquals),
            stringLike: asResourceTag(selection.conditions?.stringLike),
            stringNotEquals: asResourceTag(selection.conditions?.stringNotEquals),
            stringNotLike: asResourceTag(selection.conditions?.stringNotLike),
        },
    };
}
