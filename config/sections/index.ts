/**
 * Every config section, in the order their findings are reported. A new section is a new file in this folder and a
 * line here.
 */
import { ConfigSection } from "../section";
import { accountsSection } from "./accounts";
import { alertsSection } from "./alerts";
import { auditSection } from "./audit";
import { resourceTypesSection } from "./backup-resource-types";
import { bootstrapSection } from "./bootstrap";
import { centralAccountSection } from "./central-account";
import { centralBackupSection } from "./central-backup";
import { managementAccountSection } from "./management-account";
import { organizationSection } from "./organization";
import { organizationBackupSection } from "./organization-backup";
import { organizationalUnitsSection } from "./organizational-units";
import { protectedBucketsSection } from "./protected-buckets";
import { rolloutSection } from "./rollout";
import { scheduledBackupsSection } from "./scheduled-backups";
import { breakGlassRoleNameSection, deploymentRoleNameSection, namePrefixSection, scopeSection, tagsSection } from "./settings";
import { planSourceSection } from "./plan-source";
import { restoreTestingSection } from "./restore-testing";
import { serviceControlPoliciesSection } from "./service-control-policies";
import { tierTagSection } from "./tier-tag";
import { tiersSection } from "./tiers";
import { vaultsSection } from "./vaults";

export const SECTIONS: ReadonlyArray<ConfigSection<unknown>> = [
    scopeSection,
    namePrefixSection,
    deploymentRoleNameSection,
    breakGlassRoleNameSection,
    tagsSection,
    organizationSection,
    managementAccountSection,
    centralAccountSection,
    bootstrapSection,
    resourceTypesSection,
    organizationalUnitsSection,
    accountsSection,
    vaultsSection,
    tiersSection,
    centralBackupSection,
    organizationBackupSection,
    alertsSection,
    auditSection,
    serviceControlPoliciesSection,
    tierTagSection,
    protectedBucketsSection,
    scheduledBackupsSection,
    rolloutSection,
    restoreTestingSection,
    // Last: its check proves the generated backup policies against everything else, once the rest is valid.
    planSourceSection,
] as ReadonlyArray<ConfigSection<unknown>>;

export const SECTION_KEYS: readonly string[] = SECTIONS.map((section) => section.key);
