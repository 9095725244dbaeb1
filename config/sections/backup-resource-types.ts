/**
 * Which resource types AWS Backup protects in every workload and central account-region. AWS Backup backs up only the
 * types opted in per account and region, and accounts that started using it before a type existed (S3 arrived in
 * 2022) are not opted in to that type: tag-selected resources of that type are then skipped without an error.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
 * So the platform sets the opt-in of every type the region supports, on unless config turns it off, and full AWS
 * Backup management (DynamoDB cold storage and cross-account copies need it) per type.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/advanced-ddb-backup.html
 */
import { z } from "zod";
import { BACKUP_RESOURCE_TYPES, backupResourceTypesIn, fullManagementTypes } from "../backup-resource-type-data";
import { RegionSettingsModel } from "../model";
import { SectionEnvironment, valueSection } from "../section";
import { didYouMean } from "../suggest";

const typeNames = () => BACKUP_RESOURCE_TYPES.map((type) => type.name);

const typeName = z.string().refine((name) => typeNames().includes(name), {
    error: (issue) =>
        `${JSON.stringify(issue.input)} is not an AWS Backup resource type${didYouMean(String(issue.input), typeNames())} (known: ${typeNames().join(", ")})`,
});

export const resourceTypesSchema = z.strictObject({
    /** Resource types AWS Backup must not protect in any account-region of this environment. */
    optOut: z.array(typeName).default([]),
    /** Full AWS Backup management per type that supports it; on by default. */
    fullManagement: z
        .record(z.string(), z.boolean())
        .superRefine((map, ctx) => {
            for (const name of Object.keys(map)) {
                if (!fullManagementTypes().includes(name)) {
                    ctx.addIssue({
                        code: "custom",
                        path: [name],
                        message: `${JSON.stringify(name)} has no full-management setting${didYouMean(name, fullManagementTypes())} (types that have one: ${fullManagementTypes().join(", ")})`,
                    });
                }
            }
        })
        .default({}),
});

export type ResourceTypesConfig = z.infer<typeof resourceTypesSchema>;

export const resourceTypesSection = valueSection("resourceTypes", resourceTypesSchema.default({ optOut: [], fullManagement: {} }));

/** Whether a type is opted in (not turned off in config). */
export function optedIn(env: SectionEnvironment, type: string): boolean {
    return !(env.get(resourceTypesSection)?.optOut ?? []).includes(type);
}

/** The region settings of one region: every type the region supports, opted in unless turned off. */
export function regionSettingsIn(config: ResourceTypesConfig, region: string): RegionSettingsModel {
    const optIn = Object.fromEntries(backupResourceTypesIn(region).map((name) => [name, !config.optOut.includes(name)]));
    const fullManagement = Object.fromEntries(
        fullManagementTypes()
            .filter((name) => name in optIn)
            .map((name) => [name, config.fullManagement[name] ?? true]),
    );
    return { optIn, fullManagement };
}

/** Region settings by region, for every region of the environment. */
export function regionSettingsFor(env: SectionEnvironment): (region: string) => RegionSettingsModel {
    const config = env.get(resourceTypesSection) ?? { optOut: [], fullManagement: {} };
    return (region) => regionSettingsIn(config, region);
}
