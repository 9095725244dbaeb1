import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import {
    artifactBucketPolicy,
    artifactKeyPolicy,
    codeBuildRolePolicy,
    codeBuildTrustPolicy,
    codePipelineRolePolicy,
    codePipelineTrustPolicy,
    serializePolicy,
} from "../policies";
import type { PipelineModel } from "../projects/pipeline/config";
import { rolloutBuildspec, RolloutOperation } from "../projects/pipeline/buildspec";
import { KEY_DELETION_WINDOW_DAYS } from "./backup-key";

/** Arguments of a {@link RolloutPipeline}. */
export interface RolloutPipelineArgs {
    /** The validated pipeline: names, ARNs, source, build settings and the deployment roles it may assume. */
    pipeline: PipelineModel;
}

/** Stage names, in the order the pipeline runs them. https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html */
export const PIPELINE_STAGES = { source: "Source", preview: "Preview", approve: "Approve", deploy: "Deploy" } as const;
/** Artifact names (letters, digits, _ and -): the checked-out repository, and each build's report. */
export const PIPELINE_ARTIFACTS = { source: "Source", previewReport: "PreviewReport", deployReport: "DeployReport" } as const;

/**
 * The rollout's CodePipeline in the tooling account, as in AWS's multi-account reference design: a V2 pipeline whose
 * source is the repository through a connection, a Preview stage that runs `npm run rollout -- --operation preview`
 * in CodeBuild, an optional manual approval, and a Deploy stage that runs the same command with `--operation up`.
 * Artifacts go to a versioned bucket encrypted with the pipeline's own key (rotation on, 30-day deletion window,
 * protected), public access blocked, TLS only. The service roles may do exactly what the pipeline does: the build role
 * assumes only the deployment roles of the environment's targets.
 * https://docs.aws.amazon.com/prescriptive-guidance/latest/patterns/deploy-code-in-multiple-aws-accounts-using-codepipeline.html
 */
export class RolloutPipeline extends pulumi.ComponentResource {
    public readonly pipelineArn: pulumi.Output<string>;
    public readonly artifactBucket: pulumi.Output<string>;
    public readonly buildRoleArn: pulumi.Output<string>;

    constructor(name: string, args: RolloutPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("pipeline", "RolloutPipeline"), name, {}, opts);
        const model = args.pipeline;
        if (!opts?.provider) throw new Error(`RolloutPipeline ${name}: pass { provider } with the aws.Provider of the tooling account ${model.tooling.id}`);
        const { region, id: accountId } = model.tooling;
        const { partition, tags, names } = model;

        const key = new aws.kms.Key(
            `${name}-artifact-key`,
            {
                region,
                description: `Encrypts the ${model.environment} rollout pipeline's artifacts`,
                enableKeyRotation: true,
                deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
                policy: serializePolicy(artifactKeyPolicy({ partition, accountId, deploymentRoleArn: model.tooling.deploymentRoleArn })),
                tags,
            },
            // Every artifact (and the rollout reports in it) is unreadable without it.
            { parent: this, protect: true, retainOnDelete: true },
        );
        new aws.kms.Alias(`${name}-artifact-key-alias`, { region, name: names.artifactKeyAlias, targetKeyId: key.keyId }, { parent: this });
        const bucket = this.artifactStore(name, model, key);

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { region, name: names.logGroup, retentionInDays: model.build.logRetentionDays, tags },
            { parent: this },
        );

        const buildRole = new aws.iam.Role(
            `${name}-build-role`,
            {
                name: names.buildRole,
                description: `Runs npm run rollout for ${model.environment} in CodeBuild`,
                assumeRolePolicy: serializePolicy(codeBuildTrustPolicy({ accountId, projectArns: [model.arns.previewProject, model.arns.deployProject] })),
                tags,
            },
            { parent: this },
        );
        const buildPolicy = new aws.iam.RolePolicy(
            `${name}-build-policy`,
            {
                role: buildRole.name,
                name: "rollout-build",
                policy: key.arn.apply((keyArn) =>
                    serializePolicy(
                        codeBuildRolePolicy({
                            accountId,
                            bucketArn: model.arns.artifactBucket,
                            keyArn,
                            logGroupArn: model.arns.logGroup,
                            deploymentRoleArns: model.deploymentRoleArns,
                            secrets: model.pulumi.secrets,
                            stateBucket: model.pulumi.stateBucket,
                            secretsKeyArn: model.pulumi.secretsKeyArn,
                            discovery: model.discovery && { partition, ...model.discovery },
                        }),
                    ),
                ),
            },
            { parent: this },
        );
        const project = (operation: RolloutOperation, projectName: string, what: string) =>
            new aws.codebuild.Project(
                `${name}-${operation === "up" ? "deploy" : "preview"}`,
                {
                    region,
                    name: projectName,
                    description: `${what} the ${model.environment} environment's stacks: npm run rollout -- --operation ${operation}`,
                    serviceRole: buildRole.arn,
                    encryptionKey: key.arn,
                    buildTimeout: model.build.timeoutMinutes,
                    source: { type: "CODEPIPELINE", buildspec: rolloutBuildspec(model, operation) },
                    artifacts: { type: "CODEPIPELINE" },
                    environment: {
                        type: "LINUX_CONTAINER",
                        computeType: model.build.computeType,
                        image: model.build.image,
                        // CodeBuild's own credentials pull its managed images.
                        // https://docs.aws.amazon.com/codebuild/latest/APIReference/API_ProjectEnvironment.html
                        imagePullCredentialsType: "CODEBUILD",
                        environmentVariables: buildEnvironment(model),
                    },
                    logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name, streamName: operation } },
                    tags,
                },
                { parent: this, dependsOn: [buildPolicy] },
            );
        const preview = project("preview", names.previewProject, "Previews");
        const deploy = project("up", names.deployProject, "Deploys");

        const pipelineRole = new aws.iam.Role(
            `${name}-pipeline-role`,
            {
                name: names.pipelineRole,
                description: `Runs the ${model.environment} rollout pipeline`,
                assumeRolePolicy: serializePolicy(codePipelineTrustPolicy()),
                tags,
            },
            { parent: this },
        );
        const pipelinePolicy = new aws.iam.RolePolicy(
            `${name}-pipeline-policy`,
            {
                role: pipelineRole.name,
                name: "rollout-pipeline",
                policy: key.arn.apply((keyArn) =>
                    serializePolicy(
                        codePipelineRolePolicy({
                            accountId,
                            bucketArn: model.arns.artifactBucket,
                            keyArn,
                            connectionArn: model.source.connectionArn,
                            projectArns: [model.arns.previewProject, model.arns.deployProject],
                            approvalTopicArn: model.approval?.notificationTopicArn,
                        }),
                    ),
                ),
            },
            { parent: this },
        );

        const pipeline = new aws.codepipeline.Pipeline(
            `${name}-pipeline`,
            {
                region,
                name: names.pipeline,
                // V2: per-action-minute pricing, triggers and variables; without triggers, a push to the branch starts it.
                // https://docs.aws.amazon.com/codepipeline/latest/userguide/pipeline-types.html
                pipelineType: "V2",
                // One rollout at a time, every commit in order: a newer commit never overtakes the one being approved.
                // https://docs.aws.amazon.com/codepipeline/latest/userguide/concepts-how-it-works.html
                executionMode: "QUEUED",
                roleArn: pipelineRole.arn,
                artifactStores: [{ type: "S3", location: bucket.bucket, encryptionKey: { type: "KMS", id: key.arn } }],
                stages: [
                    {
                        name: PIPELINE_STAGES.source,
                        actions: [
                            {
                                // https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html
                                name: "Repository",
                                category: "Source",
                                owner: "AWS",
                                provider: "CodeStarSourceConnection",
                                version: "1",
                                outputArtifacts: [PIPELINE_ARTIFACTS.source],
                                configuration: {
                                    ConnectionArn: model.source.connectionArn,
                                    FullRepositoryId: model.source.repository,
                                    BranchName: model.source.branch,
                                    OutputArtifactFormat: "CODE_ZIP",
                                },
                            },
                        ],
                    },
                    buildStage(PIPELINE_STAGES.preview, "Rollout-preview", preview.name, PIPELINE_ARTIFACTS.previewReport),
                    ...(model.approval
                        ? [
                              {
                                  name: PIPELINE_STAGES.approve,
                                  actions: [
                                      {
                                          // https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-action-add.html
                                          name: "Approve-rollout",
                                          category: "Approval",
                                          owner: "AWS",
                                          provider: "Manual",
                                          version: "1",
                                          configuration: {
                                              CustomData: `Review the ${model.environment} preview (the Preview stage's build log and report), then approve the rollout.`,
                                              ...(model.approval.notificationTopicArn ? { NotificationArn: model.approval.notificationTopicArn } : {}),
                                          },
                                      },
                                  ],
                              },
                          ]
                        : []),
                    buildStage(PIPELINE_STAGES.deploy, "Rollout-up", deploy.name, PIPELINE_ARTIFACTS.deployReport),
                ],
                tags,
            },
            { parent: this, dependsOn: [pipelinePolicy] },
        );

        this.pipelineArn = pipeline.arn;
        this.artifactBucket = bucket.bucket;
        this.buildRoleArn = buildRole.arn;
        this.registerOutputs({ pipelineArn: this.pipelineArn, artifactBucket: this.artifactBucket, buildRoleArn: this.buildRoleArn });
    }

    /** The artifact bucket: versioned (CodePipeline requires it), encrypted with the pipeline's key, private, TLS only. */
    private artifactStore(name: string, model: PipelineModel, key: aws.kms.Key): aws.s3.Bucket {
        const { region } = model.tooling;
        const { tags } = model;
        const opts = { parent: this };
        const bucket = new aws.s3.Bucket(
            `${name}-artifacts`,
            { region, bucket: model.names.artifactBucket, forceDestroy: false, tags },
            { parent: this, protect: true, retainOnDelete: true },
        );
        // ACLs off: the bucket owns every artifact. https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-artifacts-ownership`,
            { region, bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
            opts,
        );
        // https://docs.aws.amazon.com/codepipeline/latest/userguide/welcome-introducing-artifacts.html
        new aws.s3.BucketVersioning(`${name}-artifacts-versioning`, { region, bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } }, opts);
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-artifacts-encryption`,
            {
                region,
                bucket: bucket.bucket,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
            },
            opts,
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-artifacts-public-access`,
            { region, bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            opts,
        );
        new aws.s3.BucketPolicy(
            `${name}-artifacts-policy`,
            { region, bucket: bucket.bucket, policy: serializePolicy(artifactBucketPolicy(model.arns.artifactBucket)) },
            { parent: this, dependsOn: [publicAccess, ownership] },
        );
        return bucket;
    }
}

/** A stage of one CodeBuild action on the source artifact. https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodeBuild.html */
function buildStage(stage: string, action: string, projectName: pulumi.Output<string>, report: string) {
    return {
        name: stage,
        actions: [
            {
                name: action,
                category: "Build",
                owner: "AWS",
                provider: "CodeBuild",
                version: "1",
                inputArtifacts: [PIPELINE_ARTIFACTS.source],
                outputArtifacts: [report],
                configuration: { ProjectName: projectName },
            },
        ],
    };
}

/**
 * The builds' environment: the backend and secrets provider in plain text (they are URLs, not secrets), the access
 * token and passphrase as Secrets Manager or Parameter Store references that CodeBuild resolves when the build starts.
 * PULUMI_BACKEND_URL is the variable the Pulumi CLI reads: https://www.pulumi.com/docs/iac/cli/environment-variables/
 */
function buildEnvironment(model: PipelineModel) {
    return [
        { name: "PULUMI_BACKEND_URL", type: "PLAINTEXT", value: model.pulumi.backendUrl },
        ...(model.pulumi.secretsProvider ? [{ name: "ROLLOUT_SECRETS_PROVIDER", type: "PLAINTEXT", value: model.pulumi.secretsProvider }] : []),
        ...model.pulumi.secrets.map((secret) => ({ name: secret.variable, type: secret.type, value: secret.value })),
    ];
}
