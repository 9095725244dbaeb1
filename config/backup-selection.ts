/**
 * Which resources an AWS Backup selection assigns to its plan, as a pure function of a resource's ARN and tags. The
 * config layer uses it to tag protected buckets so that exactly the tiers they name pick them up, and the operator
 * commands use it to tell which tier a resource belongs to.
 *
 * AWS Backup's rules, from API_BackupSelection and API_Conditions:
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Conditions.html
 * - ListOfTags matches a resource carrying any one of its tags (StringEquals, OR);
 * - Resources matches ARNs, with "*" wildcards; NotResources removes ARNs from the result;
 * - Conditions (StringEquals, StringLike, StringNotEquals, StringNotLike on aws:ResourceTag/<key>) must all hold (AND).
 * Where the documents leave the combination of ListOfTags with Conditions open, this reads it the conservative way:
 * conditions narrow every selection. A bucket the platform tags therefore never depends on the looser reading.
 */
import type { SelectionConfig } from "./sections/tiers";

export type Tags = Readonly<Record<string, string>>;

/** A wildcard pattern as AWS Backup uses them: "*" is any run of characters, everything else literal. */
export function wildcardMatches(pattern: string, value: string): boolean {
    const body = pattern
        .split("*")
        .map((part) => part.replace(/[\\^$.+?()[\]{}|/-]/g, "\\$&"))
        .join(".*");
    return new RegExp(`^${body}$`).test(value);
}

/** Whether a selection assigns the resource `arn` carrying `tags` to its plan. */
export function selectionSelects(selection: SelectionConfig, arn: string, tags: Tags): boolean {
    if ((selection.notResources ?? []).some((pattern) => wildcardMatches(pattern, arn))) return false;
    const byTags = (selection.tags ?? []).some(({ key, value }) => tags[key] === value);
    const byResources = (selection.resources ?? []).some((pattern) => wildcardMatches(pattern, arn));
    return (byTags || byResources) && conditionsHold(selection, tags);
}

function conditionsHold(selection: SelectionConfig, tags: Tags): boolean {
    const conditions = selection.conditions ?? {};
    const has = (key: string) => Object.prototype.hasOwnProperty.call(tags, key);
    return (
        (conditions.stringEquals ?? []).every(({ key, value }) => tags[key] === value) &&
        (conditions.stringLike ?? []).every(({ key, value }) => has(key) && wildcardMatches(value, tags[key])) &&
        (conditions.stringNotEquals ?? []).every(({ key, value }) => tags[key] !== value) &&
        (conditions.stringNotLike ?? []).every(({ key, value }) => !has(key) || !wildcardMatches(value, tags[key]))
    );
}

export type TagsForSelection = { ok: true; tags: Record<string, string> } | { ok: false; problem: string };

/**
 * The fewest tags that make `selection` pick the resource `arn`, given the tags it already carries: one of the
 * selection's ListOfTags unless its Resources already match, plus what its StringEquals and StringLike conditions
 * require (a StringLike pattern's value with its wildcards left out, which the pattern matches). Checked against
 * selectionSelects, so the answer is never a guess.
 */
export function tagsThatSelect(selection: SelectionConfig, arn: string, baseTags: Tags): TagsForSelection {
    if ((selection.notResources ?? []).some((pattern) => wildcardMatches(pattern, arn))) {
        return { ok: false, problem: `its notResources exclude ${arn}` };
    }
    const derived: Record<string, string> = {};
    const byResources = (selection.resources ?? []).some((pattern) => wildcardMatches(pattern, arn));
    if (!byResources) {
        const first = (selection.tags ?? [])[0];
        if (!first) return { ok: false, problem: `it selects by ARN only and none of its resources matches ${arn}` };
        derived[first.key] = first.value;
    }
    for (const { key, value } of selection.conditions?.stringEquals ?? []) derived[key] = value;
    for (const { key, value } of selection.conditions?.stringLike ?? []) {
        if (!(key in derived)) derived[key] = value.replaceAll("*", "");
    }
    const tags = { ...baseTags, ...derived };
    if (!selectionSelects(selection, arn, tags)) {
        return { ok: false, problem: "its conditions exclude the bucket's tags (stringNotEquals/stringNotLike, or conflicting conditions)" };
    }
    return { ok: true, tags: derived };
}
