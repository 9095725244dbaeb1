/**
 * Every config section, in the order their findings are reported. A new section is a new file in this folder and a
 * line here.
 */
import { ConfigSection } from "../section";
import { accountsSection } from "./accounts";
import { resourceTypesSection } from "./backup-resource-types";
import { bootstrapSection } from "./bootstrap";
import { centralAccountSection } from "./central-account";
import { managementAccountSection } from "./management-account";
import { organizationSection } from "./organization";
import { organizationalUnitsSection } from "./organizational-units";
import { breakGlassRoleNameSection, deploymentRoleNameSection, namePrefixSection, scopeSection, tagsSection } from "./settings";
import { restoreTestingSection } from "./restore-testing";
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
    restoreTestingSection,
] as ReadonlyArray<ConfigSection<unknown>>;

export const SECTION_KEYS: readonly string[] = SECTIONS.map((section) => section.key);
