/**
 * The organization program, run in the management account: the deployment-role StackSets that give every other
 * program a role to deploy with.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DeploymentRoleStackSet } from "../components/deployment-role-stack-set";
import { OrganizationBackupSettings } from "../components/organization-backup-settings";
import { TYPE } from "../components/resource-types";
import { DeploymentRoleStackSetModel, EnvironmentModel } from "../config/model";
import { deploymentRolePolicies, deploymentRoleTemplate, deploymentRoleTrustPolicy, platformRoleBoundary, type PolicyDocument } from "../policies";
import { centralDeploymentTypes } from "./central";
import { deployGuardrails } from "./guardrails";
import { workloadDeploymentTypes } from "./workload";

/** Every resource type the organization program creates. */
export const ORGANIZATION_RESOURCE_TYPES: readonly string[] = [
    TYPE.stackSet,
    TYPE.stackSetInstance,
    TYPE.organizationsPolicy,
    TYPE.organizationsPolicyAttachment,
    TYPE.serviceAccess,
    TYPE.delegatedAdministrator,
    TYPE.globalSettings,
];

export interface OrganizationOutputs {
    alias: string;
    deploymentRoleStackSets: Record<string, pulumi.Output<string>>;
    /** Organizations policy ids (SCPs, backup and tag policies) by policy name. */
    organizationPolicies: Record<string, pulumi.Output<string>>;
}

/** What the organization program reads from the model: the environment-wide names and the management account. */
export type OrganizationSlice = Pick<EnvironmentModel, "partition" | "namePrefix" | "tags" | "roles" | "management" | "central" | "organization">;

/** The deployment role's permission policies for one kind of member account, generated from what its program creates. */
export function deploymentRolePoliciesFor(model: OrganizationSlice, kind: DeploymentRoleStackSetModel["kind"]) {
    const stackSet = model.management.bootstrap?.stackSets.find((candidate) => candidate.kind === kind);
    return deploymentRolePolicies({
        partition: model.partition,
        namePrefix: model.namePrefix,
        regions: stackSet?.regions ?? model.central.regions,
        backupServiceRoleName: model.roles.backupServiceRoleName,
        permissionsBoundaryName: model.roles.permissionsBoundaryName,
        resourceTypes:
            kind === "central"
                ? centralDeploymentTypes(model.central.restoreTesting !== undefined)
                : workloadDeploymentTypes(model.management.restoreTestingInWorkloadAccounts === true),
    });
}

/** The permissions boundary the deployment role's template creates beside it, by the name its IAM statements require. */
export function permissionsBoundaryFor(model: Pick<OrganizationSlice, "roles">): { name: string; document: PolicyDocument } {
    return { name: model.roles.permissionsBoundaryName, document: platformRoleBoundary() };
}

/** The CloudFormation template that creates the deployment role in one kind of member account. */
export function deploymentRoleTemplateFor(model: OrganizationSlice, kind: DeploymentRoleStackSetModel["kind"]): Record<string, unknown> {
    const bootstrap = model.management.bootstrap;
    return deploymentRoleTemplate({
        roleName: model.roles.deploymentRoleName,
        description: `Deploys the backup platform into ${kind} accounts`,
        trustPolicy: deploymentRoleTrustPolicy({ partition: model.partition, trustedPrincipalArns: bootstrap?.trustedPrincipalArns ?? [] }),
        policies: deploymentRolePoliciesFor(model, kind),
        boundary: permissionsBoundaryFor(model),
        tags: model.tags,
    });
}

export function deployOrganization(model: OrganizationSlice, provider: aws.Provider): OrganizationOutputs {
    const { management } = model;
    const stackSets: Record<string, pulumi.Output<string>> = {};
    for (const stackSet of management.bootstrap?.stackSets ?? []) {
        const component = new DeploymentRoleStackSet(
            `${management.target.alias}-deployment-role-${stackSet.kind}`,
            {
                region: management.target.homeRegion,
                stackSet,
                templateBody: JSON.stringify(deploymentRoleTemplateFor(model, stackSet.kind)),
                retainStacksOnAccountRemoval: management.bootstrap!.retainStacksOnAccountRemoval,
                tags: model.tags,
            },
            { provider },
        );
        stackSets[stackSet.kind] = component.arn;
    }
    new OrganizationBackupSettings(`${management.target.alias}-backup-organization`, { settings: management.backupOrganization }, { provider });
    const guardrails = deployGuardrails(model, provider);
    return { alias: management.target.alias, deploymentRoleStackSets: stackSets, organizationPolicies: guardrails.policyIds };
}
