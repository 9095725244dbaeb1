/**
 * The demo workload: in each region of one sandbox account, an EC2 instance with an extra EBS volume, a DynamoDB
 * table with a few items and a versioned S3 bucket with a few objects, each tagged with the tier the platform's plans
 * and restore tests select. Something real to back up, copy and restore on day one (README, "Restore testing").
 * Never part of the platform's scopes: it is its own Pulumi project.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DemoModel, DemoRegionModel } from "./config";

/**
 * The latest Amazon Linux 2023 AMI, resolved by EC2 at launch from the public SSM parameter, so the program needs no
 * lookup (the offline plan allows none) and no AMI id per region.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/create-launch-template.html#use-an-ssm-parameter-instead-of-an-ami-id
 */
const LATEST_AMAZON_LINUX = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

const SAMPLE_ITEMS = [
    { id: "order-1001", customer: "Ada", total: "42.50" },
    { id: "order-1002", customer: "Grace", total: "17.00" },
    { id: "order-1003", customer: "Linus", total: "99.90" },
];
const SAMPLE_OBJECTS: Record<string, string> = {
    "README.txt": "Demo data for the backup platform's restore tests.\n",
    "orders/2026-01.csv": "id,customer,total\norder-1001,Ada,42.50\norder-1002,Grace,17.00\n",
    "orders/2026-02.csv": "id,customer,total\norder-1003,Linus,99.90\n",
};

export interface DemoOutputs {
    account: string;
    regions: Record<
        string,
        { instanceId: pulumi.Output<string>; volumeId: pulumi.Output<string>; tableArn: pulumi.Output<string>; bucket: pulumi.Output<string> }
    >;
}

function demoRegion(model: DemoModel, stamp: DemoRegionModel, provider: aws.Provider) {
    const name = `${model.account.alias}-${stamp.region}-demo`;
    const region = stamp.region;
    const tier = (value: string) => ({ ...model.tags, [model.tierTagKey]: value });
    const opts = { provider };

    const template = new aws.ec2.LaunchTemplate(
        `${name}-template`,
        {
            region,
            namePrefix: `${name}-`,
            imageId: LATEST_AMAZON_LINUX,
            instanceType: model.instanceType,
            // IMDSv2 only. https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html
            metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeType: "gp3", volumeSize: 8, deleteOnTermination: "true" } }],
            tags: model.tags,
        },
        opts,
    );
    const instance = new aws.ec2.Instance(
        `${name}-instance`,
        {
            region,
            launchTemplate: { id: template.id, version: "$Latest" },
            subnetId: stamp.subnetId,
            vpcSecurityGroupIds: stamp.securityGroupIds,
            tags: { ...tier(model.tiers.instances), Name: `${name}-instance` },
        },
        opts,
    );
    const volume = new aws.ebs.Volume(
        `${name}-volume`,
        { region, availabilityZone: instance.availabilityZone, size: model.volumeSizeGiB, type: "gp3", encrypted: true, tags: tier(model.tiers.volumes) },
        opts,
    );
    new aws.ec2.VolumeAttachment(`${name}-attachment`, { region, deviceName: "/dev/sdf", instanceId: instance.id, volumeId: volume.id }, opts);

    const table = new aws.dynamodb.Table(
        `${name}-table`,
        {
            region,
            name: stamp.tableName,
            billingMode: "PAY_PER_REQUEST",
            hashKey: "id",
            attributes: [{ name: "id", type: "S" }],
            tags: tier(model.tiers.table),
        },
        opts,
    );
    for (const item of SAMPLE_ITEMS) {
        new aws.dynamodb.TableItem(
            `${name}-item-${item.id}`,
            {
                region,
                tableName: table.name,
                hashKey: "id",
                item: JSON.stringify({ id: { S: item.id }, customer: { S: item.customer }, total: { N: item.total } }),
            },
            opts,
        );
    }

    const bucket = new aws.s3.Bucket(`${name}-bucket`, { region, bucket: stamp.bucketName, tags: tier(model.tiers.bucket) }, opts);
    // AWS Backup backs up only versioned buckets. https://docs.aws.amazon.com/aws-backup/latest/devguide/s3-backups.html
    const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { region, bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
    new aws.s3.BucketPublicAccessBlock(
        `${name}-public-access-block`,
        { region, bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        opts,
    );
    for (const [key, content] of Object.entries(SAMPLE_OBJECTS)) {
        new aws.s3.BucketObjectv2(
            `${name}-object-${key.replace(/[^a-zA-Z0-9-]/g, "-")}`,
            { region, bucket: bucket.id, key, content, contentType: "text/plain", tags: model.tags },
            { ...opts, dependsOn: [versioning] },
        );
    }
    return { instanceId: instance.id, volumeId: volume.id, tableArn: table.arn, bucket: bucket.id };
}

export function deployDemoWorkload(model: DemoModel): DemoOutputs {
    const { account } = model;
    const provider = new aws.Provider(`${account.alias}-demo-aws`, {
        region: account.homeRegion as aws.Region,
        allowedAccountIds: [account.id],
        ...(account.deploymentRoleArn ? { assumeRoles: [{ roleArn: account.deploymentRoleArn, sessionName: `backup-demo-${model.stack}` }] } : {}),
        defaultTags: { tags: model.tags },
    });
    return {
        account: account.id,
        regions: Object.fromEntries(model.regions.map((stamp) => [stamp.region, demoRegion(model, stamp, provider)])),
    };
}
