/**
 * The guardrails part of the model (model.management.guardrails): service control policies, backup policies and the
 * tier tag, built from their config sections. The organization program creates them all in the management account.
 */
import * as rules from "./aws-rules";
import { GuardrailsModel } from "./model";
import { SectionEnvironment } from "./section";
import { bootstrapSection } from "./sections/bootstrap";
import { centralAccountSection } from "./sections/central-account";
import { organizationSection } from "./sections/organization";
import { buildBackupPolicies } from "./sections/plan-source";
import { buildServiceControlPolicies } from "./sections/service-control-policies";
import { breakGlassRoleNameSection, deploymentRoleNameSection, namePrefixSection } from "./sections/settings";
import { buildTierTag } from "./sections/tier-tag";
import { physicalNames } from "./model";
import type { GuardrailScope } from "../policies/service-control-policies";

/** The SCP builders' input from config, or undefined when a section it needs did not parse (already reported). */
export function guardrailScopeFromConfig(env: SectionEnvironment, protectedBuckets: string[]): GuardrailScope | undefined {
    const central = env.get(centralAccountSection);
    const organization = env.get(organizationSection);
    const namePrefix = env.get(namePrefixSection);
    const deploymentRoleName = env.get(deploymentRoleNameSection);
    const breakGlassRoleName = env.get(breakGlassRoleNameSection);
    if (!central || !organization || namePrefix === undefined || !deploymentRoleName || !breakGlassRoleName) return undefined;
    return {
        partition: rules.partitionOf(central.regions[0]),
        organizationId: organization.id,
        namePrefix,
        deploymentRoleName,
        breakGlassRoleName,
        backupServiceRoleName: physicalNames.backupRole(namePrefix),
        permissionsBoundaryName: physicalNames.permissionsBoundary(namePrefix),
        stackSetExecutionRoles: env.get(bootstrapSection) !== undefined,
        protectedBuckets,
    };
}

export function buildGuardrails(env: SectionEnvironment): GuardrailsModel {
    const scps = buildServiceControlPolicies(env);
    const tierTag = buildTierTag(env);
    return {
        serviceControlPolicies: scps.policies,
        protectedBuckets: scps.protectedBuckets,
        backupPolicies: buildBackupPolicies(env),
        ...(tierTag ? { tierTag } : {}),
    };
}
