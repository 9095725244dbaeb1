/**
 * The central program: what the central backup account needs in each of its regions. For now, the region settings
 * that let AWS Backup store copies of every resource type there.
 */
import * as aws from "@pulumi/aws";
import { backupRegionSettings } from "../components/region-settings";
import { TYPE } from "../components/resource-types";
import { CentralAccountModel } from "../config/model";

/** Every resource type the central program creates: the deployment role in the central account may manage exactly these. */
export const CENTRAL_RESOURCE_TYPES: readonly string[] = [TYPE.regionSettings];

export interface CentralOutputs {
    alias: string;
    regions: string[];
}

export function deployCentral(central: CentralAccountModel, provider: aws.Provider): CentralOutputs {
    for (const region of central.regions) {
        backupRegionSettings(`${central.alias}-${region}-region-settings`, region, central.regionSettings[region], { provider });
    }
    return { alias: central.alias, regions: [...central.regions] };
}
