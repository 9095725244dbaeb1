/**
 * AWS Backup's organization settings, applied from the management account: trusted access for AWS Backup (which also
 * turns on cross-account monitoring), the central account as AWS Backup's delegated administrator, and AWS Backup's
 * global settings (cross-account backup, multi-party approval, delegated-administrator synchronization).
 */
import { z } from "zod";
import { OrganizationBackupModel } from "../model";
import { SectionEnvironment, valueSection } from "../section";
import { centralAccountSection } from "./central-account";
import { tiersThatCopy } from "./central-backup";
import { managementAccountSection } from "./management-account";

export const organizationBackupSchema = z.strictObject({
    /**
     * managed: this program enables trusted access for backup.amazonaws.com (aws.organizations.AwsServiceAccess);
     * external: it is enabled elsewhere, e.g. in an aws.organizations.Organization you manage, whose
     * awsServiceAccessPrincipals would otherwise fight over the same list.
     */
    trustedAccess: z.enum(["managed", "external"], { error: 'trustedAccess must be "managed" or "external"' }).default("managed"),
    /** Register the central account as AWS Backup's delegated administrator (default true). */
    delegatedAdministrator: z.boolean().default(true),
    /** Let accounts copy backups to other accounts of the organization (default true; copies to the central account need it). */
    crossAccountBackup: z.boolean().default(true),
    /** Multi-party approval for logically air-gapped vaults (default false). */
    multiPartyApproval: z.boolean().default(false),
});

export type OrganizationBackupConfig = z.infer<typeof organizationBackupSchema>;

const DEFAULTS: OrganizationBackupConfig = organizationBackupSchema.parse({});

export const organizationBackupSection = {
    ...valueSection("organizationBackup", organizationBackupSchema.optional()),
    check(env: SectionEnvironment) {
        const config = env.get(organizationBackupSection) ?? DEFAULTS;
        const copying = [...tiersThatCopy(env)];
        if (!config.crossAccountBackup && copying.length > 0) {
            env.collector.error(
                "organizationBackup.crossAccountBackup",
                `tiers ${copying.join(", ")} copy into the central account, which needs cross-account backup turned on (AWS Backup UpdateGlobalSettings isCrossAccountBackupEnabled)`,
            );
        }
        // Organizations refuses to make the management account a delegated administrator of itself.
        // https://docs.aws.amazon.com/organizations/latest/APIReference/API_RegisterDelegatedAdministrator.html
        const central = env.get(centralAccountSection);
        const management = env.get(managementAccountSection);
        if (config.delegatedAdministrator && central && management && central.id === management.id) {
            env.collector.error(
                "organizationBackup.delegatedAdministrator",
                "the central account is the management account, which cannot be registered as a delegated administrator; set delegatedAdministrator: false",
            );
        }
    },
};

/**
 * Every flag UpdateGlobalSettings takes is sent, so the provider shows no permanent diff for one left out.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateGlobalSettings.html
 */
export function buildOrganizationBackup(env: SectionEnvironment): OrganizationBackupModel {
    const config = env.get(organizationBackupSection) ?? DEFAULTS;
    const flag = (value: boolean) => (value ? "true" : "false");
    return {
        manageTrustedAccess: config.trustedAccess === "managed",
        ...(config.delegatedAdministrator ? { delegatedAdministratorAccountId: env.get(centralAccountSection)!.id } : {}),
        globalSettings: {
            isCrossAccountBackupEnabled: flag(config.crossAccountBackup),
            isMpaEnabled: flag(config.multiPartyApproval),
            isDelegatedAdministratorEnabled: flag(config.delegatedAdministrator),
        },
    };
}
