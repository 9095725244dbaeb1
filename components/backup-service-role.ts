import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { backupServiceManagedPolicyArns, backupServiceTrustPolicy, serializePolicy } from "../policies";

/** Arguments of a {@link BackupServiceRole}. */
export interface BackupServiceRoleArgs {
    /** Account the role lives in. */
    accountId: string;
    /** Permissions boundary the role carries (the deployment role may only create roles that carry it). */
    permissionsBoundaryArn: string;
    /** ARN partition of the account. */
    partition: string;
    /** Physical role name; deterministic so selections, key policies and other accounts can name it. */
    roleName: string;
    /** Tags for the role. */
    tags: Record<string, string>;
}

/** The IAM role AWS Backup assumes in one account to back up and restore, S3 included. */
export class BackupServiceRole extends pulumi.ComponentResource {
    public readonly arn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: BackupServiceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("iam", "BackupServiceRole"), name, {}, opts);
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: args.roleName,
                description: "Assumed by AWS Backup to create and restore recovery points",
                assumeRolePolicy: serializePolicy(backupServiceTrustPolicy({ accountId: args.accountId, partition: args.partition })),
                permissionsBoundary: args.permissionsBoundaryArn,
                tags: args.tags,
            },
            { parent: this },
        );
        const attachments = backupServiceManagedPolicyArns(args.partition).map((policyArn) => {
            const shortName = policyArn.split("/").pop()!;
            return new aws.iam.RolePolicyAttachment(`${name}-${shortName}`, { role: role.name, policyArn }, { parent: this });
        });
        // Hand out the ARN only once the policies are attached, so nothing uses a role that cannot back up yet.
        this.arn = pulumi.all([role.arn, ...attachments.map((attachment) => attachment.id)]).apply(([arn]) => arn);
        this.roleName = role.name;
        this.registerOutputs({ arn: this.arn, roleName: this.roleName });
    }
}
