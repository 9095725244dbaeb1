import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { failed, succeeded, Validator } from "./types";

/** How much of the sample object is read: enough to prove the data is readable, little enough to stay fast. */
const SAMPLE_BYTES = 1024;

/**
 * An S3 bucket is usable when it holds objects and one of them can be read. A restore that completes with an empty
 * bucket is a failure to report, not a success.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
export const s3Validator: Validator = {
    resourceTypes: ["S3"],
    async validate(input) {
        const bucket = input.arn.resource;
        if (!bucket || bucket.includes("/")) return failed(`the restored resource ${input.arn.resource} is not an S3 bucket ARN`);
        const s3 = input.clients.s3();
        const listing = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 20 }), input.deadline.callOptions());
        const objects = (listing.Contents ?? []).filter((object) => object.Key);
        if (objects.length === 0) return failed(`bucket ${bucket} was restored without any object`);
        const sample = objects.find((object) => (object.Size ?? 0) > 0) ?? objects[0];
        const response = await s3.send(
            new GetObjectCommand({ Bucket: bucket, Key: sample.Key, Range: `bytes=0-${SAMPLE_BYTES - 1}` }),
            input.deadline.callOptions(),
        );
        const bytes = response.Body ? await response.Body.transformToByteArray() : new Uint8Array();
        const listed = listing.IsTruncated ? `more than ${objects.length}` : String(objects.length);
        return succeeded(`bucket ${bucket} holds ${listed} objects; read ${bytes.length} bytes of ${sample.Key}`);
    },
};
