/**
 * Where an Organizations policy is attached, as config writes it: the root, OUs by their key under
 * `organizationalUnits`, and accounts by id (a workload account or the central account). Resolved to ids for the
 * model, with every unknown reference reported.
 */
import { z } from "zod";
import { accountId } from "./common";
import { PolicyTargetModel } from "./model";
import { SectionEnvironment, unknownReference } from "./section";
import { accountsSection } from "./sections/accounts";
import { centralAccountSection } from "./sections/central-account";
import { managementAccountSection } from "./sections/management-account";
import { organizationSection } from "./sections/organization";
import { organizationalUnitsSection } from "./sections/organizational-units";

export const policyTargetsSchema = z
    .strictObject({
        /** Attach to the organization's root: every account under it inherits the policy. */
        root: z.boolean().default(false),
        /** Keys under `organizationalUnits`. */
        organizationalUnits: z.array(z.string()).default([]),
        /** Account ids: workload accounts or the central account. */
        accounts: z.array(accountId).default([]),
    })
    .refine((targets) => targets.root || targets.organizationalUnits.length > 0 || targets.accounts.length > 0, {
        error: "name at least one target: root: true, organizationalUnits or accounts",
    });

export type PolicyTargetsConfig = z.infer<typeof policyTargetsSchema>;

/**
 * The targets of one policy, resolved. `policyKind` words the messages; `management` says what to do when config names
 * the management account: SCPs never apply there, so that is an error for them.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 */
export function resolvePolicyTargets(
    env: SectionEnvironment,
    targets: PolicyTargetsConfig,
    path: string,
    options: { policyKind: string; managementAccountAllowed: boolean },
): PolicyTargetModel[] {
    const resolved: PolicyTargetModel[] = [];
    const organization = env.get(organizationSection);
    if (targets.root && organization) resolved.push({ kind: "root", id: organization.rootId, label: "root" });
    const ous = env.get(organizationalUnitsSection) ?? { parsed: new Map(), present: new Map() };
    targets.organizationalUnits.forEach((key, index) => {
        if (!ous.present.has(key)) {
            env.collector.error(
                `${path}.organizationalUnits[${index}]`,
                unknownReference("organizational unit", key, ous.present.keys(), "organizationalUnits"),
            );
            return;
        }
        const ou = ous.parsed.get(key);
        if (ou) resolved.push({ kind: "organizationalUnit", id: ou.id, label: key });
    });
    const workload = new Map((env.get(accountsSection) ?? []).map((entry) => [entry.value.id, entry.value.alias]));
    const central = env.get(centralAccountSection);
    const management = env.get(managementAccountSection);
    targets.accounts.forEach((id, index) => {
        const at = `${path}.accounts[${index}]`;
        if (management && id === management.id) {
            if (options.managementAccountAllowed) resolved.push({ kind: "account", id, label: management.alias });
            else env.collector.error(at, `${id} is the management account, where ${options.policyKind} have no effect (AWS Organizations); remove it`);
            return;
        }
        const alias = central && id === central.id ? central.alias : workload.get(id);
        if (alias === undefined) {
            env.collector.error(at, unknownReference("account", id, [...workload.keys(), ...(central ? [central.id] : [])], "accounts and centralAccount"));
            return;
        }
        resolved.push({ kind: "account", id, label: alias });
    });
    const seen = new Set<string>();
    return resolved.filter((target) => {
        if (seen.has(target.id)) {
            env.collector.error(path, `${target.label} (${target.id}) is listed more than once`);
            return false;
        }
        seen.add(target.id);
        return true;
    });
}

/** How a target reads in a message: `OU prod-eu (ou-k9x8-prodeu001)`. */
export function describeTarget(target: PolicyTargetModel): string {
    switch (target.kind) {
        case "root":
            return `the root (${target.id})`;
        case "organizationalUnit":
            return `OU ${target.label} (${target.id})`;
        case "account":
            return `account ${target.label} (${target.id})`;
    }
}
