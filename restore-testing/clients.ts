/**
 * SDK clients, created on first use: a cold start pays only for the clients its event needs, and a warm container
 * reuses them. The clients are bundled with the function (not the runtime's SDK, which may lack
 * PutRestoreValidationResult: https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-validation.html).
 */
import { BackupClient } from "@aws-sdk/client-backup";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { EFSClient } from "@aws-sdk/client-efs";
import { RDSClient } from "@aws-sdk/client-rds";
import { S3Client } from "@aws-sdk/client-s3";

export interface Clients {
    backup(): BackupClient;
    ec2(): EC2Client;
    rds(): RDSClient;
    s3(): S3Client;
    dynamodb(): DynamoDBClient;
    efs(): EFSClient;
}

function once<T>(create: () => T): () => T {
    let value: T | undefined;
    return () => (value ??= create());
}

/** Clients in the function's own region (AWS_REGION), with the SDK's standard retries for throttling and 5xx errors. */
export function lazyClients(): Clients {
    const config = { maxAttempts: 4 };
    return {
        backup: once(() => new BackupClient(config)),
        ec2: once(() => new EC2Client(config)),
        rds: once(() => new RDSClient(config)),
        s3: once(() => new S3Client(config)),
        dynamodb: once(() => new DynamoDBClient(config)),
        efs: once(() => new EFSClient(config)),
    };
}
