/**
 * The platform program as a function of a validated model: what `pulumi up`, the offline plan, the benchmark and
 * Automation API inline programs all run.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccountBackup } from "../components/account-backup";
import { AccountModel, accountsInScope, EnvironmentModel } from "../config/model";

/** Stack outputs: per account and region, what other stacks and operators need to find. */
export interface PlatformOutputs {
    accounts: Record<
        string,
        {
            alias: string;
            backupRoleArn: pulumi.Output<string>;
            regions: Record<
                string,
                { keyArn: pulumi.Output<string>; vaultArns: Record<string, pulumi.Output<string>>; planIds: Record<string, pulumi.Output<string>> }
            >;
        }
    >;
}

/** The provider for one account: assumes the deployment role there and refuses to act on any other account. */
export function accountProvider(model: EnvironmentModel, account: AccountModel): aws.Provider {
    return new aws.Provider(`${account.alias}-aws`, {
        region: account.homeRegion as aws.Region,
        allowedAccountIds: [account.id],
        assumeRoles: [{ roleArn: account.deploymentRoleArn, sessionName: `backup-platform-${model.stack}` }],
        defaultTags: { tags: model.tags },
    });
}

/** Deploys AWS Backup into every account of the model's scope. */
export function deployPlatform(model: EnvironmentModel): PlatformOutputs {
    const outputs: PlatformOutputs = { accounts: {} };
    for (const account of accountsInScope(model)) {
        const provider = accountProvider(model, account);
        const stamp = new AccountBackup(account.alias, { account, partition: model.partition, tags: model.tags }, { provider });
        outputs.accounts[account.id] = {
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
    return outputs;
}
