/**
 * Workload accounts: each in an OU, with regions and tiers of its own or its OU's.
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { accountAlias, accountId, regionList } from "../common";
import { duplicates, formatPath } from "../findings";
import { AccountModel, AccountRegionModel, arns, physicalNames } from "../model";
import { listSection, SectionEnvironment, unknownReference } from "../section";
import { regionSettingsFor } from "./backup-resource-types";
import { centralAccountSection } from "./central-account";
import { managementAccountSection } from "./management-account";
import { organizationalUnitsSection } from "./organizational-units";
import { buildProtectedBuckets, buildS3BackupTiering } from "./protected-buckets";
import { buildScheduledBackups } from "./scheduled-backups";
import { breakGlassRoleNameSection, deploymentRoleNameSection, namePrefixSection } from "./settings";
import { plansFromBackupPolicies } from "./plan-source";
import { buildPlan, tiersSection } from "./tiers";
import { vaultModel } from "./vaults";

export const accountSchema = z.strictObject({
    id: accountId,
    alias: accountAlias,
    /** Key of the account's OU under `organizationalUnits`. */
    ou: z.string(),
    /** Regions to protect; defaults to the OU's. */
    regions: regionList.optional(),
    /** Tiers to apply; defaults to the OU's. */
    tiers: z.array(z.string()).optional(),
});

export type AccountConfig = z.infer<typeof accountSchema>;

/** An account with its OU defaults applied. */
export interface ResolvedAccount {
    index: number;
    config: AccountConfig;
    ou: { name: string; id: string };
    regions: string[];
    /** Where the regions came from, for messages. */
    regionsPath: string;
    tiers: string[];
    tiersPath: string;
}

export const accountsSection = {
    ...listSection("accounts", accountSchema),
    check(env: SectionEnvironment) {
        resolvedAccounts(env);
        checkIdentities(env);
        checkRegions(env);
    },
};

/** Applies OU defaults to each account once; reports accounts whose OU, regions or tiers cannot be resolved. */
export function resolvedAccounts(env: SectionEnvironment): ResolvedAccount[] {
    return env.memo(resolveAccounts);
}

function resolveAccounts(env: SectionEnvironment): ResolvedAccount[] {
    const { collector } = env;
    const ous = env.get(organizationalUnitsSection) ?? { parsed: new Map(), present: new Map() };
    const resolved: ResolvedAccount[] = [];
    for (const { index, value: account } of env.get(accountsSection) ?? []) {
        const path = formatPath(["accounts", index]);
        const ou = ous.parsed.get(account.ou);
        if (!ous.present.has(account.ou)) {
            collector.error(`${path}.ou`, unknownReference("organizational unit", account.ou, ous.present.keys(), "organizationalUnits"));
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

function checkIdentities(env: SectionEnvironment): void {
    const { collector } = env;
    const accounts = env.get(accountsSection) ?? [];
    const central = env.get(centralAccountSection);
    const management = env.get(managementAccountSection);
    const otherAliases = [central?.alias, management?.alias].filter((alias): alias is string => alias !== undefined);
    const repeatedIds = new Set(duplicates(accounts.map((entry) => entry.value.id)));
    const repeatedAliases = new Set(duplicates([...accounts.map((entry) => entry.value.alias), ...otherAliases]));
    for (const { index, value } of accounts) {
        const path = formatPath(["accounts", index]);
        if (repeatedIds.has(value.id)) collector.error(`${path}.id`, `account ${value.id} is listed more than once; account ids must be unique`);
        if (repeatedAliases.has(value.alias)) {
            collector.error(`${path}.alias`, `alias ${JSON.stringify(value.alias)} is used more than once; aliases name resources and must be unique`);
        }
        if (central && value.id === central.id) {
            collector.error(`${path}.id`, `account ${value.id} is the central backup account; list it only under centralAccount`);
        }
    }
    if (central && management && central.alias === management.alias) {
        collector.error(
            "managementAccount.alias",
            `alias ${JSON.stringify(central.alias)} is also the central account's; aliases name resources and must be unique`,
        );
    }
}

function checkRegions(env: SectionEnvironment): void {
    const { collector } = env;
    const central = env.get(centralAccountSection);
    const management = env.get(managementAccountSection);
    const partitions = new Map<string, string>();
    const note = (region: string, path: string) => {
        if (!partitions.has(rules.partitionOf(region))) partitions.set(rules.partitionOf(region), path);
    };
    central?.regions.forEach((region) => note(region, "centralAccount.regions"));
    if (management?.region) note(management.region, "managementAccount.region");
    for (const account of resolvedAccounts(env)) {
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

export function buildAccounts(env: SectionEnvironment, partition: string): AccountModel[] {
    const namePrefix = env.get(namePrefixSection)!;
    const deploymentRoleName = env.get(deploymentRoleNameSection)!;
    const breakGlassRoleName = env.get(breakGlassRoleNameSection)!;
    const backupRoleName = physicalNames.backupRole(namePrefix);
    const eventsRoleName = physicalNames.eventsRole(namePrefix);
    const central = env.get(centralAccountSection)!;
    return resolvedAccounts(env).map((account) => {
        const id = account.config.id;
        const deploymentRoleArn = arns.role(partition, id, deploymentRoleName);
        return {
            target: {
                kind: "workload",
                id,
                alias: account.config.alias,
                deploymentRoleArn,
                permissionsBoundaryArn: arns.managedPolicy(partition, id, physicalNames.permissionsBoundary(namePrefix)),
                homeRegion: account.regions[0],
                regions: [...account.regions],
            },
            id,
            alias: account.config.alias,
            ou: account.ou,
            homeRegion: account.regions[0],
            deploymentRoleArn,
            backupRole: { name: backupRoleName, arn: arns.role(partition, id, backupRoleName) },
            breakGlassRoleArn: arns.role(partition, id, breakGlassRoleName),
            regions: account.regions.map((region) => buildAccountRegion(env, partition, id, region, account.tiers)),
            protectedBuckets: buildProtectedBuckets(env, partition, id),
            scheduledBackups: buildScheduledBackups(env, partition, id, account.config.alias),
            s3BackupTiering: buildS3BackupTiering(env, partition, id),
            centralAccountId: central.id,
            eventsRole: {
                name: eventsRoleName,
                arn: arns.role(partition, id, eventsRoleName),
                eventBusArns: [...new Set(account.regions.map((region) => centralEventBusArn(env, partition, region)))],
            },
        };
    });
}

function buildAccountRegion(env: SectionEnvironment, partition: string, accountId: string, region: string, tierNames: string[]): AccountRegionModel {
    const namePrefix = env.get(namePrefixSection)!;
    const tiers = env.get(tiersSection)!.parsed;
    const vaultKeys = [...new Set(tierNames.map((name) => tiers.get(name)!.vault))];
    return {
        region,
        key: { aliasName: physicalNames.keyAlias(namePrefix), description: `Encrypts AWS Backup vaults of account ${accountId} in ${region}` },
        regionSettings: regionSettingsFor(env)(region),
        vaults: vaultKeys.map((key) => vaultModel(env, partition, region, accountId, key)),
        // With Organizations backup policies the plans come from the organization program; the account keeps the vaults.
        plans: plansFromBackupPolicies(env) ? [] : tierNames.map((name) => buildPlan(env, name, region)),
        notifications: { topicName: physicalNames.vaultNotificationTopic(namePrefix), events: [...FAILED_JOB_NOTIFICATIONS] },
        eventForwarding: { ruleName: physicalNames.failedJobsRule(namePrefix), eventBusArn: centralEventBusArn(env, partition, region) },
    };
}

/**
 * The vault events that report failed jobs. AWS Backup has no failed event for backup and restore jobs: their
 * COMPLETED events carry the job's state (a subscription filter policy can keep only failures); copy and S3 object
 * failures have events of their own.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultNotifications.html
 */
export const FAILED_JOB_NOTIFICATIONS = [
    "BACKUP_JOB_COMPLETED",
    "COPY_JOB_FAILED",
    "RESTORE_JOB_COMPLETED",
    "S3_BACKUP_OBJECT_FAILED",
    "S3_RESTORE_OBJECT_FAILED",
] as const;

/**
 * The central bus a workload region forwards to: the one in the same region, or the central account's first region's
 * for a workload region without one (EventBridge delivers to buses in other regions).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
 */
function centralEventBusArn(env: SectionEnvironment, partition: string, region: string): string {
    const central = env.get(centralAccountSection)!;
    const target = central.regions.includes(region) ? region : central.regions[0];
    return arns.eventBus(partition, target, central.id, physicalNames.eventBus(env.get(namePrefixSection)!));
}
