/**
 * The central backup account's vaults: their lock, which organizational units may copy into them, the
 * disaster-recovery region of each workload region, and the optional logically air-gapped vault. Also the rules that
 * tie tiers' copy actions to those vaults: a copy needs a destination vault, and its retention must fit the vault's lock.
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { evenWithOtherErrors, num, region, regionList, regionMap } from "../common";
import { arns, CentralBackupModel, CopyActionModel, physicalNames, VaultLockModel } from "../model";
import { SectionEnvironment, unknownReference, valueSection } from "../section";
import { resolvedAccounts } from "./accounts";
import { centralAccountSection } from "./central-account";
import { organizationSection } from "./organization";
import { organizationalUnitsSection } from "./organizational-units";
import { breakGlassRoleNameSection, namePrefixSection } from "./settings";
import { CopyActionConfig, tiersSection } from "./tiers";
import { lockRange, vaultLockSchema, vaultsSection } from "./vaults";

/**
 * The air-gapped vault's retention bounds are required, at least 7 days, at most 100 years.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateLogicallyAirGappedBackupVault.html
 */
const airGappedRetention = (what: string) =>
    z
        .int({ error: `${what} must be a whole number of days` })
        .min(rules.MIN_AIR_GAPPED_RETENTION_DAYS, {
            error: `${what} must be at least ${rules.MIN_AIR_GAPPED_RETENTION_DAYS} days (AWS Backup CreateLogicallyAirGappedBackupVault)`,
        })
        .max(rules.MAX_RETENTION_DAYS, { error: `${what} must be at most ${rules.MAX_RETENTION_DAYS} days` });

export const airGappedVaultSchema = z
    .strictObject({
        /** Central regions that get an air-gapped vault; default every central region. */
        regions: regionList.min(1, { error: "name at least one central region, or leave regions out for all of them" }).optional(),
        /** Shortest retention of a copy into the vault. */
        minRetentionDays: airGappedRetention("minRetentionDays"),
        /** Longest retention of a copy into the vault. */
        maxRetentionDays: airGappedRetention("maxRetentionDays"),
    })
    .superRefine((vault, ctx) => {
        const min = num(vault.minRetentionDays);
        const max = num(vault.maxRetentionDays);
        if (min !== undefined && max !== undefined && min > max) {
            ctx.addIssue({ code: "custom", path: ["minRetentionDays"], message: `minRetentionDays ${min} must not exceed maxRetentionDays ${max}` });
        }
    }, evenWithOtherErrors);

export const centralBackupSchema = z.strictObject({
    /** Vault Lock of every central vault. */
    vaultLock: vaultLockSchema.optional(),
    /** For each workload region, the central region that receives its disaster-recovery copies. */
    disasterRecoveryRegions: regionMap(region).optional(),
    /** A logically air-gapped vault per central region listed, a copy target for tiers that ask for it. */
    airGappedVault: airGappedVaultSchema.optional(),
    /** Only these OUs (keys of organizationalUnits) may copy into the central vaults; default the whole organization. */
    copySources: z.strictObject({ organizationalUnits: z.array(z.string()).min(1, { error: "name at least one OU" }) }).optional(),
});

export type CentralBackupConfig = z.infer<typeof centralBackupSchema>;

export const centralBackupSection = {
    ...valueSection("centralBackup", centralBackupSchema.optional()),
    check(env: SectionEnvironment) {
        checkDisasterRecoveryRegions(env);
        checkAirGappedRegions(env);
        checkCopySources(env);
        checkCopyDestinations(env);
        checkCopyRetention(env);
        warnShortComplianceGrace(env);
    },
};

/** Compliance locks that become immutable within this many days get a warning: too little time to notice a mistake. */
export const SHORT_COMPLIANCE_GRACE_DAYS = 7;

const centralRegions = (env: SectionEnvironment) => env.get(centralAccountSection)?.regions ?? [];
const listOf = (values: string[]) => values.join(", ") || "none";

/** A copy to a region without a central vault has no destination: the region must be one of the central account's. */
function checkDisasterRecoveryRegions(env: SectionEnvironment): void {
    const map = env.get(centralBackupSection)?.disasterRecoveryRegions ?? {};
    const central = centralRegions(env);
    for (const [source, target] of Object.entries(map)) {
        const path = `centralBackup.disasterRecoveryRegions.${source}`;
        if (source === target) {
            env.collector.error(path, `the disaster-recovery region of ${source} must be another region`);
        } else if (env.get(centralAccountSection) && !central.includes(target)) {
            env.collector.error(
                path,
                `disaster-recovery copies of ${source} would go to ${target}, which has no central vault (centralAccount.regions: ${listOf(central)})`,
            );
        }
    }
}

function checkAirGappedRegions(env: SectionEnvironment): void {
    const vault = env.get(centralBackupSection)?.airGappedVault;
    if (!vault || !env.get(centralAccountSection)) return;
    const central = centralRegions(env);
    (vault.regions ?? central).forEach((name, index) => {
        const path = vault.regions ? `centralBackup.airGappedVault.regions[${index}]` : "centralBackup.airGappedVault";
        if (rules.AIR_GAPPED_UNAVAILABLE_REGIONS.has(name)) {
            env.collector.error(
                path,
                `AWS Backup has no logically air-gapped vaults in ${name}${vault.regions ? "" : " (one of the central regions)"}; list the regions that have them`,
            );
        }
        if (!central.includes(name)) {
            env.collector.error(
                path,
                `${name} is not a central region (centralAccount.regions: ${listOf(central)}); the air-gapped vault lives in the central account`,
            );
        }
    });
}

/** Tiers that copy anything, and the rules and copies of each, from the tiers that parsed. */
function copyingRules(env: SectionEnvironment) {
    const found: Array<{ tier: string; rule: string; index: number; copy: CopyActionConfig }> = [];
    for (const [tier, config] of env.get(tiersSection)?.parsed ?? []) {
        for (const [rule, ruleConfig] of Object.entries(config.rules)) {
            (ruleConfig.copies ?? []).forEach((copy, index) => found.push({ tier, rule, index, copy }));
        }
    }
    return found;
}

/** Whether any tier an account uses copies into the central account (cross-account copies). */
export function tiersThatCopy(env: SectionEnvironment): Set<string> {
    return new Set(copyingRules(env).map((entry) => entry.tier));
}

/**
 * With copySources, the central vault policy lets only principals under those OUs copy in (aws:PrincipalOrgPaths);
 * an account outside them that copies would be denied at run time.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
 */
function checkCopySources(env: SectionEnvironment): void {
    const sources = env.get(centralBackupSection)?.copySources;
    if (!sources) return;
    const ous = env.get(organizationalUnitsSection);
    sources.organizationalUnits.forEach((name, index) => {
        if (ous && !ous.present.has(name)) {
            env.collector.error(
                `centralBackup.copySources.organizationalUnits[${index}]`,
                unknownReference("organizational unit", name, ous.present.keys(), "organizationalUnits"),
            );
        }
    });
    const copying = tiersThatCopy(env);
    const outside = resolvedAccounts(env).filter(
        (account) => account.tiers.some((tier) => copying.has(tier)) && !sources.organizationalUnits.includes(account.ou.name),
    );
    if (outside.length > 0) {
        env.collector.error(
            "centralBackup.copySources.organizationalUnits",
            `${outside.map((account) => `${account.config.alias} (OU ${account.ou.name})`).join(", ")} copy into the central vaults but are outside these OUs; their copy jobs would be denied`,
        );
    }
}

/** The region a copy goes to from `sourceRegion`, or undefined when config gives it none. */
function destinationRegion(config: CentralBackupConfig | undefined, copy: CopyActionConfig, sourceRegion: string): string | undefined {
    return copy.to === "disasterRecovery" ? config?.disasterRecoveryRegions?.[sourceRegion] : sourceRegion;
}

function airGappedRegions(env: SectionEnvironment): string[] {
    const vault = env.get(centralBackupSection)?.airGappedVault;
    if (!vault) return [];
    return vault.regions ?? centralRegions(env);
}

/** Every copy of every account-region that uses its tier must have a destination vault, named in messages with both regions. */
function checkCopyDestinations(env: SectionEnvironment): void {
    if (!env.get(centralAccountSection)) return;
    const config = env.get(centralBackupSection);
    const central = centralRegions(env);
    const airGapped = airGappedRegions(env);
    const copies = copyingRules(env);
    // One message per copy action and source region, naming the accounts that back up there.
    const problems = new Map<string, { path: string; accounts: string[]; message: (accounts: string) => string }>();
    const note = (path: string, key: string, alias: string, message: (accounts: string) => string) => {
        const entry = problems.get(`${path}|${key}`) ?? { path, accounts: [], message };
        if (!entry.accounts.includes(alias)) entry.accounts.push(alias);
        problems.set(`${path}|${key}`, entry);
    };
    for (const account of resolvedAccounts(env)) {
        for (const { tier, rule, index, copy } of copies.filter((entry) => account.tiers.includes(entry.tier))) {
            const path = `tiers.${tier}.rules.${rule}.copies[${index}]`;
            for (const source of account.regions) {
                const target = destinationRegion(config, copy, source);
                if (copy.to === "disasterRecovery" && target === undefined) {
                    note(
                        path,
                        source,
                        account.config.alias,
                        (accounts) =>
                            `${source} (where ${accounts} back up) has no disaster-recovery region; set centralBackup.disasterRecoveryRegions.${source}`,
                    );
                } else if (copy.to === "central" && !central.includes(source)) {
                    note(
                        path,
                        source,
                        account.config.alias,
                        (accounts) =>
                            `copies to the central vault in ${source} (where ${accounts} back up), but the central account has no vault in ${source} (centralAccount.regions: ${listOf(central)})`,
                    );
                } else if (copy.to === "airGapped" && !airGapped.includes(source)) {
                    const where = config?.airGappedVault
                        ? `centralBackup.airGappedVault.regions: ${listOf(airGapped)}`
                        : "centralBackup.airGappedVault is not set";
                    note(
                        path,
                        source,
                        account.config.alias,
                        (accounts) => `copies to the air-gapped vault in ${source} (where ${accounts} back up), but there is none there (${where})`,
                    );
                }
            }
        }
    }
    for (const { path, accounts, message } of problems.values()) env.collector.error(path, message(accounts.join(", ")));
}

/** Allowed retention of a vault that a copy goes to, as a lock's range. */
function destinationLock(
    env: SectionEnvironment,
    copy: CopyActionConfig,
): { lock: Pick<VaultLockModel, "minRetentionDays" | "maxRetentionDays">; vault: string } | undefined {
    const config = env.get(centralBackupSection);
    if (copy.to === "airGapped") {
        const vault = config?.airGappedVault;
        return vault
            ? { lock: { minRetentionDays: vault.minRetentionDays, maxRetentionDays: vault.maxRetentionDays }, vault: "the air-gapped vault" }
            : undefined;
    }
    return config?.vaultLock ? { lock: config.vaultLock, vault: "the central vault" } : undefined;
}

/**
 * A copy job fails when its retention is outside the destination vault's lock range, as a backup job does; the
 * air-gapped vault's minimum and maximum retention work the same way.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html
 */
function checkCopyRetention(env: SectionEnvironment): void {
    for (const { tier, rule, index, copy } of copyingRules(env)) {
        const destination = destinationLock(env, copy);
        if (!destination) continue;
        const { lock, vault } = destination;
        const path = `tiers.${tier}.rules.${rule}.copies[${index}].lifecycle.deleteAfterDays`;
        const days = copy.lifecycle?.deleteAfterDays;
        const range = lockRange({ mode: "governance", ...lock });
        if (days === undefined) {
            if (lock.maxRetentionDays !== undefined)
                env.collector.error(path, `keeps copies forever, but ${vault} allows ${range}; copy jobs would fail at run time`);
        } else if (
            (lock.minRetentionDays !== undefined && days < lock.minRetentionDays) ||
            (lock.maxRetentionDays !== undefined && days > lock.maxRetentionDays)
        ) {
            env.collector.error(path, `${days} days is outside ${vault}'s retention range ${range}; copy jobs would fail at run time (AWS Backup Vault Lock)`);
        }
    }
}

/**
 * Compliance mode: once changeableForDays have passed, nobody (the root user and AWS included) can remove the lock or
 * shorten its retention, and the vault cannot be deleted while it holds recovery points.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
function warnShortComplianceGrace(env: SectionEnvironment): void {
    const locks: Array<[string, { mode: string; changeableForDays?: number } | undefined]> = [
        ["centralBackup.vaultLock", env.get(centralBackupSection)?.vaultLock],
        ...[...(env.get(vaultsSection)?.parsed ?? [])].map(([key, vault]): [string, typeof vault.lock] => [`vaults.${key}.lock`, vault.lock]),
    ];
    for (const [path, lock] of locks) {
        if (lock?.mode !== "compliance" || lock.changeableForDays === undefined || lock.changeableForDays >= SHORT_COMPLIANCE_GRACE_DAYS) continue;
        env.collector.warning(
            `${path}.changeableForDays`,
            `compliance lock becomes immutable ${lock.changeableForDays} days after it is set: from then on no one, not even AWS, can remove it or shorten its retention; allow at least ${SHORT_COMPLIANCE_GRACE_DAYS} days to catch a mistake`,
        );
    }
}

/** One copy action of a rule running in `sourceRegion`, with its destination vault's ARN from the central model. */
export function copyActionModel(env: SectionEnvironment, copy: CopyActionConfig, sourceRegion: string): CopyActionModel {
    const central = env.get(centralAccountSection)!;
    const partition = rules.partitionOf(central.regions[0]);
    const prefix = env.get(namePrefixSection)!;
    const target = destinationRegion(env.get(centralBackupSection), copy, sourceRegion)!;
    const vaultName = copy.to === "airGapped" ? physicalNames.airGappedVault(prefix) : physicalNames.centralVault(prefix);
    return {
        target: copy.to,
        region: target,
        destinationVaultArn: arns.vault(partition, target, central.id, vaultName),
        ...(copy.lifecycle ? { lifecycle: { ...copy.lifecycle } } : {}),
    };
}

/** The central vaults' model: key, lock, roles, copy sources and the air-gapped vault. */
export function buildCentralBackup(
    env: SectionEnvironment,
    partition: string,
): {
    backup: CentralBackupModel;
    airGappedVaultArnByRegion: Record<string, string>;
    disasterRecoveryRegionByRegion: Record<string, string>;
} {
    const config = env.get(centralBackupSection);
    const central = env.get(centralAccountSection)!;
    const prefix = env.get(namePrefixSection)!;
    const organization = env.get(organizationSection)!;
    const ouIds = (config?.copySources?.organizationalUnits ?? []).map((name) => env.get(organizationalUnitsSection)!.parsed.get(name)!.id);
    const airGapped = config?.airGappedVault;
    const airGappedName = physicalNames.airGappedVault(prefix);
    const backupRoleName = physicalNames.backupRole(prefix);
    return {
        backup: {
            key: { aliasName: physicalNames.keyAlias(prefix), description: `Encrypts the central backup vault of account ${central.id}` },
            ...(config?.vaultLock ? { vaultLock: { ...config.vaultLock } } : {}),
            backupRole: { name: backupRoleName, arn: arns.role(partition, central.id, backupRoleName) },
            breakGlassRoleArn: arns.role(partition, central.id, env.get(breakGlassRoleNameSection)!),
            // An OU's path is o-<org>/r-<root>/<parent OUs>/ou-<id>/, so "*" stands for the root and any parent OUs.
            copySources: { organizationId: organization.id, organizationalUnitPaths: [...new Set(ouIds)].map((id) => `${organization.id}/*/${id}/*`) },
            ...(airGapped
                ? {
                      airGappedVault: {
                          name: airGappedName,
                          minRetentionDays: airGapped.minRetentionDays,
                          maxRetentionDays: airGapped.maxRetentionDays,
                          regions: [...(airGapped.regions ?? central.regions)],
                      },
                  }
                : {}),
        },
        airGappedVaultArnByRegion: Object.fromEntries(
            (airGapped ? (airGapped.regions ?? central.regions) : []).map((name) => [name, arns.vault(partition, name, central.id, airGappedName)]),
        ),
        disasterRecoveryRegionByRegion: { ...(config?.disasterRecoveryRegions ?? {}) },
    };
}
