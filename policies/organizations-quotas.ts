/**
 * AWS Organizations quotas for the policy types the platform generates, each next to the page that states it, and the
 * one way a policy document is measured against them.
 */

/** The Organizations policy types the platform creates, as the CreatePolicy API names them.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html */
export type OrganizationsPolicyType = "SERVICE_CONTROL_POLICY" | "BACKUP_POLICY" | "TAG_POLICY";

/**
 * Maximum size of one policy document: SCPs 5,120, backup and tag policies 10,000. The quotas page says "characters"
 * (one version says "bytes (not characters)" for SCPs), so sizes are counted in UTF-8 bytes, the stricter of the two.
 * Whitespace counts when a policy is saved through the API (the console strips it, the SDK does not), and the
 * platform sends compact JSON, so the size is that of exactly the text it sends.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 */
export const MAX_POLICY_SIZE: Readonly<Record<OrganizationsPolicyType, number>> = {
    SERVICE_CONTROL_POLICY: 5120,
    BACKUP_POLICY: 10_000,
    TAG_POLICY: 10_000,
};

/**
 * Policies of one type attached directly to one root, OU or account: 5 SCPs (AWS's FullAWSAccess included), 10 backup
 * and 10 tag policies. Inherited policies do not count.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies.html
 */
export const MAX_POLICIES_PER_TARGET: Readonly<Record<OrganizationsPolicyType, number>> = {
    SERVICE_CONTROL_POLICY: 5,
    BACKUP_POLICY: 10,
    TAG_POLICY: 10,
};

/** Policy names: 1-128 characters. https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html */
export const MAX_POLICY_NAME_LENGTH = 128;
/** Policy descriptions: at most 512 characters. https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreatePolicy.html */
export const MAX_POLICY_DESCRIPTION_LENGTH = 512;

/** The policy's content exactly as the platform sends it: compact JSON. */
export function policyContent(document: object): string {
    return JSON.stringify(document);
}

/** Size of a policy document against MAX_POLICY_SIZE: UTF-8 bytes of the text sent. */
export function organizationsPolicySize(document: object): number {
    return Buffer.byteLength(policyContent(document), "utf8");
}
