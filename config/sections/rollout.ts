/**
 * How `npm run rollout` deploys the environment's per-target stacks: which workload accounts form the canary wave,
 * how large the later waves are, how many failures a wave may have before later waves are stopped, how many stacks run
 * at once, and which part of the organization Organizations discovery compares with `accounts`. The program itself
 * never reads this section.
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { tagKey, tagValue } from "../common";
import { RolloutModel } from "../model";
import { SectionEnvironment, unknownReference, valueSection } from "../section";
import { accountsSection } from "./accounts";
import { organizationalUnitsSection } from "./organizational-units";

/** Stacks at once when config and command line say nothing: enough to keep a CI runner's network busy, few enough for its CPU. */
export const DEFAULT_ROLLOUT_CONCURRENCY = 8;

const ouId = z.string().regex(rules.OU_ID, {
    error: (issue) => `${JSON.stringify(issue.input)} is not an OU id ("ou-", 4-32 characters, "-", 8-32 characters)`,
});

const accountTag = z.strictObject({ key: tagKey, value: tagValue });

/** `3` stacks, or `"10%"` of the wave's stacks (rounded down). */
export const failureBudgetSchema = z.union([
    z.int({ error: 'must be a whole number of stacks or a percentage such as "10%"' }).min(0, { error: "must not be negative" }),
    z
        .string()
        .regex(/^\d{1,3}(\.\d+)?%$/, { error: 'must be a whole number of stacks or a percentage such as "10%"' })
        .refine((text) => Number.parseFloat(text) <= 100, { error: "a percentage must be at most 100%" }),
]);

export const rolloutSchema = z.strictObject({
    /** Workload accounts (ids or aliases) of the canary wave, deployed before every other account; default one per OU. */
    canary: z.array(z.string()).optional(),
    /** Workload accounts per wave after the canary; default: all of them in one wave. */
    waveSize: z.int({ error: "must be a whole number of accounts" }).min(1, { error: "must be at least 1" }).optional(),
    /** Failed stacks a workload wave tolerates before later waves are stopped (default 0). */
    failureBudget: failureBudgetSchema.default(0),
    /** Stacks deployed at once. */
    concurrency: z
        .int({ error: "must be a whole number" })
        .min(1, { error: "must be at least 1" })
        .max(256, { error: "must be at most 256" })
        .default(DEFAULT_ROLLOUT_CONCURRENCY),
    /** What Organizations discovery compares with `accounts`. */
    discovery: z
        .strictObject({
            /** OUs whose accounts (nested OUs included) should be in config; default: every OU under organizationalUnits. */
            includeOus: z.array(ouId).optional(),
            /** OUs (nested OUs included) left out of the comparison. */
            excludeOus: z.array(ouId).default([]),
            /** Only accounts with every one of these tags. */
            includeTags: z.array(accountTag).default([]),
            /** Accounts with any of these tags are left out. */
            excludeTags: z.array(accountTag).default([]),
        })
        .default({ excludeOus: [], includeTags: [], excludeTags: [] }),
});

export type RolloutConfig = z.infer<typeof rolloutSchema>;

export const rolloutSection = {
    ...valueSection("rollout", rolloutSchema.optional()),
    check(env: SectionEnvironment) {
        // The raw list, so an unknown canary is reported even when another rollout setting is invalid.
        const canary = (env.raw.rollout as { canary?: unknown } | undefined)?.canary;
        if (!Array.isArray(canary)) return;
        const accounts = (env.get(accountsSection) ?? []).map((entry) => entry.value);
        const names = accounts.flatMap((account) => [account.id, account.alias]);
        canary.forEach((name, index) => {
            if (typeof name === "string" && !names.includes(name)) {
                env.collector.error(
                    `rollout.canary[${index}]`,
                    unknownReference(
                        "workload account",
                        name,
                        accounts.map((a) => a.alias),
                        "accounts",
                    ),
                );
            }
        });
    },
};

/** The rollout settings with defaults applied: canaries default to the first account of each OU. */
export function buildRollout(env: SectionEnvironment): RolloutModel {
    const rollout = env.get(rolloutSection) ?? rolloutSchema.parse({});
    const accounts = (env.get(accountsSection) ?? []).map((entry) => entry.value);
    const canaryAccountIds = rollout.canary
        ? [...new Set(rollout.canary.map((name) => accounts.find((account) => account.id === name || account.alias === name)!.id))]
        : firstAccountOfEachOu(accounts);
    const configuredOuIds = [...(env.get(organizationalUnitsSection)?.parsed.values() ?? [])].map((ou) => ou.id);
    const budget = rollout.failureBudget;
    return {
        canaryAccountIds,
        waveSize: rollout.waveSize,
        failureBudget: typeof budget === "number" ? { stacks: budget } : { percent: Number.parseFloat(budget) },
        concurrency: rollout.concurrency,
        discovery: {
            includeOuIds: rollout.discovery.includeOus ?? [...new Set(configuredOuIds)],
            excludeOuIds: rollout.discovery.excludeOus,
            includeTags: rollout.discovery.includeTags,
            excludeTags: rollout.discovery.excludeTags,
        },
    };
}

function firstAccountOfEachOu(accounts: Array<{ id: string; ou: string }>): string[] {
    const seen = new Set<string>();
    return accounts.filter((account) => !seen.has(account.ou) && seen.add(account.ou)).map((account) => account.id);
}
