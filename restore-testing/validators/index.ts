/**
 * The validators by AWS Backup resource type. A type without one is reported honestly as unverified (FAILED), never
 * as a success.
 */
import { dynamodbValidator } from "./dynamodb";
import { ebsValidator } from "./ebs";
import { ec2Validator } from "./ec2";
import { efsValidator } from "./efs";
import { auroraValidator, rdsValidator } from "./rds";
import { s3Validator } from "./s3";
import type { Validator } from "./types";

export const VALIDATORS: readonly Validator[] = [s3Validator, ebsValidator, ec2Validator, rdsValidator, auroraValidator, dynamodbValidator, efsValidator];

const BY_TYPE = new Map(VALIDATORS.flatMap((validator) => validator.resourceTypes.map((type) => [type, validator] as const)));

/** DynamoDB restores may report `DynamoDB.FullyManaged`-style suffixed types; the base type decides. */
export function validatorFor(resourceType: string | undefined): Validator | undefined {
    if (!resourceType) return undefined;
    return BY_TYPE.get(resourceType) ?? BY_TYPE.get(resourceType.split(".")[0]);
}

export type { Validator, Verdict } from "./types";
