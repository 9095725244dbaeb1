/**
 * Policies of the rollout pipeline in the tooling account (projects/pipeline): the CodePipeline and CodeBuild service
 * roles, the artifact bucket and its key. Pure functions of exact ARNs; no statement names a wildcard that another
 * principal's resource could match.
 */
import { assertAccountId, assertRoleArn, parseArn } from "./arn";
import { accountRootAdministersKey, deploymentRoleMaintainsKey } from "./backup-key-policy";
import { denyInsecureTransport, serviceTrustPolicy, type PolicyDocument, type PolicyStatement } from "./policy-document";

/**
 * The CodePipeline service role's trust policy, as CodePipeline's documentation writes it: CodePipeline documents no
 * source condition for its service role, and a condition on a key the service does not send would lock it out.
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create-service-role-cli.html
 */
export function codePipelineTrustPolicy(): PolicyDocument {
    return serviceTrustPolicy("CodePipelineAssumesRole", "codepipeline.amazonaws.com");
}

/**
 * The CodeBuild service role's trust policy: CodeBuild may assume it only for these projects of this account
 * (aws:SourceAccount and aws:SourceArn, which CodeBuild sets to the project's ARN), so no other account's or
 * project's build can act as the rollout's build role (cross-service confused deputy).
 * https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention
 */
export function codeBuildTrustPolicy(args: { accountId: string; projectArns: string[] }): PolicyDocument {
    assertAccountId(args.accountId);
    if (args.projectArns.length === 0) throw new Error("projectArns is empty: name the CodeBuild projects that use the role");
    for (const arn of args.projectArns) {
        assertService(arn, "codebuild", "projectArns");
        if (parseArn(arn).accountId !== args.accountId) throw new Error(`projectArns: ${arn} is not in account ${args.accountId}`);
    }
    return serviceTrustPolicy("CodeBuildAssumesRoleForRolloutProjects", "codebuild.amazonaws.com", {
        sourceAccount: args.accountId,
        sourceArns: [...new Set(args.projectArns)],
    });
}

function assertService(arn: string, service: string | RegExp, label: string): void {
    const parsed = parseArn(arn);
    const ok = typeof service === "string" ? parsed.service === service : service.test(parsed.service);
    if (!ok || parsed.resource === "" || parsed.resource.includes("*")) throw new Error(`${label} is not an exact ${service} ARN: ${arn}`);
}

function assertBucketArn(arn: string, label: string): void {
    const parsed = parseArn(arn);
    if (parsed.service !== "s3" || parsed.region !== "" || parsed.accountId !== "" || parsed.resource === "" || /[*/]/.test(parsed.resource)) {
        throw new Error(`${label} is not an S3 bucket ARN: ${arn}`);
    }
}

export interface ArtifactStoreArgs {
    /** The account that owns the artifact bucket. */
    accountId: string;
    bucketArn: string;
    keyArn: string;
}

/** Read and write the pipeline's artifacts, in this account's bucket only (aws:ResourceAccount), with its key. */
function artifactStatements(args: ArtifactStoreArgs, access: { bucket: string[]; objects: string[]; key: string[] }): PolicyStatement[] {
    const inThisAccount = { StringEquals: { "aws:ResourceAccount": args.accountId } };
    return [
        { Sid: "ArtifactBucket", Effect: "Allow", Action: access.bucket, Resource: args.bucketArn, Condition: inThisAccount },
        { Sid: "ArtifactObjects", Effect: "Allow", Action: access.objects, Resource: `${args.bucketArn}/*`, Condition: inThisAccount },
        { Sid: "ArtifactKey", Effect: "Allow", Action: access.key, Resource: args.keyArn },
    ];
}

export interface CodePipelineRolePolicyArgs extends ArtifactStoreArgs {
    /** The repository connection (codeconnections or codestar-connections ARN). */
    connectionArn: string;
    /** The CodeBuild projects the pipeline starts. */
    projectArns: string[];
    /** SNS topic the manual approval notifies, if any. */
    approvalTopicArn?: string;
}

/**
 * The CodePipeline service role, narrowed to this pipeline's resources:
 * - the artifact bucket and objects, as AWS's minimal service role policy lists them, with the artifact key:
 *   https://docs.aws.amazon.com/codepipeline/latest/userguide/how-to-custom-role.html
 * - the connection, under the service prefix of its own ARN (codeconnections or codestar-connections):
 *   https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html
 * - starting and watching builds of exactly its projects:
 *   https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-permissions-reference.html
 * - publishing the approval notification: https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-service-role-permissions.html
 */
export function codePipelineRolePolicy(args: CodePipelineRolePolicyArgs): PolicyDocument {
    assertAccountId(args.accountId);
    assertBucketArn(args.bucketArn, "bucketArn");
    assertService(args.keyArn, "kms", "keyArn");
    assertService(args.connectionArn, /^(codeconnections|codestar-connections)$/, "connectionArn");
    if (args.projectArns.length === 0) throw new Error("projectArns is empty: the pipeline starts at least one CodeBuild project");
    for (const arn of args.projectArns) assertService(arn, "codebuild", "projectArns");
    if (args.approvalTopicArn) assertService(args.approvalTopicArn, "sns", "approvalTopicArn");
    const connectionService = parseArn(args.connectionArn).service;
    return {
        Version: "2012-10-17",
        Statement: [
            ...artifactStatements(args, {
                bucket: ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning"],
                objects: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl"],
                key: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
            }),
            { Sid: "UseRepositoryConnection", Effect: "Allow", Action: `${connectionService}:UseConnection`, Resource: args.connectionArn },
            { Sid: "RunRolloutBuilds", Effect: "Allow", Action: ["codebuild:BatchGetBuilds", "codebuild:StartBuild"], Resource: args.projectArns },
            ...(args.approvalTopicArn ? [{ Sid: "NotifyApprovers", Effect: "Allow" as const, Action: "sns:Publish", Resource: args.approvalTopicArn }] : []),
        ],
    };
}

/** A secret the build reads into an environment variable. */
export interface BuildSecretArgs {
    type: "SECRETS_MANAGER" | "PARAMETER_STORE";
    arn: string;
    /** The customer managed key that encrypts it, if any. */
    kmsKeyArn?: string;
}

export interface CodeBuildRolePolicyArgs extends ArtifactStoreArgs {
    /** The build's log group (its ARN without the `:*` suffix). */
    logGroupArn: string;
    /** The deployment roles of the environment's targets: the only roles the rollout assumes. */
    deploymentRoleArns: string[];
    secrets: BuildSecretArgs[];
    /** An S3 backend: its bucket, and the objects under the backend's prefix. */
    stateBucket?: { bucketArn: string; objectsArn: string };
    /** The KMS key of an awskms:// secrets provider. */
    secretsKeyArn?: string;
    /** Organizations discovery (`--discover`): the organization it walks. */
    discovery?: { partition: string; managementAccountId: string; organizationId: string; rootId: string };
}

/**
 * The CodeBuild service role of the rollout builds, narrowed to what `npm run rollout` does:
 * - write its logs to its log group, and read and write the pipeline's artifacts with their key
 *   (https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html);
 * - assume exactly the deployment roles of the environment's targets, where every stack's provider does its work;
 * - read the Pulumi access token or passphrase (https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html#build-spec.env),
 *   and use an S3 backend's state objects and an awskms:// secrets provider's key
 *   (https://www.pulumi.com/docs/iac/concepts/state-and-backends/);
 * - with discovery, list the organization's OUs, accounts and account tags (DISCOVERY_IAM_ACTIONS in
 *   projects/rollout/discovery.ts) on this organization's ARNs only
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html#awsorganizations-resources-for-iam-policies).
 */
export function codeBuildRolePolicy(args: CodeBuildRolePolicyArgs): PolicyDocument {
    assertAccountId(args.accountId);
    assertBucketArn(args.bucketArn, "bucketArn");
    assertService(args.keyArn, "kms", "keyArn");
    assertService(args.logGroupArn, "logs", "logGroupArn");
    if (args.deploymentRoleArns.length === 0) throw new Error("deploymentRoleArns is empty: the rollout assumes the deployment role of every target");
    for (const arn of args.deploymentRoleArns) assertRoleArn(arn, "deploymentRoleArns");
    const statements: PolicyStatement[] = [
        { Sid: "BuildLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${args.logGroupArn}:log-stream:*` },
        ...artifactStatements(args, {
            bucket: ["s3:GetBucketAcl", "s3:GetBucketLocation"],
            objects: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
            key: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
        }),
        { Sid: "AssumeDeploymentRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: [...new Set(args.deploymentRoleArns)] },
    ];
    const secretArns = (type: BuildSecretArgs["type"]) => args.secrets.filter((secret) => secret.type === type).map((secret) => secret.arn);
    for (const arn of secretArns("SECRETS_MANAGER")) assertService(arn, "secretsmanager", "secrets");
    for (const arn of secretArns("PARAMETER_STORE")) assertService(arn, "ssm", "secrets");
    if (secretArns("SECRETS_MANAGER").length > 0) {
        statements.push({ Sid: "ReadPulumiSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretArns("SECRETS_MANAGER") });
    }
    if (secretArns("PARAMETER_STORE").length > 0) {
        statements.push({ Sid: "ReadPulumiParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: secretArns("PARAMETER_STORE") });
    }
    const secretKeys = [...new Set(args.secrets.flatMap((secret) => (secret.kmsKeyArn ? [secret.kmsKeyArn] : [])))];
    for (const arn of secretKeys) assertService(arn, "kms", "secrets' kmsKeyArn");
    if (secretKeys.length > 0) statements.push({ Sid: "DecryptPulumiSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: secretKeys });
    if (args.stateBucket) {
        assertBucketArn(args.stateBucket.bucketArn, "stateBucket.bucketArn");
        statements.push(
            { Sid: "ListPulumiState", Effect: "Allow", Action: "s3:ListBucket", Resource: args.stateBucket.bucketArn },
            {
                Sid: "ReadWritePulumiState",
                Effect: "Allow",
                Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                Resource: args.stateBucket.objectsArn,
            },
        );
    }
    if (args.secretsKeyArn) {
        assertService(args.secretsKeyArn, "kms", "secretsKeyArn");
        statements.push({ Sid: "EncryptStackSecrets", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt"], Resource: args.secretsKeyArn });
    }
    if (args.discovery) {
        const { partition, managementAccountId, organizationId, rootId } = args.discovery;
        assertAccountId(managementAccountId);
        const base = `arn:${partition}:organizations::${managementAccountId}`;
        statements.push(
            {
                Sid: "WalkOrganization",
                Effect: "Allow",
                Action: ["organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"],
                Resource: [`${base}:root/${organizationId}/${rootId}`, `${base}:ou/${organizationId}/*`],
            },
            { Sid: "ReadAccountTags", Effect: "Allow", Action: "organizations:ListTagsForResource", Resource: `${base}:account/${organizationId}/*` },
        );
    }
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * The artifact key's policy: the account administers it (so the service roles' IAM policies can grant its use) and the
 * tooling deployment role maintains it.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export function artifactKeyPolicy(args: { partition: string; accountId: string; deploymentRoleArn: string }): PolicyDocument {
    assertAccountId(args.accountId);
    assertRoleArn(args.deploymentRoleArn, "deploymentRoleArn", { partition: args.partition, accountId: args.accountId });
    return {
        Version: "2012-10-17",
        Statement: [accountRootAdministersKey(args.partition, args.accountId), deploymentRoleMaintainsKey(args.deploymentRoleArn)],
    };
}

/**
 * The artifact bucket's policy: TLS only, as AWS recommends for every bucket and for artifact stores in particular.
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/security_iam_resource-based-policy-examples.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
 */
export function artifactBucketPolicy(bucketArn: string): PolicyDocument {
    assertBucketArn(bucketArn, "bucketArn");
    return {
        Version: "2012-10-17",
        Statement: [denyInsecureTransport(bucketArn)],
    };
}
