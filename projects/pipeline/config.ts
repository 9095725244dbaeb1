/**
 * The rollout pipeline's config: a stack file whose keys are in the `backup-pipeline:` namespace (its own Pulumi project,
 * projects/pipeline/Pulumi.yaml). It names a platform environment; the pipeline reads that environment's stack file with
 * the platform's own loader, so the build role may assume exactly the deployment roles of the environment's targets.
 * Validated like the platform's config: every problem at once, each with its config path.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import * as rules from "../../config/aws-rules";
import { accountAlias, accountId, evenWithOtherErrors, iamRoleName, region, tagMap } from "../../config/common";
import { Finding, FindingCollector } from "../../config/findings";
import { loadEnvironmentFromFile } from "../../config/load";
import { allTargets, arns, EnvironmentModel } from "../../config/model";
import { parseWith } from "../../config/section";

/** The pipeline's Pulumi project name, which is also its config namespace. */
export const PIPELINE_PROJECT = "backup-pipeline";

const matching = (pattern: RegExp, what: string) => z.string().regex(pattern, { error: (issue) => `${JSON.stringify(issue.input)} is not ${what}` });

/** A secret the build reads at start: a Secrets Manager secret or a Parameter Store parameter, named by ARN, never its value. */
const secretReferenceFields = z
    .strictObject({
        /** Full secret ARN, with the six characters Secrets Manager appends. */
        secretsManagerArn: matching(rules.SECRETS_MANAGER_ARN, "a full Secrets Manager secret ARN (…:secret:<name>-<6 characters>)").optional(),
        /** Parameter ARN (SecureString); it must be in the tooling account and region. */
        parameterArn: matching(rules.SSM_PARAMETER_ARN, "a Parameter Store parameter ARN (…:parameter/<name>)").optional(),
        /** The customer managed key that encrypts the secret or parameter, if not the AWS managed one. */
        kmsKeyArn: matching(rules.KMS_KEY_ARN, "a KMS key ARN (…:key/<key id>)").optional(),
    })
    .superRefine((reference, ctx) => {
        const given = [reference.secretsManagerArn, reference.parameterArn].filter((value) => value !== undefined).length;
        if (given !== 1) ctx.addIssue({ code: "custom", message: "name exactly one of secretsManagerArn and parameterArn" });
    }, evenWithOtherErrors);

/**
 * A value where a map is expected is most likely the secret itself: refuse it without echoing it (the framework's
 * invalid-type message shows the value it got), and check the map only when there is one.
 */
const secretReferenceSchema = z
    .unknown()
    .superRefine((value, ctx) => {
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            ctx.addIssue({
                code: "custom",
                message: "name the secret by ARN ({ secretsManagerArn: … } or { parameterArn: … }), never its value (not shown here)",
            });
        }
    })
    .pipe(secretReferenceFields);

const semver = /^\d+\.\d+\.\d+$/;

export const pipelineSchema = z.strictObject({
    /** The platform environment the pipeline rolls out (`prod`: the stacks of Pulumi.prod.yaml). */
    environment: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: "environment is a stack name such as prod (letters, digits, _.-)" }),
    /** The environment's stack file, relative to the repository root; default Pulumi.<environment>.yaml. */
    platformStackFile: z
        .string()
        .regex(/^[A-Za-z0-9_.\-/]+\.ya?ml$/, { error: "platformStackFile is a relative path of letters, digits and _.-/ ending in .yaml" })
        .refine((file) => !file.startsWith("/") && !file.split("/").includes(".."), { error: "platformStackFile must be a path inside the repository" })
        .optional(),
    /** Prefix of the pipeline's physical names. */
    namePrefix: z
        .string()
        .regex(/^[a-z][a-z0-9-]{1,23}$/, {
            error: (issue) => `${JSON.stringify(issue.input)} is not a name prefix (2-24 lowercase letters, digits and hyphens)`,
        })
        .default("backup-platform"),
    /** The tooling account the pipeline lives in, and the role its deployment assumes there. */
    toolingAccount: z.strictObject({
        id: accountId,
        alias: accountAlias,
        region,
        deploymentRoleArn: z.string().superRefine((arn, ctx) => {
            const problem = rules.trustedPrincipalProblem(arn);
            if (problem) ctx.addIssue({ code: "custom", message: `${JSON.stringify(arn)}: ${problem}` });
        }),
    }),
    /** The repository, through a connection (GitHub, GitLab, Bitbucket) completed in the console. */
    source: z.strictObject({
        connectionArn: matching(rules.CONNECTION_ARN, "a connection ARN (arn:<partition>:codeconnections:<region>:<account>:connection/<id>)"),
        /** `owner/name`, e.g. `acme/backup-platform`. https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html */
        repository: matching(/^[^\s/]+(\/[^\s/]+)+$/, "a repository id such as owner/name"),
        branch: z.string().regex(/^[^\s~^:?*[\\]+$/, { error: (issue) => `${JSON.stringify(issue.input)} is not a branch name` }),
    }),
    /** The manual approval between preview and deploy. */
    approval: z
        .strictObject({
            required: z.boolean().default(true),
            /** SNS topic notified when an approval is waiting. */
            notificationTopicArn: matching(rules.SNS_TOPIC_ARN, "an SNS topic ARN").optional(),
        })
        .prefault({}),
    build: z
        .strictObject({
            image: matching(
                rules.CODEBUILD_MANAGED_LINUX_IMAGE,
                "a CodeBuild managed x86_64 Linux image (aws/codebuild/amazonlinux-x86_64-standard:<version> or aws/codebuild/standard:<version>)",
            ).default(rules.CODEBUILD_AL2023_IMAGE),
            /** Node.js version the buildspec's runtime-versions installs (a major version, or an exact one). */
            nodeVersion: z
                .string()
                .regex(/^\d+(\.\d+){0,2}$/, { error: 'nodeVersion is a Node.js version such as "20" or "22.11.0"' })
                .default("20"),
            computeType: z
                .enum(rules.CODEBUILD_LINUX_COMPUTE_TYPES, {
                    error: (issue) =>
                        `${JSON.stringify(issue.input)} is not a CodeBuild Linux compute type (${rules.CODEBUILD_LINUX_COMPUTE_TYPES.join(", ")})`,
                })
                .default("BUILD_GENERAL1_SMALL"),
            timeoutMinutes: z
                .int({ error: "timeoutMinutes must be a whole number of minutes" })
                .min(rules.CODEBUILD_MIN_TIMEOUT_MINUTES, { error: `CodeBuild times out after ${rules.CODEBUILD_MIN_TIMEOUT_MINUTES} minutes at least` })
                .max(rules.CODEBUILD_MAX_TIMEOUT_MINUTES, { error: `CodeBuild times out after ${rules.CODEBUILD_MAX_TIMEOUT_MINUTES} minutes at most` })
                .default(120),
            logRetentionDays: z
                .int()
                .refine((days) => rules.LOG_RETENTION_DAYS.includes(days), {
                    error: (issue) => `${JSON.stringify(issue.input)} is not a CloudWatch Logs retention (${rules.LOG_RETENTION_DAYS.join(", ")} days)`,
                })
                .default(90),
            /** Name of the build role: the CI principal the platform's deployment roles trust (bootstrap.trustedPrincipalArns). */
            roleName: iamRoleName.optional(),
        })
        .prefault({}),
    /** Compare with AWS Organizations before each rollout (`--discover`). */
    discover: z
        .enum(["report", "fail"], {
            error: (issue) =>
                issue.input === "add"
                    ? "discover \"add\" would deploy accounts the build role may not assume (it assumes the configured targets' deployment roles only); add them to the environment's config, or use report or fail"
                    : `${JSON.stringify(issue.input)} is not a discovery mode (report, fail)`,
        })
        .optional(),
    pulumi: z.strictObject({
        /** Pulumi CLI version the build installs. */
        cliVersion: z.string().regex(semver, { error: (issue) => `${JSON.stringify(issue.input)} is not a Pulumi CLI version such as 3.190.0` }),
        /** Backend of the environment's stacks: Pulumi Cloud (`https://api.pulumi.com`) or an S3 bucket (`s3://<bucket>[/<prefix>]`). */
        backendUrl: z.string(),
        /** Secrets provider of stacks the rollout creates: `passphrase` or `awskms://<key>`; default the backend's. */
        secretsProvider: z.string().optional(),
        /** The Pulumi Cloud access token (PULUMI_ACCESS_TOKEN). */
        accessToken: secretReferenceSchema.optional(),
        /** The passphrase of passphrase-encrypted stacks (PULUMI_CONFIG_PASSPHRASE). */
        passphrase: secretReferenceSchema.optional(),
    }),
    /** Tags on every resource of the pipeline. */
    tags: tagMap.default({}),
});

export type PipelineConfig = z.infer<typeof pipelineSchema>;

/** A secret the build reads into an environment variable. */
export interface BuildSecret {
    /** The environment variable, e.g. PULUMI_ACCESS_TOKEN. */
    variable: string;
    type: "SECRETS_MANAGER" | "PARAMETER_STORE";
    /** What CodeBuild takes as the variable's value: the secret's ARN, or the parameter's name. */
    value: string;
    /** The ARN the build role may read. */
    arn: string;
    kmsKeyArn?: string;
}

export interface PipelineModel {
    /** The pipeline's own stack (`tooling`). */
    stack: string;
    partition: string;
    /** The platform environment it rolls out. */
    environment: string;
    /** The environment's stack file, relative to the repository root. */
    platformStackFile: string;
    tooling: { id: string; alias: string; region: string; deploymentRoleArn: string };
    tags: Record<string, string>;
    names: {
        pipeline: string;
        previewProject: string;
        deployProject: string;
        artifactBucket: string;
        artifactKeyAlias: string;
        logGroup: string;
        pipelineRole: string;
        buildRole: string;
    };
    arns: {
        pipeline: string;
        previewProject: string;
        deployProject: string;
        artifactBucket: string;
        logGroup: string;
        pipelineRole: string;
        buildRole: string;
    };
    source: { connectionArn: string; repository: string; branch: string };
    /** Absent when no manual approval is required. */
    approval?: { notificationTopicArn?: string };
    build: { image: string; nodeVersion: string; computeType: string; timeoutMinutes: number; logRetentionDays: number };
    pulumi: {
        cliVersion: string;
        backendUrl: string;
        secretsProvider?: string;
        secrets: BuildSecret[];
        /** An S3 backend's bucket and the objects under its prefix. */
        stateBucket?: { bucketArn: string; objectsArn: string };
        /** The KMS key of an awskms:// secrets provider. */
        secretsKeyArn?: string;
    };
    /** Organizations discovery before each rollout, and the organization it reads. */
    discovery?: { mode: "report" | "fail"; organizationId: string; rootId: string; managementAccountId: string };
    /** The deployment roles of the environment's targets (management, central, workload accounts): all the build may assume. */
    deploymentRoleArns: string[];
    /** The command each CodeBuild project runs. */
    commands: { preview: string; up: string };
}

/** Where the pipeline finds the platform environment's stack file. */
export interface PipelineContext {
    /** The repository root: the directory `npm run rollout` runs in, and the platform stack file's base. */
    repositoryRoot: string;
}

/** The ARN of a CodeBuild project. https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-access-control-identity-based.html */
export const codeBuildProjectArn = (partition: string, region: string, accountId: string, name: string) =>
    `arn:${partition}:codebuild:${region}:${accountId}:project/${name}`;
/** The ARN of a pipeline. https://docs.aws.amazon.com/codepipeline/latest/userguide/security_iam_service-with-iam.html */
export const pipelineArn = (partition: string, region: string, accountId: string, name: string) =>
    `arn:${partition}:codepipeline:${region}:${accountId}:${name}`;
const logGroupArn = (partition: string, region: string, accountId: string, name: string) => `arn:${partition}:logs:${region}:${accountId}:log-group:${name}`;

/**
 * The rollout command a build runs after `npm ci`: `npm run rollout -- --env <env> --operation <operation>`, then where the
 * CLI is, the commit, the report files and plain progress (no terminal in CodeBuild); the environment's stack file
 * when it is not the default, the secrets provider and discovery when configured.
 * CODEBUILD_RESOLVED_SOURCE_VERSION is the commit CodePipeline passed in:
 * https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html
 */
function rolloutCommand(config: PipelineConfig, platformStackFile: string, operation: "preview" | "up"): string {
    const parts = [
        `npm run rollout -- --env ${config.environment} --operation ${operation}`,
        ...(platformStackFile !== defaultStackFile(config.environment) ? [`--config ${platformStackFile}`] : []),
        '--pulumi-root "$HOME/.pulumi"',
        '--commit "$CODEBUILD_RESOLVED_SOURCE_VERSION"',
        "--report rollout-report.json --summary rollout-summary.md --progress plain",
        ...(config.pulumi.secretsProvider ? ['--secrets-provider "$ROLLOUT_SECRETS_PROVIDER"'] : []),
        ...(config.discover ? [`--discover ${config.discover}`] : []),
    ];
    return parts.join(" ");
}

const defaultStackFile = (environment: string) => `Pulumi.${environment}.yaml`;

/** The environment's model, or an error at `where` that says what is wrong with its stack file. */
function loadPlatform(collector: FindingCollector, config: PipelineConfig, file: string, context: PipelineContext): EnvironmentModel | undefined {
    const where = config.platformStackFile ? "platformStackFile" : "environment";
    const absolute = path.join(context.repositoryRoot, file);
    if (!fs.existsSync(absolute)) {
        collector.error(
            where,
            `${file} does not exist, so the pipeline cannot name the deployment roles it assumes; ` +
                `name an environment whose Pulumi.<environment>.yaml is at the repository root, or set platformStackFile`,
        );
        return undefined;
    }
    const result = loadEnvironmentFromFile(absolute, config.environment, "all");
    if (result.model) return result.model;
    const errors = result.findings.filter((finding) => finding.severity === "error");
    const shown = errors.slice(0, 3).map((finding) => `${finding.path}: ${finding.message}`);
    collector.error(
        where,
        `${file} has ${errors.length} error(s), so the pipeline cannot name the deployment roles it assumes (npm run plan -- --config ${file} shows them): ` +
            `${shown.join("; ")}${errors.length > shown.length ? "; …" : ""}`,
    );
    return undefined;
}

/** The partition and account of an ARN whose pattern captures them first. */
function arnParts(pattern: RegExp, arn: string): { partition: string; region: string; account: string; rest: string } {
    const match = pattern.exec(arn)!;
    return { partition: match[1], region: match[2], account: match[3], rest: match[4] ?? "" };
}

/**
 * The KMS key an awskms:// secrets provider names, as an ARN (Pulumi's forms: `awskms://<key id>?region=<region>` and
 * `awskms:///<key ARN>`); undefined with a problem for forms the build role's policy cannot name exactly (aliases).
 * https://www.pulumi.com/docs/iac/concepts/secrets/#configuring-secrets-encryption
 */
function secretsKeyArn(provider: string, tooling: { id: string; region: string }, partition: string): { arn?: string; problem?: string } {
    const withoutQuery = provider.split("?")[0];
    const region = /[?&]region=([a-z0-9-]+)/.exec(provider)?.[1] ?? tooling.region;
    const byArn = /^awskms:\/\/\/(arn:.+)$/.exec(withoutQuery)?.[1];
    if (byArn !== undefined) {
        if (!rules.KMS_KEY_ARN.test(byArn)) return { problem: `${JSON.stringify(byArn)} is not a KMS key ARN (…:key/<key id>); name the key, not an alias` };
        return { arn: byArn };
    }
    const keyId = /^awskms:\/\/([^/]+)$/.exec(withoutQuery)?.[1];
    if (keyId === undefined || keyId.startsWith("alias")) {
        return {
            problem: "name the key by its id (awskms://<key id>?region=<region>) or ARN (awskms:///arn:…:key/<key id>): the build role may use that key only",
        };
    }
    return { arn: `arn:${partition}:kms:${region}:${tooling.id}:key/${keyId}` };
}

/** Validates the pipeline's config values (keys without the namespace); the model only when there is no error. */
export function validatePipeline(stack: string, values: Record<string, unknown>, context: PipelineContext): { model?: PipelineModel; findings: Finding[] } {
    const collector = new FindingCollector();
    const config = parseWith(collector, pipelineSchema, values, []);
    if (!config) return { findings: collector.findings };
    const { toolingAccount: tooling } = config;
    const partition = rules.partitionOf(tooling.region);
    const platformStackFile = config.platformStackFile ?? defaultStackFile(config.environment);
    const platform = loadPlatform(collector, config, platformStackFile, context);

    if (platform && platform.partition !== partition) {
        collector.error(
            "toolingAccount.region",
            `${tooling.region} is in partition ${partition}, but environment ${config.environment} is in ${platform.partition}`,
        );
    }
    const deployer = rules.trustedPrincipalProblem(tooling.deploymentRoleArn, partition);
    if (!deployer && tooling.deploymentRoleArn.split(":")[4] !== tooling.id) {
        collector.error("toolingAccount.deploymentRoleArn", `is in account ${tooling.deploymentRoleArn.split(":")[4]}, not the tooling account ${tooling.id}`);
    } else if (deployer) {
        collector.error("toolingAccount.deploymentRoleArn", deployer);
    }
    const connection = arnParts(rules.CONNECTION_ARN, config.source.connectionArn);
    if (connection.partition !== partition) collector.error("source.connectionArn", `is in partition ${connection.partition}, not ${partition}`);
    const topic = config.approval.notificationTopicArn;
    if (topic && topic.split(":")[1] !== partition)
        collector.error("approval.notificationTopicArn", `is in partition ${topic.split(":")[1]}, not ${partition}`);
    if (topic && !config.approval.required) collector.warning("approval.notificationTopicArn", "is not used: approval.required is false");

    // The rollout needs Node.js 20 or later (package.json engines). Any version is accepted otherwise: CodeBuild's
    // managed images install versions they do not preinstall too (the `default` entry of each image's runtimes.yml).
    // https://docs.aws.amazon.com/codebuild/latest/userguide/runtime-versions.html
    if (Number(config.build.nodeVersion.split(".")[0]) < 20) {
        collector.error("build.nodeVersion", `the rollout needs Node.js 20 or later (package.json engines), not ${config.build.nodeVersion}`);
    }

    const secrets = buildSecrets(collector, config, partition);
    const pulumiState = backendState(collector, config, partition);
    let secretsKey: string | undefined;
    const provider = config.pulumi.secretsProvider;
    if (provider !== undefined && provider !== "passphrase") {
        if (!provider.startsWith("awskms://")) {
            collector.error("pulumi.secretsProvider", `${JSON.stringify(provider)}: the pipeline supports passphrase or awskms:// (AWS KMS) secrets providers`);
        } else {
            const key = secretsKeyArn(provider, tooling, partition);
            if (key.problem) collector.error("pulumi.secretsProvider", key.problem);
            else if (key.arn!.split(":")[1] !== partition)
                collector.error("pulumi.secretsProvider", `the key is in partition ${key.arn!.split(":")[1]}, not ${partition}`);
            secretsKey = key.arn;
        }
    }
    // Passphrase-encrypted stacks (an S3 backend's default, or `passphrase`) need the passphrase in every build.
    const needsPassphrase = provider === "passphrase" || (provider === undefined && pulumiState !== undefined);
    if (needsPassphrase && !config.pulumi.passphrase) {
        collector.error(
            "pulumi.passphrase",
            "is required: the stacks' secrets are encrypted with a passphrase (PULUMI_CONFIG_PASSPHRASE), read from Secrets Manager or Parameter Store",
        );
    } else if (!needsPassphrase && config.pulumi.passphrase) {
        collector.warning("pulumi.passphrase", "is not used: the stacks' secrets provider is not a passphrase");
    }

    const prefix = `${config.namePrefix}-${config.environment}`;
    const names = {
        pipeline: `${prefix}-rollout`,
        previewProject: `${prefix}-rollout-preview`,
        deployProject: `${prefix}-rollout-deploy`,
        artifactBucket: `${prefix}-rollout-${tooling.id}-${tooling.region}`.toLowerCase(),
        artifactKeyAlias: `alias/${prefix}-rollout-artifacts`,
        logGroup: `/aws/codebuild/${prefix}-rollout`,
        pipelineRole: `${prefix}-rollout-pipeline`,
        buildRole: config.build.roleName ?? `${prefix}-rollout-build`,
    };
    checkNames(collector, names, config.build.roleName !== undefined);

    const buildRoleArn = arns.role(partition, tooling.id, names.buildRole);
    if (platform) checkTrust(collector, platform, buildRoleArn, platformStackFile);

    if (collector.hasErrors() || !platform) return { findings: collector.findings };
    const model: PipelineModel = {
        stack,
        partition,
        environment: config.environment,
        platformStackFile,
        tooling: { ...tooling },
        tags: { ...config.tags, [`${PIPELINE_PROJECT}:stack`]: stack, [`${PIPELINE_PROJECT}:environment`]: config.environment },
        names,
        arns: {
            pipeline: pipelineArn(partition, tooling.region, tooling.id, names.pipeline),
            previewProject: codeBuildProjectArn(partition, tooling.region, tooling.id, names.previewProject),
            deployProject: codeBuildProjectArn(partition, tooling.region, tooling.id, names.deployProject),
            artifactBucket: arns.bucket(partition, names.artifactBucket),
            logGroup: logGroupArn(partition, tooling.region, tooling.id, names.logGroup),
            pipelineRole: arns.role(partition, tooling.id, names.pipelineRole),
            buildRole: buildRoleArn,
        },
        source: { ...config.source },
        ...(config.approval.required ? { approval: topic ? { notificationTopicArn: topic } : {} } : {}),
        build: {
            image: config.build.image,
            nodeVersion: config.build.nodeVersion,
            computeType: config.build.computeType,
            timeoutMinutes: config.build.timeoutMinutes,
            logRetentionDays: config.build.logRetentionDays,
        },
        pulumi: {
            cliVersion: config.pulumi.cliVersion,
            backendUrl: config.pulumi.backendUrl,
            ...(provider !== undefined ? { secretsProvider: provider } : {}),
            secrets,
            ...(pulumiState ? { stateBucket: pulumiState } : {}),
            ...(secretsKey ? { secretsKeyArn: secretsKey } : {}),
        },
        ...(config.discover
            ? {
                  discovery: {
                      mode: config.discover,
                      organizationId: platform.organization.id,
                      rootId: platform.organization.rootId,
                      managementAccountId: platform.management.target.id,
                  },
              }
            : {}),
        deploymentRoleArns: [...new Set(allTargets(platform).map((target) => target.deploymentRoleArn))],
        commands: { preview: rolloutCommand(config, platformStackFile, "preview"), up: rolloutCommand(config, platformStackFile, "up") },
    };
    if (Object.keys(model.tags).length > rules.MAX_TAGS_PER_RESOURCE) {
        collector.error(
            "tags",
            `with the pipeline's 2 tags this is ${Object.keys(model.tags).length} tags; AWS allows ${rules.MAX_TAGS_PER_RESOURCE} per resource`,
        );
        return { findings: collector.findings };
    }
    return { model, findings: collector.findings };
}

/**
 * The access token and passphrase as CodeBuild environment variables of type SECRETS_MANAGER (the secret's ARN) or
 * PARAMETER_STORE (the parameter's name, which CodeBuild resolves in the build's own account and Region), so no secret
 * value is ever part of the pipeline's config or state.
 * https://docs.aws.amazon.com/codebuild/latest/APIReference/API_EnvironmentVariable.html
 */
function buildSecrets(collector: FindingCollector, config: PipelineConfig, partition: string): BuildSecret[] {
    const { toolingAccount: tooling } = config;
    const secrets: BuildSecret[] = [];
    const entries = [
        ["accessToken", "PULUMI_ACCESS_TOKEN", config.pulumi.accessToken],
        ["passphrase", "PULUMI_CONFIG_PASSPHRASE", config.pulumi.passphrase],
    ] as const;
    for (const [key, variable, reference] of entries) {
        if (!reference) continue;
        const where = `pulumi.${key}`;
        if (reference.kmsKeyArn && reference.kmsKeyArn.split(":")[1] !== partition) collector.error(`${where}.kmsKeyArn`, `is not in partition ${partition}`);
        if (reference.secretsManagerArn) {
            const secret = arnParts(rules.SECRETS_MANAGER_ARN, reference.secretsManagerArn);
            if (secret.partition !== partition) collector.error(`${where}.secretsManagerArn`, `is in partition ${secret.partition}, not ${partition}`);
            secrets.push({
                variable,
                type: "SECRETS_MANAGER",
                value: reference.secretsManagerArn,
                arn: reference.secretsManagerArn,
                kmsKeyArn: reference.kmsKeyArn,
            });
        } else if (reference.parameterArn) {
            const parameter = arnParts(rules.SSM_PARAMETER_ARN, reference.parameterArn);
            if (parameter.partition !== partition || parameter.account !== tooling.id || parameter.region !== tooling.region) {
                collector.error(
                    `${where}.parameterArn`,
                    `must be in the tooling account ${tooling.id} and region ${tooling.region}: CodeBuild reads a parameter by name, in the build's account and Region`,
                );
            }
            // The ARN drops a hierarchical name's leading slash (parameter/team/token is /team/token); a flat name has none.
            const name = parameter.rest.includes("/") ? `/${parameter.rest}` : parameter.rest;
            secrets.push({ variable, type: "PARAMETER_STORE", value: name, arn: reference.parameterArn, kmsKeyArn: reference.kmsKeyArn });
        }
    }
    return secrets.map((secret) => (secret.kmsKeyArn ? secret : { variable: secret.variable, type: secret.type, value: secret.value, arn: secret.arn }));
}

/**
 * The backend: Pulumi Cloud (or a self-hosted Pulumi service) over https, which needs the access token, or an S3 bucket,
 * whose state objects the build role reads and writes. Other DIY backends need credentials the build does not have.
 * https://www.pulumi.com/docs/iac/concepts/state-and-backends/
 */
function backendState(collector: FindingCollector, config: PipelineConfig, partition: string): PipelineModel["pulumi"]["stateBucket"] {
    const url = config.pulumi.backendUrl;
    if (url.startsWith("https://")) {
        if (!config.pulumi.accessToken)
            collector.error("pulumi.accessToken", `is required for the ${url} backend (PULUMI_ACCESS_TOKEN), read from Secrets Manager or Parameter Store`);
        return undefined;
    }
    const s3 = /^s3:\/\/([^/?]+)(\/[^?]*)?(\?.*)?$/.exec(url);
    if (!s3) {
        collector.error(
            "pulumi.backendUrl",
            `${JSON.stringify(url)}: the pipeline supports a Pulumi Cloud backend (https://…) or an S3 backend (s3://<bucket>[/<prefix>])`,
        );
        return undefined;
    }
    const [, bucket, prefixPath] = s3;
    const problem = rules.bucketNameProblem(bucket);
    if (problem) {
        collector.error("pulumi.backendUrl", `bucket ${JSON.stringify(bucket)} ${problem}`);
        return undefined;
    }
    const prefix = (prefixPath ?? "").replace(/^\/+|\/+$/g, "");
    const bucketArn = arns.bucket(partition, bucket);
    return { bucketArn, objectsArn: `${bucketArn}/${prefix ? `${prefix}/` : ""}*` };
}

/** Every physical name fits its AWS pattern; a name too long for its service is a problem of the prefix (or the role name). */
function checkNames(collector: FindingCollector, names: PipelineModel["names"], customRoleName: boolean): void {
    const checks: Array<[string, string, boolean, string]> = [
        ["pipeline", names.pipeline, rules.CODEPIPELINE_NAME.test(names.pipeline), "a CodePipeline name (1-100 of letters, digits and .@-_)"],
        ["CodeBuild project", names.previewProject, rules.CODEBUILD_PROJECT_NAME.test(names.previewProject), "a CodeBuild project name (2-150 characters)"],
        ["CodeBuild project", names.deployProject, rules.CODEBUILD_PROJECT_NAME.test(names.deployProject), "a CodeBuild project name (2-150 characters)"],
        ["log group", names.logGroup, rules.LOG_GROUP_NAME.test(names.logGroup), "a CloudWatch Logs group name"],
        ["pipeline role", names.pipelineRole, rules.IAM_ROLE_NAME.test(names.pipelineRole), "an IAM role name (1-64 characters)"],
    ];
    for (const [what, name, ok, rule] of checks) if (!ok) collector.error("namePrefix", `${what} name ${JSON.stringify(name)} is not ${rule}`);
    if (!customRoleName && !rules.IAM_ROLE_NAME.test(names.buildRole)) {
        collector.error(
            "namePrefix",
            `build role name ${JSON.stringify(names.buildRole)} is not an IAM role name (1-64 characters); shorten the prefix or set build.roleName`,
        );
    }
    const bucketProblem = rules.bucketNameProblem(names.artifactBucket);
    if (bucketProblem) collector.error("namePrefix", `artifact bucket name ${JSON.stringify(names.artifactBucket)} ${bucketProblem}`);
    const aliasProblem = rules.kmsAliasProblem(names.artifactKeyAlias);
    if (aliasProblem) collector.error("namePrefix", `KMS alias ${JSON.stringify(names.artifactKeyAlias)}: ${aliasProblem}`);
}

/**
 * The build role must be one the environment's deployment roles trust. With the bootstrap, the workload and central
 * roles trust exactly bootstrap.trustedPrincipalArns; without it (or for the management account's role, which the
 * bootstrap does not create) the trust is set up outside this repository, so it can only be a reminder.
 */
function checkTrust(collector: FindingCollector, platform: EnvironmentModel, buildRoleArn: string, platformStackFile: string): void {
    const trusted = platform.management.bootstrap?.trustedPrincipalArns;
    if (trusted && !trusted.includes(buildRoleArn)) {
        collector.error(
            "build.roleName",
            `the build role ${buildRoleArn} is not in bootstrap.trustedPrincipalArns of ${platformStackFile} (${trusted.join(", ")}), ` +
                "so the deployment roles would refuse it; add it there or name one of them here",
        );
    } else if (!trusted) {
        collector.warning("build.roleName", `${platformStackFile} has no bootstrap: make sure every deployment role trusts ${buildRoleArn}`);
    }
}
