/**
 * The policy of the backup-tier pack: every resource of a type the platform's tiers protect must carry the tier tag,
 * with a value the environment defines. AWS Backup selects resources by that tag, so a missing tag or a typo
 * (`daliy`) leaves a database unprotected without any error; this reports it at `pulumi preview` of the application
 * stack instead. The allowed values come from the environment's config (`npm run plan -- --policy-pack-config`
 * writes them, config/<environment>.json beside this file holds them) and reach the policy as policy config.
 * https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/
 *
 * Self-contained on purpose (only @pulumi/policy types): the pack is published and run from this directory alone.
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

export const BACKUP_TIER_POLICY_NAME = "backup-tier-tag";

/** The Pulumi AWS types whose resources AWS Backup protects and a tier selects, with how a message names them. */
export const TIER_CHECKED_TYPES: Readonly<Record<string, string>> = {
    "aws:rds/instance:Instance": "RDS instance",
    "aws:rds/cluster:Cluster": "RDS cluster",
    "aws:dynamodb/table:Table": "DynamoDB table",
    "aws:efs/fileSystem:FileSystem": "EFS file system",
    "aws:ebs/volume:Volume": "EBS volume",
    "aws:ec2/instance:Instance": "EC2 instance",
    "aws:s3/bucket:Bucket": "S3 bucket",
    "aws:s3/bucketV2:BucketV2": "S3 bucket",
};

/** The policy's config: the environment's tier tag key and the values its tiers define. */
export interface BackupTierConfig {
    tierTagKey: string;
    allowedTiers: string[];
}

/**
 * What is wrong with a resource's tier, or undefined when it is fine or not a checked type. Tags set by the resource
 * (`tags`) win over those the provider adds (`tagsAll`, when the engine knows them).
 */
export function tierTagProblem(type: string, props: Record<string, unknown>, config: BackupTierConfig): string | undefined {
    const what = TIER_CHECKED_TYPES[type];
    if (what === undefined) return undefined;
    const tags = { ...asTags(props.tagsAll), ...asTags(props.tags) };
    const allowed = config.allowedTiers.join(", ");
    const value = tags[config.tierTagKey];
    if (value === undefined) {
        return `${what} has no ${config.tierTagKey} tag, so no backup tier selects it and AWS Backup never backs it up; tag it with one of: ${allowed}`;
    }
    if (!config.allowedTiers.includes(value)) {
        const sameButCase = config.allowedTiers.find((tier) => tier.toLowerCase() === value.toLowerCase());
        const hint = sameButCase ? ` (tag values are case-sensitive: did you mean ${JSON.stringify(sameButCase)}?)` : "";
        return `${what} has ${config.tierTagKey}=${JSON.stringify(value)}, which is not a backup tier of this environment, so AWS Backup never backs it up${hint}; use one of: ${allowed}`;
    }
    return undefined;
}

function asTags(value: unknown): Record<string, string> {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

export const backupTierTagPolicy: ResourceValidationPolicy = {
    name: BACKUP_TIER_POLICY_NAME,
    description: "Resources that AWS Backup protects carry a backup tier tag whose value is a tier the environment defines.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            tierTagKey: { type: "string", minLength: 1 },
            allowedTiers: { type: "array", items: { type: "string" }, minItems: 1 },
        },
        required: ["tierTagKey", "allowedTiers"],
    },
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        const problem = tierTagProblem(args.type, args.props, args.getConfig<BackupTierConfig>());
        if (problem) reportViolation(problem);
    },
};
