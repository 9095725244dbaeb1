/**
 * The workload program: AWS Backup in one workload account, across its regions.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountBackup } from "../components/account-backup";
import { TYPE } from "../components/resource-types";
import { restoreTestingIn, RESTORE_TESTING_RESOURCE_TYPES, withoutRestoreTestingTypes } from "../components/restore-testing";
import { AccountModel } from "../config/model";
import { validatorBundle } from "../restore-testing/bundle";

/** The types of every workload account's AWS Backup stamp. */
const WORKLOAD_BACKUP_TYPES: readonly string[] = [
    TYPE.regionSettings,
    TYPE.key,
    TYPE.alias,
    TYPE.vault,
    TYPE.vaultPolicy,
    TYPE.vaultLock,
    TYPE.plan,
    TYPE.selection,
    TYPE.role,
    TYPE.rolePolicyAttachment,
];

/** Every resource type the workload program creates: the deployment role in workload accounts may manage exactly these. */
export const WORKLOAD_RESOURCE_TYPES: readonly string[] = [
    ...WORKLOAD_BACKUP_TYPES,
    // Only in accounts that restoreTesting.accounts lists.
    ...RESTORE_TESTING_RESOURCE_TYPES.filter((type) => !WORKLOAD_BACKUP_TYPES.includes(type)),
];

/** The types the workload deployment role needs: restore testing's only when some workload account runs it. */
export function workloadDeploymentTypes(restoreTesting: boolean): string[] {
    return withoutRestoreTestingTypes(WORKLOAD_RESOURCE_TYPES, restoreTesting, WORKLOAD_BACKUP_TYPES);
}

export interface WorkloadOutputs {
    alias: string;
    backupRoleArn: pulumi.Output<string>;
    regions: Record<
        string,
        { keyArn: pulumi.Output<string>; vaultArns: Record<string, pulumi.Output<string>>; planIds: Record<string, pulumi.Output<string>> }
    >;
}

/** Deploys AWS Backup into one workload account through that account's provider. */
export function deployWorkload(account: AccountModel, context: { partition: string; tags: Record<string, string> }, provider: aws.Provider): WorkloadOutputs {
    const stamp = new AccountBackup(account.alias, { account, partition: context.partition, tags: context.tags }, { provider });
    const restoreTesting = account.restoreTesting;
    for (const region of restoreTesting?.regions ?? []) {
        const settings = {
            accountId: account.id,
            partition: context.partition,
            tags: context.tags,
            settings: restoreTesting!.validator,
            bundle: validatorBundle(),
        };
        restoreTestingIn(account.alias, settings, region, { provider });
    }
    return {
        alias: account.alias,
        backupRoleArn: stamp.backupRoleArn,
        regions: Object.fromEntries(
            Object.entries(stamp.regions).map(([region, regional]) => [
                region,
                { keyArn: regional.keyArn, vaultArns: regional.vaultArns, planIds: regional.planIds },
            ]),
        ),
    };
}
