/**
 * Scheduled backups: on-demand AWS Backup jobs that EventBridge Scheduler starts on a schedule of the team's choosing
 * (before a monthly maintenance window, say), for listed resources of one workload account and region, into a tier's
 * vault with that tier's retention.
 *
 *   scheduledBackups:
 *     ledger-before-maintenance:
 *       account: ledger-prod
 *       region: eu-west-1
 *       schedule: cron(0 18 ? * 6#1 *)
 *       tier: monthly
 *       resources: ["arn:aws:rds:eu-west-1:510000000006:db:ledger"]
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { evenWithOtherErrors, num, region as regionSchema, timezone } from "../common";
import { TAG_SCHEDULED_BACKUP, TAG_TIER } from "../constants";
import { arns, physicalNames, ScheduledBackupModel } from "../model";
import { parseScheduleExpression } from "../schedule-expression";
import { mapSection, SectionEnvironment, unknownReference } from "../section";
import { resolvedAccounts } from "./accounts";
import { namePrefixSection } from "./settings";
import { tiersSection } from "./tiers";

const SCHEDULE_KEY = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/** EventBridge Scheduler's recurring expressions; one-time at(...) backups are what `npm run ops -- backup start` is for.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html */
const scheduleExpression = z.string().superRefine((text, ctx) => {
    if (/^at\(/.test(text.trim())) {
        ctx.addIssue({
            code: "custom",
            message: `${JSON.stringify(text)}: a one-time backup is an operator command (npm run ops -- backup start), not a schedule`,
        });
        return;
    }
    const parsed = parseScheduleExpression(text);
    if (!parsed.ok) for (const problem of parsed.problems) ctx.addIssue({ code: "custom", message: problem });
});

export const scheduledBackupSchema = z
    .strictObject({
        /** Alias of the workload account the resources live in. */
        account: z.string(),
        region: regionSchema,
        /** cron(...) or rate(...), as EventBridge Scheduler takes them. */
        schedule: scheduleExpression,
        timezone: timezone.default("Etc/UTC"),
        /** Tier (of the account) whose vault and periodic rule's retention the backups get. */
        tier: z.string(),
        /** ARNs of the resources to back up, each in the account and region. */
        resources: z.array(z.string()).min(1, { error: "name at least one resource ARN" }),
        /** Minutes after the scheduled time within which the job must start (StartBackupJob StartWindowMinutes). */
        startWindowMinutes: z
            .int()
            .min(rules.MIN_START_WINDOW_MINUTES, { error: `startWindowMinutes must be at least ${rules.MIN_START_WINDOW_MINUTES} (AWS Backup StartBackupJob)` })
            .optional(),
        /** Minutes after the scheduled time within which the job must finish (StartBackupJob CompleteWindowMinutes). */
        completionWindowMinutes: z.int().min(1).optional(),
    })
    .superRefine((entry, ctx) => {
        const start = num(entry.startWindowMinutes) ?? rules.DEFAULT_START_WINDOW_MINUTES;
        const completion = num(entry.completionWindowMinutes);
        // https://docs.aws.amazon.com/aws-backup/latest/devguide/API_StartBackupJob.html
        if (completion !== undefined && completion < start + rules.MIN_COMPLETION_AFTER_START_MINUTES) {
            ctx.addIssue({
                code: "custom",
                path: ["completionWindowMinutes"],
                message: `completionWindowMinutes ${completion} must be at least ${rules.MIN_COMPLETION_AFTER_START_MINUTES} minutes more than the start window ${start} (AWS Backup StartBackupJob)`,
            });
        }
    }, evenWithOtherErrors);

export type ScheduledBackupConfig = z.infer<typeof scheduledBackupSchema>;

export const scheduledBackupsSection = {
    ...mapSection("scheduledBackups", scheduledBackupSchema, { optional: true }),
    check(env: SectionEnvironment) {
        const { collector } = env;
        const entries = env.get(scheduledBackupsSection);
        const prefix = env.get(namePrefixSection);
        const accounts = resolvedAccounts(env);
        const tiers = env.get(tiersSection)?.parsed;
        for (const [key, entry] of entries?.parsed ?? []) {
            const path = `scheduledBackups.${key}`;
            if (!SCHEDULE_KEY.test(key))
                collector.error(path, `${JSON.stringify(key)} is not a schedule key (1-32 lowercase letters, digits and inner hyphens)`);
            if (prefix !== undefined) {
                const role = physicalNames.scheduledBackupRole(prefix, key);
                if (!rules.IAM_ROLE_NAME.test(role))
                    collector.error(path, `role name ${JSON.stringify(role)} is longer than IAM's 64 characters; shorten the key`);
                const schedule = physicalNames.schedule(prefix, key, entry.resources.length - 1);
                if (!rules.SCHEDULE_NAME.test(schedule))
                    collector.error(path, `schedule name ${JSON.stringify(schedule)} must be 1-64 of letters, digits and -_. (EventBridge Scheduler)`);
            }
            const account = accounts.find((candidate) => candidate.config.alias === entry.account);
            if (!account) {
                collector.error(
                    `${path}.account`,
                    unknownReference(
                        "workload account alias",
                        entry.account,
                        accounts.map((a) => a.config.alias),
                        "accounts",
                    ),
                );
                continue;
            }
            if (!account.regions.includes(entry.region)) {
                collector.error(
                    `${path}.region`,
                    `${entry.account} is not deployed in ${entry.region} (its regions: ${account.regions.join(", ")}); its vaults exist only there`,
                );
            }
            if (!account.tiers.includes(entry.tier)) {
                collector.error(`${path}.tier`, unknownReference("tier", entry.tier, account.tiers, `${entry.account}'s tiers (${account.tiersPath})`));
            } else if (tiers?.has(entry.tier) && !Object.values(tiers.get(entry.tier)!.rules).some((rule) => !rule.continuousBackup)) {
                collector.error(`${path}.tier`, `tier ${entry.tier} has only continuous rules; an on-demand backup needs a periodic rule's retention`);
            }
            const partition = rules.partitionOf(entry.region);
            entry.resources.forEach((arn, index) => {
                const problem = resourceArnProblem(arn, partition, account.config.id, entry.region);
                if (problem) collector.error(`${path}.resources[${index}]`, problem);
            });
        }
    },
};

/** A resource of the account and region: an ARN in the partition naming them (S3 bucket ARNs name neither).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html */
function resourceArnProblem(arn: string, partition: string, accountId: string, region: string): string | undefined {
    const parts = arn.split(":");
    if (parts.length < 6 || parts[0] !== "arn" || arn.includes("*")) return `${JSON.stringify(arn)} is not the ARN of one resource (no wildcards)`;
    const [, arnPartition, service, arnRegion, arnAccount] = parts;
    if (arnPartition !== partition) return `${JSON.stringify(arn)} is in partition ${arnPartition}, not ${partition}`;
    if (service === "s3")
        return arnRegion === "" && arnAccount === "" ? undefined : `${JSON.stringify(arn)} is not an S3 bucket ARN (arn:${partition}:s3:::bucket)`;
    if (arnRegion !== region) return `${JSON.stringify(arn)} is in region ${arnRegion || "(none)"}; this schedule backs up resources of ${region}`;
    if (arnAccount !== accountId) return `${JSON.stringify(arn)} is in account ${arnAccount || "(none)"}; this schedule backs up resources of ${accountId}`;
    return undefined;
}

/** The scheduled backups of one account, for its model. */
export function buildScheduledBackups(env: SectionEnvironment, partition: string, accountId: string, alias: string): ScheduledBackupModel[] {
    const prefix = env.get(namePrefixSection)!;
    const tiers = env.get(tiersSection)!.parsed;
    const entries = env.get(scheduledBackupsSection)?.parsed ?? new Map<string, ScheduledBackupConfig>();
    return [...entries]
        .filter(([, entry]) => entry.account === alias)
        .map(([key, entry]) => {
            const tier = tiers.get(entry.tier)!;
            const rule = Object.values(tier.rules).find((candidate) => !candidate.continuousBackup)!;
            const vaultName = physicalNames.vault(prefix, tier.vault);
            const roleName = physicalNames.scheduledBackupRole(prefix, key);
            return {
                key,
                region: entry.region,
                schedule: entry.schedule,
                timezone: entry.timezone,
                tier: entry.tier,
                vaultName,
                vaultArn: arns.vault(partition, entry.region, accountId, vaultName),
                roleName,
                roleArn: arns.role(partition, accountId, roleName),
                backupRoleArn: arns.role(partition, accountId, physicalNames.backupRole(prefix)),
                startWindowMinutes: entry.startWindowMinutes ?? rules.DEFAULT_START_WINDOW_MINUTES,
                completionWindowMinutes: entry.completionWindowMinutes ?? rules.DEFAULT_COMPLETION_WINDOW_MINUTES,
                ...(rule.lifecycle ? { lifecycle: { ...rule.lifecycle } } : {}),
                recoveryPointTags: { ...(rule.recoveryPointTags ?? {}), [TAG_TIER]: entry.tier, [TAG_SCHEDULED_BACKUP]: key },
                targets: entry.resources.map((resourceArn, index) => ({ resourceArn, scheduleName: physicalNames.schedule(prefix, key, index) })),
            };
        });
}
