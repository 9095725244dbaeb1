/**
 * One table of the Pulumi resource types the platform creates: the offline runtime forms their ids and ARNs from it,
 * the plan summary names them from it, and the tests and the deployment-role policy enumerate them from it. A new
 * type is one entry here. Plain data: nothing here imports Pulumi.
 */

/** What the offline runtime knows when it answers a registration. */
export interface OfflineContext {
    /** Logical name. */
    name: string;
    inputs: Record<string, any>;
    account: string;
    region: string;
    partition: string;
}

export interface ResourceType {
    token: string;
    /** Short name for the plan summary, e.g. "vault". */
    short: string;
    /** Global resources (IAM, Organizations, StackSet instances' parent StackSet is regional) have no region of their own. */
    global: boolean;
    /** The id and computed outputs the cloud would return; by default id `<name>-id` and the inputs as state. */
    offline?: (context: OfflineContext) => { id: string; state: Record<string, unknown> };
}

/** Tokens as constants, so programs and tests never spell them twice. */
export const TYPE = {
    key: "aws:kms/key:Key",
    alias: "aws:kms/alias:Alias",
    vault: "aws:backup/vault:Vault",
    vaultPolicy: "aws:backup/vaultPolicy:VaultPolicy",
    vaultLock: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    vaultNotifications: "aws:backup/vaultNotifications:VaultNotifications",
    plan: "aws:backup/plan:Plan",
    selection: "aws:backup/selection:Selection",
    regionSettings: "aws:backup/regionSettings:RegionSettings",
    role: "aws:iam/role:Role",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    stackSet: "aws:cloudformation/stackSet:StackSet",
    stackSetInstance: "aws:cloudformation/stackSetInstance:StackSetInstance",
    organizationsPolicy: "aws:organizations/policy:Policy",
    organizationsPolicyAttachment: "aws:organizations/policyAttachment:PolicyAttachment",
    bucket: "aws:s3/bucket:Bucket",
    bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucketVersioning: "aws:s3/bucketVersioning:BucketVersioning",
    bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketLifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    bucketNotification: "aws:s3/bucketNotification:BucketNotification",
    bucketIntelligentTiering: "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration",
    bucketObjectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    bucketReplication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    schedule: "aws:scheduler/schedule:Schedule",
    /** @pulumi/aws-native: @pulumi/aws has no AWS Backup tiering configuration. */
    backupTiering: "aws-native:backup:TieringConfiguration",
    airGappedVault: "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault",
    framework: "aws:backup/framework:Framework",
    reportPlan: "aws:backup/reportPlan:ReportPlan",
    globalSettings: "aws:backup/globalSettings:GlobalSettings",
    serviceAccess: "aws:organizations/awsServiceAccess:AwsServiceAccess",
    delegatedAdministrator: "aws:organizations/delegatedAdministrator:DelegatedAdministrator",
    topic: "aws:sns/topic:Topic",
    topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
    eventBus: "aws:cloudwatch/eventBus:EventBus",
    eventBusPolicy: "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
    eventRule: "aws:cloudwatch/eventRule:EventRule",
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    bucketOwnershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    configRecorder: "aws:cfg/recorder:Recorder",
    configDeliveryChannel: "aws:cfg/deliveryChannel:DeliveryChannel",
    configRecorderStatus: "aws:cfg/recorderStatus:RecorderStatus",
    restoreTestingPlan: "aws:backup/restoreTestingPlan:RestoreTestingPlan",
    restoreTestingSelection: "aws:backup/restoreTestingSelection:RestoreTestingSelection",
    lambdaFunction: "aws:lambda/function:Function",
    lambdaPermission: "aws:lambda/permission:Permission",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    queue: "aws:sqs/queue:Queue",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    // The demo workload's (projects/demo-workload): what a sandbox account backs up.
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    instance: "aws:ec2/instance:Instance",
    ebsVolume: "aws:ebs/volume:Volume",
    volumeAttachment: "aws:ec2/volumeAttachment:VolumeAttachment",
    dynamodbTable: "aws:dynamodb/table:Table",
    dynamodbTableItem: "aws:dynamodb/tableItem:TableItem",
    bucketObject: "aws:s3/bucketObjectv2:BucketObjectv2",
    // The rollout pipeline's (projects/pipeline), in the tooling account.
    codePipeline: "aws:codepipeline/pipeline:Pipeline",
    codeBuildProject: "aws:codebuild/project:Project",
} as const;

const arnBase = (context: OfflineContext, service: string) => `arn:${context.partition}:${service}:${context.region}:${context.account}`;
const generatedId = (context: OfflineContext) => `${context.name}-id`;

export const RESOURCE_TYPES: readonly ResourceType[] = [
    {
        token: TYPE.key,
        short: "KMS key",
        global: false,
        offline: (c) => ({ id: generatedId(c), state: { ...c.inputs, keyId: generatedId(c), arn: `${arnBase(c, "kms")}:key/${generatedId(c)}` } }),
    },
    {
        token: TYPE.alias,
        short: "key alias",
        global: false,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `${arnBase(c, "kms")}:${c.inputs.name}` } }),
    },
    {
        token: TYPE.vault,
        short: "vault",
        global: false,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `${arnBase(c, "backup")}:backup-vault:${c.inputs.name}` } }),
    },
    { token: TYPE.vaultPolicy, short: "vault access policy", global: false },
    { token: TYPE.vaultLock, short: "vault lock", global: false },
    { token: TYPE.vaultNotifications, short: "vault notifications", global: false },
    {
        token: TYPE.plan,
        short: "backup plan",
        global: false,
        offline: (c) => ({ id: generatedId(c), state: { ...c.inputs, arn: `${arnBase(c, "backup")}:backup-plan:${generatedId(c)}`, version: "1" } }),
    },
    { token: TYPE.selection, short: "selection", global: false },
    {
        token: TYPE.regionSettings,
        short: "region settings",
        global: false,
        offline: (c) => ({ id: c.region, state: { ...c.inputs } }),
    },
    {
        token: TYPE.role,
        short: "IAM role",
        global: true,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `arn:${c.partition}:iam::${c.account}:role/${c.inputs.name}` } }),
    },
    { token: TYPE.rolePolicyAttachment, short: "managed policy attachment", global: true },
    {
        token: TYPE.stackSet,
        short: "StackSet",
        global: false,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `${arnBase(c, "cloudformation")}:stackset/${c.inputs.name}:${generatedId(c)}` } }),
    },
    { token: TYPE.stackSetInstance, short: "StackSet instances", global: false },
    // AWS Organizations is a global service, managed from the management account; policy ids are `p-` and random.
    {
        token: TYPE.organizationsPolicy,
        short: "Organizations policy",
        global: true,
        offline: (c) => ({
            id: `p-${generatedId(c)}`,
            state: { ...c.inputs, arn: `arn:${c.partition}:organizations::${c.account}:policy/${String(c.inputs.type).toLowerCase()}/p-${generatedId(c)}` },
        }),
    },
    { token: TYPE.organizationsPolicyAttachment, short: "Organizations policy attachment", global: true },
    {
        token: TYPE.airGappedVault,
        short: "air-gapped vault",
        global: false,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `${arnBase(c, "backup")}:backup-vault:${c.inputs.name}` } }),
    },
    {
        token: TYPE.framework,
        short: "audit framework",
        global: false,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `${arnBase(c, "backup")}:framework:${c.inputs.name}-${generatedId(c)}` } }),
    },
    {
        token: TYPE.reportPlan,
        short: "report plan",
        global: false,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `${arnBase(c, "backup")}:report-plan:${c.inputs.name}` } }),
    },
    // AWS Backup's global settings and Organizations' settings belong to the account, not to a region.
    { token: TYPE.globalSettings, short: "AWS Backup global settings", global: true, offline: (c) => ({ id: c.account, state: { ...c.inputs } }) },
    { token: TYPE.serviceAccess, short: "trusted access", global: true, offline: (c) => ({ id: c.inputs.servicePrincipal, state: { ...c.inputs } }) },
    {
        token: TYPE.delegatedAdministrator,
        short: "delegated administrator",
        global: true,
        offline: (c) => ({ id: `${c.inputs.accountId}/${c.inputs.servicePrincipal}`, state: { ...c.inputs } }),
    },
    {
        token: TYPE.topic,
        short: "SNS topic",
        global: false,
        offline: (c) => ({ id: `${arnBase(c, "sns")}:${c.inputs.name}`, state: { ...c.inputs, arn: `${arnBase(c, "sns")}:${c.inputs.name}` } }),
    },
    { token: TYPE.topicSubscription, short: "topic subscription", global: false },
    {
        token: TYPE.eventBus,
        short: "event bus",
        global: false,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `${arnBase(c, "events")}:event-bus/${c.inputs.name}` } }),
    },
    { token: TYPE.eventBusPolicy, short: "event bus policy", global: false },
    {
        token: TYPE.eventRule,
        short: "event rule",
        global: false,
        offline: (c) => {
            const bus = c.inputs.eventBusName && c.inputs.eventBusName !== "default" ? `${c.inputs.eventBusName}/` : "";
            return { id: `${bus.replace("/", "|")}${c.inputs.name}`, state: { ...c.inputs, arn: `${arnBase(c, "events")}:rule/${bus}${c.inputs.name}` } };
        },
    },
    { token: TYPE.eventTarget, short: "event target", global: false },
    {
        // AWS Backup appends a random id to the plan's name in its ARN (Service Authorization Reference, restoreTestingPlan).
        token: TYPE.restoreTestingPlan,
        short: "restore testing plan",
        global: false,
        offline: (c) => ({
            id: c.inputs.name,
            state: { ...c.inputs, arn: `${arnBase(c, "backup")}:restore-testing-plan:${c.inputs.name}-${randomSuffix(c)}` },
        }),
    },
    { token: TYPE.restoreTestingSelection, short: "restore testing selection", global: false },
    { token: TYPE.rolePolicy, short: "IAM inline policy", global: true },
    {
        token: TYPE.lambdaFunction,
        short: "Lambda function",
        global: false,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `${arnBase(c, "lambda")}:function:${c.inputs.name}` } }),
    },
    { token: TYPE.lambdaPermission, short: "Lambda permission", global: false },
    {
        token: TYPE.logGroup,
        short: "log group",
        global: false,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `${arnBase(c, "logs")}:log-group:${c.inputs.name}` } }),
    },
    {
        token: TYPE.queue,
        short: "SQS queue",
        global: false,
        offline: (c) => ({
            id: `https://sqs.${c.region}.amazonaws.com/${c.account}/${c.inputs.name}`,
            state: { ...c.inputs, arn: `${arnBase(c, "sqs")}:${c.inputs.name}`, url: `https://sqs.${c.region}.amazonaws.com/${c.account}/${c.inputs.name}` },
        }),
    },
    { token: TYPE.queuePolicy, short: "SQS queue policy", global: false },
    {
        token: TYPE.metricAlarm,
        short: "CloudWatch alarm",
        global: false,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `${arnBase(c, "cloudwatch")}:alarm:${c.inputs.name}` } }),
    },
    // S3 buckets live in a region, but their names and ARNs are global.
    {
        token: TYPE.launchTemplate,
        short: "launch template",
        global: false,
        offline: (c) => ({
            id: `lt-${randomSuffix(c)}`,
            state: { ...c.inputs, arn: `${arnBase(c, "ec2")}:launch-template/lt-${randomSuffix(c)}`, latestVersion: 1 },
        }),
    },
    {
        token: TYPE.instance,
        short: "EC2 instance",
        global: false,
        offline: (c) => ({
            id: `i-${randomSuffix(c)}`,
            state: { ...c.inputs, arn: `${arnBase(c, "ec2")}:instance/i-${randomSuffix(c)}`, availabilityZone: `${c.region}a` },
        }),
    },
    {
        token: TYPE.ebsVolume,
        short: "EBS volume",
        global: false,
        offline: (c) => ({ id: `vol-${randomSuffix(c)}`, state: { ...c.inputs, arn: `${arnBase(c, "ec2")}:volume/vol-${randomSuffix(c)}` } }),
    },
    { token: TYPE.volumeAttachment, short: "volume attachment", global: false },
    {
        token: TYPE.dynamodbTable,
        short: "DynamoDB table",
        global: false,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `${arnBase(c, "dynamodb")}:table/${c.inputs.name}` } }),
    },
    { token: TYPE.dynamodbTableItem, short: "DynamoDB item", global: false },
    {
        token: TYPE.bucket,
        short: "S3 bucket",
        global: false,
        offline: (c) => ({ id: c.inputs.bucket, state: { ...c.inputs, arn: `arn:${c.partition}:s3:::${c.inputs.bucket}` } }),
    },
    { token: TYPE.bucketPublicAccessBlock, short: "public access block", global: false },
    { token: TYPE.bucketVersioning, short: "bucket versioning", global: false },
    { token: TYPE.bucketEncryption, short: "bucket encryption", global: false },
    { token: TYPE.bucketPolicy, short: "bucket policy", global: false },
    { token: TYPE.bucketLifecycle, short: "lifecycle rules", global: false },
    { token: TYPE.bucketNotification, short: "bucket notifications", global: false },
    { token: TYPE.bucketIntelligentTiering, short: "Intelligent-Tiering archive", global: false },
    { token: TYPE.bucketObjectLock, short: "Object Lock", global: false },
    { token: TYPE.bucketReplication, short: "replication", global: false },
    {
        token: TYPE.schedule,
        short: "schedule",
        global: false,
        offline: (c) => ({ id: `default/${c.inputs.name}`, state: { ...c.inputs, arn: `${arnBase(c, "scheduler")}:schedule/default/${c.inputs.name}` } }),
    },
    {
        token: TYPE.backupTiering,
        short: "backup tiering",
        global: false,
        offline: (c) => ({
            id: c.inputs.tieringConfigurationName,
            state: { ...c.inputs, tieringConfigurationArn: `${arnBase(c, "backup")}:tiering-configuration:${c.inputs.tieringConfigurationName}` },
        }),
    },
    { token: TYPE.bucketOwnershipControls, short: "bucket ownership controls", global: false },
    { token: TYPE.configRecorder, short: "AWS Config recorder", global: false, offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs } }) },
    { token: TYPE.configDeliveryChannel, short: "AWS Config delivery channel", global: false, offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs } }) },
    { token: TYPE.configRecorderStatus, short: "AWS Config recorder status", global: false },
    { token: TYPE.bucketObject, short: "S3 object", global: false },
    // A pipeline's ARN is `arn:<partition>:codepipeline:<region>:<account>:<name>`, a project's `...:project/<name>`.
    // https://docs.aws.amazon.com/codepipeline/latest/userguide/security_iam_service-with-iam.html
    // https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-access-control-identity-based.html
    {
        token: TYPE.codePipeline,
        short: "CodePipeline pipeline",
        global: false,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `${arnBase(c, "codepipeline")}:${c.inputs.name}` } }),
    },
    {
        token: TYPE.codeBuildProject,
        short: "CodeBuild project",
        global: false,
        offline: (c) => ({ id: c.inputs.name, state: { ...c.inputs, arn: `${arnBase(c, "codebuild")}:project/${c.inputs.name}` } }),
    },
];

/** A stable stand-in for the random part AWS adds to some ARNs, derived from the logical name. */
function randomSuffix(context: OfflineContext): string {
    let hash = 0;
    for (const char of context.name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    return hash.toString(36).padStart(6, "0").slice(-6);
}

const BY_TOKEN = new Map(RESOURCE_TYPES.map((type) => [type.token, type]));

/** The table entry of a type token, if the platform knows it. */
export function resourceType(token: string): ResourceType | undefined {
    return BY_TOKEN.get(token);
}

/** Pulumi's own type tokens. */
export const STACK_TYPE = "pulumi:pulumi:Stack";
export const PROVIDER_TYPE_PREFIX = "pulumi:providers:";

/** A resource that exists in AWS: a custom resource that is not a provider (components and the stack are not). */
export const isCloudResource = (resource: { custom: boolean; type: string }): boolean => resource.custom && !resource.type.startsWith(PROVIDER_TYPE_PREFIX);
