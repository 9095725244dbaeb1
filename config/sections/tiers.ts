/**
 * Tiers: each tier is one AWS Backup plan (its rules), one resource selection, and the vault its rules back up to.
 * Accounts (or their OUs) list the tiers they get.
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { evenWithOtherErrors, keysMatch, num, positiveDays, tagKey, tagMap, tagValue, tagValueSchema, timezone } from "../common";
import { duplicates } from "../findings";
import { TAG_TIER } from "../constants";
import { physicalNames, PlanModel, SelectionModel } from "../model";
import { mapSection, SectionEnvironment, unknownReference } from "../section";
import { minimumIntervalMinutes, parseScheduleExpression } from "../schedule-expression";
import { resolvedAccounts } from "./accounts";
import { optedIn } from "./backup-resource-types";
import { copyActionModel } from "./central-backup";
import { namePrefixSection } from "./settings";
import { lockRange, vaultsSection } from "./vaults";

const schedule = z.string().superRefine((text, ctx) => {
    const parsed = parseScheduleExpression(text);
    if (!parsed.ok) {
        for (const problem of parsed.problems) ctx.addIssue({ code: "custom", message: problem });
        return;
    }
    // AWS Backup takes cron expressions only. https://github.com/hashicorp/terraform-provider-aws/issues/8269
    if (parsed.expression.kind !== "cron") {
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(text)}: AWS Backup accepts only cron(...) schedules, not rate(...)` });
        return;
    }
    const interval = minimumIntervalMinutes(parsed.expression);
    if (interval < rules.MIN_SCHEDULE_INTERVAL_MINUTES) {
        ctx.addIssue({
            code: "custom",
            message: `${JSON.stringify(text)} runs every ${interval} minutes; AWS Backup needs at least ${rules.MIN_SCHEDULE_INTERVAL_MINUTES} minutes between backup jobs`,
        });
    }
});

export const lifecycleSchema = z.strictObject({
    /** Days after creation before recovery points move to cold storage. */
    coldStorageAfterDays: positiveDays("coldStorageAfterDays").optional(),
    /** Days after creation before recovery points are deleted. */
    deleteAfterDays: positiveDays("deleteAfterDays")
        .max(rules.MAX_RETENTION_DAYS, { error: `deleteAfterDays must be at most ${rules.MAX_RETENTION_DAYS} days (100 years, AWS Backup lifecycle limit)` })
        .optional(),
    /** Move supported resources to the archive tier at cold-storage time. */
    optInToArchiveForSupportedResources: z.boolean().optional(),
});

/** Copy targets a rule may name; their vaults and regions come from the central account's model. */
export const COPY_TARGETS = ["central", "disasterRecovery", "airGapped"] as const;

/**
 * A copy action of a rule: each recovery point the rule makes is copied into a central vault, where it has its own
 * lifecycle. https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CopyAction.html
 */
export const copyActionSchema = z.strictObject({
    /** central: the central vault in the rule's region; disasterRecovery: the central vault in that region's DR region; airGapped: the air-gapped vault in the rule's region. */
    to: z.enum(COPY_TARGETS, { error: `to must be one of ${COPY_TARGETS.join(", ")}` }),
    /** Lifecycle of the copies; without deleteAfterDays they are kept until deleted. */
    lifecycle: lifecycleSchema.optional(),
});

export type CopyActionConfig = z.infer<typeof copyActionSchema>;

export const ruleSchema = z
    .strictObject({
        schedule,
        timezone: timezone.default("Etc/UTC"),
        startWindowMinutes: z
            .int()
            .min(rules.MIN_START_WINDOW_MINUTES, {
                error: `startWindowMinutes must be at least ${rules.MIN_START_WINDOW_MINUTES} minutes (AWS Backup BackupRuleInput.StartWindowMinutes)`,
            })
            .max(rules.MAX_WINDOW_MINUTES, { error: `startWindowMinutes must be at most ${rules.MAX_WINDOW_MINUTES} (100 years)` })
            .optional(),
        completionWindowMinutes: z
            .int()
            .min(1, { error: "completionWindowMinutes must be a positive number of minutes" })
            .max(rules.MAX_WINDOW_MINUTES, { error: `completionWindowMinutes must be at most ${rules.MAX_WINDOW_MINUTES} (100 years)` })
            .optional(),
        lifecycle: lifecycleSchema.optional(),
        continuousBackup: z.boolean().default(false),
        recoveryPointTags: tagMap.optional(),
        /** Copies of every recovery point into central vaults, each with its own lifecycle. */
        copies: z.array(copyActionSchema).optional(),
    })
    .superRefine((rule, ctx) => {
        const startWindow = num(rule.startWindowMinutes);
        const completionWindow = num(rule.completionWindowMinutes);
        // The completion window counts from the scheduled time, so it must leave a full hour after the start window;
        // without a start window AWS Backup uses its default of 8 hours.
        const start = startWindow ?? rules.DEFAULT_START_WINDOW_MINUTES;
        if (completionWindow !== undefined && completionWindow < start + rules.MIN_COMPLETION_AFTER_START_MINUTES) {
            const which = startWindow === undefined ? `AWS Backup's default start window ${start}` : `the start window ${start}`;
            ctx.addIssue({
                code: "custom",
                path: ["completionWindowMinutes"],
                message: `completionWindowMinutes ${completionWindow} must be at least ${rules.MIN_COMPLETION_AFTER_START_MINUTES} minutes more than ${which} (AWS Backup BackupRuleInput)`,
            });
        }
        lifecycleProblems(rule.lifecycle, rule.continuousBackup === true).forEach((problem) => ctx.addIssue({ code: "custom", ...problem }));
        // A copy of a continuous backup is a snapshot, so its lifecycle follows the snapshot rules, not PITR's 35 days.
        // https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html
        const copies: unknown[] = Array.isArray(rule.copies) ? rule.copies : [];
        copies.forEach((copy, index) => {
            const lifecycle = (copy as { lifecycle?: unknown } | null)?.lifecycle;
            lifecycleProblems(lifecycle, false).forEach((problem) => ctx.addIssue({ code: "custom", ...problem, path: ["copies", index, ...problem.path] }));
        });
        const targets = copies.map((copy) => (copy as { to?: unknown } | null)?.to).filter((to): to is string => typeof to === "string");
        for (const target of duplicates(targets)) {
            ctx.addIssue({ code: "custom", path: ["copies"], message: `copies to ${target} more than once; one copy action per destination vault` });
        }
    }, evenWithOtherErrors);

/**
 * Every problem of one lifecycle: the 90 days in cold storage, and continuous backup's retention range and no cold
 * storage. One function, so a copy action's lifecycle is checked exactly like its rule's.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html
 */
export function lifecycleProblems(raw: unknown, continuous: boolean): Array<{ path: PropertyKey[]; message: string }> {
    const problems: Array<{ path: PropertyKey[]; message: string }> = [];
    const lifecycle = (raw ?? {}) as { coldStorageAfterDays?: unknown; deleteAfterDays?: unknown };
    const cold = num(lifecycle.coldStorageAfterDays);
    const deleteAfter = num(lifecycle.deleteAfterDays);
    if (cold !== undefined && deleteAfter !== undefined && deleteAfter < cold + rules.MIN_DAYS_IN_COLD_STORAGE) {
        problems.push({
            path: ["lifecycle"],
            message: `deleteAfterDays ${deleteAfter} must be at least ${rules.MIN_DAYS_IN_COLD_STORAGE} days after coldStorageAfterDays ${cold}, i.e. at least ${cold + rules.MIN_DAYS_IN_COLD_STORAGE} (AWS Backup lifecycle rule)`,
        });
    }
    if (continuous) {
        if (deleteAfter === undefined || deleteAfter > rules.MAX_CONTINUOUS_RETENTION_DAYS) {
            problems.push({
                path: ["lifecycle", "deleteAfterDays"],
                message: `continuous backup needs deleteAfterDays between ${rules.MIN_CONTINUOUS_RETENTION_DAYS} and ${rules.MAX_CONTINUOUS_RETENTION_DAYS} (point-in-time restore retention)${deleteAfter === undefined ? "" : `, got ${deleteAfter}`}`,
            });
        }
        if (lifecycle.coldStorageAfterDays !== undefined) {
            problems.push({
                path: ["lifecycle", "coldStorageAfterDays"],
                message: "continuous backups cannot move to cold storage; remove coldStorageAfterDays or turn off continuousBackup",
            });
        }
    }
    return problems;
}

const tagCondition = z.strictObject({ key: tagKey, value: tagValue });
const tagLikeCondition = z.strictObject({ key: tagKey, value: tagValueSchema(true) });

/** Resource patterns a selection may name: "*" or an ARN, with "*" wildcards allowed. */
const resourcePattern = z.string().refine((value) => value === "*" || /^arn:[a-z-]+:[a-z0-9-]+:[^\s]*$/.test(value), {
    error: (issue) => `${JSON.stringify(issue.input)} is neither "*" nor a resource ARN (arn:partition:service:...)`,
});

/**
 * AWS Backup caps each of Resources and NotResources: 500 ARNs without wildcards, 30 with.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html
 */
const resourceList = z.array(resourcePattern).superRefine((patterns, ctx) => {
    const withWildcards = patterns.filter((pattern) => typeof pattern === "string" && pattern.includes("*")).length;
    const exact = patterns.length - withWildcards;
    if (exact > rules.MAX_SELECTION_ARNS) {
        ctx.addIssue({ code: "custom", message: `${exact} ARNs without wildcards; AWS Backup allows at most ${rules.MAX_SELECTION_ARNS} per list` });
    }
    if (withWildcards > rules.MAX_SELECTION_WILDCARD_ARNS) {
        ctx.addIssue({
            code: "custom",
            message: `${withWildcards} patterns with wildcards; AWS Backup allows at most ${rules.MAX_SELECTION_WILDCARD_ARNS} per list`,
        });
    }
}, evenWithOtherErrors);

export const selectionSchema = z
    .strictObject({
        /** Resources carrying any of these tags are selected (AWS ListOfTags, STRINGEQUALS, OR logic). */
        tags: z.array(tagCondition).optional(),
        /** ARNs or ARN patterns to include; "*" means every supported resource. */
        resources: resourceList.optional(),
        /** ARNs or ARN patterns to exclude. */
        notResources: resourceList.optional(),
        /** Tag conditions that narrow `resources` (AND logic). */
        conditions: z
            .strictObject({
                stringEquals: z.array(tagCondition).optional(),
                stringLike: z.array(tagLikeCondition).optional(),
                stringNotEquals: z.array(tagCondition).optional(),
                stringNotLike: z.array(tagLikeCondition).optional(),
            })
            .optional(),
    })
    .superRefine((selection, ctx) => {
        // AWS Backup refuses a selection without either: "Either ListOfTags or Resources must be non-empty".
        // https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html
        const named = (list: unknown) => Array.isArray(list) && list.length > 0;
        if (!named(selection.tags) && !named(selection.resources)) {
            ctx.addIssue({
                code: "custom",
                message: 'a selection must name tags or resources: AWS Backup rejects one with neither ("Either ListOfTags or Resources must be non-empty")',
            });
        }
    }, evenWithOtherErrors);

export const tierSchema = z.strictObject({
    /** What this tier protects, for people reading the plan. */
    description: z.string().optional(),
    /** Key of the vault (under `vaults`) every rule of this tier backs up to. */
    vault: z.string(),
    /** The backup rules of this tier's plan, by rule name. */
    rules: z
        .record(z.string(), ruleSchema)
        .superRefine(keysMatch(rules.RULE_NAME, "backup rule name (1-50 of letters, digits and -_.)"))
        .refine((map) => Object.keys(map).length > 0, { error: "a tier needs at least one rule" }),
    selection: selectionSchema,
    /** Take Windows VSS (application-consistent) backups of EC2 instances. */
    windowsVss: z.boolean().default(false),
});

export type RuleConfig = z.infer<typeof ruleSchema>;
export type TierConfig = z.infer<typeof tierSchema>;
export type SelectionConfig = z.infer<typeof selectionSchema>;

export const tiersSection = {
    ...mapSection("tiers", tierSchema),
    check(env: SectionEnvironment) {
        checkReferences(env);
        checkPlanNames(env);
        checkRetentionAgainstLocks(env);
        checkS3VaultConsistency(env);
    },
};

/** Tier names that accounts or OUs mention, read from the raw config so invalid entries still count as users. */
function tierNamesMentioned(values: Record<string, unknown>): Set<string> {
    const lists: unknown[] = [];
    if (Array.isArray(values.accounts)) lists.push(...values.accounts.map((account) => (account as { tiers?: unknown } | null)?.tiers));
    if (values.organizationalUnits && typeof values.organizationalUnits === "object") {
        lists.push(...Object.values(values.organizationalUnits).map((ou) => (ou as { tiers?: unknown } | null)?.tiers));
    }
    return new Set(lists.flatMap((list) => (Array.isArray(list) ? list.filter((name): name is string => typeof name === "string") : [])));
}

function checkReferences(env: SectionEnvironment): void {
    const { collector } = env;
    const tiers = env.get(tiersSection) ?? { parsed: new Map(), present: new Map() };
    const vaults = env.get(vaultsSection) ?? { parsed: new Map(), present: new Map() };
    const used = tierNamesMentioned(env.raw);
    const reportedPaths = new Set<string>();
    for (const account of resolvedAccounts(env)) {
        if (reportedPaths.has(account.tiersPath)) continue;
        reportedPaths.add(account.tiersPath);
        account.tiers.forEach((tier, index) => {
            if (!tiers.present.has(tier)) collector.error(`${account.tiersPath}[${index}]`, unknownReference("tier", tier, tiers.present.keys(), "tiers"));
        });
        for (const tier of duplicates(account.tiers)) collector.error(account.tiersPath, `tier ${tier} is listed more than once`);
    }
    // Checked on the raw tiers too, so a tier with another mistake still gets its vault reference checked.
    for (const [name, raw] of tiers.present) {
        const vault = (raw as { vault?: unknown } | null)?.vault;
        if (typeof vault === "string" && !vaults.present.has(vault)) {
            collector.error(`tiers.${name}.vault`, unknownReference("vault", vault, vaults.present.keys(), "vaults"));
        }
    }
    for (const name of tiers.present.keys()) {
        if (!used.has(name)) collector.warning(`tiers.${name}`, "no account uses this tier");
    }
}

/** Plan and selection names are built from the prefix and the tier name, and must still fit AWS's pattern. */
function checkPlanNames(env: SectionEnvironment): void {
    const namePrefix = env.get(namePrefixSection);
    if (namePrefix === undefined) return;
    for (const tier of env.get(tiersSection)?.present.keys() ?? []) {
        const plan = physicalNames.plan(namePrefix, tier);
        if (!rules.PLAN_NAME.test(plan)) {
            env.collector.error(
                `tiers.${tier}`,
                `plan and selection name ${JSON.stringify(plan)} (namePrefix-tier) must be 1-50 letters, digits or -_. (AWS Backup plan and selection names)`,
            );
        }
    }
}

/**
 * Vault Lock rejects backup and copy jobs whose retention falls outside [minRetentionDays, maxRetentionDays], so a
 * plan that applies cleanly would fail at its first run.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
function checkRetentionAgainstLocks(env: SectionEnvironment): void {
    const tiers = env.get(tiersSection)?.parsed ?? new Map<string, TierConfig>();
    const vaults = env.get(vaultsSection)?.parsed;
    for (const [tierName, tier] of tiers) {
        const lock = vaults?.get(tier.vault)?.lock;
        if (!lock) continue;
        for (const [ruleName, rule] of Object.entries(tier.rules)) {
            const path = `tiers.${tierName}.rules.${ruleName}.lifecycle.deleteAfterDays`;
            const days = rule.lifecycle?.deleteAfterDays;
            if (days === undefined) {
                if (lock.maxRetentionDays !== undefined) {
                    env.collector.error(
                        path,
                        `keeps recovery points forever, but vault ${tier.vault}'s lock allows ${lockRange(lock)}; jobs would fail at run time`,
                    );
                }
                continue;
            }
            if (
                (lock.minRetentionDays !== undefined && days < lock.minRetentionDays) ||
                (lock.maxRetentionDays !== undefined && days > lock.maxRetentionDays)
            ) {
                env.collector.error(
                    path,
                    `${days} days is outside vault ${tier.vault}'s lock range ${lockRange(lock)}; jobs would fail at run time (AWS Backup Vault Lock)`,
                );
            }
        }
    }
}

/** Whether a selection can pick S3 buckets: tags select any resource type; ARNs only what they match. */
export function selectionCanSelectS3(selection: SelectionConfig): boolean {
    const coversS3 = (pattern: string) => {
        if (pattern === "*") return true;
        const service = pattern.split(":")[2] ?? "";
        return service === "s3" || service.includes("*");
    };
    const excludesAllS3 = (selection.notResources ?? []).some((pattern) => pattern === "*" || /^arn:[a-z-]+:s3:::\*$/.test(pattern));
    if (excludesAllS3) return false;
    return (selection.tags ?? []).length > 0 || (selection.resources ?? []).some(coversS3);
}

/**
 * AWS Backup needs the continuous and the periodic backups of one S3 bucket in the same vault. Two tiers of an
 * account that can both select S3, one continuous and one periodic, into different vaults break that for every bucket
 * both select.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/s3-backups.html
 */
function checkS3VaultConsistency(env: SectionEnvironment): void {
    if (!optedIn(env, "S3")) return;
    const tiers = env.get(tiersSection)?.parsed;
    if (!tiers) return;
    const reported = new Set<string>();
    for (const account of resolvedAccounts(env)) {
        const s3Tiers = account.tiers.filter((name) => tiers.has(name) && selectionCanSelectS3(tiers.get(name)!.selection));
        const continuous = s3Tiers.filter((name) => Object.values(tiers.get(name)!.rules).some((rule) => rule.continuousBackup));
        const periodic = s3Tiers.filter((name) => Object.values(tiers.get(name)!.rules).some((rule) => !rule.continuousBackup));
        for (const c of continuous) {
            for (const p of periodic) {
                const cVault = tiers.get(c)!.vault;
                const pVault = tiers.get(p)!.vault;
                const key = `${account.tiersPath}|${c}|${p}`;
                if (cVault === pVault || reported.has(key)) continue;
                reported.add(key);
                env.collector.error(
                    account.tiersPath,
                    `tiers ${c} (continuous, vault ${cVault}) and ${p} (periodic, vault ${pVault}) can both back up S3 buckets of ${account.config.alias}; ` +
                        "AWS Backup needs a bucket's continuous and periodic backups in the same vault: use one vault, or exclude S3 from one tier " +
                        '(notResources: ["arn:aws:s3:::*"])',
                );
            }
        }
    }
}

/** A tier's plan in one region: copy destinations depend on the region the plan runs in. */
export function buildPlan(env: SectionEnvironment, tierName: string, region: string): PlanModel {
    const namePrefix = env.get(namePrefixSection)!;
    const tier = env.get(tiersSection)!.parsed.get(tierName)!;
    return {
        tier: tierName,
        name: physicalNames.plan(namePrefix, tierName),
        vaultName: physicalNames.vault(namePrefix, tier.vault),
        windowsVss: tier.windowsVss,
        rules: Object.entries(tier.rules).map(([ruleName, rule]) => ({
            name: ruleName,
            schedule: rule.schedule,
            timezone: rule.timezone,
            // Sent explicitly, so the plan shows (and AWS gets) AWS Backup's own defaults rather than the provider's.
            startWindowMinutes: rule.startWindowMinutes ?? rules.DEFAULT_START_WINDOW_MINUTES,
            completionWindowMinutes: rule.completionWindowMinutes ?? rules.DEFAULT_COMPLETION_WINDOW_MINUTES,
            lifecycle: rule.lifecycle ? { ...rule.lifecycle } : undefined,
            continuousBackup: rule.continuousBackup,
            recoveryPointTags: { ...(rule.recoveryPointTags ?? {}), [TAG_TIER]: tierName },
            copyActions: (rule.copies ?? []).map((copy) => copyActionModel(env, copy, region)),
        })),
        selection: buildSelection(physicalNames.selection(namePrefix, tierName), tier.selection),
    };
}

/** Condition keys of a selection's `conditions` are tag keys in config and `aws:ResourceTag/<key>` for AWS.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html */
export function asResourceTag(conditions: Array<{ key: string; value: string }> | undefined): Array<{ key: string; value: string }> {
    return (conditions ?? []).map(({ key, value }) => ({ key: `aws:ResourceTag/${key}`, value }));
}

function buildSelection(name: string, selection: SelectionConfig): SelectionModel {
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
