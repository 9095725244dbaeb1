/**
 * The rollout pipeline program: one provider in the tooling account (assuming its deployment role, and refusing any
 * other account) and the RolloutPipeline component. Never part of the platform's scopes: it is its own Pulumi project.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RolloutPipeline } from "../../components/rollout-pipeline";
import { PIPELINE_PROJECT, PipelineModel } from "./config";

export interface PipelineOutputs {
    pipelineArn: pulumi.Output<string>;
    artifactBucket: pulumi.Output<string>;
    /** The principal the platform's deployment roles must trust (bootstrap.trustedPrincipalArns). */
    buildRoleArn: pulumi.Output<string>;
    /** Where to watch and approve rollouts. */
    consoleUrl: string;
}

/** IAM session names are at most 64 of letters, digits and +=,.@_- . https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html */
const sessionName = (stack: string) => `${PIPELINE_PROJECT}-${stack}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);

export function deployPipeline(model: PipelineModel): PipelineOutputs {
    const { tooling } = model;
    const provider = new aws.Provider(`${tooling.alias}-pipeline-aws`, {
        region: tooling.region as aws.Region,
        allowedAccountIds: [tooling.id],
        assumeRoles: [{ roleArn: tooling.deploymentRoleArn, sessionName: sessionName(model.stack) }],
        defaultTags: { tags: model.tags },
    });
    const pipeline = new RolloutPipeline(`${tooling.alias}-${tooling.region}-${model.environment}-rollout`, { pipeline: model }, { provider });
    return {
        pipelineArn: pipeline.pipelineArn,
        artifactBucket: pipeline.artifactBucket,
        buildRoleArn: pipeline.buildRoleArn,
        consoleUrl: `https://${tooling.region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${model.names.pipeline}/view?region=${tooling.region}`,
    };
}
