/**
 * AWS SDK v3 client settings of every operator command: the usual credential chain (environment, profile, SSO,
 * instance role), optionally assuming a role in a member account, adaptive retries for throttling, and any endpoint
 * AWS_ENDPOINT_URL names (the SDK reads it itself), so the commands can run against an emulator.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";

export interface Target {
    region: string;
    /** Role to assume (in a member account) before calling AWS. */
    roleArn?: string;
}

/** Retries of throttled and transient errors, with client-side rate limiting once AWS throttles. */
const MAX_ATTEMPTS = 6;

export function clientConfig(target: Target) {
    return {
        region: target.region,
        maxAttempts: MAX_ATTEMPTS,
        retryMode: "adaptive",
        ...(target.roleArn
            ? {
                  credentials: fromTemporaryCredentials({
                      params: { RoleArn: target.roleArn, RoleSessionName: "backup-platform-ops", DurationSeconds: 3600 },
                      clientConfig: { region: target.region },
                  }),
              }
            : {}),
    };
}

/** S3 emulators serve buckets by path, not by virtual host. */
export function s3Config(target: Target) {
    return { ...clientConfig(target), ...(process.env.AWS_ENDPOINT_URL ? { forcePathStyle: true } : {}) };
}
