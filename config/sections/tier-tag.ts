/**
 * The tier tag: the tag key whose value puts a resource into a tier (`backup-tier: daily`). Its allowed values are
 * generated from the tiers' selections, so a value the environment does not define is caught: at `pulumi preview` of
 * an application stack by the CrossGuard policy pack (policies/backup-tier-pack, configured from these values), and,
 * with `tagPolicy`, by an Organizations tag policy that refuses other values on the resource types the tiers select.
 */
import { z } from "zod";
import { tagKey, tagValue } from "../common";
import { physicalNames, TierTagModel } from "../model";
import { describeTarget, policyTargetsSchema, resolvePolicyTargets } from "../policy-targets";
import { SectionEnvironment, valueSection } from "../section";
import { BACKUP_RESOURCE_TYPES } from "../backup-resource-type-data";
import { optedIn } from "./backup-resource-types";
import { namePrefixSection } from "./settings";
import { tiersSection } from "./tiers";
import { TAG_ENFORCEMENT_TYPES, tierTagPolicy } from "../../policies/tag-policies";
import { MAX_POLICY_SIZE, organizationsPolicySize } from "../../policies/organizations-quotas";

export const tierTagSchema = z.strictObject({
    /** The tag key whose value names a resource's tier, e.g. `backup-tier`. */
    key: tagKey,
    /** Values allowed besides those the tiers select on, e.g. `none` for resources deliberately left out. */
    additionalValues: z.array(tagValue).default([]),
    /** How the CrossGuard policy pack reports a missing or unknown tier in application stacks. */
    policyPack: z.strictObject({ enforcementLevel: z.enum(["advisory", "mandatory"]).default("advisory") }).default({ enforcementLevel: "advisory" }),
    /** An Organizations tag policy fixing the allowed values, attached to these targets. */
    tagPolicy: z.strictObject({ targets: policyTargetsSchema }).optional(),
});

export type TierTagConfig = z.infer<typeof tierTagSchema>;

export const tierTagSection = {
    ...valueSection("tierTag", tierTagSchema.optional()),
    check(env: SectionEnvironment) {
        const config = env.get(tierTagSection);
        if (!config) return;
        const values = tierValues(env, config);
        if (values.length === 0) {
            env.collector.error(
                "tierTag.key",
                `no tier selects on tag ${JSON.stringify(config.key)} (tiers.<tier>.selection.tags or conditions.stringEquals) and additionalValues is empty; ` +
                    "name the key your tiers select on",
            );
            return;
        }
        if (!config.tagPolicy) return;
        const targets = resolveTagPolicyTargets(env, config);
        const document = tierTagPolicy({ tagKey: config.key, values, enforcedFor: enforcedTypes(env) });
        const size = organizationsPolicySize(document);
        if (size > MAX_POLICY_SIZE.TAG_POLICY) {
            env.collector.error(
                "tierTag.tagPolicy",
                `the tier tag policy for ${targets.map(describeTarget).join(", ")} is ${size} characters; AWS Organizations allows ${MAX_POLICY_SIZE.TAG_POLICY}`,
            );
        }
    },
};

/** Resolved in the check (reporting unknown targets) and again for the model, which is built only when there were none. */
function resolveTagPolicyTargets(env: SectionEnvironment, config: TierTagConfig) {
    return resolvePolicyTargets(env, config.tagPolicy!.targets, "tierTag.tagPolicy.targets", {
        policyKind: "tag policies",
        // Tag policies apply to the management account too.
        managementAccountAllowed: true,
    });
}

/** The values the tiers select on for the tier tag key (by tag or by a StringEquals condition), then the additional ones. */
function tierValues(env: SectionEnvironment, config: TierTagConfig): string[] {
    const values: string[] = [];
    for (const tier of env.get(tiersSection)?.parsed.values() ?? []) {
        const selection = tier.selection;
        for (const tag of [...(selection.tags ?? []), ...(selection.conditions?.stringEquals ?? [])]) {
            if (tag.key === config.key) values.push(tag.value);
        }
    }
    return [...new Set([...values, ...config.additionalValues])];
}

/** The tag-policy resource types of every AWS Backup resource type opted in that supports enforcement. */
function enforcedTypes(env: SectionEnvironment): string[] {
    return BACKUP_RESOURCE_TYPES.filter((type) => optedIn(env, type.name)).flatMap((type) => TAG_ENFORCEMENT_TYPES[type.name] ?? []);
}

export function buildTierTag(env: SectionEnvironment): TierTagModel | undefined {
    const config = env.get(tierTagSection);
    if (!config) return undefined;
    return {
        key: config.key,
        values: tierValues(env, config),
        enforcementLevel: config.policyPack.enforcementLevel,
        ...(config.tagPolicy
            ? {
                  tagPolicy: {
                      name: physicalNames.tierTagPolicy(env.get(namePrefixSection)!),
                      enforcedFor: enforcedTypes(env),
                      targets: resolveTagPolicyTargets(env, config),
                  },
              }
            : {}),
    };
}
