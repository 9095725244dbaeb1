/**
 * Service control policies: which groups of guardrail statements (policies/service-control-policies.ts) apply to
 * which roots, OUs and accounts. Checked offline against AWS's limits: each policy within 5,120 characters (a group
 * that does not fit is split into several policies), and at most 5 SCPs attached to any one target, counting AWS's
 * FullAWSAccess and any SCP of your own (`otherPoliciesAttached`).
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 */
import { z } from "zod";
import { evenWithOtherErrors } from "../common";
import { guardrailScopeFromConfig } from "../guardrails";
import { physicalNames, PolicyTargetModel, ServiceControlPolicyModel } from "../model";
import { describeTarget, policyTargetsSchema, resolvePolicyTargets } from "../policy-targets";
import { SectionEnvironment, unknownReference, valueSection } from "../section";
import { didYouMean } from "../suggest";
import { accountsSection } from "./accounts";
import { bootstrapSection } from "./bootstrap";
import { centralAccountSection } from "./central-account";
import { managementAccountSection } from "./management-account";
import { organizationalUnitsSection } from "./organizational-units";
import { ScpProtection, SCP_PROTECTIONS, serviceControlPolicyDocuments } from "../../policies/service-control-policies";
import { MAX_POLICIES_PER_TARGET } from "../../policies/organizations-quotas";

/** Group keys name the policies (`<prefix>-<key>`): lowercase letters, digits and hyphens keep the names readable and short. */
const GROUP_KEY = /^[a-z0-9][a-z0-9-]{0,62}$/;

const protection = z.string().refine((value) => (SCP_PROTECTIONS as readonly string[]).includes(value), {
    error: (issue) =>
        `${JSON.stringify(issue.input)} is not a protection${didYouMean(String(issue.input), SCP_PROTECTIONS)} (known: ${SCP_PROTECTIONS.join(", ")})`,
});

/**
 * Bucket names as S3 allows them (3-63 lowercase letters, digits, dots and hyphens), with `*` for patterns.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
const bucketPattern = z.string().regex(/^[a-z0-9*][a-z0-9.*-]{1,62}$/, {
    error: (issue) => `${JSON.stringify(issue.input)} is not an S3 bucket name or name pattern (3-63 of a-z, 0-9, ".", "-", and "*")`,
});

export const serviceControlPoliciesSchema = z.strictObject({
    /** Groups of guardrails by name: what each protects and where it is attached. */
    policies: z
        .record(
            z.string(),
            z.strictObject({
                protections: z
                    .array(protection)
                    .min(1, { error: "name at least one protection" })
                    .superRefine((list, ctx) => {
                        const repeated = list.filter((value, index) => list.indexOf(value) !== index);
                        for (const value of new Set(repeated)) ctx.addIssue({ code: "custom", message: `${value} is listed more than once` });
                    }, evenWithOtherErrors),
                targets: policyTargetsSchema,
            }),
        )
        .superRefine((groups, ctx) => {
            for (const key of Object.keys(groups)) {
                if (!GROUP_KEY.test(key)) {
                    ctx.addIssue({
                        code: "custom",
                        path: [key],
                        message: `${JSON.stringify(key)} is not a policy key (1-63 lowercase letters, digits and hyphens)`,
                    });
                }
            }
        }),
    /** S3 buckets (names or `*` patterns) whose data-protection settings are the platform's, besides `<prefix>-*`. */
    protectedBuckets: z.array(bucketPattern).default([]),
    /**
     * SCPs attached to a target that are not the platform's, AWS's FullAWSAccess included, by `root`, OU key or
     * account id (default 1 everywhere: FullAWSAccess alone).
     */
    otherPoliciesAttached: z.record(z.string(), z.int().min(0).max(MAX_POLICIES_PER_TARGET.SERVICE_CONTROL_POLICY)).default({}),
});

export type ServiceControlPoliciesConfig = z.infer<typeof serviceControlPoliciesSchema>;

/** AWS attaches FullAWSAccess to every root, OU and account unless it is replaced. */
const DEFAULT_OTHER_POLICIES = 1;

export const serviceControlPoliciesSection = {
    ...valueSection("serviceControlPolicies", serviceControlPoliciesSchema.optional()),
    check(env: SectionEnvironment) {
        const config = env.get(serviceControlPoliciesSection);
        if (!config) return;
        const groups = resolvedGroups(env);
        checkOtherPolicyKeys(env, config);
        if (env.get(bootstrapSection) === undefined && groups.length > 0) {
            // The role protections let only the deployment role (and StackSets, with bootstrap) create a role of an exempt name.
            env.collector.warning(
                "serviceControlPolicies",
                "without bootstrap, create the deployment and break-glass roles in every targeted account before these SCPs are attached: " +
                    "afterwards only the deployment role itself may create a role of either name",
            );
        }
        const scope = guardrailScopeFromConfig(env, config.protectedBuckets);
        if (!scope) return;
        // Every target's attached SCPs: the others (FullAWSAccess by default), then the platform's, group by group.
        const attached = new Map<string, { target: PolicyTargetModel; names: string[]; path: string }>();
        for (const group of groups) {
            let documents: object[];
            try {
                documents = serviceControlPolicyDocuments(scope, group.protections);
            } catch (error) {
                env.collector.error(`serviceControlPolicies.policies.${group.key}`, (error as Error).message);
                continue;
            }
            const names = documents.map((_, index) => physicalNames.serviceControlPolicy(scope.namePrefix, group.key, index));
            for (const target of group.targets) {
                const entry = attached.get(target.id) ?? { target, names: [], path: `serviceControlPolicies.policies.${group.key}.targets` };
                entry.names.push(...names);
                entry.path = `serviceControlPolicies.policies.${group.key}.targets`;
                attached.set(target.id, entry);
            }
        }
        const limit = MAX_POLICIES_PER_TARGET.SERVICE_CONTROL_POLICY;
        for (const { target, names, path } of attached.values()) {
            const others = otherPoliciesOf(config, target);
            if (others + names.length > limit) {
                env.collector.error(
                    path,
                    `${describeTarget(target)} would have ${others + names.length} SCPs attached: ${others} of its own (otherPoliciesAttached, FullAWSAccess included) ` +
                        `and the platform's ${names.join(", ")}; AWS Organizations attaches at most ${limit} SCPs to a root, OU or account ` +
                        "(attach the groups higher up, where accounts inherit them, or merge groups)",
                );
            }
        }
    },
};

interface ResolvedGroup {
    key: string;
    protections: ScpProtection[];
    targets: PolicyTargetModel[];
}

/** The groups with their targets resolved, once (resolving reports unknown targets). */
function resolvedGroups(env: SectionEnvironment): ResolvedGroup[] {
    return env.memo(resolveGroups);
}

function resolveGroups(env: SectionEnvironment): ResolvedGroup[] {
    const config = env.get(serviceControlPoliciesSection);
    return Object.entries(config?.policies ?? {}).map(([key, group]) => ({
        key,
        protections: [...new Set(group.protections)] as ScpProtection[],
        targets: resolvePolicyTargets(env, group.targets, `serviceControlPolicies.policies.${key}.targets`, {
            policyKind: "service control policies",
            managementAccountAllowed: false,
        }),
    }));
}

/** Keys of otherPoliciesAttached: `root`, an OU key or an account id of this environment. */
function checkOtherPolicyKeys(env: SectionEnvironment, config: ServiceControlPoliciesConfig): void {
    const ous = [...(env.get(organizationalUnitsSection)?.present.keys() ?? [])];
    const accounts = [...(env.get(accountsSection) ?? []).map((entry) => entry.value.id), env.get(centralAccountSection)?.id].filter(
        (id): id is string => id !== undefined,
    );
    const management = env.get(managementAccountSection)?.id;
    for (const key of Object.keys(config.otherPoliciesAttached)) {
        const path = `serviceControlPolicies.otherPoliciesAttached.${key}`;
        if (key === management) env.collector.error(path, "the management account takes no SCPs that matter here: SCPs do not apply to it");
        else if (key !== "root" && !ous.includes(key) && !accounts.includes(key)) {
            env.collector.error(path, unknownReference("target", key, ["root", ...ous, ...accounts], "root, organizationalUnits, accounts and centralAccount"));
        }
    }
}

function otherPoliciesOf(config: ServiceControlPoliciesConfig, target: PolicyTargetModel): number {
    const key = target.kind === "root" ? "root" : target.kind === "organizationalUnit" ? target.label : target.id;
    return config.otherPoliciesAttached[key] ?? DEFAULT_OTHER_POLICIES;
}

export function buildServiceControlPolicies(env: SectionEnvironment): { policies: ServiceControlPolicyModel[]; protectedBuckets: string[] } {
    const config = env.get(serviceControlPoliciesSection);
    if (!config) return { policies: [], protectedBuckets: [] };
    return { policies: resolvedGroups(env).map((group) => ({ ...group })), protectedBuckets: [...config.protectedBuckets] };
}
