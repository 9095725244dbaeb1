/**
 * Small input checks shared by the policy builders. A wrong partition or
 * account in a policy is accepted by AWS and then silently matches nothing,
 * so we fail at build time instead.
 *
 * ARN format: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */

export interface ParsedArn {
    partition: string;
    service: string;
    region: string;
    accountId: string;
    resource: string;
}

const PARTITION = /^aws(-[a-z]+)*$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2,}(-[a-z]+)+-\d+$/;

export function assertPartition(partition: string): void {
    if (!PARTITION.test(partition)) {
        throw new Error(`Not an AWS partition: ${JSON.stringify(partition)} (expected e.g. "aws", "aws-cn", "aws-us-gov")`);
    }
}

export function assertAccountId(accountId: string): void {
    if (!ACCOUNT_ID.test(accountId)) {
        throw new Error(`Not a 12-digit AWS account ID: ${JSON.stringify(accountId)}`);
    }
}

/** The ARN partition a region belongs to. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html */
export function partitionOf(region: string): string {
    const prefixes: Array<[string, string]> = [
        ["cn-", "aws-cn"],
        ["us-gov-", "aws-us-gov"],
        ["us-isob-", "aws-iso-b"],
        ["us-isof-", "aws-iso-f"],
        ["us-iso-", "aws-iso"],
        ["eu-isoe-", "aws-iso-e"],
        ["eusc-", "aws-eusc"],
    ];
    const match = prefixes.find(([prefix]) => region.startsWith(prefix));
    return match ? match[1] : "aws";
}

/** Regions live in exactly one partition; a mix-up yields ARNs that never match. */
export function assertRegionInPartition(region: string, partition: string): void {
    assertPartition(partition);
    if (!REGION.test(region)) {
        throw new Error(`Not an AWS region code: ${JSON.stringify(region)}`);
    }
    const expected = partitionOf(region);
    if (partition !== expected) {
        throw new Error(`Region ${region} is not in partition ${partition}: it belongs to partition ${expected}`);
    }
}

export function parseArn(arn: string): ParsedArn {
    const parts = arn.split(":");
    if (parts.length < 6 || parts[0] !== "arn") {
        throw new Error(`Not an ARN: ${JSON.stringify(arn)}`);
    }
    const [, partition, service, region, accountId] = parts;
    return { partition, service, region, accountId, resource: parts.slice(5).join(":") };
}

/** An IAM role ARN (`arn:<partition>:iam::<account>:role/<path/>name`), optionally pinned to a partition and account. */
export function assertRoleArn(arn: string, label: string, expect: { partition?: string; accountId?: string } = {}): ParsedArn {
    const parsed = parseArn(arn);
    assertPartition(parsed.partition);
    assertAccountId(parsed.accountId);
    if (parsed.service !== "iam" || parsed.region !== "" || !/^role\/.+/.test(parsed.resource)) {
        throw new Error(`${label} is not an IAM role ARN: ${arn}`);
    }
    if (expect.partition !== undefined && parsed.partition !== expect.partition) {
        throw new Error(`${label} is in partition ${parsed.partition}, expected ${expect.partition}: ${arn}`);
    }
    if (expect.accountId !== undefined && parsed.accountId !== expect.accountId) {
        throw new Error(`${label} is in account ${parsed.accountId}, expected ${expect.accountId}: ${arn}`);
    }
    return parsed;
}

/**
 * What is wrong with a principal trusted to assume a role, or undefined for an exact IAM role or user ARN (in
 * `partition`, when given). A wildcard would trust any matching role, including one an attacker creates; an account
 * root would trust every identity of that account. Config validation and the trust-policy builder share this rule.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
export function trustedPrincipalProblem(arn: string, partition?: string): string | undefined {
    if (arn.includes("*") || arn.includes("?"))
        return "must be an exact ARN: a wildcard would trust any role whose name matches, including one an attacker creates";
    if (/:root$/.test(arn)) return "must name a role or user, not an account root (which would trust every identity of that account)";
    if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/.test(arn)) {
        return "is not an IAM role or user ARN (arn:<partition>:iam::<12-digit account>:role/<name>)";
    }
    const arnPartition = arn.split(":")[1];
    if (partition !== undefined && arnPartition !== partition) return `is in partition ${arnPartition}, expected ${partition}`;
    return undefined;
}
