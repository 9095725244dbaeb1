import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { AuditModel } from "../config/model";
import {
    configDeliveryPolicy,
    configRecorderManagedPolicyArn,
    configRecorderTrustPolicy,
    reportBucketPolicy,
    reportKeyPolicy,
    serializePolicy,
} from "../policies";
import { KEY_DELETION_WINDOW_DAYS } from "./backup-key";

/** Arguments of a {@link BackupAudit}. */
export interface BackupAuditArgs {
    /** Framework, report plans, report bucket and recorder settings, resolved from config. */
    audit: AuditModel;
    /** Permissions boundary the role carries (the deployment role may only create roles that carry it). */
    permissionsBoundaryArn: string;
    /** The central account, which holds all of it. */
    accountId: string;
    partition: string;
    /** ARN of the role deployments run as, which maintains the report key. */
    deploymentRoleArn: string;
    tags: Record<string, string>;
}

/** Key prefix of AWS Config's deliveries in the report bucket, beside Audit Manager's `Backup/` reports. */
export const CONFIG_DELIVERY_PREFIX = "config";

/**
 * Backup Audit Manager in the central account: a framework of the configured controls, report plans that deliver job
 * reports for the whole organization and compliance reports for the framework, and the report bucket (encrypted with
 * its own key, versioned, public access blocked, protected). With `configRecorder: create`, also the AWS Config
 * recorder that the controls are evaluated from.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/aws-backup-audit-manager.html
 */
export class BackupAudit extends pulumi.ComponentResource {
    public readonly bucketArn: pulumi.Output<string>;
    public readonly frameworkArn?: pulumi.Output<string>;

    constructor(name: string, args: BackupAuditArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("audit", "BackupAudit"), name, {}, opts);
        const { audit, partition, accountId, tags } = args;
        const region = audit.region;
        const key = new aws.kms.Key(
            `${name}-reports-key`,
            {
                region,
                description: `Encrypts AWS Backup audit reports in account ${accountId}`,
                enableKeyRotation: true,
                deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
                policy: serializePolicy(reportKeyPolicy({ partition, accountId, region, deploymentRoleArn: args.deploymentRoleArn })),
                tags,
            },
            // Losing the key makes every report unreadable.
            { parent: this, protect: true, retainOnDelete: true },
        );
        new aws.kms.Alias(`${name}-reports-key-alias`, { region, name: audit.reportKeyAliasName, targetKeyId: key.keyId }, { parent: this });
        const bucket = new aws.s3.Bucket(
            `${name}-report-bucket`,
            { region, bucket: audit.reportBucket.name, forceDestroy: false, tags },
            { parent: this, protect: true, retainOnDelete: true },
        );
        // ACLs off: the bucket owns every object, including reports written with bucket-owner-full-control.
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-report-bucket-ownership`,
            { region, bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
            { parent: this },
        );
        new aws.s3.BucketVersioning(
            `${name}-report-bucket-versioning`,
            { region, bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
            { parent: this },
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-report-bucket-encryption`,
            {
                region,
                bucket: bucket.bucket,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
            },
            { parent: this },
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-report-bucket-public-access`,
            { region, bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        const policy = new aws.s3.BucketPolicy(
            `${name}-report-bucket-policy`,
            { region, bucket: bucket.bucket, policy: serializePolicy(reportBucketPolicy({ bucketArn: audit.reportBucket.arn, partition, accountId })) },
            { parent: this, dependsOn: [publicAccess, ownership] },
        );

        const recorder = audit.configRecorder === "create" ? this.configRecorder(name, args, bucket, key) : undefined;
        const framework =
            audit.controls.length > 0
                ? new aws.backup.Framework(
                      `${name}-framework`,
                      {
                          region,
                          name: audit.frameworkName,
                          description: "Backup platform controls",
                          controls: audit.controls.map((control) => ({
                              name: control.name,
                              inputParameters: Object.entries(control.inputParameters).map(([parameter, value]) => ({ name: parameter, value })),
                          })),
                          tags,
                      },
                      { parent: this, dependsOn: recorder ? [recorder] : [] },
                  )
                : undefined;
        for (const plan of audit.reportPlans) {
            const compliance = plan.template.endsWith("_COMPLIANCE_REPORT");
            const crossRegion = !compliance && audit.reportAccounts.length > 0;
            new aws.backup.ReportPlan(
                `${name}-${plan.name.replace(/_/g, "-")}`,
                {
                    region,
                    name: plan.name,
                    description: `Backup platform ${plan.template.toLowerCase().replace(/_/g, " ")}`,
                    // Reports across regions come in CSV only; single-region reports also in JSON.
                    // https://docs.aws.amazon.com/aws-backup/latest/devguide/create-report-plan-console.html
                    reportDeliveryChannel: { s3BucketName: bucket.bucket, formats: crossRegion ? ["CSV"] : ["CSV", "JSON"] },
                    // Job reports cover the organization's accounts and regions; compliance reports cover the framework.
                    // https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ReportSetting.html
                    reportSetting: compliance
                        ? { reportTemplate: plan.template, frameworkArns: framework ? [framework.arn] : [] }
                        : { reportTemplate: plan.template, ...(crossRegion ? { accounts: audit.reportAccounts, regions: audit.reportRegions } : {}) },
                    tags,
                },
                { parent: this, dependsOn: [policy] },
            );
        }
        this.bucketArn = bucket.arn;
        this.frameworkArn = framework?.arn;
        this.registerOutputs({ bucketArn: this.bucketArn, frameworkArn: this.frameworkArn });
    }

    /**
     * An AWS Config recorder of every supported resource type in the audit region, delivering to the report bucket:
     * Audit Manager evaluates its controls from AWS Config's records.
     * https://docs.aws.amazon.com/aws-backup/latest/devguide/turning-on-resource-tracking.html
     */
    private configRecorder(name: string, args: BackupAuditArgs, bucket: aws.s3.Bucket, key: aws.kms.Key): aws.cfg.RecorderStatus {
        const { audit, accountId, partition, tags } = args;
        const region = audit.region;
        const role = new aws.iam.Role(
            `${name}-config-recorder-role`,
            {
                name: audit.configRecorderRole.name,
                description: "Assumed by AWS Config to record resources for AWS Backup Audit Manager",
                assumeRolePolicy: serializePolicy(configRecorderTrustPolicy(accountId)),
                inlinePolicies: [
                    {
                        name: "deliver-to-report-bucket",
                        policy: key.arn.apply((reportKeyArn) =>
                            serializePolicy(
                                configDeliveryPolicy({ bucketArn: audit.reportBucket.arn, keyPrefix: CONFIG_DELIVERY_PREFIX, accountId, reportKeyArn }),
                            ),
                        ),
                    },
                ],
                permissionsBoundary: args.permissionsBoundaryArn,
                tags,
            },
            { parent: this },
        );
        const attachment = new aws.iam.RolePolicyAttachment(
            `${name}-config-recorder-AWS_ConfigRole`,
            { role: role.name, policyArn: configRecorderManagedPolicyArn(partition) },
            { parent: this },
        );
        const recorder = new aws.cfg.Recorder(
            `${name}-config-recorder`,
            { region, name: "default", roleArn: role.arn, recordingGroup: { allSupported: true, includeGlobalResourceTypes: false } },
            { parent: this, dependsOn: [attachment] },
        );
        const channel = new aws.cfg.DeliveryChannel(
            `${name}-config-delivery`,
            { region, name: "default", s3BucketName: bucket.bucket, s3KeyPrefix: CONFIG_DELIVERY_PREFIX, s3KmsKeyArn: key.arn },
            { parent: this, dependsOn: [recorder] },
        );
        return new aws.cfg.RecorderStatus(
            `${name}-config-recorder-status`,
            { region, name: recorder.name, isEnabled: true },
            { parent: this, dependsOn: [channel] },
        );
    }
}
