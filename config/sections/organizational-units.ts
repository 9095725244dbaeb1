/**
 * Organizational units that hold workload accounts, with the regions and tiers their accounts get by default.
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { regionList } from "../common";
import { mapSection } from "../section";

export const organizationalUnitSchema = z.strictObject({
    id: z.string().regex(rules.OU_ID, {
        error: (issue) => `${JSON.stringify(issue.input)} is not an OU id ("ou-", 4-32 characters, "-", 8-32 characters)`,
    }),
    /** Default regions for accounts in this OU. */
    regions: regionList.optional(),
    /** Default tiers for accounts in this OU. */
    tiers: z.array(z.string()).optional(),
});

export type OrganizationalUnitConfig = z.infer<typeof organizationalUnitSchema>;

export const organizationalUnitsSection = mapSection("organizationalUnits", organizationalUnitSchema);
