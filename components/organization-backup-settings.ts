import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { OrganizationBackupModel } from "../config/model";

/** Arguments of an {@link OrganizationBackupSettings}. */
export interface OrganizationBackupSettingsArgs {
    /** Trusted access, delegated administrator and global settings, resolved from config. */
    settings: OrganizationBackupModel;
}

/** AWS Backup's service principal in AWS Organizations. https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-backup.html */
export const BACKUP_SERVICE_PRINCIPAL = "backup.amazonaws.com";

/**
 * AWS Backup's organization-wide settings, which only the management account can make: trusted access for AWS Backup
 * (which is what lets the management account and the delegated administrator monitor jobs across accounts), the
 * central account as delegated administrator, and the global settings (cross-account backup among them).
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/manage-cross-account.html
 */
export class OrganizationBackupSettings extends pulumi.ComponentResource {
    constructor(name: string, args: OrganizationBackupSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("organization", "OrganizationBackupSettings"), name, {}, opts);
        const { settings } = args;
        // Trusted access for one service, without managing the whole aws.organizations.Organization (whose
        // awsServiceAccessPrincipals list must then leave backup.amazonaws.com to this resource, or the two fight).
        const access = settings.manageTrustedAccess
            ? new aws.organizations.AwsServiceAccess(`${name}-trusted-access`, { servicePrincipal: BACKUP_SERVICE_PRINCIPAL }, { parent: this })
            : undefined;
        const afterAccess = access ? [access] : [];
        if (settings.delegatedAdministratorAccountId) {
            new aws.organizations.DelegatedAdministrator(
                `${name}-delegated-administrator`,
                { accountId: settings.delegatedAdministratorAccountId, servicePrincipal: BACKUP_SERVICE_PRINCIPAL },
                { parent: this, dependsOn: afterAccess },
            );
        }
        // https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateGlobalSettings.html
        new aws.backup.GlobalSettings(`${name}-global-settings`, { globalSettings: { ...settings.globalSettings } }, { parent: this, dependsOn: afterAccess });
        this.registerOutputs({});
    }
}
