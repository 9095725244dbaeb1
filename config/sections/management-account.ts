/**
 * The organization's management account: where the organization program runs (the deployment-role StackSets, and
 * later organization settings and policies).
 */
import { z } from "zod";
import { accountAlias, accountId, region } from "../common";
import { arns, ManagementAccountModel, physicalNames, Target } from "../model";
import { SectionEnvironment, valueSection } from "../section";
import { centralAccountSection } from "./central-account";
import { deploymentRoleNameSection, namePrefixSection } from "./settings";
import { accountsSection } from "./accounts";

export const managementAccountSchema = z.strictObject({
    id: accountId,
    /** Names the management account's resources and provider. */
    alias: accountAlias,
    /** Region of the management account's provider and regional resources (StackSets); defaults to the central account's first region. */
    region: region.optional(),
});

export type ManagementAccountConfig = z.infer<typeof managementAccountSchema>;

export const managementAccountSection = {
    ...valueSection("managementAccount", managementAccountSchema),
    check(env: SectionEnvironment) {
        const management = env.get(managementAccountSection);
        const central = env.get(centralAccountSection);
        if (!management) return;
        if (central && central.id === management.id) {
            env.collector.warning("centralAccount.id", "the central backup account is the management account; AWS recommends a dedicated backup account");
        }
        for (const { index, value } of env.get(accountsSection) ?? []) {
            if (value.id === management.id) {
                env.collector.warning(
                    `accounts[${index}].id`,
                    "this is the management account; AWS recommends keeping workloads (and their backups) out of it",
                );
            }
        }
    },
};

/** The management account as a target. */
export function buildManagementTarget(env: SectionEnvironment, partition: string): Target {
    const management = env.get(managementAccountSection)!;
    const homeRegion = management.region ?? env.get(centralAccountSection)!.regions[0];
    return {
        kind: "management",
        id: management.id,
        alias: management.alias,
        deploymentRoleArn: arns.role(partition, management.id, env.get(deploymentRoleNameSection)!),
        permissionsBoundaryArn: arns.managedPolicy(partition, management.id, physicalNames.permissionsBoundary(env.get(namePrefixSection)!)),
        homeRegion,
        regions: [homeRegion],
    };
}

export type { ManagementAccountModel };
