import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { PlanDocument, runPlan } from "../cli/plan";
import { rolloutProgram } from "../cli/rollout";
import { PIPELINE_ARTIFACTS, PIPELINE_STAGES } from "../components/rollout-pipeline";
import { allTargets } from "../config/model";
import { codeBuildRolePolicy, PolicyDocument } from "../policies";
import { planProgram, PlannedResource } from "../projects/offline-plan";
import { PIPELINE_PROJECT, PipelineModel, validatePipeline } from "../projects/pipeline/config";
import { deployPipeline } from "../projects/pipeline/program";
import { asList, errorsOf, Graph, loadStack, PROJECT_DIR, projectStackValues, TYPES } from "./support/graph";
import { findUnknownIamNames } from "./support/iam-data";

const PIPELINE_CONFIG = path.join(PROJECT_DIR, "projects", "pipeline", "Pulumi.tooling.yaml");
const CONTEXT = { repositoryRoot: PROJECT_DIR };

const pipelineValues = () => projectStackValues(PIPELINE_CONFIG, PIPELINE_PROJECT);

function modelOf(values: Record<string, unknown>): PipelineModel {
    const result = validatePipeline("tooling", values, CONTEXT);
    assert.ok(result.model, result.findings.map((f) => `${f.path}: ${f.message}`).join("\n"));
    return result.model;
}

const policyOf = (resource: PlannedResource, input: string) => JSON.parse(String(resource.inputs[input])) as PolicyDocument;

/** Whether a Pulumi AWS resource's arguments take `tags`, from the provider SDK's own type declarations. */
function acceptsTags(type: string): boolean {
    const [, module, name] = /^aws:([^:]+):(\w+)$/.exec(type)!;
    const declarations = fs.readFileSync(path.join(PROJECT_DIR, "node_modules", "@pulumi", "aws", `${module}.d.ts`), "utf8");
    const args = new RegExp(`export interface ${name}Args \\{([\\s\\S]*?)\\n\\}`).exec(declarations);
    assert.ok(args, `${name}Args in @pulumi/aws/${module}.d.ts`);
    return /\n {4}tags\?:/.test(args[1]);
}

/** Shell words of a buildspec command: whitespace-separated, double quotes grouping (all the buildspec uses). */
function shellWords(command: string): string[] {
    return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]);
}

/** The options `npm run rollout -- <args>` would run with, parsed by the rollout CLI itself and stopped before it acts. */
async function rolloutOptions(args: string[]): Promise<Record<string, unknown>> {
    const parsed = Symbol("parsed");
    let options: Record<string, unknown> | undefined;
    const program = rolloutProgram(
        PROJECT_DIR,
        () => assert.fail("the rollout ran"),
        (command) =>
            command.exitOverride().hook("preAction", (_root, action) => {
                options = action.opts();
                throw parsed;
            }),
    );
    await assert.rejects(program.parseAsync(["node", "rollout", ...args]), (error) => error === parsed);
    return options!;
}

describe("the rollout pipeline (projects/pipeline)", () => {
    let model: PipelineModel;
    let graph: Graph;
    let outputs: Record<string, unknown>;

    before(async () => {
        model = modelOf(pipelineValues());
        const plan = await planProgram({ project: PIPELINE_PROJECT, stack: model.stack, partition: model.partition }, () => deployPipeline(model));
        graph = new Graph(plan.resources);
        outputs = plan.outputs;
    });

    const one = (type: string) => {
        const found = graph.ofType(type);
        assert.equal(found.length, 1, type);
        return found[0];
    };
    const projects = () => {
        const [preview, deploy] = graph.ofType(TYPES.codeBuildProject);
        assert.equal(graph.ofType(TYPES.codeBuildProject).length, 2);
        return { preview, deploy };
    };

    it("creates the pipeline, its two CodeBuild projects, roles, key, artifact bucket and log group in the tooling account only", () => {
        const cloud = graph.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
        assert.deepEqual([...new Set(cloud.map((r) => r.account))], ["500000000009"]);
        assert.deepEqual([...new Set(cloud.filter((r) => r.region !== null).map((r) => r.region))], ["eu-west-1"]);
        const count = (type: string) => graph.ofType(type).length;
        assert.deepEqual([TYPES.codePipeline, TYPES.codeBuildProject, TYPES.role, TYPES.key, TYPES.bucket, TYPES.logGroup].map(count), [1, 2, 2, 1, 1, 1]);
        const provider = graph.resources.find((r) => r.type === TYPES.provider)!;
        assert.deepEqual(provider.inputs.allowedAccountIds, ["500000000009"]);
        assert.equal((provider.inputs.assumeRoles as Array<{ roleArn: string }>)[0].roleArn, "arn:aws:iam::500000000009:role/PipelineDeployment");
    });

    it("gives every resource a unique logical name and every taggable resource the pipeline's tags", () => {
        const urns = graph.resources.map((r) => r.urn);
        assert.equal(new Set(urns).size, urns.length);
        const taggable = graph.resources.filter((r) => r.custom && r.type.startsWith("aws:") && acceptsTags(r.type));
        assert.ok(taggable.length >= 8);
        for (const resource of taggable) assert.deepEqual(resource.inputs.tags, model.tags, resource.name);
        assert.equal(model.tags["backup-pipeline:environment"], "prod");
        assert.equal(model.tags.owner, "platform-team@example.com");
    });

    it("keeps the artifact bucket and its key through deletes and replacements, with rotation and a 30-day deletion window", () => {
        for (const stateful of [one(TYPES.bucket), one(TYPES.key)]) {
            assert.equal(stateful.protect, true, stateful.name);
            assert.equal(stateful.retainOnDelete, true, stateful.name);
        }
        const key = one(TYPES.key);
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.equal(key.inputs.deletionWindowInDays, 30);
        assert.equal(one(TYPES.bucket).inputs.forceDestroy, false);
    });

    it("versions the artifact bucket, encrypts it with the pipeline's own key, blocks public access and refuses plain HTTP", () => {
        const bucketName = one(TYPES.bucket).inputs.bucket;
        assert.equal(bucketName, model.names.artifactBucket);
        assert.deepEqual(one(TYPES.bucketVersioning).inputs.versioningConfiguration, { status: "Enabled" });
        const encryption = (one(TYPES.bucketEncryption).inputs.rules as any[])[0];
        assert.equal(encryption.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        assert.equal(encryption.applyServerSideEncryptionByDefault.kmsMasterKeyId, `arn:aws:kms:eu-west-1:500000000009:key/${one(TYPES.key).name}-id`);
        const block = one(TYPES.bucketPublicAccessBlock).inputs;
        for (const setting of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"])
            assert.equal(block[setting], true, setting);
        const [tls] = policyOf(one(TYPES.bucketPolicy), "policy").Statement;
        assert.equal(tls.Effect, "Deny");
        assert.deepEqual(tls.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.deepEqual(tls.Resource, [model.arns.artifactBucket, `${model.arns.artifactBucket}/*`]);
        const store = (one(TYPES.codePipeline).inputs.artifactStores as any[])[0];
        assert.deepEqual([store.location, store.encryptionKey.id], [bucketName, encryption.applyServerSideEncryptionByDefault.kmsMasterKeyId]);
        for (const project of graph.ofType(TYPES.codeBuildProject)) assert.equal(project.inputs.encryptionKey, store.encryptionKey.id);
    });

    it("runs source, preview, approval and deploy in that order, each build on the checked-out repository", () => {
        const pipeline = one(TYPES.codePipeline).inputs as any;
        assert.equal(pipeline.pipelineType, "V2");
        assert.equal(pipeline.executionMode, "QUEUED");
        assert.deepEqual(
            pipeline.stages.map((stage: any) => stage.name),
            [PIPELINE_STAGES.source, PIPELINE_STAGES.preview, PIPELINE_STAGES.approve, PIPELINE_STAGES.deploy],
        );
        const [source, preview, approve, deploy] = pipeline.stages.map((stage: any) => stage.actions[0]);
        assert.deepEqual(source.configuration, {
            ConnectionArn: model.source.connectionArn,
            FullRepositoryId: "acme/backup-platform",
            BranchName: "main",
            OutputArtifactFormat: "CODE_ZIP",
        });
        assert.equal(source.provider, "CodeStarSourceConnection");
        assert.equal(preview.configuration.ProjectName, projects().preview.inputs.name);
        assert.equal(deploy.configuration.ProjectName, projects().deploy.inputs.name);
        for (const build of [preview, deploy]) assert.deepEqual(build.inputArtifacts, [PIPELINE_ARTIFACTS.source]);
        assert.equal(approve.provider, "Manual");
        assert.equal(approve.configuration.NotificationArn, "arn:aws:sns:eu-west-1:500000000009:platform-approvals");
    });

    it("goes straight from preview to deploy when no approval is required", async () => {
        const values = pipelineValues();
        values.approval = { required: false };
        const unapproved = modelOf(values);
        const plan = await planProgram({ project: PIPELINE_PROJECT, stack: "tooling", partition: "aws" }, () => deployPipeline(unapproved));
        const pipeline = plan.resources.find((r) => r.type === TYPES.codePipeline)!.inputs as any;
        assert.deepEqual(
            pipeline.stages.map((stage: any) => stage.name),
            [PIPELINE_STAGES.source, PIPELINE_STAGES.preview, PIPELINE_STAGES.deploy],
        );
    });

    it("builds with a buildspec that installs the pinned Pulumi CLI and runs the real rollout command, preview then up", async () => {
        const scripts = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts;
        assert.ok(scripts.rollout, "package.json has the rollout script the builds run");
        for (const [project, operation] of [
            [projects().preview, "preview"],
            [projects().deploy, "up"],
        ] as const) {
            assert.equal((project.inputs.source as any).type, "CODEPIPELINE");
            const spec = YAML.parse(String((project.inputs.source as any).buildspec));
            assert.equal(spec.version, 0.2);
            assert.deepEqual(spec.phases.install["runtime-versions"], { nodejs: "20" });
            assert.match(spec.phases.install.commands.join("\n"), /get\.pulumi\.com \| sh -s -- --version 3\.\d+\.\d+$/);
            const [install, rollout] = spec.phases.build.commands as string[];
            assert.match(install, /^npm ci\b/);
            const words = shellWords(rollout);
            assert.deepEqual(words.slice(0, 4), ["npm", "run", "rollout", "--"]);
            const options = await rolloutOptions(words.slice(4));
            assert.equal(options.env, "prod");
            assert.equal(options.operation, operation);
            assert.equal(options.progress, "plain");
            assert.equal(options.discover, "report");
            assert.equal(options.pulumiRoot, "$HOME/.pulumi");
            assert.equal(options.commit, "$CODEBUILD_RESOLVED_SOURCE_VERSION");
            assert.equal(options.dryRun, undefined);
            // The report and summary the rollout writes are the build's output artifact.
            assert.deepEqual(spec.artifacts.files, [options.report, options.summary]);
        }
    });

    it("lets the build role assume exactly the deployment roles of the environment's targets, and nothing by wildcard", () => {
        const platform = loadStack("prod");
        const expected = [...new Set(allTargets(platform).map((target) => target.deploymentRoleArn))].sort();
        assert.equal(expected.length, 2 + platform.accounts.length);
        const build = graph.ofType(TYPES.rolePolicy).find((r) => r.name.endsWith("-build-policy"))!;
        const statements = policyOf(build, "policy").Statement;
        const assume = statements.filter((s) => asList(s.Action).some((action) => action.startsWith("sts:")));
        assert.equal(assume.length, 1);
        assert.deepEqual(asList(assume[0].Action), ["sts:AssumeRole"]);
        assert.deepEqual([...asList(assume[0].Resource)].sort(), expected);
        for (const statement of statements) {
            assert.equal(statement.Effect, "Allow");
            for (const resource of asList(statement.Resource))
                assert.ok(resource !== "*" && !resource.startsWith("arn:aws:iam::*"), `${statement.Sid}: ${resource}`);
        }
        const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
        assert.deepEqual(bySid.ReadPulumiSecrets.Resource, [model.pulumi.secrets[0].arn]);
        assert.deepEqual(asList(bySid.ReadPulumiSecrets.Action), ["secretsmanager:GetSecretValue"]);
        assert.equal(bySid.BuildLogs.Resource, `${model.arns.logGroup}:log-stream:*`);
        assert.equal(bySid.ArtifactObjects.Resource, `${model.arns.artifactBucket}/*`);
        // Discovery reads this organization only.
        assert.deepEqual(bySid.WalkOrganization.Resource, [
            `arn:aws:organizations::500000000001:root/${platform.organization.id}/${platform.organization.rootId}`,
            `arn:aws:organizations::500000000001:ou/${platform.organization.id}/*`,
        ]);
    });

    it("lets the pipeline role start only its two projects, use only its connection and its artifact store", () => {
        const role = graph.ofType(TYPES.rolePolicy).find((r) => r.name.endsWith("-pipeline-policy"))!;
        const bySid = Object.fromEntries(policyOf(role, "policy").Statement.map((s) => [s.Sid, s]));
        // The ARNs the policy names are the ARNs the projects get.
        const projectArns = graph.ofType(TYPES.codeBuildProject).map((project) => `arn:aws:codebuild:eu-west-1:500000000009:project/${project.inputs.name}`);
        assert.deepEqual(bySid.RunRolloutBuilds.Resource, projectArns);
        assert.deepEqual(asList(bySid.RunRolloutBuilds.Action).sort(), ["codebuild:BatchGetBuilds", "codebuild:StartBuild"]);
        assert.equal(bySid.UseRepositoryConnection.Action, "codeconnections:UseConnection");
        assert.equal(bySid.UseRepositoryConnection.Resource, model.source.connectionArn);
        assert.equal(bySid.ArtifactBucket.Resource, model.arns.artifactBucket);
        assert.equal(bySid.ArtifactKey.Resource, `arn:aws:kms:eu-west-1:500000000009:key/${one(TYPES.key).name}-id`);
        assert.equal(bySid.NotifyApprovers.Resource, model.approval!.notificationTopicArn);
        assert.deepEqual(Object.keys(bySid).sort(), [
            "ArtifactBucket",
            "ArtifactKey",
            "ArtifactObjects",
            "NotifyApprovers",
            "RunRolloutBuilds",
            "UseRepositoryConnection",
        ]);
    });

    it("lets CodeBuild assume the build role only for the rollout's projects in the tooling account", () => {
        const buildRole = graph.ofType(TYPES.role).find((r) => r.inputs.name === model.names.buildRole)!;
        const [trust] = policyOf(buildRole, "assumeRolePolicy").Statement;
        assert.deepEqual(trust.Principal, { Service: "codebuild.amazonaws.com" });
        assert.deepEqual(trust.Condition, {
            StringEquals: { "aws:SourceAccount": "500000000009" },
            ArnEquals: { "aws:SourceArn": [model.arns.previewProject, model.arns.deployProject] },
        });
        for (const project of graph.ofType(TYPES.codeBuildProject)) assert.equal(project.inputs.serviceRole, model.arns.buildRole);
    });

    it("names only IAM actions and condition keys that exist, in every policy it creates", async () => {
        const documents = [
            ...graph.ofType(TYPES.rolePolicy).map((r) => policyOf(r, "policy")),
            ...graph.ofType(TYPES.role).map((r) => policyOf(r, "assumeRolePolicy")),
            policyOf(one(TYPES.bucketPolicy), "policy"),
            policyOf(one(TYPES.key), "policy"),
        ];
        assert.equal(documents.length, 6);
        for (const document of documents) assert.deepEqual(await findUnknownIamNames(document), []);
    });

    it("lets the build use an S3 backend's state, a Parameter Store passphrase and an awskms:// secrets key, each by exact ARN", async () => {
        const values = pipelineValues();
        values.pulumi = {
            cliVersion: "3.200.0",
            backendUrl: "s3://acme-pulumi-state/backup-platform",
            secretsProvider: "awskms:///arn:aws:kms:eu-west-1:500000000009:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            passphrase: {
                parameterArn: "arn:aws:ssm:eu-west-1:500000000009:parameter/backup-platform/passphrase",
                kmsKeyArn: "arn:aws:kms:eu-west-1:500000000009:key/0000abcd-12ab-34cd-56ef-1234567890ab",
            },
        };
        values.discover = undefined;
        const s3 = modelOf(values);
        assert.deepEqual(s3.pulumi.secrets, [
            {
                variable: "PULUMI_CONFIG_PASSPHRASE",
                type: "PARAMETER_STORE",
                value: "/backup-platform/passphrase",
                arn: "arn:aws:ssm:eu-west-1:500000000009:parameter/backup-platform/passphrase",
                kmsKeyArn: "arn:aws:kms:eu-west-1:500000000009:key/0000abcd-12ab-34cd-56ef-1234567890ab",
            },
        ]);
        const document = codeBuildRolePolicy({
            accountId: "500000000009",
            bucketArn: s3.arns.artifactBucket,
            keyArn: "arn:aws:kms:eu-west-1:500000000009:key/artifacts",
            logGroupArn: s3.arns.logGroup,
            deploymentRoleArns: s3.deploymentRoleArns,
            secrets: s3.pulumi.secrets,
            stateBucket: s3.pulumi.stateBucket,
            secretsKeyArn: s3.pulumi.secretsKeyArn,
        });
        const bySid = Object.fromEntries(document.Statement.map((s) => [s.Sid, s]));
        assert.deepEqual(bySid.ReadPulumiParameters.Resource, ["arn:aws:ssm:eu-west-1:500000000009:parameter/backup-platform/passphrase"]);
        assert.equal(bySid.ListPulumiState.Resource, "arn:aws:s3:::acme-pulumi-state");
        assert.equal(bySid.ReadWritePulumiState.Resource, "arn:aws:s3:::acme-pulumi-state/backup-platform/*");
        assert.equal(bySid.EncryptStackSecrets.Resource, "arn:aws:kms:eu-west-1:500000000009:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        assert.equal(bySid.WalkOrganization, undefined, "no discovery, no Organizations access");
        assert.deepEqual(await findUnknownIamNames(document), []);
    });

    it("is trusted by the environment's deployment roles: its build role is in bootstrap.trustedPrincipalArns", () => {
        assert.ok(loadStack("prod").management.bootstrap!.trustedPrincipalArns.includes(String(outputs.buildRoleArn)));
        assert.equal(outputs.buildRoleArn, model.arns.buildRole);
    });
});

describe("npm run plan -- --config projects/pipeline/Pulumi.tooling.yaml", () => {
    it("plans the pipeline offline, as a summary and as JSON", async () => {
        const summary = await runPlan({ stack: "dev", config: PIPELINE_CONFIG }, PROJECT_DIR);
        assert.equal(summary.exitCode, 0, summary.output);
        assert.match(summary.output, /^Offline plan of stack tooling \(scope rollout pipeline \(backup-pipeline\)\)/);
        assert.match(summary.output, /tooling acme-tooling \(500000000009\): 16 resources/);
        assert.match(summary.output, /CodePipeline acme-backup-prod-rollout \(V2, queued\): Source → Preview → Approve → Deploy/);
        assert.match(summary.output, /Totals: 1 tooling account, 1 account-regions/);
        const json = await runPlan({ stack: "dev", config: PIPELINE_CONFIG, json: true }, PROJECT_DIR);
        assert.equal(json.exitCode, 0);
        const document = JSON.parse(json.output) as PlanDocument;
        assert.equal(document.stack, "tooling");
        assert.equal(document.resources.filter((r) => r.type === TYPES.codeBuildProject).length, 2);
        assert.deepEqual(document.findings, []);
    });

    it("reports a broken config with its path and file:line, and plans nothing", async () => {
        const broken = path.join(PROJECT_DIR, "projects", "pipeline", "Pulumi.broken-test.yaml");
        const text = fs
            .readFileSync(PIPELINE_CONFIG, "utf8")
            .replace("environment: prod", "environment: staging")
            .replace("computeType: BUILD_GENERAL1_MEDIUM", "computeType: BUILD_GENERAL1_HUGE");
        fs.writeFileSync(broken, text);
        try {
            const { exitCode, output } = await runPlan({ stack: "dev", config: broken, json: true }, PROJECT_DIR);
            assert.equal(exitCode, 1);
            const document = JSON.parse(output) as PlanDocument;
            assert.deepEqual(document.resources, []);
            const lineOf = (needle: string) => text.split("\n").findIndex((line) => line.includes(needle)) + 1;
            const computeType = document.findings.find((f) => f.path === "build.computeType")!;
            assert.match(computeType.message, /not a CodeBuild Linux compute type/);
            assert.equal(computeType.location?.line, lineOf("computeType:"));
            assert.match(computeType.location!.file, /Pulumi\.broken-test\.yaml$/);
        } finally {
            fs.rmSync(broken, { force: true });
        }
    });
});

interface InvalidCase {
    rule: string;
    mutate: (values: Record<string, any>) => void;
    path: string;
    message: RegExp;
}

/** Each mutation of the valid tooling config breaks one rule; the finding must name the path and the rule. */
const invalidCases: InvalidCase[] = [
    {
        rule: "the environment has a stack file",
        mutate: (v) => (v.environment = "staging"),
        path: "environment",
        message: /Pulumi\.staging\.yaml does not exist/,
    },
    {
        rule: "platformStackFile exists",
        mutate: (v) => (v.platformStackFile = "environments/Pulumi.prod.yaml"),
        path: "platformStackFile",
        message: /environments\/Pulumi\.prod\.yaml does not exist/,
    },
    {
        rule: "platformStackFile stays inside the repository",
        mutate: (v) => (v.platformStackFile = "../Pulumi.prod.yaml"),
        path: "platformStackFile",
        message: /inside the repository/,
    },
    {
        rule: "the platform stack file is valid",
        mutate: (v) => (v.platformStackFile = "test/fixtures/several-mistakes.yaml"),
        path: "platformStackFile",
        message: /has \d+ error\(s\), so the pipeline cannot name the deployment roles/,
    },
    {
        rule: "the environment's deployment roles trust the build role",
        mutate: (v) => (v.build.roleName = "rollout-builds"),
        path: "build.roleName",
        message: /arn:aws:iam::500000000009:role\/rollout-builds is not in bootstrap\.trustedPrincipalArns of Pulumi\.prod\.yaml/,
    },
    { rule: "tooling account ids are 12 digits", mutate: (v) => (v.toolingAccount.id = "50000000009"), path: "toolingAccount.id", message: /12-digit/ },
    {
        rule: "the tooling deployment role is in the tooling account",
        mutate: (v) => (v.toolingAccount.deploymentRoleArn = "arn:aws:iam::500000000001:role/PipelineDeployment"),
        path: "toolingAccount.deploymentRoleArn",
        message: /is in account 500000000001, not the tooling account 500000000009/,
    },
    {
        rule: "the source is a connection ARN",
        mutate: (v) => (v.source.connectionArn = "arn:aws:codecommit:eu-west-1:500000000009:backup-platform"),
        path: "source.connectionArn",
        message: /is not a connection ARN/,
    },
    {
        rule: "a Pulumi Cloud backend needs the access token",
        mutate: (v) => delete v.pulumi.accessToken,
        path: "pulumi.accessToken",
        message: /is required for the https:\/\/api\.pulumi\.com backend/,
    },
    {
        rule: "the access token is named by ARN, never written in config",
        mutate: (v) => (v.pulumi.accessToken = "pul-0123456789abcdef"),
        path: "pulumi.accessToken",
        // The message never repeats the value: it is most likely the token itself.
        message: /^name the secret by ARN \(\{ secretsManagerArn: … \} or \{ parameterArn: … \}\), never its value \(not shown here\)$/,
    },
    {
        rule: "a secret is one of Secrets Manager and Parameter Store",
        mutate: (v) => (v.pulumi.accessToken.parameterArn = "arn:aws:ssm:eu-west-1:500000000009:parameter/pulumi-token"),
        path: "pulumi.accessToken",
        message: /exactly one of secretsManagerArn and parameterArn/,
    },
    {
        rule: "a Secrets Manager ARN ends in the six random characters",
        mutate: (v) => (v.pulumi.accessToken.secretsManagerArn = "arn:aws:secretsmanager:eu-west-1:500000000009:secret:pulumi-token"),
        path: "pulumi.accessToken.secretsManagerArn",
        message: /not a full Secrets Manager secret ARN/,
    },
    {
        rule: "CodeBuild reads parameters in its own account and Region",
        mutate: (v) => (v.pulumi.accessToken = { parameterArn: "arn:aws:ssm:us-east-1:500000000009:parameter/pulumi-token" }),
        path: "pulumi.accessToken.parameterArn",
        message: /must be in the tooling account 500000000009 and region eu-west-1/,
    },
    {
        rule: "an S3 backend's passphrase-encrypted stacks need the passphrase",
        mutate: (v) => (v.pulumi.backendUrl = "s3://acme-pulumi-state"),
        path: "pulumi.passphrase",
        message: /is required/,
    },
    {
        rule: "an awskms:// secrets provider names a key, not an alias",
        mutate: (v) => (v.pulumi.secretsProvider = "awskms://alias/pulumi"),
        path: "pulumi.secretsProvider",
        message: /name the key by its id/,
    },
    {
        rule: "CodeBuild compute types",
        mutate: (v) => (v.build.computeType = "BUILD_GENERAL1_HUGE"),
        path: "build.computeType",
        message: /not a CodeBuild Linux compute type/,
    },
    {
        rule: "CodeBuild timeouts are 5 minutes at least",
        mutate: (v) => (v.build.timeoutMinutes = 3),
        path: "build.timeoutMinutes",
        message: /5 minutes at least/,
    },
    {
        rule: "CloudWatch Logs retention periods",
        mutate: (v) => (v.build.logRetentionDays = 45),
        path: "build.logRetentionDays",
        message: /not a CloudWatch Logs retention/,
    },
    { rule: "the rollout needs Node.js 20", mutate: (v) => (v.build.nodeVersion = "18"), path: "build.nodeVersion", message: /Node\.js 20 or later/ },
    {
        rule: "discovery never adds accounts the build role may not assume",
        mutate: (v) => (v.discover = "add"),
        path: "discover",
        message: /would deploy accounts the build role may not assume/,
    },
    {
        rule: "physical names fit AWS limits (S3 bucket names are 63 characters at most)",
        mutate: (v) =>
            Object.assign(v, { namePrefix: "acme-backup-platform-abc", environment: "prod-europe-and-americas", platformStackFile: "Pulumi.prod.yaml" }),
        path: "namePrefix",
        message: /artifact bucket name/,
    },
    { rule: "no unknown keys", mutate: (v) => (v.source.token = "ghp_x"), path: "source.token", message: /unknown key/ },
];

describe("pipeline config validation", () => {
    for (const testCase of invalidCases) {
        it(`rejects a config that breaks: ${testCase.rule}`, () => {
            const values = pipelineValues();
            testCase.mutate(values);
            const result = validatePipeline("tooling", values, CONTEXT);
            const errors = errorsOf(result.findings);
            assert.equal(result.model, undefined, "an invalid config must not produce a model");
            assert.ok(
                errors.some((finding) => finding.path === testCase.path && testCase.message.test(finding.message)),
                `expected an error at ${testCase.path} matching ${testCase.message}; got:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join("\n")}`,
            );
        });
    }

    it("accepts what AWS accepts at the edges: any Node.js from 20, the largest compute type, the longest timeout and retention, a codestar-connections ARN", () => {
        const values = pipelineValues();
        Object.assign(values.build, { nodeVersion: "23.1.0", computeType: "BUILD_GENERAL1_2XLARGE", timeoutMinutes: 2160, logRetentionDays: 3653 });
        values.source.connectionArn = "arn:aws:codestar-connections:eu-west-1:500000000009:connection/7d2469ff-514a-4e4f-9003-5ca4a43cdc41";
        values.pulumi.accessToken = { parameterArn: "arn:aws:ssm:eu-west-1:500000000009:parameter/pulumi-token" };
        const accepted = modelOf(values);
        assert.deepEqual(accepted.pulumi.secrets[0], {
            variable: "PULUMI_ACCESS_TOKEN",
            type: "PARAMETER_STORE",
            value: "pulumi-token",
            arn: "arn:aws:ssm:eu-west-1:500000000009:parameter/pulumi-token",
        });
        assert.equal(accepted.build.timeoutMinutes, 2160);
    });

    it("reports every cross-check mistake at once", () => {
        const values = pipelineValues();
        values.build.roleName = "rollout-builds";
        values.build.nodeVersion = "18";
        values.pulumi.secretsProvider = "awskms://alias/pulumi";
        const paths = errorsOf(validatePipeline("tooling", values, CONTEXT).findings).map((finding) => finding.path);
        assert.deepEqual(paths.sort(), ["build.nodeVersion", "build.roleName", "pulumi.secretsProvider"]);
    });
});
