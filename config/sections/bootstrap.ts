/**
 * The deployment-role bootstrap: service-managed CloudFormation StackSets in the management account create the
 * deployment role (deploymentRoleName) in every workload account and in the central account, trusted by the CI or
 * operator principals listed here. Without this section the role must be created some other way
 * (`npm run plan -- --deployment-policy` prints its policy).
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { BootstrapModel, physicalNames } from "../model";
import { SectionEnvironment, valueSection } from "../section";
import { resolvedAccounts } from "./accounts";
import { centralAccountSection } from "./central-account";
import { organizationSection } from "./organization";
import { organizationalUnitsSection } from "./organizational-units";
import { namePrefixSection } from "./settings";

/**
 * Exact IAM role or user ARNs: a trust policy naming an account root or a wildcard would let any identity of that
 * account (or one an attacker creates) assume the deployment role.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
const trustedPrincipalArn = z.string().superRefine((arn, ctx) => {
    const problem = rules.trustedPrincipalProblem(arn);
    if (problem) ctx.addIssue({ code: "custom", message: `${JSON.stringify(arn)}: ${problem}` });
});

export const bootstrapSchema = z.strictObject({
    /** CI or operator identities (exact role or user ARNs) that may assume the deployment role. */
    trustedPrincipalArns: z.array(trustedPrincipalArn).min(1, { error: "name at least one principal that may assume the deployment role" }),
    /** Deploy the role to accounts that join a targeted OU later, and remove it from accounts that leave (default true). */
    autoDeployment: z.boolean().default(true),
    /** Keep the role in an account that leaves a targeted OU (default true: never strand a deployment). */
    retainStacksOnAccountRemoval: z.boolean().default(true),
});

export type BootstrapConfig = z.infer<typeof bootstrapSchema>;

export const bootstrapSection = {
    ...valueSection("bootstrap", bootstrapSchema.optional()),
    check(env: SectionEnvironment) {
        const bootstrap = env.get(bootstrapSection);
        const central = env.get(centralAccountSection);
        if (!bootstrap || !central) return;
        const partition = rules.partitionOf(central.regions[0]);
        bootstrap.trustedPrincipalArns.forEach((arn, index) => {
            const arnPartition = arn.split(":")[1];
            if (arnPartition !== partition) {
                env.collector.error(`bootstrap.trustedPrincipalArns[${index}]`, `is in partition ${arnPartition}, but the environment is in ${partition}`);
            }
        });
        if ((env.get(organizationalUnitsSection)?.present.size ?? 0) > rules.MAX_STACK_SET_TARGET_OUS) {
            env.collector.error(
                "organizationalUnits",
                `the deployment-role StackSet can target at most ${rules.MAX_STACK_SET_TARGET_OUS} OUs in one operation (AWS CloudFormation DeploymentTargets)`,
            );
        }
    },
};

/**
 * Two StackSets, so each kind of account gets only the permissions its own programs need: one targets the workload
 * OUs (minus the central account, should it sit in one of them), the other the central account alone (the root,
 * narrowed to that account). CloudFormation never deploys service-managed stack instances to the management account.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html
 */
export function buildBootstrap(env: SectionEnvironment): BootstrapModel | undefined {
    const bootstrap = env.get(bootstrapSection);
    if (!bootstrap) return undefined;
    const namePrefix = env.get(namePrefixSection)!;
    const central = env.get(centralAccountSection)!;
    const ouIds = [...new Set([...env.get(organizationalUnitsSection)!.parsed.values()].map((ou) => ou.id))];
    const workloadRegions = [...new Set(resolvedAccounts(env).flatMap((account) => account.regions))];
    return {
        trustedPrincipalArns: [...bootstrap.trustedPrincipalArns],
        retainStacksOnAccountRemoval: bootstrap.retainStacksOnAccountRemoval,
        stackSets: [
            ...(ouIds.length > 0
                ? [
                      {
                          kind: "workload" as const,
                          name: physicalNames.deploymentRoleStackSet(namePrefix, "workload"),
                          organizationalUnitIds: ouIds,
                          accounts: [central.id],
                          accountFilter: "DIFFERENCE" as const,
                          autoDeployment: bootstrap.autoDeployment,
                          regions: workloadRegions.length > 0 ? workloadRegions : [...central.regions],
                      },
                  ]
                : []),
            {
                kind: "central" as const,
                name: physicalNames.deploymentRoleStackSet(namePrefix, "central"),
                organizationalUnitIds: [env.get(organizationSection)!.rootId],
                accounts: [central.id],
                accountFilter: "INTERSECTION" as const,
                // Auto-deployment follows the targeted OUs, here the root, and AWS documents no account filter for it, so
                // it stays off: it could give every new account of the organization the central account's role.
                // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
                autoDeployment: false,
                regions: [...central.regions],
            },
        ],
    };
}
