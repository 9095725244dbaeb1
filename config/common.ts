/**
 * Small schemas that several config sections share: ids, regions, names, tags and day counts. Each rule is cited
 * where its pattern lives, in aws-rules.ts.
 */
import { z } from "zod";
import * as rules from "./aws-rules";
import { didYouMean } from "./suggest";

export const accountId = z
    .string({ error: "must be a 12-digit AWS account id written as a quoted string (YAML drops leading zeros of numbers)" })
    .regex(rules.ACCOUNT_ID, { error: (issue) => `${JSON.stringify(issue.input)} is not a 12-digit AWS account id` });

/** Why a text is not a region code, with the closest code when it looks like a misspelling. */
const notARegion = (text: string) => `${JSON.stringify(text)} is not an AWS region code (e.g. eu-west-1)${didYouMean(text, rules.KNOWN_REGIONS)}`;

export const region = z.string().refine((value) => rules.KNOWN_REGIONS.has(value), { error: (issue) => notARegion(String(issue.input)) });

/**
 * A map keyed by region code. Each key that is not one gets the region message at its own path (zod's record key
 * schema would report only "Invalid key in record"), and the values are checked all the same.
 */
export function regionMap<T extends z.ZodType>(value: T) {
    return z.record(z.string(), value).superRefine((map, ctx) => {
        // Also when a value has its own error (evenWithOtherErrors), so the raw input may not be a map at all.
        if (typeof map !== "object" || map === null || Array.isArray(map)) return;
        for (const key of Object.keys(map)) {
            if (!rules.KNOWN_REGIONS.has(key)) ctx.addIssue({ code: "custom", path: [key], message: notARegion(key) });
        }
    }, evenWithOtherErrors);
}

/** A tz database zone name, as AWS Backup and EventBridge Scheduler take it. */
export const timezone = z.string().superRefine((zone, ctx) => {
    const problem = rules.timeZoneProblem(zone);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** EC2 resource ids: a prefix and 8 or 17 hexadecimal characters. https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html */
export const ec2Id = (prefix: string, what: string) =>
    z.string().regex(new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`), {
        error: (issue) => `${JSON.stringify(issue.input)} is not ${what} (${prefix}- and 8 or 17 hex digits)`,
    });

export const iamRoleName = z
    .string()
    .regex(rules.IAM_ROLE_NAME, { error: (issue) => `${JSON.stringify(issue.input)} is not a valid IAM role name (1-64 of letters, digits and +=,.@_-)` });

export const accountAlias = z.string().regex(rules.ACCOUNT_ALIAS, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a valid alias (3-63 lowercase letters, digits and single hyphens, no hyphen at either end)`,
});

export const positiveDays = (what: string) => z.int({ error: `${what} must be a whole number of days` }).min(1, { error: `${what} must be at least 1 day` });

/** Tag keys as AWS tagging accepts them. */
export const tagKey = z
    .string()
    .min(1, { error: "tag key must not be empty" })
    .max(rules.TAG_KEY_MAX, { error: `tag key must be at most ${rules.TAG_KEY_MAX} characters` })
    .regex(rules.TAG_CHARACTERS, { error: "tag key may only contain letters, digits, spaces and _.:/=+-@" })
    .refine((key) => !key.toLowerCase().startsWith("aws:"), { error: 'tag keys starting with "aws:" are reserved by AWS' });

/** A tag value, or with `wildcard` a StringLike pattern, which may also use "*".
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ConditionParameter.html */
export function tagValueSchema(wildcard: boolean) {
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
export const evenWithOtherErrors = { when: () => true };

/** A finite number, or undefined for anything else (cross-field rules see raw values). */
export const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/** Checks that every key of a map is a valid name for what the key becomes. */
export function keysMatch(pattern: RegExp, what: string) {
    return (map: Record<string, unknown>, ctx: z.RefinementCtx) => {
        for (const key of Object.keys(map)) {
            if (!pattern.test(key)) {
                ctx.addIssue({ code: "custom", path: [key], message: `${JSON.stringify(key)} is not a valid ${what}` });
            }
        }
    };
}

/** A list of regions without repeats. */
export const regionList = z.array(region).superRefine((regions, ctx) => {
    const seen = new Set<string>();
    for (const value of regions) {
        if (seen.has(value)) ctx.addIssue({ code: "custom", message: `region ${value} is listed more than once` });
        seen.add(value);
    }
}, evenWithOtherErrors);
