/**
 * AWS Organizations backup policies: the platform's tiers as AWS-managed backup plans, in AWS's exact syntax
 * (`plans.<name>.{regions, rules, selections, advanced_backup_settings, backup_plan_tags}`, every value set with
 * `@@assign`, the account written as `$account` in ARNs, copy actions keyed by their target vault's ARN).
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_backup_syntax.html
 * Only keys that page documents are emitted; what it has no key for (a schedule time zone, archive tiering, selections
 * by ARN or condition) is reported by unsupportedInBackupPolicy, so config validation can refuse it with a reason.
 *
 * Organizations merges the policies of the root, the OUs above an account and the account into its effective policy;
 * `@@assign` overwrites what a parent set, so a policy attached to an account replaces same-named plans it inherits.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html
 * effectiveBackupPolicy computes that merge for the platform's own documents, which is how validation proves every
 * account's effective plans name a vault and a role its workload program creates.
 */
import type { LifecycleModel, PlanModel } from "../config/model";
import { assertPartition } from "./arn";

/** `{ "@@assign": value }`: sets the value, overwriting anything inherited. */
export interface Assign<T> {
    "@@assign": T;
}

export interface BackupPolicyLifecycle {
    move_to_cold_storage_after_days?: Assign<string>;
    delete_after_days?: Assign<string>;
}

export interface BackupPolicyRule {
    schedule_expression: Assign<string>;
    start_backup_window_minutes: Assign<string>;
    complete_backup_window_minutes: Assign<string>;
    enable_continuous_backup: Assign<boolean>;
    target_backup_vault_name: Assign<string>;
    lifecycle?: BackupPolicyLifecycle;
    recovery_point_tags?: Record<string, { tag_key: Assign<string>; tag_value: Assign<string> }>;
    copy_actions?: Record<string, { target_backup_vault_arn: Assign<string>; lifecycle?: BackupPolicyLifecycle }>;
}

export interface BackupPolicyPlan {
    regions: Assign<string[]>;
    rules: Record<string, BackupPolicyRule>;
    selections: { tags: Record<string, { iam_role_arn: Assign<string>; tag_key: Assign<string>; tag_value: Assign<string[]> }> };
    advanced_backup_settings?: { ec2: { windows_vss: Assign<"enabled" | "disabled"> } };
    backup_plan_tags?: Record<string, { tag_key: Assign<string>; tag_value: Assign<string> }>;
}

export interface BackupPolicyDocument {
    plans: Record<string, BackupPolicyPlan>;
}

export interface BackupPolicyArgs {
    partition: string;
    /** Regions every plan of this policy runs in; the syntax has no region variable, so one policy serves one region set. */
    regions: string[];
    /** The AWS Backup service role each account has under this name (its ARN is written with `$account`). */
    backupRoleName: string;
    /** One AWS Backup plan per tier, as the model resolves it (unsupportedInBackupPolicy must report nothing for each). */
    plans: PlanModel[];
    /** Tags on each plan AWS Backup creates from the policy. */
    planTags: Record<string, string>;
}

/** Time zones whose offset is always zero: a backup policy's cron expression runs in UTC. */
const UTC_ZONES = new Set([
    "Etc/UTC",
    "UTC",
    "Etc/UCT",
    "UCT",
    "Etc/GMT",
    "GMT",
    "Etc/GMT0",
    "GMT0",
    "Etc/GMT+0",
    "Etc/GMT-0",
    "Etc/Universal",
    "Universal",
    "Etc/Zulu",
    "Zulu",
]);

/**
 * What of a tier cannot be written in a backup policy, each as `path: reason` relative to the tier (`rules.<r>.timezone`).
 * Empty when the tier translates exactly.
 */
export function unsupportedInBackupPolicy(plan: PlanModel): Array<{ path: string; message: string }> {
    const problems: Array<{ path: string; message: string }> = [];
    const page = "AWS Organizations backup policy syntax";
    for (const rule of plan.rules) {
        if (!UTC_ZONES.has(rule.timezone)) {
            problems.push({
                path: `rules.${rule.name}.timezone`,
                message: `${rule.timezone}: a backup policy's schedule_expression runs in UTC and the ${page} has no time zone key; write the schedule in UTC`,
            });
        }
        if (rule.lifecycle?.optInToArchiveForSupportedResources !== undefined) {
            problems.push({ path: `rules.${rule.name}.lifecycle.optInToArchiveForSupportedResources`, message: `the ${page} has no archive tier key` });
        }
    }
    const { selection } = plan;
    const conditions = Object.values(selection.conditions).some((list) => list.length > 0);
    if (selection.resources.length > 0 || selection.notResources.length > 0 || conditions) {
        problems.push({
            path: "selection",
            message: `the ${page} selects resources by tags only (selections.tags); remove resources, notResources and conditions`,
        });
    }
    if (selection.tags.length === 0) problems.push({ path: "selection.tags", message: "a backup policy selects by tags: name at least one" });
    const collisions = (keys: string[]) => keys.filter((key, index) => keys.findIndex((other) => other.toLowerCase() === key.toLowerCase()) !== index);
    for (const key of collisions([...new Set(selection.tags.map((tag) => tag.key))])) {
        problems.push({
            path: "selection.tags",
            message: `tag keys ${JSON.stringify(key)} differ only in case; the ${page} names selections by lower-case key`,
        });
    }
    for (const rule of plan.rules) {
        for (const key of collisions(Object.keys(rule.recoveryPointTags))) {
            problems.push({
                path: `rules.${rule.name}.recoveryPointTags`,
                message: `tag keys ${JSON.stringify(key)} differ only in case (the ${page} keys tags in lower case)`,
            });
        }
    }
    return problems;
}

const assign = <T>(value: T): Assign<T> => ({ "@@assign": value });

function lifecycle(model: LifecycleModel | undefined): BackupPolicyLifecycle | undefined {
    if (model?.coldStorageAfterDays === undefined && model?.deleteAfterDays === undefined) return undefined;
    return {
        ...(model.coldStorageAfterDays !== undefined ? { move_to_cold_storage_after_days: assign(String(model.coldStorageAfterDays)) } : {}),
        ...(model.deleteAfterDays !== undefined ? { delete_after_days: assign(String(model.deleteAfterDays)) } : {}),
    };
}

/** Tags as the syntax writes them: keyed by the lower-case tag key, the key's case kept in tag_key. */
function tagElements(tags: Record<string, string>): Record<string, { tag_key: Assign<string>; tag_value: Assign<string> }> {
    return Object.fromEntries(
        Object.keys(tags)
            .sort()
            .map((key) => [key.toLowerCase(), { tag_key: assign(key), tag_value: assign(tags[key]) }]),
    );
}

/** One backup policy document: a plan per tier, each in every region of the policy. */
export function backupPolicyDocument(args: BackupPolicyArgs): BackupPolicyDocument {
    assertPartition(args.partition);
    if (args.regions.length === 0) throw new Error("a backup policy needs at least one region");
    const problems = args.plans.flatMap((plan) => unsupportedInBackupPolicy(plan).map((problem) => `${plan.tier}.${problem.path}: ${problem.message}`));
    if (problems.length > 0) throw new Error(`Cannot write these tiers as a backup policy: ${problems.join("; ")}`);
    const roleArn = `arn:${args.partition}:iam::$account:role/${args.backupRoleName}`;
    const plans: Record<string, BackupPolicyPlan> = {};
    for (const plan of args.plans) {
        const rules: Record<string, BackupPolicyRule> = {};
        for (const rule of plan.rules) {
            // The plans come resolved for one region of the policy; plan-source.ts checks that their copies go to the same
            // vaults from every region the policy covers, since the syntax cannot say "this region's central vault".
            const copies = rule.copyActions;
            const ruleLifecycle = lifecycle(rule.lifecycle);
            rules[rule.name] = {
                schedule_expression: assign(rule.schedule),
                start_backup_window_minutes: assign(String(rule.startWindowMinutes)),
                complete_backup_window_minutes: assign(String(rule.completionWindowMinutes)),
                enable_continuous_backup: assign(rule.continuousBackup),
                target_backup_vault_name: assign(plan.vaultName),
                ...(ruleLifecycle ? { lifecycle: ruleLifecycle } : {}),
                ...(Object.keys(rule.recoveryPointTags).length > 0 ? { recovery_point_tags: tagElements(rule.recoveryPointTags) } : {}),
                ...(copies.length > 0
                    ? {
                          // Keyed by the target vault's ARN, and the ARN also given explicitly: without it AWS uses the
                          // key in lower case, which may not match the vault.
                          copy_actions: Object.fromEntries(
                              copies.map((copy) => {
                                  const copyLifecycle = lifecycle(copy.lifecycle);
                                  return [
                                      copy.destinationVaultArn,
                                      { target_backup_vault_arn: assign(copy.destinationVaultArn), ...(copyLifecycle ? { lifecycle: copyLifecycle } : {}) },
                                  ];
                              }),
                          ),
                      }
                    : {}),
            };
        }
        const valuesByKey = new Map<string, string[]>();
        for (const { key, value } of plan.selection.tags) valuesByKey.set(key, [...(valuesByKey.get(key) ?? []), value]);
        plans[plan.name] = {
            regions: assign([...args.regions].sort()),
            rules,
            selections: {
                tags: Object.fromEntries(
                    [...valuesByKey].map(([key, values]) => [
                        key.toLowerCase(),
                        { iam_role_arn: assign(roleArn), tag_key: assign(key), tag_value: assign(values) },
                    ]),
                ),
            },
            ...(plan.windowsVss ? { advanced_backup_settings: { ec2: { windows_vss: assign("enabled" as const) } } } : {}),
            ...(Object.keys(args.planTags).length > 0 ? { backup_plan_tags: tagElements(args.planTags) } : {}),
        };
    }
    return { plans };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The effective policy of an account from the documents that apply to it, root first and the account's own last, for
 * documents that use only `@@assign` (as the platform's do): a child's `@@assign` overwrites, other keys merge.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html
 */
export function effectiveBackupPolicy(documents: object[]): Record<string, Json> {
    const merge = (parent: Json | undefined, child: Json): Json => {
        if (child !== null && typeof child === "object" && !Array.isArray(child)) {
            if ("@@assign" in child) return child["@@assign"];
            const keys = Object.keys(child).filter((key) => key.startsWith("@@"));
            if (keys.length > 0) throw new Error(`effectiveBackupPolicy handles @@assign only, found ${keys.join(", ")}`);
            const base = parent !== null && typeof parent === "object" && !Array.isArray(parent) ? parent : {};
            const merged: Record<string, Json> = { ...base };
            for (const [key, value] of Object.entries(child)) merged[key] = merge(base[key], value);
            return merged;
        }
        return child;
    };
    return documents.reduce<Record<string, Json>>((effective, document) => merge(effective, document as Json) as Record<string, Json>, {});
}

/** What an account's workload program creates that its effective backup plans rely on. */
export interface AccountBackupFacts {
    id: string;
    /** ARN of the account's AWS Backup service role. */
    backupRoleArn: string;
    /** Names of the plans the account's tiers call for. */
    planNames: string[];
    /** Vault names the account has, by region. */
    vaultsByRegion: Record<string, string[]>;
}

interface EffectivePlan {
    regions?: string[];
    rules?: Record<string, { target_backup_vault_name?: string }>;
    selections?: { tags?: Record<string, { iam_role_arn?: string }> };
}

/**
 * Everything an account's effective backup policy asks for that the account lacks: a tier's plan missing or one it
 * does not use, a region without the account's vaults, a rule's vault it does not have, a selection role that is not
 * its AWS Backup service role (with `$account` filled in as AWS Backup does). Empty when the policy can run.
 */
export function effectivePlanProblems(effective: Record<string, unknown>, account: AccountBackupFacts): string[] {
    const plans = (effective.plans ?? {}) as Record<string, EffectivePlan>;
    const problems: string[] = [];
    for (const name of account.planNames.filter((plan) => !(plan in plans))) problems.push(`gets no plan ${name}`);
    for (const [name, plan] of Object.entries(plans)) {
        if (!account.planNames.includes(name)) problems.push(`gets plan ${name}, which is not one of its tiers`);
        for (const region of plan.regions ?? []) {
            const vaults = account.vaultsByRegion[region];
            if (!vaults) {
                problems.push(`gets plan ${name} in ${region}, where it has no vaults`);
                continue;
            }
            for (const [ruleName, rule] of Object.entries(plan.rules ?? {})) {
                if (!vaults.includes(String(rule.target_backup_vault_name))) {
                    problems.push(
                        `gets plan ${name} whose rule ${ruleName} backs up in ${region} to vault ${rule.target_backup_vault_name}, which it does not have there`,
                    );
                }
            }
        }
        for (const [selection, tags] of Object.entries(plan.selections?.tags ?? {})) {
            const role = String(tags.iam_role_arn).replaceAll("$account", account.id);
            if (role !== account.backupRoleArn)
                problems.push(`gets plan ${name} whose selection ${selection} runs as ${role}, not its AWS Backup role ${account.backupRoleArn}`);
        }
    }
    return problems;
}

/** A stable short hash, for names that would otherwise be too long. */
export function shortHash(text: string): string {
    let hash = 0x811c9dc5;
    for (let index = 0; index < text.length; index++) {
        hash ^= text.charCodeAt(index);
        hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(16).padStart(8, "0");
}
