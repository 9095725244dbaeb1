/**
 * An AWS Organizations tag policy that fixes the backup tier tag: its key's capitalization, the values the environment's
 * tiers select on, and (enforced_for) the resource types for which AWS refuses a tagging operation with another value,
 * so a typo (`daliy`) fails when the resource is tagged instead of leaving it silently unprotected.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_example-tag-policies.html
 * Enforcement refuses non-compliant values; it does not require the tag (untagged resources stay compliant), which is
 * what the CrossGuard policy pack (policies/backup-tier-pack) reports at `pulumi preview`.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_tag-policies-enforcement.html
 */
import type { Assign } from "./backup-policies";

export interface TagPolicyDocument {
    tags: Record<string, { tag_key: Assign<string>; tag_value: Assign<string[]>; enforced_for?: Assign<string[]> }>;
}

/**
 * Resource types that support enforcement, for the AWS Backup resource types whose resources a tier's tag selects,
 * in the `<service>:<resource type>` form enforced_for takes.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_supported-resources-enforcement.html
 */
export const TAG_ENFORCEMENT_TYPES: Readonly<Record<string, readonly string[]>> = {
    Aurora: ["rds:cluster"],
    DynamoDB: ["dynamodb:table"],
    EBS: ["ec2:volume"],
    EC2: ["ec2:instance"],
    EFS: ["elasticfilesystem:file-system"],
    RDS: ["rds:db"],
    S3: ["s3:bucket"],
};

/** One wildcard per value at most, and only where a policy means a pattern; tier values are exact. */
export function tierTagPolicy(args: { tagKey: string; values: string[]; enforcedFor: string[] }): TagPolicyDocument {
    if (args.values.length === 0) throw new Error("a tag policy for the tier tag needs at least one allowed value");
    const wildcard = args.values.find((value) => value.includes("*"));
    if (wildcard !== undefined) throw new Error(`tier value ${JSON.stringify(wildcard)} contains *, which a tag policy reads as a wildcard`);
    return {
        tags: {
            // The policy key is the tag key in any case; tag_key fixes the capitalization resources must use.
            [args.tagKey.toLowerCase()]: {
                tag_key: { "@@assign": args.tagKey },
                tag_value: { "@@assign": [...new Set(args.values)].sort() },
                ...(args.enforcedFor.length > 0 ? { enforced_for: { "@@assign": [...new Set(args.enforcedFor)].sort() } } : {}),
            },
        },
    };
}
