/**
 * The organization program's guardrails, in the management account: service control policies, backup policies (plan
 * source `backupPolicies`) and the tier tag policy, each an Organizations policy attached to its targets. Each policy
 * type must be enabled on the organization's root first (README, "Organization guardrails").
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { OrganizationPolicy } from "../components/organization-policy";
import { EnvironmentModel, physicalNames, PolicyTargetModel } from "../config/model";
import { backupPolicyDocument } from "../policies/backup-policies";
import { policyContent } from "../policies/organizations-quotas";
import { GuardrailScope, serviceControlPolicyDocuments } from "../policies/service-control-policies";
import { tierTagPolicy } from "../policies/tag-policies";

/** What the guardrails read from the model. */
export type GuardrailsSlice = Pick<EnvironmentModel, "partition" | "namePrefix" | "tags" | "roles" | "management" | "organization">;

/** The SCP builders' input from the model: every name an SCP names comes from here. */
export function guardrailScope(model: GuardrailsSlice): GuardrailScope {
    return {
        partition: model.partition,
        organizationId: model.organization.id,
        namePrefix: model.namePrefix,
        deploymentRoleName: model.roles.deploymentRoleName,
        breakGlassRoleName: model.roles.breakGlassRoleName,
        backupServiceRoleName: model.roles.backupServiceRoleName,
        permissionsBoundaryName: model.roles.permissionsBoundaryName,
        stackSetExecutionRoles: model.management.bootstrap !== undefined,
        protectedBuckets: [...(model.management.guardrails?.protectedBuckets ?? [])],
    };
}

/** Every Organizations policy of the environment, as the program sends it: name, type, document and targets. */
export interface PlannedOrganizationPolicy {
    logicalName: string;
    policyName: string;
    type: "SERVICE_CONTROL_POLICY" | "BACKUP_POLICY" | "TAG_POLICY";
    description: string;
    document: object;
    targets: PolicyTargetModel[];
}

/** The policies, built from the model by the pure builders in policies/. */
export function organizationPolicies(model: GuardrailsSlice): PlannedOrganizationPolicy[] {
    const guardrails = model.management.guardrails;
    if (!guardrails) return [];
    const alias = model.management.target.alias;
    const scope = guardrailScope(model);
    const policies: PlannedOrganizationPolicy[] = [];
    for (const group of guardrails.serviceControlPolicies) {
        const documents = serviceControlPolicyDocuments(scope, group.protections);
        documents.forEach((document, index) => {
            const policyName = physicalNames.serviceControlPolicy(model.namePrefix, group.key, index);
            policies.push({
                logicalName: `${alias}-scp-${policyName}`,
                policyName,
                type: "SERVICE_CONTROL_POLICY",
                description: `Backup platform guardrails (${group.key}${documents.length > 1 ? `, part ${index + 1} of ${documents.length}` : ""}): ${group.protections.join(", ")}`,
                document,
                targets: group.targets,
            });
        });
    }
    for (const backup of guardrails.backupPolicies) {
        policies.push({
            logicalName: `${alias}-backup-policy-${backup.name}`,
            policyName: backup.name,
            type: "BACKUP_POLICY",
            description: `Backup platform tiers ${backup.plans.map((plan) => plan.tier).join(", ")} in ${backup.regions.join(", ")}`,
            document: backupPolicyDocument({
                partition: model.partition,
                regions: backup.regions,
                backupRoleName: model.roles.backupServiceRoleName,
                plans: backup.plans,
                planTags: model.tags,
            }),
            targets: backup.targets,
        });
    }
    const tagPolicy = guardrails.tierTag?.tagPolicy;
    if (guardrails.tierTag && tagPolicy) {
        policies.push({
            logicalName: `${alias}-tag-policy-${tagPolicy.name}`,
            policyName: tagPolicy.name,
            type: "TAG_POLICY",
            description: `Allowed values of the backup tier tag ${guardrails.tierTag.key}`,
            document: tierTagPolicy({ tagKey: guardrails.tierTag.key, values: guardrails.tierTag.values, enforcedFor: tagPolicy.enforcedFor }),
            targets: tagPolicy.targets,
        });
    }
    return policies;
}

export interface GuardrailsOutputs {
    /** Organizations policy ids by policy name. */
    policyIds: Record<string, pulumi.Output<string>>;
}

/** Creates and attaches every Organizations policy of the environment through the management account's provider. */
export function deployGuardrails(model: GuardrailsSlice, provider: aws.Provider): GuardrailsOutputs {
    const policyIds: Record<string, pulumi.Output<string>> = {};
    for (const policy of organizationPolicies(model)) {
        const component = new OrganizationPolicy(
            policy.logicalName,
            {
                policyName: policy.policyName,
                type: policy.type,
                description: policy.description,
                content: policyContent(policy.document),
                targets: policy.targets,
                tags: model.tags,
            },
            { provider },
        );
        policyIds[policy.policyName] = component.policyId;
    }
    return { policyIds };
}
