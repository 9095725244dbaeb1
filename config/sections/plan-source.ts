/**
 * Where backup plans come from: `plans` (default) stamps an AWS Backup plan and selection per tier into every
 * account-region; `backupPolicies` has the organization program write the tiers as AWS Organizations backup policies
 * instead, attached to OUs (and to accounts whose tiers or regions differ from their OU's), and the workload program
 * then creates only what those policies need to run: region settings, key, vaults and the AWS Backup service role.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_backup.html
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { BackupPolicyModel, physicalNames, PolicyTargetModel } from "../model";
import { describeTarget } from "../policy-targets";
import { SectionEnvironment, valueSection } from "../section";
import { didYouMean } from "../suggest";
import { buildAccounts, resolvedAccounts } from "./accounts";
import { centralAccountSection } from "./central-account";
import { OrganizationalUnitConfig, organizationalUnitsSection } from "./organizational-units";
import { namePrefixSection, platformTags, tagsSection } from "./settings";
import { buildPlan, tiersSection } from "./tiers";
import { backupPolicyDocument, effectiveBackupPolicy, effectivePlanProblems, unsupportedInBackupPolicy } from "../../policies/backup-policies";
import { MAX_POLICY_SIZE, organizationsPolicySize } from "../../policies/organizations-quotas";

export const PLAN_SOURCES = ["plans", "backupPolicies"] as const;
export type PlanSource = (typeof PLAN_SOURCES)[number];

const planSourceSchema = z
    .string()
    .refine((value) => (PLAN_SOURCES as readonly string[]).includes(value), {
        error: (issue) => `${JSON.stringify(issue.input)} is not a plan source${didYouMean(String(issue.input), PLAN_SOURCES)} (plans or backupPolicies)`,
    })
    .transform((value) => value as PlanSource);

export const planSourceSection = {
    ...valueSection("planSource", planSourceSchema.default("plans")),
    check(env: SectionEnvironment) {
        if (env.get(planSourceSection) !== "backupPolicies") return;
        checkTranslatable(env);
        const assignments = backupPolicyAssignments(env);
        if (!env.collector.hasErrors()) checkRegionIndependentCopies(env, assignments);
        checkSizes(env, assignments);
        // Last of all the checks (this section is listed last): with the rest valid, prove what the policies ask for exists.
        if (!env.collector.hasErrors()) checkEffectivePolicies(env, assignments);
    },
};

/** Whether the workload program stamps plans (the default) or Organizations backup policies provide them. */
export function plansFromBackupPolicies(env: SectionEnvironment): boolean {
    return env.get(planSourceSection) === "backupPolicies";
}

/** Tiers that accounts use, in the order `tiers` lists them. */
function usedTiers(env: SectionEnvironment): string[] {
    const used = new Set(resolvedAccounts(env).flatMap((account) => account.tiers));
    return [...(env.get(tiersSection)?.parsed.keys() ?? [])].filter((tier) => used.has(tier));
}

/** A region an account uses the tier in, to resolve its plan (copy destinations depend on the region). */
function regionOfTier(env: SectionEnvironment, tier: string): string {
    const account = resolvedAccounts(env).find((candidate) => candidate.tiers.includes(tier));
    return account?.regions[0] ?? env.get(centralAccountSection)!.regions[0];
}

/** Every used tier must be writable in AWS's backup-policy syntax. */
function checkTranslatable(env: SectionEnvironment): void {
    if (env.get(namePrefixSection) === undefined || !env.get(centralAccountSection)) return;
    for (const tier of usedTiers(env)) {
        for (const problem of unsupportedInBackupPolicy(buildPlan(env, tier, regionOfTier(env, tier)))) {
            env.collector.error(`tiers.${tier}.${problem.path}`, `with planSource backupPolicies: ${problem.message}`);
        }
    }
}

/** One policy per distinct set of regions and tiers, and where it is attached. */
interface Assignment {
    regions: string[];
    tiers: string[];
    targets: PolicyTargetModel[];
}

function backupPolicyAssignments(env: SectionEnvironment): Assignment[] {
    return env.memo(assignPolicies);
}

/**
 * OUs get the policy of their default regions and tiers. Policies are inherited and cannot be taken back for one
 * account, so an account may add tiers or change regions (its own policy's `@@assign` of the same plans overrides the
 * OU's), but not leave out a tier its OU gives.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html
 */
function assignPolicies(env: SectionEnvironment): Assignment[] {
    const order = [...(env.get(tiersSection)?.parsed.keys() ?? [])];
    const byCombination = new Map<string, Assignment>();
    const assign = (regions: string[], tiers: string[], target: PolicyTargetModel) => {
        const sortedRegions = [...new Set(regions)].sort();
        const sortedTiers = [...new Set(tiers)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
        const key = JSON.stringify([sortedRegions, sortedTiers]);
        const entry = byCombination.get(key) ?? { regions: sortedRegions, tiers: sortedTiers, targets: [] };
        entry.targets.push(target);
        byCombination.set(key, entry);
    };
    const ous: Map<string, OrganizationalUnitConfig> = env.get(organizationalUnitsSection)?.parsed ?? new Map();
    for (const [key, ou] of ous) {
        if (ou.regions?.length && ou.tiers?.length) assign(ou.regions, ou.tiers, { kind: "organizationalUnit", id: ou.id, label: key });
    }
    for (const account of resolvedAccounts(env)) {
        const ou = ous.get(account.ou.name);
        const inherited = ou?.regions?.length && ou.tiers?.length ? { regions: ou.regions, tiers: ou.tiers } : undefined;
        const target: PolicyTargetModel = { kind: "account", id: account.config.id, label: account.config.alias };
        if (!inherited) {
            assign(account.regions, account.tiers, target);
            continue;
        }
        const dropped = inherited.tiers.filter((tier) => !account.tiers.includes(tier));
        if (dropped.length > 0) {
            env.collector.error(
                account.tiersPath,
                `with planSource backupPolicies, ${account.config.alias} inherits OU ${account.ou.name}'s backup policy and with it tiers ${dropped.join(", ")}, ` +
                    "which one account cannot leave out (Organizations policies are inherited); move the account to an OU of its own, or keep its OU's tiers",
            );
            continue;
        }
        const sameRegions = JSON.stringify([...account.regions].sort()) === JSON.stringify([...inherited.regions].sort());
        if (!sameRegions || account.tiers.length !== inherited.tiers.length) assign(account.regions, account.tiers, target);
    }
    return [...byCombination.values()];
}

function policyDocumentOf(env: SectionEnvironment, assignment: Assignment) {
    const namePrefix = env.get(namePrefixSection)!;
    return backupPolicyDocument({
        partition: rules.partitionOf(env.get(centralAccountSection)!.regions[0]),
        regions: assignment.regions,
        backupRoleName: physicalNames.backupRole(namePrefix),
        plans: assignment.tiers.map((tier) => buildPlan(env, tier, assignment.regions[0])),
        planTags: platformTags(env, env.get(tagsSection) ?? {}),
    });
}

/**
 * A backup policy's copy actions name their destination vault by ARN and apply in every region the policy lists; the
 * syntax has no region variable. A copy whose destination depends on the source region (the same region's central or
 * air-gapped vault) can therefore only be written for a policy of one region.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_backup_syntax.html
 */
function checkRegionIndependentCopies(env: SectionEnvironment, assignments: Assignment[]): void {
    const reported = new Set<string>();
    for (const assignment of assignments) {
        for (const tier of assignment.tiers) {
            const destinations = assignment.regions.map((region) =>
                JSON.stringify(buildPlan(env, tier, region).rules.map((rule) => rule.copyActions.map((copy) => copy.destinationVaultArn))),
            );
            if (new Set(destinations).size <= 1 || reported.has(tier)) continue;
            reported.add(tier);
            env.collector.error(
                `tiers.${tier}`,
                `with planSource backupPolicies, its copies go to a different vault from each of ${assignment.regions.join(", ")}, which one backup policy ` +
                    "cannot say (the syntax has no region variable); copy to a fixed disaster-recovery region, or give the accounts of these regions OUs of their own",
            );
        }
    }
}

/** Each policy within AWS's 10,000 characters. */
function checkSizes(env: SectionEnvironment, assignments: Assignment[]): void {
    const namePrefix = env.get(namePrefixSection);
    if (namePrefix === undefined || !env.get(centralAccountSection) || env.collector.hasErrors()) return;
    for (const assignment of assignments) {
        const size = organizationsPolicySize(policyDocumentOf(env, assignment));
        if (size > MAX_POLICY_SIZE.BACKUP_POLICY) {
            env.collector.error(
                "planSource",
                `backup policy ${physicalNames.backupPolicy(namePrefix, assignment.tiers, assignment.regions)} for ${assignment.targets.map(describeTarget).join(", ")} ` +
                    `is ${size} characters; AWS Organizations allows ${MAX_POLICY_SIZE.BACKUP_POLICY} (fewer tiers per OU, or fewer rules and tags per tier)`,
            );
        }
    }
}

/**
 * Computes each account's effective policy from the generated documents (its OU's, then its own) and checks that it
 * asks for exactly the account's tiers, only in its regions, into vaults and with the service role its workload
 * program creates there. A plan AWS Backup cannot run fails only at its first scheduled job.
 */
function checkEffectivePolicies(env: SectionEnvironment, assignments: Assignment[]): void {
    const partition = rules.partitionOf(env.get(centralAccountSection)!.regions[0]);
    const namePrefix = env.get(namePrefixSection)!;
    const documents = assignments.map((assignment) => ({ assignment, document: policyDocumentOf(env, assignment) }));
    const attachedTo = (id: string) => documents.filter((entry) => entry.assignment.targets.some((target) => target.id === id)).map((entry) => entry.document);
    const tiersOf = new Map(resolvedAccounts(env).map((account) => [account.config.id, account.tiers]));
    for (const account of buildAccounts(env, partition)) {
        const problems = effectivePlanProblems(effectiveBackupPolicy([...attachedTo(account.ou.id), ...attachedTo(account.id)]), {
            id: account.id,
            backupRoleArn: account.backupRole.arn,
            planNames: (tiersOf.get(account.id) ?? []).map((tier) => physicalNames.plan(namePrefix, tier)),
            vaultsByRegion: Object.fromEntries(account.regions.map((stamp) => [stamp.region, stamp.vaults.map((vault) => vault.name)])),
        });
        for (const problem of problems) env.collector.error("planSource", `account ${account.alias} (${account.id}) ${problem}`);
    }
}

export function buildBackupPolicies(env: SectionEnvironment): BackupPolicyModel[] {
    if (!plansFromBackupPolicies(env)) return [];
    const namePrefix = env.get(namePrefixSection)!;
    return backupPolicyAssignments(env).map((assignment) => ({
        name: physicalNames.backupPolicy(namePrefix, assignment.tiers, assignment.regions),
        regions: [...assignment.regions],
        plans: assignment.tiers.map((tier) => buildPlan(env, tier, assignment.regions[0])),
        targets: assignment.targets.map((target) => ({ ...target })),
    }));
}
