import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "../config/constants";
import { LifecycleTransitionModel, ProtectedBucketModel } from "../config/model";
import { bucketKeyPolicy, protectedBucketPolicy, replicationRolePolicy, s3ReplicationTrustPolicy, serializePolicy } from "../policies";
import { KEY_DELETION_WINDOW_DAYS } from "./backup-key";

/** Arguments of a {@link ProtectedBucket}. */
export interface ProtectedBucketArgs {
    /** The bucket, its replica and its backup coverage, resolved from config. */
    bucket: ProtectedBucketModel;
    /** Permissions boundary the role carries (the deployment role may only create roles that carry it). */
    permissionsBoundaryArn: string;
    /** Account the bucket lives in. */
    accountId: string;
    /** ARN partition of the account. */
    partition: string;
    /** ARN of the account's AWS Backup service role; pass the role's output so the keys wait for it. */
    backupRoleArn: pulumi.Input<string>;
    /** ARN of the role deployments run as, which maintains the keys and may change the bucket's protection. */
    deploymentRoleArn: string;
    /** ARN of the only role that may delete object versions for good. */
    breakGlassRoleArn: string;
    /** Tags for the keys and the replication role (the buckets carry `bucket.tags`). */
    tags: Record<string, string>;
}

/** The parts every protected bucket and replica share: a key of its own, the bucket, and its protection settings. */
interface Stored {
    bucket: aws.s3.Bucket;
    key: aws.kms.Key;
    versioning: aws.s3.BucketVersioning;
}

/**
 * A bucket for critical data, protected the way AWS recommends: versioned, encrypted with its own customer-managed
 * key and S3 Bucket Keys, public access blocked, TLS only, object versions deletable only by break-glass, lifecycle
 * rules, optional Intelligent-Tiering archive and Object Lock, EventBridge notifications, and a replica in another
 * region with its own key and replication role. AWS Backup picks it up through its tags (the model computes them so
 * exactly the listed tiers select it).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/s3-backups.html
 */
export class ProtectedBucket extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    public readonly arn: pulumi.Output<string>;
    public readonly keyArn: pulumi.Output<string>;
    public readonly replicaArn?: pulumi.Output<string>;

    constructor(name: string, args: ProtectedBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("s3", "ProtectedBucket"), name, {}, opts);
        const { bucket } = args;
        if (!opts?.provider && !(opts?.providers && Object.keys(opts.providers).length > 0)) {
            throw new Error(`ProtectedBucket ${name}: pass { provider } with the aws.Provider of account ${args.accountId}`);
        }
        const source = this.storedBucket(name, args, {
            region: bucket.region,
            name: bucket.name,
            arn: bucket.arn,
            keyAlias: bucket.keyAlias,
            accountRegional: bucket.accountRegionalNamespace,
            tags: bucket.tags,
        });
        const lifecycle = new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            { region: bucket.region, bucket: source.bucket.id, rules: lifecycleRules(bucket) },
            { parent: this, dependsOn: [source.versioning] },
        );
        if (bucket.eventBridge) {
            // Every event of the bucket goes to EventBridge in its region (AWS Backup uses the same notifications).
            // https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html
            new aws.s3.BucketNotification(`${name}-events`, { region: bucket.region, bucket: source.bucket.id, eventbridge: true }, { parent: this });
        }
        if (bucket.intelligentTiering) {
            // https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-managing.html
            const { archiveAccessDays, deepArchiveAccessDays } = bucket.intelligentTiering;
            new aws.s3.BucketIntelligentTieringConfiguration(
                `${name}-intelligent-tiering`,
                {
                    region: bucket.region,
                    bucket: source.bucket.id,
                    name: "archive",
                    status: "Enabled",
                    tierings: [
                        ...(archiveAccessDays !== undefined ? [{ accessTier: "ARCHIVE_ACCESS", days: archiveAccessDays }] : []),
                        ...(deepArchiveAccessDays !== undefined ? [{ accessTier: "DEEP_ARCHIVE_ACCESS", days: deepArchiveAccessDays }] : []),
                    ],
                },
                { parent: this },
            );
        }
        this.bucketName = source.bucket.bucket;
        this.arn = source.bucket.arn;
        this.keyArn = source.key.arn;

        const replication = bucket.replication;
        if (replication) {
            const replica = this.storedBucket(`${name}-replica`, args, {
                region: replication.region,
                name: replication.bucketName,
                arn: replication.bucketArn,
                keyAlias: replication.keyAlias,
                accountRegional: replication.accountRegionalNamespace,
                // Not the source's backup-selection tags: AWS Backup protects the source; the replica is its copy.
                tags: args.tags,
            });
            // Noncurrent versions and stale delete markers expire on the replica as on the source.
            new aws.s3.BucketLifecycleConfiguration(
                `${name}-replica-lifecycle`,
                {
                    region: replication.region,
                    bucket: replica.bucket.id,
                    rules: lifecycleRules({ ...bucket, lifecycle: { ...bucket.lifecycle, transitions: [] } }),
                },
                { parent: this, dependsOn: [replica.versioning] },
            );
            const role = new aws.iam.Role(
                `${name}-replication-role`,
                {
                    name: replication.roleName,
                    description: `Replicates ${bucket.name} to ${replication.bucketName}`,
                    assumeRolePolicy: serializePolicy(s3ReplicationTrustPolicy({ accountId: args.accountId, sourceBucketArn: bucket.arn })),
                    permissionsBoundary: args.permissionsBoundaryArn,
                    tags: args.tags,
                },
                { parent: this },
            );
            const rolePolicy = new aws.iam.RolePolicy(
                `${name}-replication-policy`,
                {
                    role: role.name,
                    name: "replicate",
                    policy: pulumi.all([source.key.arn, replica.key.arn]).apply(([sourceKeyArn, replicaKeyArn]) =>
                        serializePolicy(
                            replicationRolePolicy({
                                sourceBucketArn: bucket.arn,
                                replicaBucketArn: replication.bucketArn,
                                sourceKeyArn,
                                replicaKeyArn,
                                sourceRegion: bucket.region,
                                replicaRegion: replication.region,
                                objectLock: bucket.objectLock !== undefined,
                            }),
                        ),
                    ),
                },
                { parent: this },
            );
            // SSE-KMS objects replicate only when selected explicitly and given the replica's key; with a filter, delete
            // marker replication must be stated. https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
            // Replication Time Control needs its metrics, both at 15 minutes. https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html
            new aws.s3.BucketReplicationConfig(
                `${name}-replication`,
                {
                    region: bucket.region,
                    bucket: source.bucket.id,
                    role: role.arn,
                    rules: [
                        {
                            id: "replica",
                            status: "Enabled",
                            filter: {},
                            deleteMarkerReplication: { status: replication.replicateDeleteMarkers ? "Enabled" : "Disabled" },
                            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                            destination: {
                                bucket: replica.bucket.arn,
                                storageClass: replication.storageClass,
                                encryptionConfiguration: { replicaKmsKeyId: replica.key.arn },
                                ...(replication.replicationTimeControl
                                    ? {
                                          replicationTime: { status: "Enabled", time: { minutes: 15 } },
                                          metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
                                      }
                                    : {}),
                            },
                        },
                    ],
                },
                // Replication needs versioning on both buckets first; losing it would stop the replica silently.
                { parent: this, dependsOn: [source.versioning, replica.versioning, rolePolicy], retainOnDelete: true },
            );
            this.replicaArn = replica.bucket.arn;
        }
        this.registerOutputs({ bucketName: this.bucketName, arn: this.arn, keyArn: this.keyArn, replicaArn: this.replicaArn, lifecycle: lifecycle.id });
    }

    /** A bucket with its own key, versioning, encryption, public access block, policy and Object Lock. */
    private storedBucket(
        name: string,
        args: ProtectedBucketArgs,
        where: { region: string; name: string; arn: string; keyAlias: string; accountRegional: boolean; tags: Record<string, string> },
    ): Stored {
        const { bucket } = args;
        const region = where.region;
        const key = new aws.kms.Key(
            `${name}-key`,
            {
                region,
                description: `Encrypts S3 bucket ${where.name}`,
                enableKeyRotation: true,
                deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
                policy: pulumi.output(args.backupRoleArn).apply((backupRoleArn) =>
                    serializePolicy(
                        bucketKeyPolicy({
                            partition: args.partition,
                            accountId: args.accountId,
                            region,
                            backupRoleArn,
                            deploymentRoleArn: args.deploymentRoleArn,
                        }),
                    ),
                ),
                tags: args.tags,
            },
            // Losing the key makes every object in the bucket unreadable.
            { parent: this, protect: true, retainOnDelete: true },
        );
        new aws.kms.Alias(`${name}-key-alias`, { region, name: where.keyAlias, targetKeyId: key.keyId }, { parent: this });
        const stored = new aws.s3.Bucket(
            `${name}-bucket`,
            {
                region,
                bucket: where.name,
                // Only this account can ever create a name in its regional namespace.
                // https://docs.aws.amazon.com/AmazonS3/latest/userguide/gpbucketnamespaces.html
                bucketNamespace: where.accountRegional ? "account-regional" : undefined,
                forceDestroy: false,
                tags: where.tags,
            },
            { parent: this, protect: true, retainOnDelete: true },
        );
        new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access-block`,
            { region, bucket: stored.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        // Deleting the versioning resource would suspend versioning: keep it whatever happens to the program.
        const versioning = new aws.s3.BucketVersioning(
            `${name}-versioning`,
            { region, bucket: stored.id, versioningConfiguration: { status: "Enabled" } },
            { parent: this, retainOnDelete: true },
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                region,
                bucket: stored.id,
                // S3 Bucket Keys cut KMS requests (and cost) by using a bucket-level key for a time.
                // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
            },
            { parent: this, retainOnDelete: true },
        );
        new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                region,
                bucket: stored.id,
                policy: pulumi.output(args.backupRoleArn).apply((backupRoleArn) =>
                    serializePolicy(
                        protectedBucketPolicy({
                            bucketArn: where.arn,
                            breakGlassRoleArn: args.breakGlassRoleArn,
                            deploymentRoleArn: args.deploymentRoleArn,
                            backupRoleArn,
                        }),
                    ),
                ),
            },
            { parent: this },
        );
        if (bucket.objectLock) {
            // This resource turns Object Lock on for a new or an existing bucket; it can never be turned off, so the
            // configuration stays when the program drops it. A replica of a locked bucket is locked too.
            // https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
            const { mode, days, years } = bucket.objectLock;
            new aws.s3.BucketObjectLockConfiguration(
                `${name}-object-lock`,
                { region, bucket: stored.id, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode, days, years } } },
                { parent: this, dependsOn: [versioning], retainOnDelete: true },
            );
        }
        return { bucket: stored, key, versioning };
    }
}

/** The bucket's one lifecycle rule, for every object: transitions, noncurrent versions, uploads, delete markers.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html */
function lifecycleRules(bucket: ProtectedBucketModel): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
    const { lifecycle } = bucket;
    const byDays = (list: LifecycleTransitionModel[]) => list.map(({ days, storageClass }) => ({ days, storageClass }));
    return [
        {
            id: "protect",
            status: "Enabled",
            filter: {},
            transitions: lifecycle.transitions.length > 0 ? byDays(lifecycle.transitions) : undefined,
            noncurrentVersionTransitions:
                lifecycle.noncurrentTransitions.length > 0
                    ? lifecycle.noncurrentTransitions.map(({ days, storageClass }) => ({ noncurrentDays: days, storageClass }))
                    : undefined,
            noncurrentVersionExpiration: lifecycle.noncurrentExpirationDays !== undefined ? { noncurrentDays: lifecycle.noncurrentExpirationDays } : undefined,
            abortIncompleteMultipartUpload: { daysAfterInitiation: lifecycle.abortIncompleteMultipartUploadDays },
            expiration: lifecycle.expiredObjectDeleteMarkers ? { expiredObjectDeleteMarker: true } : undefined,
        },
    ];
}
