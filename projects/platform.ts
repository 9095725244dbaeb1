/**
 * The platform program as a function of a validated model: what `pulumi up`, the offline plan, the benchmark and
 * Automation API inline programs all run. It deploys every target of the model's scope with that target's own program:
 * the organization program in the management account, the central program in the central account, and the workload
 * program in each workload account.
 */
import * as aws from "@pulumi/aws";
import { EnvironmentModel, Target, targetsInScope } from "../config/model";
import { CentralOutputs, deployCentral } from "./central";
import { deployOrganization, OrganizationOutputs } from "./organization";
import { deployWorkload, WorkloadOutputs } from "./workload";

/** Stack outputs: what other stacks and operators need to find, per target. */
export interface PlatformOutputs {
    organization?: OrganizationOutputs;
    central?: CentralOutputs;
    /** Workload accounts by id. */
    accounts: Record<string, WorkloadOutputs>;
}

/** The provider for one target: assumes the deployment role there and refuses to act on any other account. */
export function accountProvider(model: Pick<EnvironmentModel, "stack" | "tags">, target: Target): aws.Provider {
    return new aws.Provider(`${target.alias}-aws`, {
        region: target.homeRegion as aws.Region,
        allowedAccountIds: [target.id],
        assumeRoles: [{ roleArn: target.deploymentRoleArn, sessionName: `backup-platform-${model.stack}` }],
        defaultTags: { tags: model.tags },
    });
}

/** Deploys every target of the model's scope. */
export function deployPlatform(model: EnvironmentModel): PlatformOutputs {
    const outputs: PlatformOutputs = { accounts: {} };
    for (const target of targetsInScope(model)) {
        const provider = accountProvider(model, target);
        switch (target.kind) {
            case "management":
                outputs.organization = deployOrganization(model, provider);
                break;
            case "central":
                outputs.central = deployCentral(model.central, provider, model);
                break;
            case "workload": {
                const account = model.accounts.find((candidate) => candidate.id === target.id)!;
                outputs.accounts[account.id] = deployWorkload(account, model, provider);
                break;
            }
        }
    }
    return outputs;
}
