/**
 * Failures an operator must tell apart at 3 a.m., each with its own exit code, and the mapping from AWS SDK errors to
 * them. Anything else exits 1 with AWS's own message.
 */

export const EXIT = {
    ok: 0,
    failed: 1,
    usage: 2,
    notFound: 3,
    notArchived: 4,
    inProgress: 5,
    accessDenied: 6,
    throttled: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure with a sentence for the operator and the exit code that names its kind. */
export class OpsError extends Error {
    constructor(
        message: string,
        readonly exitCode: ExitCode,
    ) {
        super(message);
        this.name = "OpsError";
    }
}

const NOT_FOUND = new Set(["NoSuchKey", "NoSuchVersion", "NoSuchBucket", "NotFound", "ResourceNotFoundException"]);
const ACCESS_DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden", "InvalidClientTokenId", "ExpiredToken"]);
const THROTTLED = new Set(["Throttling", "ThrottlingException", "ThrottledException", "SlowDown", "TooManyRequestsException", "RequestLimitExceeded"]);

/** An SDK error as an OpsError, `doing` saying what was attempted ("listing versions of s3://b/k"). */
export function classify(error: unknown, doing: string): OpsError {
    if (error instanceof OpsError) return error;
    const sdk = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
    const name = sdk?.name ?? "Error";
    const status = sdk?.$metadata?.httpStatusCode;
    const detail = sdk?.message && sdk.message !== name ? `${name}: ${sdk.message}` : name;
    if (THROTTLED.has(name) || status === 429 || status === 503) {
        const attempts = sdk.$metadata?.attempts;
        return new OpsError(
            `${doing}: AWS throttled the request${attempts ? ` (after ${attempts} attempts)` : ""} (${detail}); wait and run the command again, or lower --concurrency`,
            EXIT.throttled,
        );
    }
    if (ACCESS_DENIED.has(name) || status === 403) {
        return new OpsError(`${doing}: access denied (${detail}); check the credentials in use and --role-arn`, EXIT.accessDenied);
    }
    if (name === "RestoreAlreadyInProgress" || name === "ConflictException") {
        return new OpsError(`${doing}: already in progress (${detail})`, EXIT.inProgress);
    }
    if (name === "InvalidObjectState") return new OpsError(`${doing}: ${detail}`, EXIT.notArchived);
    if (NOT_FOUND.has(name) || status === 404) return new OpsError(`${doing}: not found (${detail})`, EXIT.notFound);
    return new OpsError(`${doing}: ${detail}`, EXIT.failed);
}

/** Runs one AWS call, turning its failure into an OpsError that says what was being done. */
export async function attempt<T>(doing: string, call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (error) {
        throw classify(error, doing);
    }
}
