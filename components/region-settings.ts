import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionSettingsModel } from "../config/model";

/**
 * The AWS Backup region settings of one account-region: the opt-in of every resource type the region supports, and
 * full AWS Backup management where a type has it. One per account and region (AWS keeps one settings object there).
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateRegionSettings.html
 */
export function backupRegionSettings(
    name: string,
    region: string,
    settings: RegionSettingsModel,
    opts: pulumi.CustomResourceOptions,
): aws.backup.RegionSettings | undefined {
    // A region with no documented resource type (an isolated partition) gets no settings: any type sent would be refused.
    if (Object.keys(settings.optIn).length === 0) return undefined;
    return new aws.backup.RegionSettings(
        name,
        {
            region,
            resourceTypeOptInPreference: { ...settings.optIn },
            resourceTypeManagementPreference: Object.keys(settings.fullManagement).length > 0 ? { ...settings.fullManagement } : undefined,
        },
        opts,
    );
}
