import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { DeploymentRoleStackSetModel } from "../config/model";

/** Arguments of a {@link DeploymentRoleStackSet}. */
export interface DeploymentRoleStackSetArgs {
    /** Region the StackSet is managed from and deploys its stacks to (the role is global, so one region suffices). */
    region: string;
    /** Name and targets of the StackSet. */
    stackSet: DeploymentRoleStackSetModel;
    /** The CloudFormation template (JSON) that creates the deployment role and its policies. */
    templateBody: string;
    /** Keep the role in accounts that leave a targeted OU (with auto-deployment). */
    retainStacksOnAccountRemoval: boolean;
    /** Tags for the StackSet. */
    tags: Record<string, string>;
}

/**
 * A service-managed CloudFormation StackSet, run from the management account, that creates the platform's deployment
 * role in every account of its targets, and keeps creating it in accounts that join them.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 * Service-managed StackSets need trusted access between CloudFormation and Organizations, which only the management
 * account can turn on (README, "Deploying for real").
 */
export class DeploymentRoleStackSet extends pulumi.ComponentResource {
    public readonly arn: pulumi.Output<string>;

    constructor(name: string, args: DeploymentRoleStackSetArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("bootstrap", "DeploymentRoleStackSet"), name, {}, opts);
        const { stackSet } = args;
        const set = new aws.cloudformation.StackSet(
            `${name}-stack-set`,
            {
                region: args.region,
                name: stackSet.name,
                description: `Creates the backup platform's deployment role in ${stackSet.kind} accounts`,
                permissionModel: "SERVICE_MANAGED",
                callAs: "SELF",
                autoDeployment: {
                    enabled: stackSet.autoDeployment,
                    retainStacksOnAccountRemoval: stackSet.autoDeployment && args.retainStacksOnAccountRemoval,
                },
                // The template names the role, which CloudFormation only creates with this acknowledgement.
                capabilities: ["CAPABILITY_NAMED_IAM"],
                // Queue conflicting operations instead of failing them.
                managedExecution: { active: true },
                operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: "SEQUENTIAL" },
                templateBody: args.templateBody,
                tags: args.tags,
            },
            // Deleting the StackSet would delete the deployment role in every account, and with it every later deployment.
            { parent: this, protect: true, retainOnDelete: true },
        );
        new aws.cloudformation.StackSetInstance(
            `${name}-instances`,
            {
                stackSetName: set.name,
                // The instance's own `region` input is the (deprecated) target region; the provider's region manages it.
                stackSetInstanceRegion: args.region,
                callAs: "SELF",
                deploymentTargets: {
                    organizationalUnitIds: stackSet.organizationalUnitIds,
                    ...(stackSet.accountFilter === "NONE" ? {} : { accounts: stackSet.accounts, accountFilterType: stackSet.accountFilter }),
                },
                operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25 },
                // Removing the instances from the program must not delete the role from accounts.
                retainStack: true,
            },
            { parent: this, retainOnDelete: true },
        );
        this.arn = set.arn;
        this.registerOutputs({ arn: this.arn });
    }
}
