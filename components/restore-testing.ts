import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { RestoreTestingRegionModel, RestoreTestingSelectionModel, RestoreValidatorSettings } from "../config/model";
import { backupServiceManagedPolicyArns, backupServiceTrustPolicy, serializePolicy } from "../policies";
import type { ValidatorBundle } from "../restore-testing/bundle";
import { TYPE } from "./resource-types";
import { RestoreValidator } from "./restore-validator";

/** Every resource type a restore testing stamp creates (for the programs' lists and the deployment role). */
export const RESTORE_TESTING_RESOURCE_TYPES: readonly string[] = [
    TYPE.role,
    TYPE.rolePolicyAttachment,
    TYPE.rolePolicy,
    TYPE.restoreTestingPlan,
    TYPE.restoreTestingSelection,
    TYPE.lambdaFunction,
    TYPE.lambdaPermission,
    TYPE.logGroup,
    TYPE.queue,
    TYPE.queuePolicy,
    TYPE.eventRule,
    TYPE.eventTarget,
    TYPE.metricAlarm,
];

/** Arguments of a {@link RestoreTesting}. */
export interface RestoreTestingArgs {
    accountId: string;
    partition: string;
    /** Permissions boundary the role carries (the deployment role may only create roles that carry it). */
    permissionsBoundaryArn: string;
    /** Plans, selections, names and alert topic of this account-region, from the model. */
    stamp: RestoreTestingRegionModel;
    settings: RestoreValidatorSettings;
    /** The bundled validation handler (restore-testing/bundle.ts). */
    bundle: Promise<ValidatorBundle>;
    tags: Record<string, string>;
}

/**
 * AWS Backup restore testing in one account-region: the role AWS Backup restores with, one restore testing plan per
 * configured plan with a selection per resource type, and the validation Lambda that records a verdict for each
 * restore. https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html
 */
export class RestoreTesting extends pulumi.ComponentResource {
    /** Restore testing plan ARNs by plan key. */
    public readonly planArns: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: RestoreTestingArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("restore", "RestoreTesting"), name, {}, opts);
        if (!opts?.provider && !opts?.parent) {
            throw new Error(`RestoreTesting ${name}: pass { provider } with an aws.Provider that assumes the deployment role in account ${args.accountId}`);
        }
        const { stamp, partition, accountId, tags } = args;
        const region = stamp.region;

        // AWS Backup restores with this role; the AWS managed restore policies also let it delete what restore tests create.
        // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForRestores.html
        const restoreRole = new aws.iam.Role(
            `${name}-restore-role`,
            {
                name: stamp.restoreRole.name,
                description: `Assumed by AWS Backup to run restore tests in ${region}`,
                assumeRolePolicy: serializePolicy(backupServiceTrustPolicy({ accountId, partition })),
                permissionsBoundary: args.permissionsBoundaryArn,
                tags,
            },
            { parent: this },
        );
        const attachments = backupServiceManagedPolicyArns(partition)
            .filter((arn) => /Restore/.test(arn))
            .map(
                (policyArn) =>
                    new aws.iam.RolePolicyAttachment(`${name}-${policyArn.split("/").pop()}`, { role: restoreRole.name, policyArn }, { parent: this }),
            );
        const restoreRoleArn = pulumi.all([restoreRole.arn, ...attachments.map((attachment) => attachment.id)]).apply(([arn]) => arn);

        this.planArns = {};
        for (const plan of stamp.plans) {
            const resource = new aws.backup.RestoreTestingPlan(
                `${name}-plan-${plan.key}`,
                {
                    region,
                    name: plan.name,
                    scheduleExpression: plan.schedule,
                    scheduleExpressionTimezone: plan.timezone,
                    startWindowHours: plan.startWindowHours,
                    recoveryPointSelection: {
                        algorithm: plan.algorithm,
                        includeVaults: stamp.includeVaultArns,
                        recoveryPointTypes: plan.recoveryPointTypes,
                        selectionWindowDays: plan.selectionWindowDays,
                    },
                    tags,
                },
                { parent: this },
            );
            for (const selection of plan.selections) {
                new aws.backup.RestoreTestingSelection(
                    `${name}-plan-${plan.key}-${selection.name}`,
                    selectionArgs(region, resource.name, restoreRoleArn, selection),
                    {
                        parent: this,
                    },
                );
            }
            this.planArns[plan.key] = resource.arn;
        }

        new RestoreValidator(
            `${name}-validator`,
            {
                accountId,
                partition,
                permissionsBoundaryArn: args.permissionsBoundaryArn,
                stamp,
                settings: args.settings,
                planArns: Object.values(this.planArns),
                bundle: args.bundle,
                tags,
            },
            { parent: this },
        );
        this.registerOutputs({ planArns: this.planArns });
    }
}

function selectionArgs(
    region: string,
    planName: pulumi.Input<string>,
    iamRoleArn: pulumi.Input<string>,
    selection: RestoreTestingSelectionModel,
): aws.backup.RestoreTestingSelectionArgs {
    const { stringEquals, stringNotEquals } = selection.conditions;
    const hasConditions = stringEquals.length + stringNotEquals.length > 0;
    return {
        region,
        name: selection.name,
        restoreTestingPlanName: planName,
        protectedResourceType: selection.resourceType,
        protectedResourceArns: selection.resources,
        protectedResourceConditions: hasConditions ? { stringEquals, stringNotEquals } : undefined,
        iamRoleArn,
        restoreMetadataOverrides: Object.keys(selection.metadataOverrides).length > 0 ? selection.metadataOverrides : undefined,
        validationWindowHours: selection.validationWindowHours,
    };
}

/** The restore testing of one account-region, through the account's provider. */
export function restoreTestingIn(
    alias: string,
    context: {
        accountId: string;
        partition: string;
        permissionsBoundaryArn: string;
        tags: Record<string, string>;
        settings: RestoreValidatorSettings;
        bundle: Promise<ValidatorBundle>;
    },
    stamp: RestoreTestingRegionModel,
    opts: pulumi.ComponentResourceOptions,
): RestoreTesting {
    return new RestoreTesting(`${alias}-${stamp.region}-restore-testing`, { ...context, stamp }, opts);
}
