/**
 * Backup vaults every workload account gets (in each of its regions) when one of its tiers backs up to them, with an
 * optional AWS Backup Vault Lock.
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { evenWithOtherErrors, num, positiveDays } from "../common";
import { arns, physicalNames, VaultModel } from "../model";
import { mapSection, SectionEnvironment } from "../section";
import { namePrefixSection } from "./settings";
import { tiersSection } from "./tiers";

/**
 * Vault Lock: MinRetentionDays and MaxRetentionDays are both optional, each at most 36,500 days; ChangeableForDays, which
 * makes the lock compliance mode, is at least 3 (the 72-hour cooling-off period).
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_PutBackupVaultLockConfiguration.html
 */
export const vaultLockSchema = z
    .strictObject({
        mode: z.enum(["governance", "compliance"], { error: 'mode must be "governance" or "compliance"' }),
        minRetentionDays: positiveDays("minRetentionDays")
            .max(rules.MAX_RETENTION_DAYS, { error: `minRetentionDays must be at most ${rules.MAX_RETENTION_DAYS}` })
            .optional(),
        maxRetentionDays: positiveDays("maxRetentionDays")
            .max(rules.MAX_RETENTION_DAYS, { error: `maxRetentionDays must be at most ${rules.MAX_RETENTION_DAYS} (100 years, AWS Vault Lock limit)` })
            .optional(),
        changeableForDays: z
            .int()
            .min(rules.MIN_LOCK_CHANGEABLE_FOR_DAYS, {
                error: `changeableForDays must be at least ${rules.MIN_LOCK_CHANGEABLE_FOR_DAYS} (AWS Vault Lock 72-hour cooling-off period)`,
            })
            .max(rules.MAX_LOCK_CHANGEABLE_FOR_DAYS, { error: `changeableForDays must be at most ${rules.MAX_LOCK_CHANGEABLE_FOR_DAYS}` })
            .optional(),
    })
    .superRefine((lock, ctx) => {
        const min = num(lock.minRetentionDays);
        const max = num(lock.maxRetentionDays);
        if (min !== undefined && max !== undefined && min > max) {
            ctx.addIssue({ code: "custom", path: ["minRetentionDays"], message: `minRetentionDays ${min} must not exceed maxRetentionDays ${max}` });
        }
        // Vault Lock is in compliance mode exactly when ChangeableForDays is set; without it, governance mode.
        if (lock.mode === "compliance" && lock.changeableForDays === undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["changeableForDays"],
                message: `compliance mode needs changeableForDays (at least ${rules.MIN_LOCK_CHANGEABLE_FOR_DAYS}); after that many days the lock can never be removed`,
            });
        }
        if (lock.mode === "governance" && lock.changeableForDays !== undefined) {
            ctx.addIssue({
                code: "custom",
                path: ["changeableForDays"],
                message: "changeableForDays turns a lock into compliance mode; set mode: compliance or remove it",
            });
        }
    }, evenWithOtherErrors);

export const vaultSchema = z.strictObject({
    /** What this vault holds, for people reading the plan. */
    description: z.string().optional(),
    /** Optional AWS Backup Vault Lock. */
    lock: vaultLockSchema.optional(),
});

export type VaultConfig = z.infer<typeof vaultSchema>;
export type VaultLockConfig = z.infer<typeof vaultLockSchema>;

export const vaultsSection = {
    ...mapSection("vaults", vaultSchema),
    check(env: SectionEnvironment) {
        const vaults = env.get(vaultsSection);
        if (!vaults) return;
        const namePrefix = env.get(namePrefixSection);
        if (namePrefix !== undefined) {
            for (const key of vaults.present.keys()) {
                const name = physicalNames.vault(namePrefix, key);
                if (!rules.VAULT_NAME.test(name)) {
                    env.collector.error(
                        `vaults.${key}`,
                        `vault name ${JSON.stringify(name)} (namePrefix-key) must be 2-50 letters, digits, hyphens or underscores (AWS Backup CreateBackupVault)`,
                    );
                }
            }
        }
        // Read from the raw tiers, so a tier with another mistake still counts as using its vault.
        const used = new Set<string>();
        for (const raw of env.get(tiersSection)?.present.values() ?? []) {
            const vault = (raw as { vault?: unknown } | null)?.vault;
            if (typeof vault === "string") used.add(vault);
        }
        for (const name of vaults.present.keys()) {
            if (!used.has(name)) env.collector.warning(`vaults.${name}`, "no tier backs up to this vault");
        }
    },
};

/** A lock's allowed retention as text, e.g. `7..3650 days`. */
export function lockRange(lock: VaultLockConfig): string {
    return `${lock.minRetentionDays ?? 1}..${lock.maxRetentionDays ?? "unbounded"} days`;
}

export function vaultModel(env: SectionEnvironment, partition: string, region: string, accountId: string, key: string): VaultModel {
    const name = physicalNames.vault(env.get(namePrefixSection)!, key);
    const lock = env.get(vaultsSection)!.parsed.get(key)!.lock;
    return { key, name, arn: arns.vault(partition, region, accountId, name), ...(lock ? { lock: { ...lock } } : {}) };
}
