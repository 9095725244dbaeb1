/**
 * Backup Audit Manager in the central account: a framework of controls chosen here, report plans for backup, copy and
 * restore jobs (across the organization) and for control and resource compliance, and the bucket reports land in.
 * Audit Manager evaluates controls from AWS Config's records, so the AWS Config recorder is either created by the
 * platform or required to exist already: `configRecorder` says which, explicitly.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/aws-backup-audit-manager.html
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { region, regionList } from "../common";
import { arns, AuditModel, physicalNames } from "../model";
import { SectionEnvironment, valueSection } from "../section";
import { resolvedAccounts } from "./accounts";
import { centralAccountSection } from "./central-account";
import { organizationBackupSection } from "./organization-backup";
import { breakGlassRoleNameSection, deploymentRoleNameSection, namePrefixSection } from "./settings";

const positiveInt = (what: string) => z.int({ error: `${what} must be a whole number` }).min(1, { error: `${what} must be at least 1` });

export const auditControlsSchema = z
    .strictObject({
        /** BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK: plans back up at least this often and keep at least this long. */
        planFrequencyAndRetention: z
            .strictObject({
                frequencyUnit: z.enum(["hours", "days"], { error: 'frequencyUnit must be "hours" or "days"' }),
                frequencyValue: positiveInt("frequencyValue"),
                retentionDays: positiveInt("retentionDays").max(rules.MAX_RETENTION_DAYS),
            })
            .superRefine((control, ctx) => {
                const max = rules.MAX_CONTROL_FREQUENCY[control.frequencyUnit as "hours" | "days"];
                if (max !== undefined && typeof control.frequencyValue === "number" && control.frequencyValue > max) {
                    ctx.addIssue({
                        code: "custom",
                        path: ["frequencyValue"],
                        message: `frequencyValue must be at most ${max} ${control.frequencyUnit} (AWS Config backup-plan-min-frequency-and-min-retention-check)`,
                    });
                }
            })
            .optional(),
        /** BACKUP_RECOVERY_POINT_ENCRYPTED. */
        recoveryPointsEncrypted: z.boolean().optional(),
        /** BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK: recovery points are kept at least this many days. */
        minimumRetention: z.strictObject({ days: positiveInt("days").max(rules.MAX_RETENTION_DAYS) }).optional(),
        /** BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN. */
        resourcesProtectedByPlan: z.boolean().optional(),
        /** BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION: recovery points are copied to one of these regions. */
        crossRegionCopy: z.strictObject({ regions: regionList.min(1, { error: "name at least one region" }) }).optional(),
        /** BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT: recovery points are copied to the central account. */
        crossAccountCopy: z.boolean().optional(),
        /** BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK. */
        vaultLock: z.boolean().optional(),
        /** BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED, exempting the break-glass and deployment roles the vault policies exempt. */
        manualDeletionDisabled: z.boolean().optional(),
    })
    .default({});

export const REPORTS = {
    backupJobs: "BACKUP_JOB_REPORT",
    copyJobs: "COPY_JOB_REPORT",
    restoreJobs: "RESTORE_JOB_REPORT",
    controlCompliance: "CONTROL_COMPLIANCE_REPORT",
    resourceCompliance: "RESOURCE_COMPLIANCE_REPORT",
} as const;

type ReportKey = keyof typeof REPORTS;
const REPORT_KEYS = Object.keys(REPORTS) as [ReportKey, ...ReportKey[]];
const JOB_REPORTS: readonly ReportKey[] = ["backupJobs", "copyJobs", "restoreJobs"];

export const auditSchema = z.strictObject({
    /** create: the platform records AWS Config in the audit region; existing: a recorder (e.g. Control Tower's) already does. */
    configRecorder: z.enum(["create", "existing"], {
        error: 'configRecorder is required: "create" (the platform records AWS Config in the audit region) or "existing" (a recorder already does)',
    }),
    /** Central region of the framework, report plans and report bucket; default the central account's first region. */
    region: region.optional(),
    /** Name of the framework; default `<prefix>_controls` with hyphens as underscores. */
    frameworkName: z.string().optional(),
    controls: auditControlsSchema,
    /** Which reports to deliver; default all five. */
    reports: z.array(z.enum(REPORT_KEYS, { error: `reports are ${REPORT_KEYS.join(", ")}` })).optional(),
});

export type AuditConfig = z.infer<typeof auditSchema>;

export const auditSection = {
    ...valueSection("audit", auditSchema.optional()),
    check(env: SectionEnvironment) {
        const audit = env.get(auditSection);
        const prefix = env.get(namePrefixSection);
        const central = env.get(centralAccountSection);
        if (!audit || prefix === undefined) return;
        const framework = audit.frameworkName ?? physicalNames.auditFramework(prefix);
        if (!rules.FRAMEWORK_NAME.test(framework)) {
            env.collector.error(
                audit.frameworkName ? "audit.frameworkName" : "namePrefix",
                `framework name ${JSON.stringify(framework)} must be 1-256 characters, a letter first, then letters, digits or underscores (AWS Backup CreateFramework)`,
            );
        }
        for (const report of reportsOf(audit)) {
            const name = physicalNames.reportPlan(prefix, snake(report));
            if (!rules.REPORT_PLAN_NAME.test(name)) {
                env.collector.error(
                    "namePrefix",
                    `report plan name ${JSON.stringify(name)} must start with a letter and hold only letters, digits and underscores (AWS Backup CreateReportPlan)`,
                );
            }
        }
        const hasControls = controlsOf(audit, "", []).length > 0;
        const compliance = reportsOf(audit).filter((report) => !JOB_REPORTS.includes(report));
        if (compliance.length > 0 && !hasControls) {
            env.collector.error(
                "audit.controls",
                `reports ${compliance.join(", ")} report on the framework's controls; choose at least one control or leave those reports out`,
            );
        }
        if (!central) return;
        if (audit.region && !central.regions.includes(audit.region)) {
            env.collector.error("audit.region", `${audit.region} is not a central region (centralAccount.regions: ${central.regions.join(", ")})`);
        }
        const bucket = physicalNames.reportBucket(prefix, central.id, audit.region ?? central.regions[0]);
        const problem = rules.bucketNameProblem(bucket);
        if (problem) env.collector.error("namePrefix", `report bucket name ${JSON.stringify(bucket)} ${problem}; shorten the prefix`);
    },
};

const snake = (report: ReportKey) => report.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

function reportsOf(audit: AuditConfig): ReportKey[] {
    return [...new Set(audit.reports ?? REPORT_KEYS)];
}

/** The framework's controls, with their input parameters as AWS takes them (strings). */
function controlsOf(audit: AuditConfig, centralAccountId: string, exemptRoleArns: string[]): AuditModel["controls"] {
    const controls = audit.controls ?? {};
    const list: AuditModel["controls"] = [];
    const add = (name: string, inputParameters: Record<string, string> = {}) => list.push({ name, inputParameters });
    if (controls.planFrequencyAndRetention) {
        const { frequencyUnit, frequencyValue, retentionDays } = controls.planFrequencyAndRetention;
        add("BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK", {
            requiredFrequencyUnit: frequencyUnit,
            requiredFrequencyValue: String(frequencyValue),
            requiredRetentionDays: String(retentionDays),
        });
    }
    if (controls.recoveryPointsEncrypted) add("BACKUP_RECOVERY_POINT_ENCRYPTED");
    if (controls.minimumRetention) add("BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK", { requiredRetentionDays: String(controls.minimumRetention.days) });
    if (controls.resourcesProtectedByPlan) add("BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN");
    if (controls.crossRegionCopy) add("BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION", { crossRegionList: controls.crossRegionCopy.regions.join(",") });
    if (controls.crossAccountCopy) add("BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT", { crossAccountList: centralAccountId });
    if (controls.vaultLock) add("BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK");
    // The same roles the vault access policies exempt, which the control expects in principalArnList (at most five).
    // https://docs.aws.amazon.com/config/latest/developerguide/backup-recovery-point-manual-deletion-disabled.html
    if (controls.manualDeletionDisabled) {
        add("BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED", { principalArnList: exemptRoleArns.slice(0, rules.MAX_MANUAL_DELETION_EXEMPT_ROLES).join(",") });
    }
    return list;
}

export function buildAudit(env: SectionEnvironment, partition: string): AuditModel | undefined {
    const audit = env.get(auditSection);
    if (!audit) return undefined;
    const prefix = env.get(namePrefixSection)!;
    const central = env.get(centralAccountSection)!;
    const auditRegion = audit.region ?? central.regions[0];
    const exempt = [
        arns.role(partition, central.id, env.get(breakGlassRoleNameSection)!),
        arns.role(partition, central.id, env.get(deploymentRoleNameSection)!),
    ];
    const bucketName = physicalNames.reportBucket(prefix, central.id, auditRegion);
    const delegated = (env.get(organizationBackupSection)?.delegatedAdministrator ?? true) === true;
    const environmentRegions = [...new Set([...central.regions, ...resolvedAccounts(env).flatMap((account) => account.regions)])].sort();
    const recorderRole = physicalNames.configRecorderRole(prefix);
    return {
        region: auditRegion,
        frameworkName: audit.frameworkName ?? physicalNames.auditFramework(prefix),
        controls: controlsOf(audit, central.id, exempt),
        reportPlans: reportsOf(audit).map((report) => ({ name: physicalNames.reportPlan(prefix, snake(report)), template: REPORTS[report] })),
        // Job reports across accounts need the management account or a delegated administrator.
        // https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-console.html
        reportAccounts: delegated ? ["ROOT"] : [],
        reportRegions: environmentRegions,
        reportBucket: { name: bucketName, arn: arns.bucket(partition, bucketName) },
        reportKeyAliasName: physicalNames.reportKeyAlias(prefix),
        configRecorder: audit.configRecorder,
        configRecorderRole: { name: recorderRole, arn: arns.role(partition, central.id, recorderRole) },
    };
}
