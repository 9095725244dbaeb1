/**
 * Protected buckets: S3 buckets the platform creates in a workload account and region, versioned, encrypted with a
 * customer-managed key, with lifecycle rules, an optional replica in another region and Object Lock, and tagged so
 * that the AWS Backup tiers they name back them up. Config lists them per account alias and region:
 *
 *   protectedBuckets:
 *     kyc-prod:
 *       eu-west-1:
 *         records: { backupTiers: [pitr, daily], replication: { region: eu-central-1 } }
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { tagsThatSelect, selectionSelects } from "../backup-selection";
import { backupResourceTypesIn } from "../backup-resource-type-data";
import { evenWithOtherErrors, num, positiveDays, region as regionSchema, regionMap } from "../common";
import { duplicates } from "../findings";
import { arns, physicalNames, ProtectedBucketModel, S3BackupTieringModel } from "../model";
import { mapSection, SectionEnvironment, unknownReference } from "../section";
import { resolvedAccounts, ResolvedAccount } from "./accounts";
import { optedIn } from "./backup-resource-types";
import { namePrefixSection, platformTags, tagsSection } from "./settings";
import { TierConfig, tiersSection } from "./tiers";

/** Bucket keys become part of bucket, key-alias and role names: lowercase letters, digits and inner hyphens. */
const BUCKET_KEY = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

const storageClass = z.enum(rules.LIFECYCLE_STORAGE_CLASSES, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a lifecycle storage class here (use one of ${rules.LIFECYCLE_STORAGE_CLASSES.join(", ")})`,
});

const transition = z.strictObject({
    /** Days after creation (or after becoming noncurrent) before objects move. */
    days: z.int({ error: "days must be a whole number of days" }).min(0, { error: "days must be 0 or more" }),
    storageClass,
});

type Transition = z.infer<typeof transition>;

/**
 * Problems of one list of transitions, in S3's terms: each moves to a later class of the waterfall on a later day,
 * Standard-IA no earlier than day 30, and the next move at least 30 days after Standard-IA.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
 */
export function transitionProblems(list: unknown, what: "objects" | "noncurrent versions"): Array<{ index: number; message: string }> {
    if (!Array.isArray(list)) return [];
    const problems: Array<{ index: number; message: string }> = [];
    const order = rules.LIFECYCLE_STORAGE_CLASSES as readonly string[];
    list.forEach((raw: Partial<Transition>, index) => {
        const days = num(raw?.days);
        const cls = raw?.storageClass;
        if (days === undefined || typeof cls !== "string" || !order.includes(cls)) return;
        if (cls === "STANDARD_IA" && days < rules.MIN_DAYS_BEFORE_STANDARD_IA) {
            problems.push({
                index,
                message: `${what} must stay at least ${rules.MIN_DAYS_BEFORE_STANDARD_IA} days in their current class before moving to STANDARD_IA, got ${days} (S3 lifecycle transition constraints)`,
            });
        }
        if (index === 0) return;
        const previous = list[index - 1] as Partial<Transition>;
        const previousDays = num(previous?.days);
        if (previousDays === undefined || typeof previous?.storageClass !== "string") return;
        if (order.indexOf(cls) <= order.indexOf(previous.storageClass)) {
            problems.push({
                index,
                message: `${previous.storageClass} cannot move to ${cls}: S3 only moves ${what} down the waterfall ${order.join(" → ")}`,
            });
        } else if (days <= previousDays) {
            problems.push({ index, message: `day ${days} must come after the previous transition's day ${previousDays}` });
        } else if (previous.storageClass === "STANDARD_IA" && days < previousDays + rules.MIN_DAYS_IN_STANDARD_IA) {
            problems.push({
                index,
                message: `${what} must stay at least ${rules.MIN_DAYS_IN_STANDARD_IA} days in STANDARD_IA, so this transition needs day ${previousDays + rules.MIN_DAYS_IN_STANDARD_IA} or later (S3 lifecycle transition constraints)`,
            });
        }
    });
    return problems;
}

const lifecycleSchema = z
    .strictObject({
        /** Moves of current versions, in waterfall order. */
        transitions: z.array(transition).default([]),
        /** Moves of noncurrent versions, in waterfall order. */
        noncurrentTransitions: z.array(transition).default([]),
        /** Days after becoming noncurrent before a version is deleted; without it noncurrent versions stay. */
        noncurrentExpirationDays: positiveDays("noncurrentExpirationDays").optional(),
        /** Days before incomplete multipart uploads are aborted. */
        abortIncompleteMultipartUploadDays: positiveDays("abortIncompleteMultipartUploadDays").default(7),
        /** Remove delete markers that no longer hide any version. */
        expiredObjectDeleteMarkers: z.boolean().default(true),
    })
    .superRefine((lifecycle, ctx) => {
        for (const [key, what] of [
            ["transitions", "objects"],
            ["noncurrentTransitions", "noncurrent versions"],
        ] as const) {
            for (const problem of transitionProblems(lifecycle[key], what))
                ctx.addIssue({ code: "custom", path: [key, problem.index], message: problem.message });
        }
        // An expiration must come after the last transition of the versions it deletes.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html
        const expiration = num(lifecycle.noncurrentExpirationDays);
        const last = Array.isArray(lifecycle.noncurrentTransitions) ? num(lifecycle.noncurrentTransitions.at(-1)?.days) : undefined;
        if (expiration !== undefined && last !== undefined && expiration <= last) {
            ctx.addIssue({
                code: "custom",
                path: ["noncurrentExpirationDays"],
                message: `noncurrent versions expire on day ${expiration}, not after their last transition on day ${last}; S3 requires the expiration to come later`,
            });
        }
    }, evenWithOtherErrors);

/** Replica storage classes that read at once: the replica is where reads go when the source region is down. */
const REPLICA_STORAGE_CLASSES = ["STANDARD", "STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR"] as const;

const replicationSchema = z.strictObject({
    /** Region of the replica bucket; one of the account's regions, not the bucket's own. */
    region: regionSchema,
    /** S3 Replication Time Control: 99.99% of objects replicated within 15 minutes, with replication metrics. */
    replicationTimeControl: z.boolean().default(false),
    /** Replicate delete markers, so the replica shows what the source shows. */
    replicateDeleteMarkers: z.boolean().default(true),
    /** Storage class of replicas. */
    storageClass: z
        .enum(REPLICA_STORAGE_CLASSES, {
            error: (issue) =>
                `${JSON.stringify(issue.input)}: replicas must be readable without a restore when the source region is down (use ${REPLICA_STORAGE_CLASSES.join(", ")})`,
        })
        .default("STANDARD"),
});

/**
 * Object Lock default retention: a mode and exactly one of Days or Years.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DefaultRetention.html
 */
const objectLockSchema = z
    .strictObject({
        mode: z.enum(["governance", "compliance"], { error: 'mode must be "governance" or "compliance"' }),
        days: positiveDays("days").optional(),
        years: z.int({ error: "years must be a whole number" }).min(1, { error: "years must be at least 1" }).optional(),
    })
    .superRefine((lock, ctx) => {
        if ((lock.days === undefined) === (lock.years === undefined)) {
            ctx.addIssue({ code: "custom", message: "set exactly one of days or years (S3 Object Lock DefaultRetention)" });
        }
    }, evenWithOtherErrors);

const intelligentTieringSchema = z
    .strictObject({
        archiveAccessDays: z
            .int()
            .min(rules.INTELLIGENT_TIERING_ARCHIVE_MIN_DAYS, {
                error: `archiveAccessDays must be at least ${rules.INTELLIGENT_TIERING_ARCHIVE_MIN_DAYS} (S3 Intelligent-Tiering Archive Access)`,
            })
            .max(rules.INTELLIGENT_TIERING_MAX_DAYS, { error: `archiveAccessDays must be at most ${rules.INTELLIGENT_TIERING_MAX_DAYS}` })
            .optional(),
        deepArchiveAccessDays: z
            .int()
            .min(rules.INTELLIGENT_TIERING_DEEP_ARCHIVE_MIN_DAYS, {
                error: `deepArchiveAccessDays must be at least ${rules.INTELLIGENT_TIERING_DEEP_ARCHIVE_MIN_DAYS} (S3 Intelligent-Tiering Deep Archive Access)`,
            })
            .max(rules.INTELLIGENT_TIERING_MAX_DAYS, { error: `deepArchiveAccessDays must be at most ${rules.INTELLIGENT_TIERING_MAX_DAYS}` })
            .optional(),
    })
    .refine((tiering) => tiering.archiveAccessDays !== undefined || tiering.deepArchiveAccessDays !== undefined, {
        error: "set archiveAccessDays, deepArchiveAccessDays or both",
    });

export const protectedBucketSchema = z.strictObject({
    /** What the bucket holds, for people reading the plan. */
    description: z.string().optional(),
    /** Tiers (of the account) whose AWS Backup plans back the bucket up; the bucket is tagged so they select it. */
    backupTiers: z.array(z.string()).default([]),
    lifecycle: lifecycleSchema.default({ transitions: [], noncurrentTransitions: [], abortIncompleteMultipartUploadDays: 7, expiredObjectDeleteMarkers: true }),
    /** Archive tiers for objects stored in S3 Intelligent-Tiering. */
    intelligentTiering: intelligentTieringSchema.optional(),
    /** Cross-region replication to a replica bucket in the same account. */
    replication: replicationSchema.optional(),
    /** S3 Object Lock with a default retention (WORM); it can never be turned off again. */
    objectLock: objectLockSchema.optional(),
    /** Send the bucket's events to Amazon EventBridge. */
    eventBridge: z.boolean().default(true),
    /** Days after which AWS Backup moves the bucket's backups to its low-cost warm tier. */
    backupTieringDownAfterDays: z
        .int()
        .min(rules.BACKUP_TIERING_MIN_DAYS, { error: `backupTieringDownAfterDays must be at least ${rules.BACKUP_TIERING_MIN_DAYS} (AWS Backup tiering)` })
        .max(rules.BACKUP_TIERING_MAX_DAYS, { error: `backupTieringDownAfterDays must be at most ${rules.BACKUP_TIERING_MAX_DAYS}` })
        .optional(),
});

export type ProtectedBucketConfig = z.infer<typeof protectedBucketSchema>;

const bucketsOfRegion = z.record(z.string(), protectedBucketSchema).superRefine((buckets, ctx) => {
    for (const key of Object.keys(buckets)) {
        if (!BUCKET_KEY.test(key)) {
            ctx.addIssue({
                code: "custom",
                path: [key],
                message: `${JSON.stringify(key)} is not a bucket key (1-40 lowercase letters, digits and inner hyphens)`,
            });
        }
    }
});

export const protectedBucketsSection = {
    ...mapSection("protectedBuckets", regionMap(bucketsOfRegion), { optional: true }),
    check(env: SectionEnvironment) {
        coverage(env);
    },
};

/** One configured bucket with everything the checks and the model derive for it. */
interface PlannedBucket {
    path: string;
    account: ResolvedAccount;
    region: string;
    key: string;
    config: ProtectedBucketConfig;
    name: string;
    accountRegional: boolean;
    replicaName?: string;
    replicaAccountRegional: boolean;
    tags: Record<string, string>;
    tiers: string[];
    continuousTiers: string[];
    periodicTiers: string[];
    vaultKey?: string;
}

const usesAccountRegionalNamespace = (region: string) => !rules.S3_REGIONS_WITHOUT_ACCOUNT_REGIONAL_NAMESPACE.has(region);

/** Every bucket of the config, checked once (findings recorded the first time), for the checks and the model. */
function coverage(env: SectionEnvironment): PlannedBucket[] {
    return env.memo(planBuckets);
}

function planBuckets(env: SectionEnvironment): PlannedBucket[] {
    const { collector } = env;
    const section = env.get(protectedBucketsSection);
    const prefix = env.get(namePrefixSection);
    if (!section || section.parsed.size === 0) return [];
    const accounts = resolvedAccounts(env);
    const aliases = accounts.map((account) => account.config.alias);
    const tiers = env.get(tiersSection)?.parsed ?? new Map<string, TierConfig>();
    const baseTags = platformTags(env, env.get(tagsSection) ?? {});
    const planned: PlannedBucket[] = [];
    for (const [alias, regions] of section.parsed) {
        const account = accounts.find((candidate) => candidate.config.alias === alias);
        if (!account) {
            collector.error(`protectedBuckets.${alias}`, unknownReference("workload account alias", alias, aliases, "accounts"));
            continue;
        }
        for (const [region, buckets] of Object.entries(regions)) {
            if (!account.regions.includes(region)) {
                collector.error(
                    `protectedBuckets.${alias}.${region}`,
                    `${alias} is not deployed in ${region} (its regions: ${account.regions.join(", ")}, from ${account.regionsPath}); the platform creates buckets only where it deploys`,
                );
                continue;
            }
            for (const [key, config] of Object.entries(buckets)) {
                const bucket = planBucket(env, `protectedBuckets.${alias}.${region}.${key}`, account, region, key, config, prefix, tiers, baseTags);
                if (bucket) planned.push(bucket);
            }
        }
    }
    checkTieringLimits(env, planned);
    const names = planned.flatMap((bucket) => [bucket.name, ...(bucket.replicaName ? [bucket.replicaName] : [])]);
    for (const name of duplicates(names)) collector.error("protectedBuckets", `bucket name ${name} is derived twice; bucket names are unique in a partition`);
    return planned;
}

function planBucket(
    env: SectionEnvironment,
    path: string,
    account: ResolvedAccount,
    region: string,
    key: string,
    config: ProtectedBucketConfig,
    prefix: string | undefined,
    tiers: Map<string, TierConfig>,
    baseTags: Record<string, string>,
): PlannedBucket | undefined {
    const { collector } = env;
    const accountId = account.config.id;
    let valid = true;
    const accountRegional = usesAccountRegionalNamespace(region);
    const name = prefix === undefined ? "" : physicalNames.protectedBucket(prefix, key, accountId, region, accountRegional);
    const nameProblem = prefix === undefined ? undefined : rules.bucketNameProblem(name);
    if (nameProblem) {
        collector.error(path, `bucket name ${JSON.stringify(name)} (namePrefix-key-account-region) ${nameProblem}`);
        valid = false;
    }
    let replicaName: string | undefined;
    const replicaRegion = config.replication?.region;
    const replicaAccountRegional = replicaRegion !== undefined && usesAccountRegionalNamespace(replicaRegion);
    if (replicaRegion !== undefined) {
        if (replicaRegion === region) {
            collector.error(
                `${path}.replication.region`,
                `the replica must be in another region than the bucket (${region}); cross-region replication needs two regions`,
            );
            valid = false;
        } else if (!account.regions.includes(replicaRegion)) {
            collector.error(
                `${path}.replication.region`,
                `${replicaRegion} is not one of ${account.config.alias}'s regions (${account.regions.join(", ")}); the platform creates the replica, its key and role only where it deploys`,
            );
            valid = false;
        } else if (rules.partitionOf(replicaRegion) !== rules.partitionOf(region)) {
            collector.error(`${path}.replication.region`, `${replicaRegion} is in another partition than ${region}`);
            valid = false;
        }
        if (prefix !== undefined) {
            replicaName = physicalNames.replicaBucket(prefix, key, accountId, replicaRegion, replicaAccountRegional);
            const problem = rules.bucketNameProblem(replicaName);
            if (problem) {
                collector.error(`${path}.replication`, `replica bucket name ${JSON.stringify(replicaName)} ${problem}`);
                valid = false;
            }
            const role = physicalNames.replicationRole(prefix, key, region);
            if (!rules.IAM_ROLE_NAME.test(role)) {
                collector.error(`${path}.replication`, `replication role name ${JSON.stringify(role)} is not a valid IAM role name (at most 64 characters)`);
                valid = false;
            }
        }
    }

    // Backup coverage: tags that make each listed tier select the bucket, then every tier that does select it.
    const arn = arns.bucket(rules.partitionOf(region), name);
    const derived: Record<string, string> = {};
    const tagSources: Record<string, string> = {};
    config.backupTiers.forEach((tierName, index) => {
        const tierPath = `${path}.backupTiers[${index}]`;
        if (!account.tiers.includes(tierName)) {
            collector.error(tierPath, unknownReference("tier", tierName, account.tiers, `${account.config.alias}'s tiers (${account.tiersPath})`));
            valid = false;
            return;
        }
        const tier = tiers.get(tierName);
        if (!tier) return; // invalid tier, reported in its section
        const result = tagsThatSelect(tier.selection, arn, baseTags);
        if (!result.ok) {
            collector.error(tierPath, `tier ${tierName} cannot select this bucket: ${result.problem}`);
            valid = false;
            return;
        }
        for (const [tagKey, value] of Object.entries(result.tags)) {
            if (tagKey in derived && derived[tagKey] !== value) {
                collector.error(
                    tierPath,
                    `tier ${tierName} selects by tag ${tagKey}=${value}, but tier ${tagSources[tagKey]} needs ${tagKey}=${derived[tagKey]}; a bucket carries one value per tag key, so no bucket can be in both`,
                );
                valid = false;
            }
            derived[tagKey] = value;
            tagSources[tagKey] = tierName;
        }
    });
    if (config.backupTiers.length > 0) {
        // AWS Backup protects S3 only where it supports S3 and the account opted in.
        // https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html
        if (!backupResourceTypesIn(region).includes("S3")) {
            collector.error(`${path}.backupTiers`, `AWS Backup does not back up S3 in ${region}; remove backupTiers or place the bucket in another region`);
            valid = false;
        }
        if (!optedIn(env, "S3")) {
            collector.error(
                `${path}.backupTiers`,
                "S3 is in resourceTypes.optOut, so AWS Backup would skip this bucket; remove S3 from optOut or remove backupTiers",
            );
            valid = false;
        }
    }
    if (config.backupTieringDownAfterDays !== undefined && config.backupTiers.length === 0) {
        collector.error(`${path}.backupTieringDownAfterDays`, "tiers AWS Backup recovery points, but the bucket has no backupTiers");
        valid = false;
    }
    const tags = { ...baseTags, ...derived };
    if (Object.keys(tags).length > rules.MAX_TAGS_PER_RESOURCE) {
        collector.error(path, `the bucket would carry ${Object.keys(tags).length} tags; S3 allows ${rules.MAX_TAGS_PER_RESOURCE}`);
        valid = false;
    }
    const selecting = account.tiers.filter((tierName) => tiers.has(tierName) && selectionSelects(tiers.get(tierName)!.selection, arn, tags));
    for (const tierName of selecting.filter((t) => !config.backupTiers.includes(t))) {
        collector.warning(
            `${path}.backupTiers`,
            `tier ${tierName} also selects this bucket (its selection matches the bucket's tags); list it to make that explicit`,
        );
    }
    const isContinuous = (tierName: string) => Object.values(tiers.get(tierName)!.rules).some((rule) => rule.continuousBackup);
    const isPeriodic = (tierName: string) => Object.values(tiers.get(tierName)!.rules).some((rule) => !rule.continuousBackup);
    const continuousTiers = selecting.filter(isContinuous);
    const periodicTiers = selecting.filter(isPeriodic);
    // "Continuous backups for an S3 bucket should only be configured in one backup plan", and "continuous and periodic
    // backups of S3 buckets must both reside in the same backup vault".
    // https://docs.aws.amazon.com/aws-backup/latest/devguide/s3-backups.html
    if (continuousTiers.length > 1) {
        collector.error(
            `${path}.backupTiers`,
            `tiers ${continuousTiers.join(" and ")} both back this bucket up continuously; AWS Backup allows one continuous plan per bucket`,
        );
        valid = false;
    }
    const vaults = [...new Set(selecting.map((tierName) => tiers.get(tierName)!.vault))];
    if (continuousTiers.length > 0 && periodicTiers.length > 0 && vaults.length > 1) {
        collector.error(
            `${path}.backupTiers`,
            `tiers ${selecting.map((t) => `${t} (vault ${tiers.get(t)!.vault})`).join(", ")} would put this bucket's continuous and periodic backups in different vaults; AWS Backup needs them in one vault`,
        );
        valid = false;
    }
    if (selecting.length > 0 && continuousTiers.length === 0) {
        collector.warning(
            `${path}.backupTiers`,
            "no tier backs this bucket up continuously, so it has no point-in-time restore; add a tier with continuousBackup",
        );
    }
    if (config.replication === undefined && config.objectLock?.mode === "compliance") {
        collector.warning(path, "compliance-mode Object Lock without a replica: a regional outage leaves no readable copy outside AWS Backup");
    }
    if (!valid) return undefined;
    return {
        path,
        account,
        region,
        key,
        config,
        name,
        accountRegional,
        replicaName,
        replicaAccountRegional,
        tags,
        tiers: selecting,
        continuousTiers,
        periodicTiers,
        vaultKey: vaults[0],
    };
}

/**
 * A vault takes one vault-specific tiering configuration, of at most 5 resource selections and 100 resources, so the
 * buckets of one account, region and vault share one: a selection per distinct number of days.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateTieringConfiguration.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ResourceSelection.html
 */
const MAX_TIERING_SELECTIONS = 5;
const MAX_TIERING_RESOURCES = 100;

function tieringGroups(buckets: PlannedBucket[]): Map<string, PlannedBucket[]> {
    const groups = new Map<string, PlannedBucket[]>();
    for (const bucket of buckets) {
        if (bucket.config.backupTieringDownAfterDays === undefined || bucket.vaultKey === undefined) continue;
        const group = `${bucket.account.config.id}|${bucket.region}|${bucket.vaultKey}`;
        groups.set(group, [...(groups.get(group) ?? []), bucket]);
    }
    return groups;
}

function checkTieringLimits(env: SectionEnvironment, buckets: PlannedBucket[]): void {
    for (const group of tieringGroups(buckets).values()) {
        const days = new Set(group.map((bucket) => bucket.config.backupTieringDownAfterDays));
        const { account, region, vaultKey } = group[0];
        if (days.size > MAX_TIERING_SELECTIONS || group.length > MAX_TIERING_RESOURCES) {
            env.collector.error(
                `protectedBuckets.${account.config.alias}.${region}`,
                `${group.length} buckets with ${days.size} different backupTieringDownAfterDays share vault ${vaultKey}'s tiering configuration; AWS Backup allows ${MAX_TIERING_SELECTIONS} selections and ${MAX_TIERING_RESOURCES} resources per configuration`,
            );
        }
    }
}

/** The tiering configurations of one account's vaults, for its model. */
export function buildS3BackupTiering(env: SectionEnvironment, partition: string, accountId: string): S3BackupTieringModel[] {
    const prefix = env.get(namePrefixSection)!;
    return [...tieringGroups(coverage(env).filter((bucket) => bucket.account.config.id === accountId)).values()].map((group) => {
        const vaultName = physicalNames.vault(prefix, group[0].vaultKey!);
        const days = [...new Set(group.map((bucket) => bucket.config.backupTieringDownAfterDays!))].sort((a, b) => a - b);
        return {
            region: group[0].region,
            vaultName,
            name: physicalNames.tieringConfiguration(vaultName),
            selections: days.map((tieringDownAfterDays) => ({
                tieringDownAfterDays,
                bucketArns: group
                    .filter((bucket) => bucket.config.backupTieringDownAfterDays === tieringDownAfterDays)
                    .map((bucket) => arns.bucket(partition, bucket.name)),
            })),
        };
    });
}

/** The protected buckets of one account, for its model. */
export function buildProtectedBuckets(env: SectionEnvironment, partition: string, accountId: string): ProtectedBucketModel[] {
    const prefix = env.get(namePrefixSection)!;
    return coverage(env)
        .filter((bucket) => bucket.account.config.id === accountId)
        .map((bucket): ProtectedBucketModel => {
            const { config, key, region } = bucket;
            const replication = config.replication;
            return {
                key,
                region,
                name: bucket.name,
                arn: arns.bucket(partition, bucket.name),
                accountRegionalNamespace: bucket.accountRegional,
                ...(config.description !== undefined ? { description: config.description } : {}),
                keyAlias: physicalNames.bucketKeyAlias(prefix, key),
                tags: bucket.tags,
                lifecycle: {
                    transitions: config.lifecycle.transitions.map((t) => ({ ...t })),
                    noncurrentTransitions: config.lifecycle.noncurrentTransitions.map((t) => ({ ...t })),
                    ...(config.lifecycle.noncurrentExpirationDays !== undefined ? { noncurrentExpirationDays: config.lifecycle.noncurrentExpirationDays } : {}),
                    abortIncompleteMultipartUploadDays: config.lifecycle.abortIncompleteMultipartUploadDays,
                    expiredObjectDeleteMarkers: config.lifecycle.expiredObjectDeleteMarkers,
                },
                ...(config.intelligentTiering ? { intelligentTiering: { ...config.intelligentTiering } } : {}),
                ...(config.objectLock
                    ? {
                          objectLock: {
                              mode: config.objectLock.mode === "compliance" ? "COMPLIANCE" : "GOVERNANCE",
                              ...(config.objectLock.days !== undefined ? { days: config.objectLock.days } : {}),
                              ...(config.objectLock.years !== undefined ? { years: config.objectLock.years } : {}),
                          },
                      }
                    : {}),
                eventBridge: config.eventBridge,
                ...(replication && bucket.replicaName
                    ? {
                          replication: {
                              region: replication.region,
                              bucketName: bucket.replicaName,
                              bucketArn: arns.bucket(partition, bucket.replicaName),
                              accountRegionalNamespace: bucket.replicaAccountRegional,
                              keyAlias: physicalNames.replicaKeyAlias(prefix, key),
                              roleName: physicalNames.replicationRole(prefix, key, region),
                              roleArn: arns.role(partition, accountId, physicalNames.replicationRole(prefix, key, region)),
                              replicationTimeControl: replication.replicationTimeControl,
                              replicateDeleteMarkers: replication.replicateDeleteMarkers,
                              storageClass: replication.storageClass,
                          },
                      }
                    : {}),
                ...(bucket.vaultKey !== undefined
                    ? {
                          backup: {
                              tiers: bucket.tiers,
                              continuousTiers: bucket.continuousTiers,
                              vaultName: physicalNames.vault(prefix, bucket.vaultKey),
                              ...(config.backupTieringDownAfterDays !== undefined ? { tieringDownAfterDays: config.backupTieringDownAfterDays } : {}),
                          },
                      }
                    : {}),
            };
        });
}
