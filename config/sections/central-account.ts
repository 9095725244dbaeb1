/**
 * The central backup account: where recovery points are copied to, one central vault per listed region.
 */
import { z } from "zod";
import { accountAlias, accountId, regionList } from "../common";
import { arns, CentralAccountModel, physicalNames } from "../model";
import { SectionEnvironment, valueSection } from "../section";
import { buildAlerts } from "./alerts";
import { buildAudit } from "./audit";
import { regionSettingsFor } from "./backup-resource-types";
import { buildCentralBackup } from "./central-backup";
import { namePrefixSection, deploymentRoleNameSection } from "./settings";

export const centralAccountSchema = z.strictObject({
    id: accountId,
    alias: accountAlias,
    /** Regions that hold a central vault. */
    regions: regionList.min(1, { error: "the central account needs at least one region" }),
});

export type CentralAccountConfig = z.infer<typeof centralAccountSchema>;

export const centralAccountSection = valueSection("centralAccount", centralAccountSchema);

export function buildCentral(env: SectionEnvironment, partition: string): CentralAccountModel {
    const central = env.get(centralAccountSection)!;
    const namePrefix = env.get(namePrefixSection)!;
    const vaultName = physicalNames.centralVault(namePrefix);
    return {
        target: {
            kind: "central",
            id: central.id,
            alias: central.alias,
            deploymentRoleArn: arns.role(partition, central.id, env.get(deploymentRoleNameSection)!),
            permissionsBoundaryArn: arns.managedPolicy(partition, central.id, physicalNames.permissionsBoundary(namePrefix)),
            homeRegion: central.regions[0],
            regions: [...central.regions],
        },
        accountId: central.id,
        alias: central.alias,
        regions: [...central.regions],
        vaultName,
        vaultArnByRegion: Object.fromEntries(central.regions.map((region) => [region, arns.vault(partition, region, central.id, vaultName)])),
        alertTopicArnByRegion: Object.fromEntries(
            central.regions.map((region) => [region, arns.snsTopic(partition, region, central.id, physicalNames.alertTopic(namePrefix))]),
        ),
        regionSettings: Object.fromEntries(central.regions.map((region) => [region, regionSettingsFor(env)(region)])),
        ...buildCentralBackup(env, partition),
        alerts: buildAlerts(env, partition),
        audit: buildAudit(env, partition),
    };
}
