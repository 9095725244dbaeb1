/**
 * The shape of one environment's stack config, as zod schemas. Each schema checks what can be checked from the
 * value alone (formats, ranges, and rules between fields of one object); rules across sections (references,
 * uniqueness, vault lock ranges) live in validate.ts.
 */
import { z } from "zod";
import * as rules from "./aws-rules";
import { minimumIntervalMinutes, parseScheduleExpression } from "./schedule-expression";

const accountId = z
    .string({ error: "must be a 12-digit AWS account id written as a quoted string (YAML drops leading zeros of numbers)" })
    .regex(rules.ACCOUNT_ID, { error: (issue) => `${JSON.stringify(issue.input)} is not a 12-digit AWS account id` });

const region = z.string().refine((value) => rules.KNOWN_REGIONS.has(value), {
    error: (issue) => `${JSON.stringify(issue.input)} is not an AWS region code (e.g. eu-west-1)`,
});

const iamRoleName = z
    .string()
    .regex(rules.IAM_ROLE_NAME, { error: (issue) => `${JSON.stringify(issue.input)} is not a valid IAM role name (1-64 of letters, digits and +=,.@_-)` });

const positiveDays = (what: string) => z.int({ error: `${what} must be a whole number of days` }).min(1, { error: `${what} must be at least 1 day` });

/** Tag keys and values as AWS tagging accepts them. */
export const tagKey = z
    .string()
    .min(1, { error: "tag key must not be empty" })
    .max(rules.TAG_KEY_MAX, { error: `tag key must be at most ${rules.TAG_KEY_MAX} characters` })
    .regex(rules.TAG_CHARACTERS, { error: "tag key may only contain letters, digits, spaces and _.:/=+-@" })
    .refine((key) => !key.toLowerCase().startsWith("aws:"), { error: 'tag keys starting with "aws:" are reserved by AWS' });

/** A tag value, or with `wildcard` a StringLike pattern, which may also use "*".
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ConditionParameter.html */
function tagValueSchema(wildcard: boolean) {
    return z
        .string({ error: "tag value must be a string" })
        .max(rules.TAG_VALUE_MAX, { error: `tag value must be at most ${rules.TAG_VALUE_MAX} characters` })
        .refine((value) => rules.TAG_CHARACTERS.test(wildcard ? value.replaceAll("*", "") : value), {
            error: wildcard
                ? "pattern may only contain letters, digits, spaces, _.:/=+-@ and the * wildcard"
                : "tag value may only contain letters, digits, spaces and _.:/=+-@",
        });
}

export const tagValue = tagValueSchema(false);

export const tagMap = z.record(z.string(), tagValue).superRefine((tags, ctx) => {
    for (const key of Object.keys(tags)) {
        const checked = tagKey.safeParse(key);
        if (!checked.success) {
            ctx.addIssue({ code: "custom", path: [key], message: checked.error.issues[0].message });
        }
    }
    if (Object.keys(tags).length > rules.MAX_TAGS_PER_RESOURCE) {
        ctx.addIssue({ code: "custom", message: `at most ${rules.MAX_TAGS_PER_RESOURCE} tags per resource (AWS tagging limit)` });
    }
});

/**
 * Cross-field rules run even when a sibling field has its own error, so every problem is reported at once; they
 * then see the raw object, hence the type guards inside them.
 */
const evenWithOtherErrors = { when: () => true };
const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/** Checks that every key of a map is a valid name for what the key becomes. */
function keysMatch(pattern: RegExp, what: string) {
    return (map: Record<string, unknown>, ctx: z.RefinementCtx) => {
        for (const key of Object.keys(map)) {
            if (!pattern.test(key)) {
                ctx.addIssue({ code: "custom", path: [key], message: `${JSON.stringify(key)} is not a valid ${what}` });
            }
        }
    };
}

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

const timezone = z.string().refine(rules.isIanaTimeZone, {
    error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone name (e.g. Europe/Berlin, Etc/UTC)`,
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
    })
    .superRefine((rule, ctx) => {
        const startWindow = num(rule.startWindowMinutes);
        const completionWindow = num(rule.completionWindowMinutes);
        // The completion window counts from the scheduled time, so it must leave a full hour after the start window.
        const start = startWindow ?? rules.MIN_START_WINDOW_MINUTES;
        if (completionWindow !== undefined && completionWindow < start + rules.MIN_COMPLETION_AFTER_START_MINUTES) {
            ctx.addIssue({
                code: "custom",
                path: ["completionWindowMinutes"],
                message: `completionWindowMinutes ${completionWindow} must be at least ${rules.MIN_COMPLETION_AFTER_START_MINUTES} minutes more than the start window ${start} (AWS Backup BackupRuleInput)`,
            });
        }
        const lifecycle = (rule.lifecycle ?? {}) as { coldStorageAfterDays?: unknown; deleteAfterDays?: unknown };
        const cold = num(lifecycle.coldStorageAfterDays);
        const deleteAfter = num(lifecycle.deleteAfterDays);
        if (cold !== undefined && deleteAfter !== undefined && deleteAfter < cold + rules.MIN_DAYS_IN_COLD_STORAGE) {
            ctx.addIssue({
                code: "custom",
                path: ["lifecycle"],
                message: `deleteAfterDays ${deleteAfter} must be at least ${rules.MIN_DAYS_IN_COLD_STORAGE} days after coldStorageAfterDays ${cold}, i.e. at least ${cold + rules.MIN_DAYS_IN_COLD_STORAGE} (AWS Backup lifecycle rule)`,
            });
        }
        if (rule.continuousBackup === true) {
            if (deleteAfter === undefined || deleteAfter > rules.MAX_CONTINUOUS_RETENTION_DAYS) {
                ctx.addIssue({
                    code: "custom",
                    path: ["lifecycle", "deleteAfterDays"],
                    message: `continuous backup needs deleteAfterDays between ${rules.MIN_CONTINUOUS_RETENTION_DAYS} and ${rules.MAX_CONTINUOUS_RETENTION_DAYS} (point-in-time restore retention)${deleteAfter === undefined ? "" : `, got ${deleteAfter}`}`,
                });
            }
            if (lifecycle.coldStorageAfterDays !== undefined) {
                ctx.addIssue({
                    code: "custom",
                    path: ["lifecycle", "coldStorageAfterDays"],
                    message: "continuous backups cannot move to cold storage; remove coldStorageAfterDays or turn off continuousBackup",
                });
            }
        }
    }, evenWithOtherErrors);

const tagCondition = z.strictObject({ key: tagKey, value: tagValue });
const tagLikeCondition = z.strictObject({ key: tagKey, value: tagValueSchema(true) });

/** Resource patterns a selection may name: "*" or an ARN, with "*" wildcards allowed. */
const resourcePattern = z.string().refine((value) => value === "*" || /^arn:[a-z-]+:[a-z0-9-]+:[^\s]*$/.test(value), {
    error: (issue) => `${JSON.stringify(issue.input)} is neither "*" nor a resource ARN (arn:partition:service:...)`,
});

export const selectionSchema = z
    .strictObject({
        /** Resources carrying any of these tags are selected (AWS ListOfTags, STRINGEQUALS, OR logic). */
        tags: z.array(tagCondition).optional(),
        /** ARNs or ARN patterns to include; "*" means every supported resource. */
        resources: z.array(resourcePattern).optional(),
        /** ARNs or ARN patterns to exclude. */
        notResources: z.array(resourcePattern).optional(),
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
        // Without tags or resources AWS Backup tries to select every supported, opted-in resource.
        // https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html
        const named = (list: unknown) => Array.isArray(list) && list.length > 0;
        if (!named(selection.tags) && !named(selection.resources)) {
            ctx.addIssue({ code: "custom", message: "a selection must name tags or resources (otherwise AWS Backup selects every supported resource)" });
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

export const vaultLockSchema = z
    .strictObject({
        mode: z.enum(["governance", "compliance"], { error: 'mode must be "governance" or "compliance"' }),
        minRetentionDays: positiveDays("minRetentionDays").max(rules.MAX_RETENTION_DAYS, {
            error: `minRetentionDays must be at most ${rules.MAX_RETENTION_DAYS}`,
        }),
        maxRetentionDays: positiveDays("maxRetentionDays")
            .max(rules.MAX_RETENTION_DAYS, { error: `maxRetentionDays must be at most ${rules.MAX_RETENTION_DAYS} (100 years, AWS Vault Lock limit)` })
            .optional(),
        changeableForDays: z
            .int()
            .min(rules.MIN_LOCK_CHANGEABLE_FOR_DAYS, {
                error: `changeableForDays must be at least ${rules.MIN_LOCK_CHANGEABLE_FOR_DAYS} (AWS Vault Lock 72-hour cooling-off period)`,
            })
            .optional(),
    })
    .superRefine((lock, ctx) => {
        const min = num(lock.minRetentionDays);
        const max = num(lock.maxRetentionDays);
        if (min !== undefined && max !== undefined && min > max) {
            ctx.addIssue({ code: "custom", path: ["minRetentionDays"], message: `minRetentionDays ${min} must not exceed maxRetentionDays ${max}` });
        }
        // Vault Lock is in compliance mode exactly when ChangeableForDays is set; without it, governance mode.
        if (lock.mode === "compliance" && lock.changeableForDays === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["changeableForDays"],
                message: `compliance mode needs changeableForDays (at least ${rules.MIN_LOCK_CHANGEABLE_FOR_DAYS}); after that many days the lock can never be removed`,
            });
        }
        if (lock.mode === "governance" && lock.changeableForDays !== undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["changeableForDays"],
                message: "changeableForDays turns a lock into compliance mode; set mode: compliance or remove it",
            });
        }
    }, evenWithOtherErrors);

export const vaultSchema = z.strictObject({
    /** What this vault holds, for people reading the plan. */
    description: z.string().optional(),
    /** Optional AWS Backup Vault Lock. */
    lock: vaultLockSchema.optional(),
});

export const organizationSchema = z.strictObject({
    id: z.string().regex(rules.ORGANIZATION_ID, {
        error: (issue) => `${JSON.stringify(issue.input)} is not an organization id ("o-" and 10-32 lowercase letters or digits)`,
    }),
    rootId: z.string().regex(rules.ROOT_ID, {
        error: (issue) => `${JSON.stringify(issue.input)} is not a root id ("r-" and 4-32 lowercase letters or digits)`,
    }),
    managementAccountId: accountId,
});

const accountAlias = z.string().regex(rules.ACCOUNT_ALIAS, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a valid alias (3-63 lowercase letters, digits and single hyphens, no hyphen at either end)`,
});

export const centralAccountSchema = z.strictObject({
    id: accountId,
    alias: accountAlias,
    /** Regions that hold a central vault. */
    regions: z.array(region).min(1, { error: "the central account needs at least one region" }),
});

export const organizationalUnitSchema = z.strictObject({
    id: z.string().regex(rules.OU_ID, {
        error: (issue) => `${JSON.stringify(issue.input)} is not an OU id ("ou-", 4-32 characters, "-", 8-32 characters)`,
    }),
    /** Default regions for accounts in this OU. */
    regions: z.array(region).optional(),
    /** Default tiers for accounts in this OU. */
    tiers: z.array(z.string()).optional(),
});

export const accountSchema = z.strictObject({
    id: accountId,
    alias: accountAlias,
    /** Key of the account's OU under `organizationalUnits`. */
    ou: z.string(),
    /** Regions to protect; defaults to the OU's. */
    regions: z.array(region).optional(),
    /** Tiers to apply; defaults to the OU's. */
    tiers: z.array(z.string()).optional(),
});

export const namePrefixSchema = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,29}$/, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a valid name prefix (1-30 letters, digits and hyphens, starting with a letter or digit)`,
});

export const scopeSchema = z.string().regex(/^(all|account:\d{12})$/, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a scope: use "all" or "account:<12-digit id>"`,
});

export const roleNameSchema = iamRoleName;

/** Every config key of this project, with its schema. Keys are written `backup-platform:<key>` in stack files. */
export const sectionSchemas = {
    scope: scopeSchema.default("all"),
    namePrefix: namePrefixSchema.default("backup-platform"),
    deploymentRoleName: roleNameSchema,
    breakGlassRoleName: roleNameSchema,
    tags: tagMap.default({}),
    organization: organizationSchema,
    centralAccount: centralAccountSchema,
    organizationalUnits: z.record(z.string(), organizationalUnitSchema),
    accounts: z.array(accountSchema),
    vaults: z.record(z.string(), vaultSchema),
    tiers: z.record(z.string(), tierSchema),
} as const;

export type SectionName = keyof typeof sectionSchemas;
export type RuleConfig = z.infer<typeof ruleSchema>;
export type TierConfig = z.infer<typeof tierSchema>;
export type VaultConfig = z.infer<typeof vaultSchema>;
export type VaultLockConfig = z.infer<typeof vaultLockSchema>;
export type AccountConfig = z.infer<typeof accountSchema>;
export type OrganizationalUnitConfig = z.infer<typeof organizationalUnitSchema>;
export type SelectionConfig = z.infer<typeof selectionSchema>;
export type TagConfig = z.infer<typeof tagCondition>;
