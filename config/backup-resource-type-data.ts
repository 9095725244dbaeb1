/**
 * Which resource types AWS Backup supports in which Region, as the keys of `ResourceTypeOptInPreference`
 * (Pulumi `aws.backup.RegionSettings.resourceTypeOptInPreference`), kept offline so RegionSettings can be planned without
 * calling DescribeRegionSettings in every account-region.
 *
 * The set has to be exact, in both directions:
 *
 * 1. A type the Region does not support makes UpdateRegionSettings fail: `InvalidParameterValueException: Element present in
 *    resource type opt in preference has invalid values. Please use describeRegionSettings API to know the supported resource
 *    types`. Seen when one map was applied to us-west-1, which has no DocumentDB
 *    (https://github.com/hashicorp/terraform-provider-aws/issues/21801), and in https://github.com/boto/boto3/issues/3758.
 *    UpdateRegionSettings itself says "Use the DescribeRegionSettings API to determine the resource types that are
 *    supported" (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_UpdateRegionSettings.html).
 * 2. A type the Region does support but we leave out gives a diff on every run: the provider reads back the whole map that
 *    DescribeRegionSettings returns (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeRegionSettings.html).
 *
 * Hazard 1 fails an apply while hazard 2 only shows a diff, so where the documentation is silent we leave a type out.
 *
 * Source of the Region data: "Supported services by AWS Region" in
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html#supported-services-by-region.
 * That section names some types as available "in all Regions in which AWS Backup and the listed resource operates"
 * (encoded here as `partitions`) and gives a per-Region table for the rest (encoded as `only`). This file follows the
 * version of the page whose table has the "Amazon RDS Multi-AZ" and "Amazon Redshift Serverless" columns. The RDS Multi-AZ
 * column is not listed below because Multi-AZ is covered by the "RDS" key.
 *
 * Type names: https://docs.aws.amazon.com/aws-backup/latest/devguide/API_GetSupportedResourceTypes.html lists Aurora,
 * CloudFormation, DocumentDB, DynamoDB, EBS, EC2, EFS, EKS, FSx, Neptune, RDS, Redshift, S3, "SAP HANA on Amazon EC2",
 * "Storage Gateway", Timestream and VirtualMachine. "DSQL" and "Redshift Serverless" are spelled as in the provider's
 * RegionSettings example (node_modules/@pulumi/aws/backup/regionSettings.d.ts, from
 * https://github.com/hashicorp/terraform-provider-aws/blob/main/website/docs/r/backup_region_settings.html.markdown).
 */
import { assertRegionInPartition, partitionOf } from "../policies/arn";

/** One AWS Backup resource type, as named in ResourceTypeOptInPreference. */
export interface BackupResourceType {
    /** Key in ResourceTypeOptInPreference, e.g. "S3", "SAP HANA on Amazon EC2". */
    name: string;
    /** Whether ResourceTypeManagementPreference accepts it (full AWS Backup management). */
    fullManagement: boolean;
    /** Where it is available: every region of the partitions listed, except `except`; or exactly `only`. */
    availability: { partitions: string[]; except?: string[] } | { only: string[] };
    /** The AWS page that says so (cite per type). */
    source: string;
}

const SUPPORTED_SERVICES_BY_REGION = "https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html#supported-services-by-region";

/**
 * Every Region that has a row in the "Supported services by AWS Region" table, in the table's order. All of them are in
 * the aws, aws-cn, aws-us-gov or aws-eusc partition. The table has no rows for the ISO partitions (us-iso-*, us-isob-*,
 * us-isof-*, eu-isoe-*), so no type is listed there.
 */
export const DOCUMENTED_REGIONS: readonly string[] = [
    "us-east-1", // US East (N. Virginia)
    "us-east-2", // US East (Ohio)
    "us-west-1", // US West (N. California)
    "us-west-2", // US West (Oregon)
    "af-south-1", // Africa (Cape Town)
    "ap-east-1", // Asia Pacific (Hong Kong)
    "ap-south-2", // Asia Pacific (Hyderabad)
    "ap-southeast-3", // Asia Pacific (Jakarta)
    "ap-southeast-5", // Asia Pacific (Malaysia)
    "ap-southeast-4", // Asia Pacific (Melbourne)
    "ap-south-1", // Asia Pacific (Mumbai)
    "ap-southeast-6", // Asia Pacific (New Zealand)
    "ap-northeast-3", // Asia Pacific (Osaka)
    "ap-northeast-2", // Asia Pacific (Seoul)
    "ap-southeast-1", // Asia Pacific (Singapore)
    "ap-southeast-2", // Asia Pacific (Sydney)
    "ap-east-2", // Asia Pacific (Taipei)
    "ap-southeast-7", // Asia Pacific (Thailand)
    "ap-northeast-1", // Asia Pacific (Tokyo)
    "ca-central-1", // Canada (Central)
    "ca-west-1", // Canada West (Calgary)
    "cn-north-1", // China (Beijing)
    "cn-northwest-1", // China (Ningxia)
    "eu-central-1", // Europe (Frankfurt)
    "eu-west-1", // Europe (Ireland)
    "eu-west-2", // Europe (London)
    "eu-south-1", // Europe (Milan)
    "eu-west-3", // Europe (Paris)
    "eu-south-2", // Europe (Spain)
    "eu-north-1", // Europe (Stockholm)
    "eu-central-2", // Europe (Zurich)
    "il-central-1", // Israel (Tel Aviv)
    "mx-central-1", // Mexico (Central)
    "me-south-1", // Middle East (Bahrain)
    "me-central-1", // Middle East (UAE)
    "sa-east-1", // South America (São Paulo)
    "us-gov-west-1", // AWS GovCloud (US-West)
    "us-gov-east-1", // AWS GovCloud (US-East)
    "eusc-de-east-1", // AWS European Sovereign Cloud (Germany)
];

function assertDocumented(regions: readonly string[]): void {
    const unknown = regions.filter((region) => !DOCUMENTED_REGIONS.includes(region));
    if (unknown.length > 0) {
        throw new Error(`Not a Region of the AWS Backup availability table: ${unknown.join(", ")}`);
    }
}

/** Regions with a check mark in a type's column, written out. */
function documented(...regions: string[]): string[] {
    assertDocumented(regions);
    return regions;
}

/** Every Region of the table except those whose cell is empty in the type's column. */
function documentedExcept(...blank: string[]): string[] {
    assertDocumented(blank);
    return DOCUMENTED_REGIONS.filter((region) => !blank.includes(region));
}

/**
 * Types that "Supported services by AWS Region" names as available in all Regions where AWS Backup and the service
 * operate. The aws-eusc partition is left out: AWS European Sovereign Cloud (Germany) has a row in the table, but
 * nothing in the documentation says which of these services run there.
 */
const ALL_REGIONS = ["aws", "aws-cn", "aws-us-gov"];

/** The commercial Regions where the table ticks both "SAP HANA on EC2 instances" and "VMware and Backup gateway". */
const SAP_HANA_AND_VMWARE_COMMERCIAL_REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-northeast-3",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-south-1",
    "eu-west-3",
    "eu-north-1",
    "me-south-1",
    "sa-east-1",
];

export const BACKUP_RESOURCE_TYPES: readonly BackupResourceType[] = [
    // "Aurora" in the all-Regions list.
    { name: "Aurora", fullManagement: false, availability: { partitions: ALL_REGIONS }, source: SUPPORTED_SERVICES_BY_REGION },
    // "AWS CloudFormation" in the all-Regions list. The provider's example puts CloudFormation in
    // resourceTypeManagementPreference, but the "Full management" column of the feature table does not tick it
    // (https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html#features-by-resource), so we do
    // not send it there.
    { name: "CloudFormation", fullManagement: false, availability: { partitions: ALL_REGIONS }, source: SUPPORTED_SERVICES_BY_REGION },
    // The page also names DocumentDB in the all-Regions list, but only where the service runs. The "Amazon DocumentDB" column
    // says where that is. For example, it is blank for US West (N. California), which fits the us-west-1 failure in
    // terraform-provider-aws issue 21801.
    {
        name: "DocumentDB",
        fullManagement: false,
        availability: { only: documentedExcept("us-west-1", "ap-east-2", "ca-west-1", "me-south-1", "us-gov-east-1", "eusc-de-east-1") },
        source: SUPPORTED_SERVICES_BY_REGION,
    },
    // "Aurora DSQL" column. The "Full management" column ticks Aurora DSQL, and the provider's example sets "DSQL" in
    // resourceTypeManagementPreference.
    {
        name: "DSQL",
        fullManagement: true,
        availability: {
            only: documented(
                "us-east-1",
                "us-east-2",
                "us-west-2",
                "ap-east-1",
                "ap-southeast-4",
                "ap-south-1",
                "ap-northeast-3",
                "ap-northeast-2",
                "ap-southeast-1",
                "ap-southeast-2",
                "ap-northeast-1",
                "ca-central-1",
                "ca-west-1",
                "eu-central-1",
                "eu-west-1",
                "eu-west-2",
                "eu-west-3",
                "eu-south-2",
                "eu-north-1",
                "sa-east-1",
            ),
        },
        source: SUPPORTED_SERVICES_BY_REGION,
    },
    // "DynamoDB" in the all-Regions list. Full management is the "advanced DynamoDB backup features" opt-in: "If
    // "DynamoDB":false, you can enable full AWS Backup management for DynamoDB backup"
    // (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeRegionSettings.html).
    { name: "DynamoDB", fullManagement: true, availability: { partitions: ALL_REGIONS }, source: SUPPORTED_SERVICES_BY_REGION },
    // "Amazon EBS" in the all-Regions list.
    { name: "EBS", fullManagement: false, availability: { partitions: ALL_REGIONS }, source: SUPPORTED_SERVICES_BY_REGION },
    // "Amazon EC2" in the all-Regions list.
    { name: "EC2", fullManagement: false, availability: { partitions: ALL_REGIONS }, source: SUPPORTED_SERVICES_BY_REGION },
    // "Amazon EFS" in the all-Regions list. The "Full management" column ticks EFS, and DescribeRegionSettings returns EFS
    // next to DynamoDB in ResourceTypeManagementPreference (the provider's acceptance test reads back exactly those two keys:
    // https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/backup/region_settings_test.go).
    { name: "EFS", fullManagement: true, availability: { partitions: ALL_REGIONS }, source: SUPPORTED_SERVICES_BY_REGION },
    // "Amazon EKS" column: blank for both China Regions.
    { name: "EKS", fullManagement: false, availability: { only: documentedExcept("cn-north-1", "cn-northwest-1") }, source: SUPPORTED_SERVICES_BY_REGION },
    // "Amazon FSx" column. Melbourne and GovCloud list "Windows; Lustre; ONTAP" and China lists "Windows; Lustre" instead of a
    // check mark. That still means FSx backup is offered there, so the key is listed.
    { name: "FSx", fullManagement: false, availability: { only: documentedExcept("ap-southeast-6", "eusc-de-east-1") }, source: SUPPORTED_SERVICES_BY_REGION },
    // "Amazon Neptune" column.
    {
        name: "Neptune",
        fullManagement: false,
        availability: { only: documentedExcept("ap-south-2", "ap-southeast-6", "ap-east-2", "ap-southeast-7", "eu-south-1", "mx-central-1", "eusc-de-east-1") },
        source: SUPPORTED_SERVICES_BY_REGION,
    },
    // "Amazon RDS" in the all-Regions list (Multi-AZ deployments are RDS too).
    { name: "RDS", fullManagement: false, availability: { partitions: ALL_REGIONS }, source: SUPPORTED_SERVICES_BY_REGION },
    // "Amazon Redshift" in the all-Regions list.
    { name: "Redshift", fullManagement: false, availability: { partitions: ALL_REGIONS }, source: SUPPORTED_SERVICES_BY_REGION },
    // "Amazon Redshift Serverless" column. The page also names it in the all-Regions list, but the column is blank for the
    // Regions below.
    {
        name: "Redshift Serverless",
        fullManagement: false,
        availability: { only: documentedExcept("ca-west-1", "me-south-1", "us-gov-west-1", "us-gov-east-1", "eusc-de-east-1") },
        source: SUPPORTED_SERVICES_BY_REGION,
    },
    // "Amazon S3" column: ticked in every Region of the table, China included (without cross-account copy). It is still
    // `only` and not `partitions`, so a Region newer than the table does not get it. The feature table ticks "Full
    // management" for S3, SAP HANA, Timestream, VMware and EKS. Their backups are always fully managed, and nothing
    // documents them as keys of ResourceTypeManagementPreference, so fullManagement is false for them.
    { name: "S3", fullManagement: false, availability: { only: documentedExcept() }, source: SUPPORTED_SERVICES_BY_REGION },
    // "SAP HANA on EC2 instances" column.
    {
        name: "SAP HANA on Amazon EC2",
        fullManagement: false,
        availability: {
            only: documented(...SAP_HANA_AND_VMWARE_COMMERCIAL_REGIONS),
        },
        source: SUPPORTED_SERVICES_BY_REGION,
    },
    // "Storage Gateway" column: blank only for the European Sovereign Cloud.
    { name: "Storage Gateway", fullManagement: false, availability: { only: documentedExcept("eusc-de-east-1") }, source: SUPPORTED_SERVICES_BY_REGION },
    // "Amazon Timestream" column.
    {
        name: "Timestream",
        fullManagement: false,
        availability: {
            only: documented(
                "us-east-1",
                "us-east-2",
                "us-west-2",
                "ap-south-1",
                "ap-southeast-2",
                "ap-northeast-1",
                "eu-central-1",
                "eu-west-1",
                "us-gov-west-1",
            ),
        },
        source: SUPPORTED_SERVICES_BY_REGION,
    },
    // "VMware and Backup gateway" column.
    {
        name: "VirtualMachine",
        fullManagement: false,
        availability: {
            only: documented(...SAP_HANA_AND_VMWARE_COMMERCIAL_REGIONS, "us-gov-west-1", "us-gov-east-1"),
        },
        source: SUPPORTED_SERVICES_BY_REGION,
    },
];

function isAvailableIn(type: BackupResourceType, region: string): boolean {
    const availability = type.availability;
    if ("only" in availability) {
        return availability.only.includes(region);
    }
    return availability.partitions.includes(partitionOf(region)) && !(availability.except ?? []).includes(region);
}

/**
 * Type names AWS Backup supports in a region, in table order. Unknown regions (newer than this table) get only the types
 * documented as available in every region of their partition.
 *
 * Throws if `region` is not shaped like a Region code, so a typo does not quietly get the all-Regions types. An empty result
 * (the ISO partitions, which the table does not cover) means no RegionSettings should be sent.
 */
export function backupResourceTypesIn(region: string): string[] {
    assertRegionInPartition(region, partitionOf(region));
    return BACKUP_RESOURCE_TYPES.filter((type) => isAvailableIn(type, region)).map((type) => type.name);
}

/**
 * Names that accept full management (for ResourceTypeManagementPreference). These are not filtered by Region: intersect
 * them with backupResourceTypesIn(region). DSQL, for example, is only available in some Regions.
 */
export function fullManagementTypes(): string[] {
    return BACKUP_RESOURCE_TYPES.filter((type) => type.fullManagement).map((type) => type.name);
}
