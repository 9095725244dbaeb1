/** Helpers for the handler tests: SDK mocks, a fake clock, recorded telemetry and events. */
import { BackupClient, DescribeRestoreJobCommandOutput } from "@aws-sdk/client-backup";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { EFSClient } from "@aws-sdk/client-efs";
import { RDSClient } from "@aws-sdk/client-rds";
import { S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { Clock } from "../budget";
import { lazyClients } from "../clients";
import { MetricName } from "../constants";
import { LogLevel, Telemetry } from "../telemetry";
import { createHandler, HandlerDependencies } from "../validate-restore";

process.env.AWS_REGION ??= "eu-west-1";

export const PLAN_ARN = "arn:aws:backup:eu-west-1:312345678901:restore-testing-plan:acme_backup_daily-a1b2c3";
export const FOREIGN_PLAN_ARN = "arn:aws:backup:eu-west-1:312345678901:restore-testing-plan:someone_elses-d4e5f6";

export const mocks = {
    backup: mockClient(BackupClient),
    ec2: mockClient(EC2Client),
    rds: mockClient(RDSClient),
    s3: mockClient(S3Client),
    dynamodb: mockClient(DynamoDBClient),
    efs: mockClient(EFSClient),
};

/** IAM service prefix per mocked client, and the S3 operations whose IAM action has another name. */
const SERVICE_PREFIX: Record<keyof typeof mocks, string> = {
    backup: "backup",
    ec2: "ec2",
    rds: "rds",
    s3: "s3",
    dynamodb: "dynamodb",
    efs: "elasticfilesystem",
};
const ACTION_OF_OPERATION: Record<string, string> = { ListObjectsV2: "ListBucket" };

export function resetMocks(): void {
    for (const mock of Object.values(mocks)) mock.reset();
}

/** The IAM actions of every SDK command sent since the last reset, e.g. `ec2:DescribeVolumes`. */
export function actionsSent(): string[] {
    const actions = new Set<string>();
    for (const [client, mock] of Object.entries(mocks) as Array<[keyof typeof mocks, (typeof mocks)[keyof typeof mocks]]>) {
        for (const call of mock.calls()) {
            const operation = (call.args[0] as object).constructor.name.replace(/Command$/, "");
            actions.add(`${SERVICE_PREFIX[client]}:${ACTION_OF_OPERATION[operation] ?? operation}`);
        }
    }
    return [...actions].sort();
}

/** A clock whose sleeps pass instantly and advance its time. */
export function fakeClock(): Clock & { slept: number[] } {
    let now = 1_700_000_000_000;
    const slept: number[] = [];
    return {
        slept,
        now: () => now,
        sleep: async (ms) => {
            slept.push(ms);
            now += ms;
        },
    };
}

export interface Recorded {
    logs: Array<{ level: LogLevel; message: string; fields: Record<string, unknown> }>;
    metrics: MetricName[];
    flushes: number;
}

export function recordingTelemetry(): Telemetry & Recorded {
    const recorded: Recorded = { logs: [], metrics: [], flushes: 0 };
    return Object.assign(recorded, {
        log: (level: LogLevel, message: string, fields: Record<string, unknown>) => void recorded.logs.push({ level, message, fields }),
        count: (metric: MetricName) => void recorded.metrics.push(metric),
        flush: () => void recorded.flushes++,
        setRequestId: () => undefined,
    });
}

export function handlerUnderTest(overrides: Partial<HandlerDependencies> = {}) {
    const telemetry = recordingTelemetry();
    const clock = fakeClock();
    const handler = createHandler({ clients: lazyClients(), telemetry, clock, planArns: [PLAN_ARN], ...overrides });
    return { handler, telemetry, clock };
}

/** A Lambda context with `seconds` left. */
export const lambdaContext = (seconds = 300) => ({ getRemainingTimeInMillis: () => seconds * 1000, awsRequestId: "request-1" });

export function restoreEvent(detail: Record<string, unknown> = {}) {
    return {
        version: "0",
        id: "45553104-c15f-39e3-a3ed-0b8c2f58de87",
        "detail-type": "Restore Job State Change",
        source: "aws.backup",
        account: "312345678901",
        time: "2026-02-13T19:30:58Z",
        region: "eu-west-1",
        resources: [],
        detail: {
            restoreJobId: "D59196C8-8951-4C80-E71E-8F41E6D364E5",
            status: "COMPLETED",
            resourceType: "EBS",
            createdResourceArn: "arn:aws:ec2:eu-west-1:312345678901:volume/vol-0abc",
            restoreTestingPlanArn: PLAN_ARN,
            ...detail,
        },
    };
}

/** DescribeRestoreJob's answer for a completed job of our plan. */
export function completedJob(resourceType: string, createdResourceArn: string, extra: Partial<DescribeRestoreJobCommandOutput> = {}) {
    return {
        RestoreJobId: "D59196C8-8951-4C80-E71E-8F41E6D364E5",
        Status: "COMPLETED" as const,
        ResourceType: resourceType,
        CreatedResourceArn: createdResourceArn,
        CreatedBy: { RestoreTestingPlanArn: PLAN_ARN },
        BackupSizeInBytes: 8192,
        ...extra,
    };
}

/** An SDK service error as the SDK throws it. */
export function serviceError(name: string, message = name): Error {
    return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}
