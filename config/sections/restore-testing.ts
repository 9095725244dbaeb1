/**
 * Restore testing: AWS Backup restore testing plans that restore recent recovery points on a schedule (in the central
 * account by default, and in the workload accounts listed), with the validation Lambda that records a verdict for
 * each restore. Every bound below is AWS's, cited beside its check.
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { accountId, ec2Id, evenWithOtherErrors, keysMatch, region, tagKey, tagValue, timezone } from "../common";
import { duplicates } from "../findings";
import {
    arns,
    EnvironmentModel,
    restoreTestingArns,
    restoreTestingNames,
    RestoreTestingModel,
    RestoreTestingRegionModel,
    RestoreTestingSelectionModel,
} from "../model";
import { parseScheduleExpression } from "../schedule-expression";
import { SectionEnvironment, unknownReference, valueSection } from "../section";
import { VALIDATED_TYPES } from "../../restore-testing/permissions";
import { accountsSection } from "./accounts";
import { centralAccountSection } from "./central-account";
import { namePrefixSection } from "./settings";
import { asResourceTag } from "./tiers";

/** Plan and selection names: letters, digits and underscores, at most 50; a plan's name cannot change after creation.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingSelectionForList.html */
export const RESTORE_TESTING_NAME = /^[A-Za-z0-9_]{1,50}$/;
/** StartWindowHours: AWS's default 24, at most 168 (one week).
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingPlanForUpdate.html */
export const MAX_START_WINDOW_HOURS = 168;
export const DEFAULT_START_WINDOW_HOURS = 24;
/** SelectionWindowDays: 1 to 365, AWS's default 30. https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingPlanForCreate.html */
export const MAX_SELECTION_WINDOW_DAYS = 365;
export const DEFAULT_SELECTION_WINDOW_DAYS = 30;
/** ValidationWindowHours: "an integer between 0 and 168".
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingSelectionForList.html */
export const MAX_VALIDATION_WINDOW_HOURS = 168;
/** Specific ARNs per selection: up to 30, or "*" with conditions, not both.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingSelectionForCreate.html */
export const MAX_SELECTION_PROTECTED_ARNS = 30;
/** ProtectedResourceType values restore testing accepts (same page). */
export const RESTORE_TESTING_RESOURCE_TYPES = ["Aurora", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "Neptune", "RDS", "S3"] as const;
/** The ARN service of each type's protected resources, to catch an ARN of the wrong kind. */
const ARN_SERVICE: Record<string, string> = {
    Aurora: "rds",
    DocumentDB: "rds",
    Neptune: "rds",
    RDS: "rds",
    DynamoDB: "dynamodb",
    EBS: "ec2",
    EC2: "ec2",
    EFS: "elasticfilesystem",
    FSx: "fsx",
    S3: "s3",
};
/** Lambda timeout 1-900 s and memory 128-10,240 MB. https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html */
export const MAX_LAMBDA_TIMEOUT_SECONDS = 900;
export const MIN_LAMBDA_MEMORY_MB = 128;
export const MAX_LAMBDA_MEMORY_MB = 10_240;
/** Lambda function names: letters, digits, hyphens and underscores, at most 64. https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** DB subnet group names: up to 255 letters, digits, periods, underscores, spaces or hyphens, not "default".
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html */
const DB_SUBNET_GROUP = /^[A-Za-z0-9._ -]{1,255}$/;
/** Restored resources of these types run in a VPC: without network settings AWS Backup infers the default VPC.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html */
const EC2_NETWORKED = new Set(["EC2"]);
const DB_NETWORKED = new Set(["RDS", "Aurora", "DocumentDB", "Neptune"]);

const schedule = z.string().superRefine((text, ctx) => {
    const parsed = parseScheduleExpression(text);
    if (!parsed.ok) {
        for (const problem of parsed.problems) ctx.addIssue({ code: "custom", message: problem });
    } else if (parsed.expression.kind !== "cron") {
        // "must contain a ScheduleExpression cron": https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateRestoreTestingPlan.html
        ctx.addIssue({ code: "custom", message: `${JSON.stringify(text)}: a restore testing plan's schedule is a cron(...) expression, not rate(...)` });
    }
});

const tagCondition = z.strictObject({ key: tagKey, value: tagValue });

export const restoreTestingSelectionSchema = z
    .strictObject({
        /** AWS Backup resource type; one type per selection. */
        resourceType: z.enum(RESTORE_TESTING_RESOURCE_TYPES, {
            error: (issue) => `${JSON.stringify(issue.input)} is not a resource type restore testing accepts (${RESTORE_TESTING_RESOURCE_TYPES.join(", ")})`,
        }),
        /** `["*"]` (the default) to select by conditions, or up to 30 protected resource ARNs. */
        resources: z.array(z.string().min(1)).min(1, { error: 'name "*" or at least one protected resource ARN' }).default(["*"]),
        /** Tag conditions on protected resources (only with "*"). */
        conditions: z.strictObject({ stringEquals: z.array(tagCondition).optional(), stringNotEquals: z.array(tagCondition).optional() }).optional(),
        /** Hours AWS Backup keeps the restored resource for validation before deleting it (0-168; platform default 4). */
        validationWindowHours: z
            .int({ error: "validationWindowHours must be a whole number of hours" })
            .min(0, { error: "validationWindowHours must be at least 0" })
            .max(MAX_VALIDATION_WINDOW_HOURS, {
                error: `validationWindowHours must be at most ${MAX_VALIDATION_WINDOW_HOURS} (AWS Backup ValidationWindowHours)`,
            })
            .default(4),
        /** RestoreMetadataOverrides beyond the region's network settings (keys are case-insensitive for AWS). */
        metadataOverrides: z.record(z.string().min(1), z.string()).optional(),
    })
    .superRefine((selection, ctx) => {
        const resources = Array.isArray(selection.resources) ? selection.resources : [];
        const wildcard = resources.includes("*");
        if (wildcard && resources.length > 1) {
            ctx.addIssue({
                code: "custom",
                path: ["resources"],
                message: '"*" selects every protected resource of the type; list it alone or name ARNs instead',
            });
        }
        const specific = resources.filter((arn) => arn !== "*");
        if (specific.length > MAX_SELECTION_PROTECTED_ARNS) {
            ctx.addIssue({
                code: "custom",
                path: ["resources"],
                message: `${specific.length} ARNs; a restore testing selection takes at most ${MAX_SELECTION_PROTECTED_ARNS} (AWS Backup RestoreTestingSelectionForCreate)`,
            });
        }
        const service = ARN_SERVICE[String(selection.resourceType)];
        specific.forEach((arn, index) => {
            const parts = arn.split(":");
            if (parts[0] !== "arn" || parts.length < 6) {
                ctx.addIssue({ code: "custom", path: ["resources", index], message: `${JSON.stringify(arn)} is neither "*" nor an ARN` });
            } else if (service && parts[2] !== service) {
                ctx.addIssue({
                    code: "custom",
                    path: ["resources", index],
                    message: `${JSON.stringify(arn)} is a ${parts[2]} ARN, not one of a ${selection.resourceType} resource`,
                });
            }
        });
        const conditions = [...(selection.conditions?.stringEquals ?? []), ...(selection.conditions?.stringNotEquals ?? [])];
        if (specific.length > 0 && conditions.length > 0) {
            ctx.addIssue({
                code: "custom",
                path: ["conditions"],
                message:
                    'conditions apply only with resources ["*"]: AWS Backup rejects a selection with specific ARNs and conditions (RestoreTestingSelectionForCreate)',
            });
        }
    }, evenWithOtherErrors);

export const restoreTestingPlanSchema = z.strictObject({
    schedule,
    timezone: timezone.default("Etc/UTC"),
    /** Hours after the scheduled time within which a restore must start (1-168, AWS's default 24). */
    startWindowHours: z
        .int({ error: "startWindowHours must be a whole number of hours" })
        .min(1, { error: "startWindowHours must be at least 1" })
        .max(MAX_START_WINDOW_HOURS, { error: `startWindowHours must be at most ${MAX_START_WINDOW_HOURS} (one week, AWS Backup StartWindowHours)` })
        .default(DEFAULT_START_WINDOW_HOURS),
    /** Which recovery point of the window to restore: the latest, or a random one. */
    algorithm: z.enum(["latest", "random"], { error: 'algorithm must be "latest" or "random"' }).default("latest"),
    /** Kinds of recovery point to restore: snapshot, continuous (point in time), or both. */
    recoveryPointTypes: z
        .array(z.enum(["snapshot", "continuous"], { error: 'recovery point types are "snapshot" and "continuous"' }))
        .min(1, { error: "name at least one recovery point type" })
        .refine((types) => new Set(types).size === types.length, { error: "each recovery point type once" })
        .default(["snapshot"]),
    /** Days back from the run in which a recovery point is chosen (1-365, AWS's default 30). */
    selectionWindowDays: z
        .int({ error: "selectionWindowDays must be a whole number of days" })
        .min(1, { error: "selectionWindowDays must be at least 1" })
        .max(MAX_SELECTION_WINDOW_DAYS, { error: `selectionWindowDays must be at most ${MAX_SELECTION_WINDOW_DAYS} (AWS Backup SelectionWindowDays)` })
        .default(DEFAULT_SELECTION_WINDOW_DAYS),
    /** Selections by name (letters, digits, underscores); one resource type each. */
    selections: z
        .record(z.string(), restoreTestingSelectionSchema)
        .superRefine(keysMatch(RESTORE_TESTING_NAME, "restore testing selection name (1-50 letters, digits and underscores)"))
        .refine((map) => Object.keys(map).length > 0, { error: "a restore testing plan needs at least one selection" }),
});

export const restoreNetworkSchema = z.strictObject({
    /** Subnet restored EC2 instances start in (metadata key subnetId). */
    subnetId: ec2Id("subnet", "a subnet id").optional(),
    /** Security groups of restored EC2 instances (securityGroupIds) and databases (vpcSecurityGroupIds). */
    securityGroupIds: z.array(ec2Id("sg", "a security group id")).optional(),
    /** DB subnet group restored RDS, Aurora, DocumentDB and Neptune databases use (dbSubnetGroupName). */
    dbSubnetGroupName: z
        .string()
        .regex(DB_SUBNET_GROUP, { error: "a DB subnet group name is up to 255 letters, digits, periods, underscores, spaces or hyphens" })
        .refine((name) => name.toLowerCase() !== "default", { error: 'a DB subnet group cannot be named "default"' })
        .optional(),
});

export const restoreTestingSchema = z.strictObject({
    /** Run restore tests in the central account, from its central vaults (default true). */
    central: z.boolean().default(true),
    /** Workload accounts (ids) that also run restore tests, from their own vaults. */
    accounts: z.array(accountId).default([]),
    plans: z
        .record(z.string(), restoreTestingPlanSchema)
        .superRefine(keysMatch(/^[A-Za-z0-9_]+$/, "restore testing plan key (letters, digits and underscores)"))
        .refine((map) => Object.keys(map).length > 0, { error: "name at least one restore testing plan" }),
    /** Network settings per region for restored resources: landing zones often have no default VPC. */
    network: z
        .record(z.string(), restoreNetworkSchema)
        .superRefine((map, ctx) => {
            for (const key of Object.keys(map)) {
                const checked = region.safeParse(key);
                if (!checked.success) ctx.addIssue({ code: "custom", path: [key], message: checked.error.issues[0].message });
            }
        })
        .default({}),
    validator: z
        .strictObject({
            timeoutSeconds: z
                .int()
                .min(30, { error: "timeoutSeconds must be at least 30: the function keeps 10 s to report each verdict" })
                .max(MAX_LAMBDA_TIMEOUT_SECONDS, { error: `timeoutSeconds must be at most ${MAX_LAMBDA_TIMEOUT_SECONDS} (AWS Lambda)` })
                .default(MAX_LAMBDA_TIMEOUT_SECONDS),
            memoryMb: z
                .int()
                .min(MIN_LAMBDA_MEMORY_MB, { error: `memoryMb must be at least ${MIN_LAMBDA_MEMORY_MB} (AWS Lambda)` })
                .max(MAX_LAMBDA_MEMORY_MB, { error: `memoryMb must be at most ${MAX_LAMBDA_MEMORY_MB} (AWS Lambda)` })
                .default(256),
            logRetentionDays: z
                .int()
                .refine((days) => rules.LOG_RETENTION_DAYS.includes(days), {
                    error: (issue) => `${issue.input} is not a retention CloudWatch Logs accepts (${rules.LOG_RETENTION_DAYS.join(", ")})`,
                })
                .default(90),
        })
        .default({ timeoutSeconds: MAX_LAMBDA_TIMEOUT_SECONDS, memoryMb: 256, logRetentionDays: 90 }),
});

export type RestoreTestingConfig = z.infer<typeof restoreTestingSchema>;

export const restoreTestingSection = {
    ...valueSection("restoreTesting", restoreTestingSchema.optional()),
    check(env: SectionEnvironment) {
        const config = env.get(restoreTestingSection);
        if (!config) return;
        const { collector } = env;
        const prefix = env.get(namePrefixSection);
        if (prefix !== undefined) {
            for (const key of Object.keys(config.plans)) {
                const name = restoreTestingNames.plan(prefix, key);
                if (!RESTORE_TESTING_NAME.test(name)) {
                    collector.error(
                        `restoreTesting.plans.${key}`,
                        `plan name ${JSON.stringify(name)} (namePrefix with _ for -, then the key) must be 1-50 letters, digits and underscores (AWS Backup restore testing plan names)`,
                    );
                }
            }
            const functionName = restoreTestingNames.function(prefix);
            if (!FUNCTION_NAME.test(functionName)) collector.error("namePrefix", `Lambda function name ${JSON.stringify(functionName)} is too long or invalid`);
        }
        const workloadIds = (env.get(accountsSection) ?? []).map((entry) => entry.value.id);
        config.accounts.forEach((id, index) => {
            if (!workloadIds.includes(id)) {
                collector.error(`restoreTesting.accounts[${index}]`, unknownReference("workload account", id, workloadIds, "accounts"));
            }
        });
        for (const id of duplicates(config.accounts)) collector.error("restoreTesting.accounts", `account ${id} is listed more than once`);
        if (!config.central && config.accounts.length === 0) {
            collector.warning("restoreTesting", "central is false and no account is listed: no restore test will run");
        }
        for (const [planKey, plan] of Object.entries(config.plans)) {
            for (const [selectionKey, selection] of Object.entries(plan.selections)) {
                const path = `restoreTesting.plans.${planKey}.selections.${selectionKey}`;
                if (!VALIDATED_TYPES.includes(selection.resourceType)) {
                    collector.warning(
                        path,
                        `the validation Lambda has no validator for ${selection.resourceType}: its restores are reported FAILED as unverified (validators: ${VALIDATED_TYPES.join(", ")})`,
                    );
                }
                if (selection.validationWindowHours === 0) {
                    collector.warning(
                        path,
                        "validationWindowHours 0 leaves the validation Lambda no time: AWS Backup may delete the resource before it is checked",
                    );
                }
            }
        }
        const central = env.get(centralAccountSection);
        const testedRegions = new Set([...(config.central && central ? central.regions : [])]);
        for (const id of config.accounts) {
            const account = (env.get(accountsSection) ?? []).find((entry) => entry.value.id === id);
            for (const r of account?.value.regions ?? []) testedRegions.add(r);
        }
        for (const networkRegion of Object.keys(config.network)) {
            if (config.central && central && !testedRegions.has(networkRegion) && config.accounts.length === 0) {
                collector.warning(`restoreTesting.network.${networkRegion}`, "no restore testing runs in this region");
            }
        }
    },
};

/** AWS Backup's spelling of the config's algorithm and recovery point types. */
const ALGORITHM = { latest: "LATEST_WITHIN_WINDOW", random: "RANDOM_WITHIN_WINDOW" } as const;
const RECOVERY_POINT_TYPE = { snapshot: "SNAPSHOT", continuous: "CONTINUOUS" } as const;

/**
 * RestoreMetadataOverrides for one type in one region: the region's network settings under the keys of the type's
 * restore metadata, then the selection's own overrides, which win (compared case-insensitively, as AWS reads keys).
 * Lists are JSON arrays in a string, as the metadata's values are strings.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html
 */
export function metadataOverridesFor(
    resourceType: string,
    network: z.infer<typeof restoreNetworkSchema> | undefined,
    own: Record<string, string> | undefined,
): Record<string, string> {
    const fromNetwork: Record<string, string> = {};
    if (network && EC2_NETWORKED.has(resourceType)) {
        if (network.subnetId) fromNetwork.subnetId = network.subnetId;
        if (network.securityGroupIds?.length) fromNetwork.securityGroupIds = JSON.stringify(network.securityGroupIds);
    }
    if (network && DB_NETWORKED.has(resourceType)) {
        if (network.dbSubnetGroupName) fromNetwork.dbSubnetGroupName = network.dbSubnetGroupName;
        if (network.securityGroupIds?.length) fromNetwork.vpcSecurityGroupIds = JSON.stringify(network.securityGroupIds);
    }
    const ownKeys = new Set(Object.keys(own ?? {}).map((key) => key.toLowerCase()));
    const merged = Object.fromEntries(Object.entries(fromNetwork).filter(([key]) => !ownKeys.has(key.toLowerCase())));
    return { ...merged, ...(own ?? {}) };
}

/** Whether a type restored into a region has network settings there; without them AWS Backup infers the default VPC. */
export function needsNetwork(resourceType: string): boolean {
    return EC2_NETWORKED.has(resourceType) || DB_NETWORKED.has(resourceType);
}

function regionModel(
    config: RestoreTestingConfig,
    namePrefix: string,
    partition: string,
    accountId: string,
    region: string,
    includeVaultArns: string[],
    alertTopicArn: string | undefined,
): RestoreTestingRegionModel {
    const functionName = restoreTestingNames.function(namePrefix);
    const queueName = restoreTestingNames.deadLetterQueue(namePrefix);
    const plans = Object.entries(config.plans).map(([key, plan]) => {
        const name = restoreTestingNames.plan(namePrefix, key);
        return {
            key,
            name,
            arnPrefix: restoreTestingArns.planPrefix(partition, region, accountId, name),
            schedule: plan.schedule,
            timezone: plan.timezone,
            startWindowHours: plan.startWindowHours,
            algorithm: ALGORITHM[plan.algorithm],
            recoveryPointTypes: plan.recoveryPointTypes.map((type) => RECOVERY_POINT_TYPE[type]),
            selectionWindowDays: plan.selectionWindowDays,
            selections: Object.entries(plan.selections).map(([selectionName, selection]): RestoreTestingSelectionModel => ({
                name: selectionName,
                resourceType: selection.resourceType,
                resources: [...selection.resources],
                conditions: {
                    stringEquals: asResourceTag(selection.conditions?.stringEquals),
                    stringNotEquals: asResourceTag(selection.conditions?.stringNotEquals),
                },
                validationWindowHours: selection.validationWindowHours,
                metadataOverrides: metadataOverridesFor(selection.resourceType, config.network[region], selection.metadataOverrides),
            })),
        };
    });
    const restoreRoleName = restoreTestingNames.restoreRole(namePrefix, region);
    const validatorRoleName = restoreTestingNames.validatorRole(namePrefix, region);
    return {
        region,
        restoreRole: { name: restoreRoleName, arn: arns.role(partition, accountId, restoreRoleName) },
        validatorRole: { name: validatorRoleName, arn: arns.role(partition, accountId, validatorRoleName) },
        functionName,
        functionArn: restoreTestingArns.function(partition, region, accountId, functionName),
        logGroupName: restoreTestingNames.logGroup(functionName),
        deadLetterQueueName: queueName,
        deadLetterQueueArn: restoreTestingArns.queue(partition, region, accountId, queueName),
        ruleName: restoreTestingNames.rule(namePrefix),
        ...(alertTopicArn ? { alertTopicArn } : {}),
        includeVaultArns,
        plans,
        resourceTypes: [...new Set(plans.flatMap((plan) => plan.selections.map((selection) => selection.resourceType)))],
    };
}

/** Warnings that need the built model: networked types restored where no network settings exist, alarms without a topic. */
function warnAboutRegions(env: SectionEnvironment, where: string, testing: RestoreTestingModel, config: RestoreTestingConfig): void {
    for (const stamp of testing.regions) {
        const networked = stamp.resourceTypes.filter(needsNetwork);
        if (networked.length > 0 && !config.network[stamp.region]) {
            env.collector.warning(
                "restoreTesting.network",
                `${where} restores ${networked.join(", ")} in ${stamp.region} without network settings: AWS Backup then uses the default VPC, which landing zones often lack (set restoreTesting.network.${stamp.region})`,
            );
        }
        if (!stamp.alertTopicArn) {
            env.collector.warning(
                "restoreTesting.accounts",
                `${where} tests restores in ${stamp.region}, where the central account has no alert topic: its alarms have no action (add the region to centralAccount.regions)`,
            );
        }
    }
}

/** Adds restore testing to the central account and to the listed workload accounts of a built model. */
export function withRestoreTesting(env: SectionEnvironment, model: EnvironmentModel): EnvironmentModel {
    const config = env.get(restoreTestingSection);
    if (!config) return model;
    const validator = { ...config.validator };
    const { central, namePrefix, partition } = model;
    const centralTesting: RestoreTestingModel | undefined = config.central
        ? {
              validator,
              regions: central.regions.map((r) =>
                  regionModel(config, namePrefix, partition, central.accountId, r, [central.vaultArnByRegion[r]], central.alertTopicArnByRegion[r]),
              ),
          }
        : undefined;
    if (centralTesting) warnAboutRegions(env, `the central account ${central.alias}`, centralTesting, config);
    const accounts = model.accounts.map((account) => {
        if (!config.accounts.includes(account.id)) return account;
        const testing: RestoreTestingModel = {
            validator,
            regions: account.regions.map((stamp) =>
                regionModel(
                    config,
                    namePrefix,
                    partition,
                    account.id,
                    stamp.region,
                    stamp.vaults.map((vault) => vault.arn),
                    central.alertTopicArnByRegion[stamp.region],
                ),
            ),
        };
        warnAboutRegions(env, `account ${account.alias}`, testing, config);
        return { ...account, restoreTesting: testing };
    });
    return {
        ...model,
        management: { ...model.management, restoreTestingInWorkloadAccounts: config.accounts.length > 0 },
        central: {
            ...(centralTesting ? { ...central, restoreTesting: centralTesting } : central),
            // Restore testing's alarms in workload accounts notify the central alert topic of their region.
            alerts: { ...central.alerts, alarmSourceAccountIds: [...new Set([central.accountId, ...config.accounts])] },
        },
        accounts,
    };
}
