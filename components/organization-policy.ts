import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { PolicyTargetModel } from "../config/model";
import { MAX_POLICY_DESCRIPTION_LENGTH, MAX_POLICY_NAME_LENGTH, MAX_POLICY_SIZE, OrganizationsPolicyType } from "../policies/organizations-quotas";

/** Arguments of an {@link OrganizationPolicy}. */
export interface OrganizationPolicyArgs {
    /** Name of the policy in AWS Organizations (1-128 characters). */
    policyName: string;
    /** SERVICE_CONTROL_POLICY, BACKUP_POLICY or TAG_POLICY; the type must be enabled on the organization's root. */
    type: OrganizationsPolicyType;
    /** What the policy does, for people reading the Organizations console (at most 512 characters). */
    description: string;
    /** The policy document exactly as it is sent (compact JSON), within the type's size limit. */
    content: string;
    /** The roots, OUs and accounts the policy is attached to. */
    targets: PolicyTargetModel[];
    /** Tags for the policy. */
    tags: Record<string, string>;
}

/**
 * One AWS Organizations policy and its attachments, created from the management account (the only account that may
 * create and attach them). https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_AttachPolicy.html
 */
export class OrganizationPolicy extends pulumi.ComponentResource {
    public readonly policyId: pulumi.Output<string>;

    constructor(name: string, args: OrganizationPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("guardrails", "OrganizationPolicy"), name, {}, opts);
        const size = Buffer.byteLength(args.content, "utf8");
        const problems = [
            ...(args.policyName.length === 0 || args.policyName.length > MAX_POLICY_NAME_LENGTH
                ? [`its name must be 1-${MAX_POLICY_NAME_LENGTH} characters`]
                : []),
            ...(args.description.length > MAX_POLICY_DESCRIPTION_LENGTH ? [`its description must be at most ${MAX_POLICY_DESCRIPTION_LENGTH} characters`] : []),
            ...(size > MAX_POLICY_SIZE[args.type] ? [`it is ${size} characters and a ${args.type} takes at most ${MAX_POLICY_SIZE[args.type]}`] : []),
            ...(args.targets.length === 0 ? ["it has no targets"] : []),
        ];
        if (problems.length > 0) throw new Error(`OrganizationPolicy ${name}: ${problems.join("; ")}`);
        const policy = new aws.organizations.Policy(
            `${name}-policy`,
            { name: args.policyName, type: args.type, description: args.description, content: args.content, tags: args.tags },
            { parent: this },
        );
        for (const target of args.targets) {
            const suffix = target.kind === "root" ? "root" : `${target.kind === "organizationalUnit" ? "ou" : "account"}-${target.label}`;
            new aws.organizations.PolicyAttachment(`${name}-to-${suffix}`, { policyId: policy.id, targetId: target.id }, { parent: this });
        }
        this.policyId = policy.id;
        this.registerOutputs({ policyId: this.policyId });
    }
}
