/**
 * The configuration of the backup-tier policy pack (policies/backup-tier-pack) for one environment: its tier tag key,
 * the values its tiers define and the enforcement level, in the JSON form `pulumi preview --policy-pack-config` reads
 * (policy name → enforcementLevel and the policy's own config properties).
 * https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/
 */
import type { TierTagModel } from "../config/model";
import { BACKUP_TIER_POLICY_NAME, BackupTierConfig } from "./backup-tier-pack/policies";

export type PolicyPackConfig = Record<string, { enforcementLevel: "advisory" | "mandatory" } & BackupTierConfig>;

export function backupTierPackConfig(tierTag: TierTagModel): PolicyPackConfig {
    return {
        [BACKUP_TIER_POLICY_NAME]: { enforcementLevel: tierTag.enforcementLevel, tierTagKey: tierTag.key, allowedTiers: [...tierTag.values].sort() },
    };
}
