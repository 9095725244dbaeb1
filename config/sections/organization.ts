/**
 * The AWS Organization: its id and root id.
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { valueSection } from "../section";

export const organizationSchema = z.strictObject({
    id: z.string().regex(rules.ORGANIZATION_ID, {
        error: (issue) => `${JSON.stringify(issue.input)} is not an organization id ("o-" and 10-32 lowercase letters or digits)`,
    }),
    rootId: z.string().regex(rules.ROOT_ID, {
        error: (issue) => `${JSON.stringify(issue.input)} is not a root id ("r-" and 4-32 lowercase letters or digits)`,
    }),
});

export type OrganizationConfig = z.infer<typeof organizationSchema>;

export const organizationSection = valueSection("organization", organizationSchema);
