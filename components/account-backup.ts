import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { eventForwardingPolicy, eventForwardingTrustPolicy, serializePolicy } from "../policies";
import { AccountModel } from "../config/model";
import { AccountRegionBackup } from "./account-region-backup";
import { BackupServiceRole } from "./backup-service-role";

/** Arguments of an {@link AccountBackup}. */
export interface AccountBackupArgs {
    /** The account and everything to create in each of its regions. */
    account: AccountModel;
    /** ARN partition of the account. */
    partition: string;
    /** Tags for every resource. */
    tags: Record<string, string>;
}

/** AWS Backup for one workload account across its regions: one service role, then a stamp per region. */
export class AccountBackup extends pulumi.ComponentResource {
    public readonly backupRoleArn: pulumi.Output<string>;
    public readonly regions: Record<string, AccountRegionBackup>;

    constructor(name: string, args: AccountBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("stamp", "AccountBackup"), name, {}, opts);
        const { account } = args;
        // Everything below must land in this account: refuse to fall back to an ambient default provider.
        if (!opts?.provider && !(opts?.providers && Object.keys(opts.providers).length > 0)) {
            throw new Error(`AccountBackup ${name}: pass { provider } with an aws.Provider that assumes the deployment role in account ${account.id}`);
        }
        const role = new BackupServiceRole(
            `${name}-backup-service`,
            {
                accountId: account.id,
                partition: args.partition,
                roleName: account.backupRole.name,
                permissionsBoundaryArn: account.target.permissionsBoundaryArn,
                tags: args.tags,
            },
            { parent: this },
        );
        // One role per account (IAM is global), not per region: EventBridge assumes it to put failed-job events on the
        // central buses, as a rule targeting another account's bus must when that bus grants the organization.
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
        const eventsRole = new aws.iam.Role(
            `${name}-event-forwarding`,
            {
                name: account.eventsRole.name,
                description: "Assumed by EventBridge to forward failed AWS Backup jobs to the central event buses",
                assumeRolePolicy: serializePolicy(eventForwardingTrustPolicy(account.id)),
                inlinePolicies: [{ name: "put-events-on-central-buses", policy: serializePolicy(eventForwardingPolicy(account.eventsRole.eventBusArns)) }],
                permissionsBoundary: account.target.permissionsBoundaryArn,
                tags: args.tags,
            },
            { parent: this },
        );
        this.regions = Object.fromEntries(
            account.regions.map((stamp) => [
                stamp.region,
                new AccountRegionBackup(
                    `${name}-${stamp.region}`,
                    {
                        accountId: account.id,
                        partition: args.partition,
                        stamp,
                        backupRoleArn: role.arn,
                        breakGlassRoleArn: account.breakGlassRoleArn,
                        deploymentRoleArn: account.deploymentRoleArn,
                        centralAccountId: account.centralAccountId,
                        eventsRoleArn: eventsRole.arn,
                        tags: args.tags,
                    },
                    { parent: this },
                ),
            ]),
        );
        this.backupRoleArn = role.arn;
        this.registerOutputs({ backupRoleArn: this.backupRoleArn });
    }
}
