import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { PlanModel, RuleModel, SelectionModel } from "../config/model";

/** Arguments of a {@link BackupPlan}. */
export interface BackupPlanArgs {
    /** AWS region the plan runs in. */
    region: string;
    /** The tier's plan: rules, selection and options, resolved from config. */
    plan: PlanModel;
    /** Name of the vault the rules back up to; pass the vault's output so the plan waits for it. */
    targetVaultName: pulumi.Input<string>;
    /** ARN of the role AWS Backup assumes for the selection. */
    backupRoleArn: pulumi.Input<string>;
    /** Tags for the plan. */
    tags: Record<string, string>;
}

/** One tier's AWS Backup plan in one account and region, with the selection that assigns resources to it. */
export class BackupPlan extends pulumi.ComponentResource {
    public readonly planId: pulumi.Output<string>;
    public readonly arn: pulumi.Output<string>;

    constructor(name: string, args: BackupPlanArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("backup", "BackupPlan"), name, {}, opts);
        const { plan, region } = args;
        const backupPlan = new aws.backup.Plan(
            `${name}-plan`,
            {
                region,
                name: plan.name,
                rules: plan.rules.map((rule) => planRule(rule, args.targetVaultName)),
                // Application-consistent snapshots of Windows EC2 instances.
                // https://docs.aws.amazon.com/aws-backup/latest/devguide/windows-backups.html
                advancedBackupSettings: plan.windowsVss ? [{ resourceType: "EC2", backupOptions: { WindowsVSS: "enabled" } }] : undefined,
                tags: args.tags,
            },
            { parent: this },
        );
        new aws.backup.Selection(`${name}-selection`, selectionArgs(plan.selection, region, backupPlan.id, args.backupRoleArn), { parent: this });
        this.planId = backupPlan.id;
        this.arn = backupPlan.arn;
        this.registerOutputs({ planId: this.planId, arn: this.arn });
    }
}

function planRule(rule: RuleModel, targetVaultName: pulumi.Input<string>): aws.types.input.backup.PlanRule {
    return {
        ruleName: rule.name,
        targetVaultName,
        schedule: rule.schedule,
        scheduleExpressionTimezone: rule.timezone,
        startWindow: rule.startWindowMinutes,
        completionWindow: rule.completionWindowMinutes,
        enableContinuousBackup: rule.continuousBackup,
        lifecycle: rule.lifecycle
            ? {
                  coldStorageAfter: rule.lifecycle.coldStorageAfterDays,
                  deleteAfter: rule.lifecycle.deleteAfterDays,
                  optInToArchiveForSupportedResources: rule.lifecycle.optInToArchiveForSupportedResources,
              }
            : undefined,
        recoveryPointTags: rule.recoveryPointTags,
        // https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CopyAction.html
        copyActions:
            rule.copyActions.length > 0
                ? rule.copyActions.map((copy) => ({
                      destinationVaultArn: copy.destinationVaultArn,
                      lifecycle: copy.lifecycle
                          ? {
                                coldStorageAfter: copy.lifecycle.coldStorageAfterDays,
                                deleteAfter: copy.lifecycle.deleteAfterDays,
                                optInToArchiveForSupportedResources: copy.lifecycle.optInToArchiveForSupportedResources,
                            }
                          : undefined,
                  }))
                : undefined,
    };
}

function selectionArgs(selection: SelectionModel, region: string, planId: pulumi.Input<string>, iamRoleArn: pulumi.Input<string>): aws.backup.SelectionArgs {
    const { stringEquals, stringLike, stringNotEquals, stringNotLike } = selection.conditions;
    const hasConditions = [stringEquals, stringLike, stringNotEquals, stringNotLike].some((list) => list.length > 0);
    return {
        region,
        name: selection.name,
        planId,
        iamRoleArn,
        // ListOfTags only supports STRINGEQUALS. https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Condition.html
        selectionTags: selection.tags.map(({ key, value }) => ({ type: "STRINGEQUALS", key, value })),
        resources: selection.resources,
        notResources: selection.notResources,
        conditions: hasConditions ? [{ stringEquals, stringLikes: stringLike, stringNotEquals, stringNotLikes: stringNotLike }] : undefined,
    };
}
