/**
 * The morning report across an environment's workload accounts: failed backup and copy jobs of the last N hours, and
 * resources carrying a tier's tags whose newest recovery point is older than the tier's schedule allows. Every
 * account-region is read with bounded concurrency (p-limit, as the rollout); one that cannot be read becomes an
 * "error" row instead of stopping the report.
 */
import {
    BackupClient,
    BackupJobState,
    CopyJobState,
    paginateListBackupJobs,
    paginateListCopyJobs,
    paginateListRecoveryPointsByResource,
} from "@aws-sdk/client-backup";
import { paginateGetResources, ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import pLimit from "p-limit";
import awsCron from "aws-cron-parser";
import { selectionSelects } from "../config/backup-selection";
import { AccountModel, arns, EnvironmentModel, PlanModel } from "../config/model";
import type { SelectionConfig } from "../config/sections/tiers";
import { clientConfig, Target } from "./clients";
import { attempt, classify } from "./errors";
import { Row } from "./format";

export const REPORT_COLUMNS = ["account", "region", "kind", "resource", "tier", "detail", "time"];

export interface ReportOptions {
    /** Failed jobs created within this many hours count. */
    hours: number;
    /** Role assumed in every account (the operator's read-only role). */
    roleName?: string;
    /** Account-regions read at once. */
    concurrency: number;
    now: Date;
}

/** Resource types AWS Backup protects, as the tagging API names them; other tagged resources are not backups' concern.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html */
const BACKUP_RESOURCE_TYPE_FILTERS = [
    "dynamodb:table",
    "ec2:instance",
    "ec2:volume",
    "elasticfilesystem:file-system",
    "fsx:file-system",
    "fsx:volume",
    "rds:cluster",
    "rds:db",
    "redshift:cluster",
    "s3",
    "storagegateway:gateway",
];

/** Longest gap, in minutes, between consecutive runs of an AWS cron expression over the year from `from` (UTC; a
 * rule's time zone shifts runs, not gaps, except by an hour at daylight-saving changes, which the slack covers). */
export function maxScheduleGapMinutes(schedule: string, from: Date): number {
    // Tiers are environment-wide: every account-region of a report asks about the same few schedules at the same time,
    // and stepping a cron through a year takes milliseconds.
    const key = `${from.getTime()} ${schedule}`;
    let gap = scheduleGaps.get(key);
    if (gap === undefined) {
        gap = scheduleGap(schedule, from);
        scheduleGaps.set(key, gap);
    }
    return gap;
}

const scheduleGaps = new Map<string, number>();

function scheduleGap(schedule: string, from: Date): number {
    const body = /^cron\((.*)\)$/.exec(schedule.trim())?.[1];
    if (!body) return Infinity;
    const cron = awsCron.parse(body);
    const end = from.getTime() + 366 * 24 * 60 * 60_000;
    let previous = awsCron.next(cron, from);
    let longest = 0;
    for (let runs = 0; previous && previous.getTime() < end && runs < 20_000; runs++) {
        const next = awsCron.next(cron, new Date(previous.getTime() + 60_000));
        if (!next) break;
        longest = Math.max(longest, (next.getTime() - previous.getTime()) / 60_000);
        previous = next;
    }
    return longest || Infinity;
}

/** Minutes since a resource's newest recovery point beyond which the tier has missed a run: the longest gap between
 * runs of its periodic rules, plus the rule's completion window, plus an hour of slack. */
export function allowedAgeMinutes(plan: PlanModel, now: Date): number | undefined {
    const periodic = plan.rules.filter((rule) => !rule.continuousBackup);
    if (periodic.length === 0) return undefined;
    return Math.min(...periodic.map((rule) => maxScheduleGapMinutes(rule.schedule, now) + rule.completionWindowMinutes + 60));
}

/** The model's selection (condition keys as aws:ResourceTag/<key>) in config terms, for selectionSelects. */
function selectionConfig(plan: PlanModel): SelectionConfig {
    const plain = (list: Array<{ key: string; value: string }>) => list.map(({ key, value }) => ({ key: key.replace(/^aws:ResourceTag\//, ""), value }));
    const { conditions } = plan.selection;
    return {
        tags: plan.selection.tags,
        resources: plan.selection.resources,
        notResources: plan.selection.notResources,
        conditions: {
            stringEquals: plain(conditions.stringEquals),
            stringLike: plain(conditions.stringLike),
            stringNotEquals: plain(conditions.stringNotEquals),
            stringNotLike: plain(conditions.stringNotLike),
        },
    };
}

/** Tag filters that find a selection's candidates: one query per ListOfTags tag (OR), or one with every StringEquals condition (AND). */
function tagQueries(selection: SelectionConfig): Array<Array<{ Key: string; Values: string[] }>> {
    const equals = (selection.conditions?.stringEquals ?? []).map(({ key, value }) => ({ Key: key, Values: [value] }));
    const byTag = (selection.tags ?? []).map(({ key, value }) => [{ Key: key, Values: [value] }, ...equals]);
    return byTag.length > 0 ? byTag : equals.length > 0 ? [equals] : [];
}

async function reportAccountRegion(model: EnvironmentModel, account: AccountModel, region: string, options: ReportOptions): Promise<Row[]> {
    const target: Target = { region, roleArn: options.roleName ? arns.role(model.partition, account.id, options.roleName) : undefined };
    const backup = new BackupClient(clientConfig(target));
    const tagging = new ResourceGroupsTaggingAPIClient(clientConfig(target));
    const since = new Date(options.now.getTime() - options.hours * 3_600_000);
    const rows: Row[] = [];
    const row = (kind: string, resource: string, detail: string, time?: Date, tier?: string): Row => ({
        account: account.alias,
        region,
        kind,
        resource,
        tier: tier ?? "",
        detail,
        time: time?.toISOString() ?? "",
    });
    await attempt(`listing failed backup jobs of ${account.alias} in ${region}`, async () => {
        for (const state of [BackupJobState.FAILED, BackupJobState.ABORTED, BackupJobState.EXPIRED]) {
            for await (const page of paginateListBackupJobs({ client: backup }, { ByState: state, ByCreatedAfter: since, ByAccountId: account.id })) {
                for (const job of page.BackupJobs ?? []) {
                    rows.push(row(`backup ${state.toLowerCase()}`, job.ResourceArn ?? "", job.StatusMessage ?? "", job.CreationDate));
                }
            }
        }
        for await (const page of paginateListCopyJobs({ client: backup }, { ByState: CopyJobState.FAILED, ByCreatedAfter: since, ByAccountId: account.id })) {
            for (const job of page.CopyJobs ?? []) rows.push(row("copy failed", job.ResourceArn ?? "", job.StatusMessage ?? "", job.CreationDate));
        }
    });
    const stamp = account.regions.find((candidate) => candidate.region === region)!;
    const checked = new Set<string>();
    for (const plan of stamp.plans) {
        const selection = selectionConfig(plan);
        const allowed = allowedAgeMinutes(plan, options.now);
        for (const filters of tagQueries(selection)) {
            const candidates: Array<{ arn: string; tags: Record<string, string> }> = [];
            await attempt(`finding resources of tier ${plan.tier} in ${account.alias} ${region}`, async () => {
                for await (const page of paginateGetResources(
                    { client: tagging },
                    { TagFilters: filters, ResourceTypeFilters: BACKUP_RESOURCE_TYPE_FILTERS },
                )) {
                    for (const mapping of page.ResourceTagMappingList ?? []) {
                        const tags = Object.fromEntries((mapping.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""]));
                        candidates.push({ arn: mapping.ResourceARN ?? "", tags });
                    }
                }
            });
            for (const candidate of candidates) {
                const key = `${plan.tier}|${candidate.arn}`;
                if (checked.has(key) || !selectionSelects(selection, candidate.arn, candidate.tags)) continue;
                checked.add(key);
                let newest: Date | undefined;
                await attempt(`listing recovery points of ${candidate.arn}`, async () => {
                    for await (const page of paginateListRecoveryPointsByResource({ client: backup }, { ResourceArn: candidate.arn })) {
                        for (const point of page.RecoveryPoints ?? []) {
                            if (point.Status !== "COMPLETED" || !point.CreationDate) continue;
                            if (!newest || point.CreationDate > newest) newest = point.CreationDate;
                        }
                    }
                });
                if (!newest) {
                    rows.push(
                        row("no recovery point", candidate.arn, `tier ${plan.tier} selects it, but it has no completed recovery point`, undefined, plan.tier),
                    );
                } else if (allowed !== undefined && (options.now.getTime() - newest.getTime()) / 60_000 > allowed) {
                    const hours = Math.round((options.now.getTime() - newest.getTime()) / 3_600_000);
                    rows.push(
                        row(
                            "stale",
                            candidate.arn,
                            `newest recovery point is ${hours} h old; tier ${plan.tier} allows ${Math.round(allowed / 60)} h`,
                            newest,
                            plan.tier,
                        ),
                    );
                }
            }
        }
    }
    return rows;
}

/** The report of every workload account-region of the environment, in account and region order. */
export async function report(model: EnvironmentModel, options: ReportOptions): Promise<Row[]> {
    const work = model.accounts.flatMap((account) => account.regions.map((stamp) => ({ account, region: stamp.region })));
    const limit = pLimit(Math.max(1, options.concurrency));
    const results = await Promise.all(
        work.map(({ account, region }) =>
            limit(async (): Promise<Row[]> => {
                try {
                    return await reportAccountRegion(model, account, region, options);
                } catch (error) {
                    const failure = classify(error, `${account.alias} ${region}`);
                    return [{ account: account.alias, region, kind: "error", resource: "", tier: "", detail: failure.message, time: "" }];
                }
            }),
        ),
    );
    return results.flat();
}
