/**
 * The central program: what the central backup account needs in each of its regions. For now, the region settings
 * that let AWS Backup store copies of every resource type there.
 */
import * as aws from "@pulumi/aws";
import { backupRegionSettings } from "../components/region-settings";
import { TYPE } from "../components/resource-types";
import { restoreTestingIn, RESTORE_TESTING_RESOURCE_TYPES, withoutRestoreTestingTypes } from "../components/restore-testing";
import { CentralAccountModel, EnvironmentModel } from "../config/model";
import { validatorBundle } from "../restore-testing/bundle";

/** Every resource type the central program creates: the deployment role in the central account may manage exactly these. */
export const CENTRAL_RESOURCE_TYPES: readonly string[] = [TYPE.regionSettings, ...RESTORE_TESTING_RESOURCE_TYPES];

/** The types the central deployment role needs: restore testing's only when the central account runs it. */
export function centralDeploymentTypes(restoreTesting: boolean): string[] {
    return withoutRestoreTestingTypes(CENTRAL_RESOURCE_TYPES, restoreTesting, [TYPE.regionSettings]);
}

export interface CentralOutputs {
    alias: string;
    regions: string[];
}

export function deployCentral(central: CentralAccountModel, provider: aws.Provider, context?: Pick<EnvironmentModel, "partition" | "tags">): CentralOutputs {
    for (const region of central.regions) {
        backupRegionSettings(`${central.alias}-${region}-region-settings`, region, central.regionSettings[region], { provider });
    }
    const restoreTesting = central.restoreTesting;
    for (const stamp of restoreTesting?.regions ?? []) {
        const { partition, tags } = context!;
        restoreTestingIn(
            central.alias,
            { accountId: central.accountId, partition, tags, settings: restoreTesting!.validator, bundle: validatorBundle() },
            stamp,
            { provider },
        );
    }
    return { alias: central.alias, regions: [...central.regions] };
}
