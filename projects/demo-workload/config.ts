/**
 * The demo workload's config: a stack file whose keys are in the `backup-demo:` namespace (its own Pulumi project,
 * projects/demo-workload/Pulumi.yaml). Validated like the platform's, every problem at once with its config path.
 */
import { z } from "zod";
import * as rules from "../../config/aws-rules";
import { accountAlias, accountId, ec2Id, region, tagMap, tagValue } from "../../config/common";
import { Finding, FindingCollector } from "../../config/findings";
import { parseWith } from "../../config/section";

/** The demo's Pulumi project name, which is also its config namespace. */
export const DEMO_PROJECT = "backup-demo";

const regionSchema = z.strictObject({
    /** Subnet of the demo instance; landing zones often have no default VPC. */
    subnetId: ec2Id("subnet", "a subnet id").optional(),
    securityGroupIds: z.array(ec2Id("sg", "a security group id")).optional(),
});

export const demoSchema = z.strictObject({
    /** The sandbox workload account the demo is deployed into. */
    account: z.strictObject({
        id: accountId,
        alias: accountAlias,
        /** Role the deployment assumes there (e.g. the platform's deployment role); ambient credentials when absent. */
        deploymentRoleArn: z
            .string()
            .superRefine((arn, ctx) => {
                const problem = rules.trustedPrincipalProblem(arn);
                if (problem) ctx.addIssue({ code: "custom", message: `${JSON.stringify(arn)}: ${problem}` });
            })
            .optional(),
    }),
    /** Prefix of the demo's names (bucket, table, instance Name tag). */
    namePrefix: z.string().regex(/^[a-z0-9][a-z0-9-]{1,20}$/, { error: "namePrefix is 2-21 lowercase letters, digits and hyphens" }),
    /** Regions and their network settings; the walkthrough uses two. */
    regions: z
        .record(z.string(), regionSchema)
        .superRefine((map, ctx) => {
            for (const key of Object.keys(map)) {
                const checked = region.safeParse(key);
                if (!checked.success) ctx.addIssue({ code: "custom", path: [key], message: checked.error.issues[0].message });
            }
        })
        .refine((map) => Object.keys(map).length > 0, { error: "name at least one region" }),
    /** EC2 instance type of the demo instances. */
    instanceType: z
        .string()
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "instanceType looks like t3.micro" })
        .default("t3.micro"),
    /** Size of the extra EBS volume attached to each instance, GiB (gp3: 1-16,384). https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html */
    volumeSizeGiB: z.int().min(1).max(16_384, { error: "a gp3 volume holds at most 16,384 GiB" }).default(8),
    /** Tag key the platform's tiers select on, and the tier each kind of resource carries. */
    tierTagKey: z.string().default("backup-tier"),
    tiers: z
        .strictObject({ instances: tagValue, volumes: tagValue, table: tagValue, bucket: tagValue })
        .default({ instances: "daily", volumes: "daily", table: "weekly", bucket: "daily" }),
    /** Tags on every demo resource. */
    tags: tagMap.default({}),
});

export type DemoConfig = z.infer<typeof demoSchema>;

export interface DemoRegionModel {
    region: string;
    bucketName: string;
    tableName: string;
    subnetId?: string;
    securityGroupIds?: string[];
}

export interface DemoModel {
    stack: string;
    partition: string;
    account: { id: string; alias: string; deploymentRoleArn?: string; homeRegion: string };
    instanceType: string;
    volumeSizeGiB: number;
    tierTagKey: string;
    tiers: DemoConfig["tiers"];
    tags: Record<string, string>;
    regions: DemoRegionModel[];
}

/** Validates the demo's config values (keys without the namespace); the model only when there is no error. */
export function validateDemo(stack: string, values: Record<string, unknown>): { model?: DemoModel; findings: Finding[] } {
    const collector = new FindingCollector();
    const config = parseWith(collector, demoSchema, values, []);
    if (!config) return { findings: collector.findings };
    const regions = Object.keys(config.regions);
    const partitions = new Set(regions.map((r) => rules.partitionOf(r)));
    if (partitions.size > 1) collector.error("regions", `regions span several AWS partitions (${[...partitions].join(", ")})`);
    const model: DemoModel = {
        stack,
        partition: rules.partitionOf(regions[0]),
        account: { ...config.account, homeRegion: regions[0] },
        instanceType: config.instanceType,
        volumeSizeGiB: config.volumeSizeGiB,
        tierTagKey: config.tierTagKey,
        tiers: config.tiers,
        tags: { ...config.tags, [`${DEMO_PROJECT}:stack`]: stack },
        regions: regions.map((r) => ({
            region: r,
            bucketName: `${config.namePrefix}-${config.account.id}-${r}`,
            tableName: `${config.namePrefix}-orders`,
            ...config.regions[r],
        })),
    };
    for (const stamp of model.regions) {
        const bucketProblem = rules.bucketNameProblem(stamp.bucketName);
        if (bucketProblem) collector.error("namePrefix", `bucket name ${JSON.stringify(stamp.bucketName)} ${bucketProblem}`);
        if (!stamp.subnetId) {
            collector.warning(`regions.${stamp.region}`, "no subnetId: the instance starts in the default VPC, which landing zones often lack");
        }
    }
    return collector.hasErrors() ? { findings: collector.findings } : { model, findings: collector.findings };
}
