/**
 * The environment's scalar settings: scope, name prefix, role names and tags.
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { iamRoleName, tagMap } from "../common";
import { ConfigSection, SectionEnvironment, valueSection } from "../section";
import { parseScope, Scope, SCOPE_FORMS } from "../scope";
import { didYouMean } from "../suggest";
import { physicalNames } from "../model";
import { MANAGED_BY_VALUE, TAG_ENVIRONMENT, TAG_MANAGED_BY } from "../constants";
import { accountsSection } from "./accounts";

/** `all`, `organization`, `central` or `account:<id>`: which targets this stack deploys (stack-per-target rollouts). */
export const scopeSection: ConfigSection<Scope> = {
    key: "scope",
    parse(raw, collector) {
        if (raw === undefined) return undefined;
        if (typeof raw !== "string" || !parseScope(raw)) {
            const hint = typeof raw === "string" ? didYouMean(raw, ["all", "organization", "central"]) : "";
            collector.error("scope", `${JSON.stringify(raw)} is not a scope: use ${SCOPE_FORMS}${hint}`);
            return undefined;
        }
        return parseScope(raw);
    },
    check(env) {
        const scope = env.get(scopeSection);
        if (scope?.kind !== "account") return;
        const ids = (env.get(accountsSection) ?? []).map((entry) => entry.value.id);
        if (!ids.includes(scope.accountId)) {
            env.collector.error(
                "scope",
                `account ${scope.accountId} is not one of the workload accounts listed under accounts${didYouMean(scope.accountId, ids)}`,
            );
        }
    },
};

const namePrefixSchema = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,29}$/, {
    error: (issue) => `${JSON.stringify(issue.input)} is not a valid name prefix (1-30 letters, digits and hyphens, starting with a letter or digit)`,
});

/** Prefix of every physical name; every name built from it must still fit its AWS pattern. */
export const namePrefixSection: ConfigSection<string> = {
    ...valueSection("namePrefix", namePrefixSchema.default("backup-platform")),
    check(env) {
        const prefix = env.get(namePrefixSection);
        if (prefix === undefined) return;
        const { collector } = env;
        const central = physicalNames.centralVault(prefix);
        if (!rules.VAULT_NAME.test(central)) collector.error("namePrefix", `central vault name ${JSON.stringify(central)} is not a valid vault name`);
        const role = physicalNames.backupRole(prefix);
        if (!rules.IAM_ROLE_NAME.test(role)) collector.error("namePrefix", `backup role name ${JSON.stringify(role)} is not a valid IAM role name`);
        const alias = physicalNames.keyAlias(prefix);
        const aliasProblem = rules.kmsAliasProblem(alias);
        if (aliasProblem) collector.error("namePrefix", `KMS alias ${JSON.stringify(alias)}: ${aliasProblem}`);
        // The deployment role may manage every role named `<prefix>-*` (policies/deployment-role.ts): a deployment or
        // break-glass role with such a name could rewrite its own trust policy.
        for (const section of [deploymentRoleNameSection, breakGlassRoleNameSection]) {
            const roleName = env.get(section);
            if (roleName?.startsWith(`${prefix}-`)) {
                collector.error(
                    section.key,
                    `${JSON.stringify(roleName)} starts with the name prefix "${prefix}-", which names the roles the platform creates and manages; choose another name`,
                );
            }
        }
        for (const kind of ["workload", "central"] as const) {
            const stackSet = physicalNames.deploymentRoleStackSet(prefix, kind);
            if (!rules.STACK_SET_NAME.test(stackSet)) {
                collector.error("namePrefix", `StackSet name ${JSON.stringify(stackSet)} is not a valid StackSet name (AWS CloudFormation CreateStackSet)`);
            }
        }
    },
};

/** Role the deployment assumes in every account (`arn:<partition>:iam::<id>:role/<name>`). */
export const deploymentRoleNameSection = valueSection("deploymentRoleName", iamRoleName);

/** The only role (in each account) allowed to delete recovery points or vaults. */
export const breakGlassRoleNameSection = valueSection("breakGlassRoleName", iamRoleName);

/** Tags on every resource; the platform adds its own two. */
export const tagsSection: ConfigSection<Record<string, string>> = {
    ...valueSection("tags", tagMap.default({})),
    check(env) {
        const tags = env.get(tagsSection);
        if (tags && Object.keys(platformTags(env, tags)).length > rules.MAX_TAGS_PER_RESOURCE) {
            env.collector.error(
                "tags",
                `with the platform's 2 tags this is ${Object.keys(tags).length + 2} tags; AWS allows ${rules.MAX_TAGS_PER_RESOURCE} per resource`,
            );
        }
    },
};

/** User tags plus the platform's own: which environment, and that Pulumi manages it. */
export function platformTags(env: SectionEnvironment, userTags: Record<string, string>): Record<string, string> {
    return { ...userTags, [TAG_ENVIRONMENT]: env.environment, [TAG_MANAGED_BY]: MANAGED_BY_VALUE };
}
