/**
 * Turns one environment's raw config values into a validated EnvironmentModel, or into the full list of findings.
 * Every section parses first, then every section's cross-checks run, so one run reports every problem; the model is
 * built only from a config without errors, so nothing downstream ever sees a half-valid environment.
 */
import * as rules from "./aws-rules";
import { CONFIG_NAMESPACE } from "./constants";
import { Finding, FindingCollector } from "./findings";
import { EnvironmentModel } from "./model";
import { formatScope, parseStackName, Scope, SCOPE_FORMS } from "./scope";
import { SectionEnvironment } from "./section";
import { accountsSection, buildAccounts } from "./sections/accounts";
import { buildBootstrap } from "./sections/bootstrap";
import { buildGuardrails } from "./guardrails";
import { buildCentral, centralAccountSection } from "./sections/central-account";
import { SECTION_KEYS, SECTIONS } from "./sections/index";
import { buildManagementTarget } from "./sections/management-account";
import { organizationSection } from "./sections/organization";
import { buildOrganizationBackup } from "./sections/organization-backup";
import { buildRollout } from "./sections/rollout";
import { breakGlassRoleNameSection, deploymentRoleNameSection, namePrefixSection, platformTags, scopeSection, tagsSection } from "./sections/settings";
import { didYouMean } from "./suggest";
import { physicalNames } from "./model";
import { withRestoreTesting } from "./sections/restore-testing";

export { CONFIG_NAMESPACE };

export interface ValidationResult {
    /** Present only when there are no error findings. */
    model?: EnvironmentModel;
    findings: Finding[];
}

export interface EnvironmentInput {
    /** Stack name: an environment (`prod`) or one of its per-target stacks (`prod.central`, `prod.acct-<id>`). */
    stack: string;
    /** This project's config values by key, without the namespace. */
    values: Record<string, unknown>;
}

/** Validates one environment's config and, when it has no errors, builds its model. */
export function validateEnvironment(input: EnvironmentInput): ValidationResult {
    const collector = new FindingCollector();
    const values = input.values;
    const stackName = parseStackName(input.stack);
    if (!stackName) {
        collector.error(
            "(stack)",
            `stack name ${JSON.stringify(input.stack)} is neither an environment name (letters, digits, - and _) nor <environment>.organization, .central or .acct-<12-digit id>`,
        );
    }
    const env = new SectionEnvironment(collector, values, stackName?.environment ?? input.stack);

    for (const key of Object.keys(values)) {
        if (!SECTION_KEYS.includes(key)) {
            collector.error(key, `unknown config key ${CONFIG_NAMESPACE}:${key}${didYouMean(key, SECTION_KEYS)} (known keys: ${SECTION_KEYS.join(", ")})`);
        }
    }
    for (const section of SECTIONS) env.set(section, section.parse(values[section.key], collector));
    for (const section of SECTIONS) section.check?.(env);

    const scope = resolveScope(collector, env.get(scopeSection), stackName?.scope);
    const workloadIds = (env.get(accountsSection) ?? []).map((entry) => entry.value.id);
    if (scope?.kind === "account" && !env.get(scopeSection) && !workloadIds.includes(scope.accountId)) {
        collector.error("(stack)", `stack ${input.stack} deploys account ${scope.accountId}, which is not one of the workload accounts listed under accounts`);
    }
    if (collector.hasErrors() || !scope) return { findings: collector.findings };
    return { model: buildModel(env, input.stack, scope), findings: collector.findings };
}

/** The scope comes from config, or from a per-target stack name; when both are given they must agree. */
function resolveScope(collector: FindingCollector, configured: Scope | undefined, fromStack: Scope | undefined): Scope | undefined {
    if (fromStack && fromStack.kind !== "all" && configured && formatScope(configured) !== formatScope(fromStack)) {
        collector.error(
            "scope",
            `is ${formatScope(configured)}, but the stack's name says ${formatScope(fromStack)}; remove one or make them agree (${SCOPE_FORMS})`,
        );
        return undefined;
    }
    return configured ?? fromStack ?? { kind: "all" };
}

function buildModel(env: SectionEnvironment, stack: string, scope: Scope): EnvironmentModel {
    const central = env.get(centralAccountSection)!;
    const partition = rules.partitionOf(central.regions[0]);
    const namePrefix = env.get(namePrefixSection)!;
    return withRestoreTesting(env, {
        environment: env.environment,
        stack,
        scope,
        partition,
        namePrefix,
        organization: { ...env.get(organizationSection)! },
        tags: platformTags(env, env.get(tagsSection)!),
        roles: {
            deploymentRoleName: env.get(deploymentRoleNameSection)!,
            breakGlassRoleName: env.get(breakGlassRoleNameSection)!,
            backupServiceRoleName: physicalNames.backupRole(namePrefix),
            permissionsBoundaryName: physicalNames.permissionsBoundary(namePrefix),
        },
        management: {
            target: buildManagementTarget(env, partition),
            bootstrap: buildBootstrap(env),
            guardrails: buildGuardrails(env),
            backupOrganization: buildOrganizationBackup(env),
        },
        central: buildCentral(env, partition),
        accounts: buildAccounts(env, partition),
        rollout: buildRollout(env),
    });
}
