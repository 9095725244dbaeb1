/**
 * Typed IAM policy documents as plain JSON data.
 *
 * Everything in `policies/` builds values of these types from plain strings;
 * nothing here knows about Pulumi. Callers that hold Pulumi Outputs resolve
 * them first (e.g. inside `pulumi.all([...]).apply(...)`) and call
 * `serializePolicy` on the result.
 *
 * Grammar reference:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */

/** The only policy language version we emit; "2008-10-17" lacks policy variables. */
export type PolicyVersion = "2012-10-17";

/**
 * A condition value. IAM accepts strings, lists of strings, and JSON booleans
 * (for `Bool`). We prefer the string form `"true"`, which is what IAM echoes back.
 */
export type ConditionValue = string | string[] | boolean;

/** `{ "<operator>": { "<condition key>": <value> } }`, e.g. `{ Bool: { "kms:GrantIsForAWSResource": "true" } }`. */
export type PolicyCondition = Record<string, Record<string, ConditionValue>>;

/** `"*"` (anyone, as in resource policies) or a map of principal type to identifiers. */
export type PolicyPrincipal =
    | "*"
    | {
          AWS?: string | string[];
          Service?: string | string[];
          Federated?: string | string[];
      };

export interface PolicyStatement {
    /** Says which concern the statement covers. Alphanumeric only, so every policy type accepts it. */
    Sid: string;
    Effect: "Allow" | "Deny";
    /** Required in resource-based policies (key, vault, trust); absent in identity policies. */
    Principal?: PolicyPrincipal;
    Action: string | string[];
    /**
     * Required everywhere except role trust policies, where IAM rejects a
     * `Resource` element (the role itself is the resource).
     */
    Resource?: string | string[];
    Condition?: PolicyCondition;
}

export interface PolicyDocument {
    Version: PolicyVersion;
    Statement: PolicyStatement[];
}

/** The one place we turn a policy document into the JSON string AWS APIs take. */
export function serializePolicy(doc: PolicyDocument): string {
    return JSON.stringify(doc);
}

/**
 * A role trust policy letting one AWS service assume the role; with `scope`, only on behalf of that account (and those
 * source ARNs), which prevents the cross-service confused deputy.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention
 * A trust policy has no Resource: its resource is the role itself.
 */
export function serviceTrustPolicy(sid: string, service: string, scope?: { sourceAccount: string; sourceArns?: string | string[] }): PolicyDocument {
    const statement: PolicyStatement = { Sid: sid, Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" };
    if (scope) {
        statement.Condition = {
            StringEquals: { "aws:SourceAccount": scope.sourceAccount },
            ...(scope.sourceArns === undefined ? {} : { ArnEquals: { "aws:SourceArn": scope.sourceArns } }),
        };
    }
    return { Version: "2012-10-17", Statement: [statement] };
}

/**
 * The statement every bucket policy of the platform starts with: no request over plain HTTP, as AWS recommends for
 * every bucket. https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
 */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}
