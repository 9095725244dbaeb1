/**
 * S3 recovery: an object's versions, bringing back an overwritten or deleted object, restoring archived objects from
 * the Glacier classes, and reading from the replica when the source region is down.
 */
import {
    CopyObjectCommand,
    DeleteObjectCommand,
    GetObjectCommand,
    HeadObjectCommand,
    ListObjectVersionsCommand,
    ListObjectVersionsCommandOutput,
    RestoreObjectCommand,
    S3Client,
} from "@aws-sdk/client-s3";
import { attempt, EXIT, OpsError } from "./errors";
import { s3Config, Target } from "./clients";

export interface ObjectVersion {
    versionId: string;
    isLatest: boolean;
    deleteMarker: boolean;
    lastModified: Date;
    size?: number;
    storageClass?: string;
}

export interface ObjectRef extends Target {
    bucket: string;
    key: string;
}

const describe = (ref: ObjectRef, versionId?: string) => `s3://${ref.bucket}/${ref.key}${versionId ? ` (version ${versionId})` : ""}`;

/** Every version and delete marker of one key, newest first, across all pages of ListObjectVersions. */
export async function listVersions(ref: ObjectRef): Promise<ObjectVersion[]> {
    const client = new S3Client(s3Config(ref));
    const versions: ObjectVersion[] = [];
    await attempt(`listing versions of ${describe(ref)}`, async () => {
        // ListObjectVersions has no SDK paginator: follow its key and version-id markers. Prefix also matches longer
        // keys ("a" matches "ab"): keep the exact key only.
        let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
        for (;;) {
            const page: ListObjectVersionsCommandOutput = await client.send(new ListObjectVersionsCommand({ Bucket: ref.bucket, Prefix: ref.key, ...markers }));
            for (const version of page.Versions ?? []) {
                if (version.Key !== ref.key) continue;
                versions.push({
                    versionId: version.VersionId ?? "null",
                    isLatest: version.IsLatest === true,
                    deleteMarker: false,
                    lastModified: version.LastModified ?? new Date(0),
                    size: version.Size,
                    storageClass: version.StorageClass,
                });
            }
            for (const marker of page.DeleteMarkers ?? []) {
                if (marker.Key !== ref.key) continue;
                versions.push({
                    versionId: marker.VersionId ?? "null",
                    isLatest: marker.IsLatest === true,
                    deleteMarker: true,
                    lastModified: marker.LastModified ?? new Date(0),
                });
            }
            if (!page.IsTruncated) break;
            markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
        }
    });
    if (versions.length === 0)
        throw new OpsError(`${describe(ref)} has no versions: the key never existed in this bucket, or every version expired`, EXIT.notFound);
    return versions.sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime() || Number(b.isLatest) - Number(a.isLatest));
}

/** CopySource of one version: bucket/key?versionId=..., the key URL-encoded. */
const copySource = (bucket: string, key: string, versionId: string) =>
    `${bucket}/${encodeURIComponent(key).replace(/%2F/g, "/")}?versionId=${encodeURIComponent(versionId)}`;

/**
 * Makes an earlier version the current one again by copying it onto the key: a new version, so the history (and the
 * overwrite) stays, and it works under the bucket policy that keeps version deletion to break-glass.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/RestoringPreviousVersions.html
 */
export async function restoreVersion(ref: ObjectRef, versionId: string): Promise<{ newVersionId?: string }> {
    const versions = await listVersions(ref);
    const chosen = versions.find((version) => version.versionId === versionId);
    if (!chosen) {
        throw new OpsError(`${describe(ref)} has no version ${versionId}; run "s3 versions" to see the ${versions.length} it has`, EXIT.notFound);
    }
    if (chosen.deleteMarker)
        throw new OpsError(`version ${versionId} of ${describe(ref)} is a delete marker, not data; choose an older version`, EXIT.notFound);
    if (chosen.isLatest) throw new OpsError(`version ${versionId} is already the current version of ${describe(ref)}`, EXIT.failed);
    const client = new S3Client(s3Config(ref));
    const result = await attempt(`copying version ${versionId} onto ${describe(ref)}`, () =>
        client.send(new CopyObjectCommand({ Bucket: ref.bucket, Key: ref.key, CopySource: copySource(ref.bucket, ref.key, versionId) })),
    );
    return { newVersionId: result.VersionId };
}

/**
 * Brings back a deleted object. By default it copies the newest version that holds data onto the key (allowed to
 * operators; the delete marker stays in the history). With `removeMarker` it deletes the delete marker itself, which
 * is s3:DeleteObjectVersion and so, on a protected bucket, only the break-glass role may do.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManagingDelMarkers.html
 */
export async function undelete(ref: ObjectRef, options: { removeMarker?: boolean } = {}): Promise<{ restoredVersionId: string; action: string }> {
    const versions = await listVersions(ref);
    const latest = versions.find((version) => version.isLatest);
    if (!latest?.deleteMarker) throw new OpsError(`${describe(ref)} is not deleted: its current version is ${latest?.versionId ?? "unknown"}`, EXIT.failed);
    const data = versions.find((version) => !version.deleteMarker);
    if (!data) throw new OpsError(`${describe(ref)} has only delete markers; no version holds data to bring back`, EXIT.notFound);
    const client = new S3Client(s3Config(ref));
    if (options.removeMarker) {
        await attempt(`removing delete marker ${latest.versionId} of ${describe(ref)}`, () =>
            client.send(new DeleteObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: latest.versionId })),
        );
        return { restoredVersionId: data.versionId, action: `removed delete marker ${latest.versionId}` };
    }
    const result = await attempt(`copying version ${data.versionId} onto ${describe(ref)}`, () =>
        client.send(new CopyObjectCommand({ Bucket: ref.bucket, Key: ref.key, CopySource: copySource(ref.bucket, ref.key, data.versionId) })),
    );
    return { restoredVersionId: data.versionId, action: `copied version ${data.versionId} as new version ${result.VersionId ?? "(unversioned)"}` };
}

export type RetrievalTier = "Expedited" | "Standard" | "Bulk";
export const RETRIEVAL_TIERS: readonly RetrievalTier[] = ["Expedited", "Standard", "Bulk"];

const ARCHIVE_CLASSES = new Set(["GLACIER", "DEEP_ARCHIVE"]);

export interface RestoreStatus {
    storageClass: string;
    /** Intelligent-Tiering archive tier, when the object is in one. */
    archiveStatus?: string;
    archived: boolean;
    ongoing: boolean;
    /** When the restored copy expires, once the restore finished. */
    expiry?: string;
}

/** Whether an object is archived and where its restore stands, from HeadObject's x-amz-restore header.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html */
export async function restoreStatus(ref: ObjectRef, versionId?: string): Promise<RestoreStatus> {
    const client = new S3Client(s3Config(ref));
    const head = await attempt(`reading ${describe(ref, versionId)}`, () =>
        client.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: versionId })),
    );
    const storageClass = head.StorageClass ?? "STANDARD";
    const restore = head.Restore ?? "";
    return {
        storageClass,
        ...(head.ArchiveStatus ? { archiveStatus: head.ArchiveStatus } : {}),
        archived: ARCHIVE_CLASSES.has(storageClass) || head.ArchiveStatus !== undefined,
        ongoing: /ongoing-request="true"/.test(restore),
        ...(/expiry-date="([^"]+)"/.test(restore) ? { expiry: /expiry-date="([^"]+)"/.exec(restore)![1] } : {}),
    };
}

/**
 * Restores an archived object (S3 Glacier Flexible Retrieval, Deep Archive, or an Intelligent-Tiering archive tier)
 * for `days` days with the chosen retrieval tier. Deep Archive has no Expedited retrieval, and objects in an
 * Intelligent-Tiering archive tier come back to the frequent tier without a number of days.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html
 */
export async function restoreArchived(ref: ObjectRef, options: { tier: RetrievalTier; days: number; versionId?: string }): Promise<RestoreStatus> {
    const status = await restoreStatus(ref, options.versionId);
    const what = describe(ref, options.versionId);
    if (!status.archived) {
        throw new OpsError(
            `${what} is in ${status.storageClass}, not archived; read it directly (a restore only applies to archived objects)`,
            EXIT.notArchived,
        );
    }
    if (status.ongoing) throw new OpsError(`a restore of ${what} is already in progress; check it with "s3 restore-status"`, EXIT.inProgress);
    if (options.tier === "Expedited" && (status.storageClass === "DEEP_ARCHIVE" || status.archiveStatus === "DEEP_ARCHIVE_ACCESS")) {
        throw new OpsError(`${what} is in Deep Archive, which offers Standard and Bulk retrieval only`, EXIT.usage);
    }
    const client = new S3Client(s3Config(ref));
    const intelligentTiering = status.archiveStatus !== undefined;
    await attempt(`restoring ${what}`, () =>
        client.send(
            new RestoreObjectCommand({
                Bucket: ref.bucket,
                Key: ref.key,
                VersionId: options.versionId,
                RestoreRequest: intelligentTiering ? {} : { Days: options.days, GlacierJobParameters: { Tier: options.tier } },
            }),
        ),
    );
    return { ...status, ongoing: true };
}

/** Reads an object (optionally one version) from a bucket: the replica's, when the source region is down. */
export async function readObject(ref: ObjectRef, versionId?: string): Promise<{ body: Uint8Array; contentType?: string; versionId?: string }> {
    const client = new S3Client(s3Config(ref));
    const result = await attempt(`reading ${describe(ref, versionId)}`, () =>
        client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: versionId })),
    );
    const body = result.Body ? await result.Body.transformToByteArray() : new Uint8Array();
    return { body, contentType: result.ContentType, versionId: result.VersionId };
}

/** Copies an object from the replica to another bucket, in the destination's region (CopyObject runs there). */
export async function copyObject(from: ObjectRef, to: ObjectRef, versionId?: string): Promise<{ versionId?: string }> {
    const client = new S3Client(s3Config(to));
    const source = versionId ? copySource(from.bucket, from.key, versionId) : `${from.bucket}/${encodeURIComponent(from.key).replace(/%2F/g, "/")}`;
    const result = await attempt(`copying ${describe(from, versionId)} to s3://${to.bucket}/${to.key}`, () =>
        client.send(new CopyObjectCommand({ Bucket: to.bucket, Key: to.key, CopySource: source })),
    );
    return { versionId: result.VersionId };
}
