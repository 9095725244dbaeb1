import { DescribeRestoreJobCommand, PutRestoreValidationResultCommand } from "@aws-sdk/client-backup";
import { DescribeTableCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { DescribeInstancesCommand, DescribeInstanceStatusCommand, DescribeVolumesCommand } from "@aws-sdk/client-ec2";
import { DescribeFileSystemsCommand } from "@aws-sdk/client-efs";
import { DescribeDBClustersCommand, DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import assert from "node:assert/strict";
import { REPORTING_ACTIONS, VALIDATOR_ACTIONS } from "../permissions";
import { validatorFor, VALIDATORS } from "../validators";
import { actionsSent, completedJob, handlerUnderTest, lambdaContext, mocks, resetMocks, restoreEvent, serviceError } from "./support";

/** A response body as the SDK hands it over: a stream with the SDK's transform helpers. */
const body = (text: string) => ({ transformToByteArray: async () => new Uint8Array(Buffer.from(text)) }) as never;

/** Runs one completed restore of `type` through the handler and returns the verdict sent to AWS Backup. */
async function validate(type: string, createdResourceArn: string, seconds = 300, extra = {}) {
    mocks.backup.on(DescribeRestoreJobCommand).resolves(completedJob(type, createdResourceArn, extra));
    mocks.backup.on(PutRestoreValidationResultCommand).resolves({});
    const { handler, telemetry, clock } = handlerUnderTest();
    const outcome = await handler(restoreEvent({ resourceType: type, createdResourceArn }), lambdaContext(seconds));
    const puts = mocks.backup.commandCalls(PutRestoreValidationResultCommand);
    assert.equal(puts.length, 1, `one verdict reported: ${JSON.stringify(outcome)}`);
    const input = puts[0].args[0].input;
    // Every call the validator made is one the function's role grants for this type.
    const allowed = new Set([...REPORTING_ACTIONS, ...(VALIDATOR_ACTIONS[type.split(".")[0]] ?? [])]);
    for (const action of actionsSent()) assert.ok(allowed.has(action), `${type} validation called ${action}, which its role does not grant`);
    return { status: input.ValidationStatus, message: input.ValidationStatusMessage ?? "", outcome, telemetry, clock };
}

describe("restore validators", () => {
    beforeEach(resetMocks);

    describe("S3", () => {
        const arn = "arn:aws:s3:::awsbackup-restore-test-abc";
        it("reports SUCCESSFUL when the restored bucket lists objects and a sample reads", async () => {
            mocks.s3.on(ListObjectsV2Command).resolves({
                Contents: [
                    { Key: "empty", Size: 0 },
                    { Key: "orders/1.json", Size: 12 },
                ],
                KeyCount: 2,
            });
            mocks.s3.on(GetObjectCommand).resolves({ Body: body('{"order":1}') });
            const verdict = await validate("S3", arn);
            assert.equal(verdict.status, "SUCCESSFUL");
            assert.match(verdict.message, /holds 2 objects; read 11 bytes of orders\/1\.json/);
            assert.equal(mocks.s3.commandCalls(GetObjectCommand)[0].args[0].input.Range, "bytes=0-1023");
            assert.deepEqual(actionsSent(), ["backup:DescribeRestoreJob", "backup:PutRestoreValidationResult", "s3:GetObject", "s3:ListBucket"]);
        });

        it("reports FAILED when the restored bucket is empty", async () => {
            mocks.s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
            const verdict = await validate("S3", arn);
            assert.equal(verdict.status, "FAILED");
            assert.match(verdict.message, /restored without any object/);
        });

        it("reports FAILED with the reason when a sample object cannot be read", async () => {
            mocks.s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: "a", Size: 1 }] });
            mocks.s3.on(GetObjectCommand).rejects(serviceError("AccessDenied", "Access Denied"));
            const verdict = await validate("S3", arn);
            assert.equal(verdict.status, "FAILED");
            assert.match(verdict.message, /could not validate .*AccessDenied: Access Denied/);
        });
    });

    describe("EBS", () => {
        const arn = "arn:aws:ec2:eu-west-1:312345678901:volume/vol-0abc";
        it("waits while the volume is creating and reports SUCCESSFUL once it is available", async () => {
            mocks.ec2
                .on(DescribeVolumesCommand)
                .resolvesOnce({ Volumes: [{ VolumeId: "vol-0abc", State: "creating" }] })
                .resolves({ Volumes: [{ VolumeId: "vol-0abc", State: "available", Size: 8, VolumeType: "gp3" }] });
            const verdict = await validate("EBS", arn);
            assert.equal(verdict.status, "SUCCESSFUL");
            assert.match(verdict.message, /vol-0abc is available \(8 GiB gp3\)/);
            assert.equal(mocks.ec2.commandCalls(DescribeVolumesCommand).length, 2);
            assert.deepEqual(verdict.clock.slept, [5000]);
        });

        it("reports FAILED when the volume is in error", async () => {
            mocks.ec2.on(DescribeVolumesCommand).resolves({ Volumes: [{ VolumeId: "vol-0abc", State: "error" }] });
            assert.equal((await validate("EBS", arn)).status, "FAILED");
        });

        it("reports FAILED naming the throttling error when EC2 keeps throttling", async () => {
            mocks.ec2.on(DescribeVolumesCommand).rejects(serviceError("ThrottlingException", "Rate exceeded"));
            const verdict = await validate("EBS", arn);
            assert.equal(verdict.status, "FAILED");
            assert.match(verdict.message, /ThrottlingException: Rate exceeded/);
        });
    });

    describe("EC2", () => {
        const arn = "arn:aws:ec2:eu-west-1:312345678901:instance/i-0abc";
        const running = { Reservations: [{ Instances: [{ InstanceId: "i-0abc", InstanceType: "t3.micro" as const, State: { Name: "running" as const } }] }] };
        const checks = (system: string, instance: string) => ({
            InstanceStatuses: [{ SystemStatus: { Status: system as "ok" }, InstanceStatus: { Status: instance as "ok" } }],
        });

        it("waits for the instance to run and pass both status checks, then reports SUCCESSFUL", async () => {
            mocks.ec2
                .on(DescribeInstancesCommand)
                .resolvesOnce({ Reservations: [{ Instances: [{ InstanceId: "i-0abc", State: { Name: "pending" } }] }] })
                .resolves(running);
            mocks.ec2.on(DescribeInstanceStatusCommand).resolvesOnce(checks("initializing", "initializing")).resolves(checks("ok", "ok"));
            const verdict = await validate("EC2", arn);
            assert.equal(verdict.status, "SUCCESSFUL");
            assert.match(verdict.message, /i-0abc \(t3\.micro\) is running and passes both status checks/);
            assert.equal(mocks.ec2.commandCalls(DescribeInstanceStatusCommand)[0].args[0].input.IncludeAllInstances, true);
        });

        it("reports FAILED when a status check is impaired", async () => {
            mocks.ec2.on(DescribeInstancesCommand).resolves(running);
            mocks.ec2.on(DescribeInstanceStatusCommand).resolves(checks("ok", "impaired"));
            const verdict = await validate("EC2", arn);
            assert.equal(verdict.status, "FAILED");
            assert.match(verdict.message, /impaired \(system check ok, instance check impaired\)/);
        });

        it("reports FAILED when the restored instance is stopped", async () => {
            mocks.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ State: { Name: "stopped" } }] }] });
            assert.match((await validate("EC2", arn)).message, /is stopped/);
        });

        it("reports TIMED_OUT within the Lambda's remaining time when the checks never pass", async () => {
            mocks.ec2.on(DescribeInstancesCommand).resolves(running);
            mocks.ec2.on(DescribeInstanceStatusCommand).resolves(checks("initializing", "initializing"));
            const verdict = await validate("EC2", arn, 70);
            assert.equal(verdict.status, "TIMED_OUT");
            assert.match(verdict.message, /still running, status checks initializing\/initializing after 60 s/);
            // 70 s left minus the 10 s kept to report: the validator stopped waiting at exactly its budget.
            assert.equal(
                verdict.clock.slept.reduce((a, b) => a + b, 0),
                60_000,
            );
        });
    });

    describe("RDS and Aurora", () => {
        it("reports SUCCESSFUL when the DB instance becomes available", async () => {
            mocks.rds
                .on(DescribeDBInstancesCommand)
                .resolvesOnce({ DBInstances: [{ DBInstanceStatus: "creating" }] })
                .resolves({ DBInstances: [{ DBInstanceStatus: "available" }] });
            const verdict = await validate("RDS", "arn:aws:rds:eu-west-1:312345678901:db:awsbackup-restore-test-db");
            assert.equal(verdict.status, "SUCCESSFUL");
            assert.equal(mocks.rds.commandCalls(DescribeDBInstancesCommand)[0].args[0].input.DBInstanceIdentifier, "awsbackup-restore-test-db");
        });

        it("reports FAILED when the DB instance lands in an incompatible network", async () => {
            mocks.rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: "incompatible-network" }] });
            const verdict = await validate("RDS", "arn:aws:rds:eu-west-1:312345678901:db:x");
            assert.equal(verdict.status, "FAILED");
            assert.match(verdict.message, /incompatible-network/);
        });

        it("reports SUCCESSFUL when the Aurora cluster is available, and FAILED when it failed", async () => {
            const arn = "arn:aws:rds:eu-west-1:312345678901:cluster:awsbackup-restore-test-cluster";
            mocks.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ Status: "available" }] });
            assert.equal((await validate("Aurora", arn)).status, "SUCCESSFUL");
            resetMocks();
            mocks.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ Status: "failed" }] });
            assert.equal((await validate("Aurora", arn)).status, "FAILED");
        });
    });

    describe("DynamoDB", () => {
        const arn = "arn:aws:dynamodb:eu-west-1:312345678901:table/awsbackup-restore-test-orders";
        it("reports SUCCESSFUL for an ACTIVE table with items", async () => {
            mocks.dynamodb.on(DescribeTableCommand).resolves({ Table: { TableStatus: "ACTIVE", ItemCount: 42 } });
            const verdict = await validate("DynamoDB", arn);
            assert.equal(verdict.status, "SUCCESSFUL");
            assert.match(verdict.message, /about 42 items/);
            assert.equal(mocks.dynamodb.commandCalls(ScanCommand).length, 0);
        });

        it("scans one item when ItemCount has not caught up, and accepts the table when it finds one", async () => {
            mocks.dynamodb.on(DescribeTableCommand).resolves({ Table: { TableStatus: "ACTIVE", ItemCount: 0 } });
            mocks.dynamodb.on(ScanCommand).resolves({ Count: 1 });
            const verdict = await validate("DynamoDB", arn);
            assert.equal(verdict.status, "SUCCESSFUL");
            assert.equal(mocks.dynamodb.commandCalls(ScanCommand)[0].args[0].input.Limit, 1);
        });

        it("reports FAILED for an empty table restored from a recovery point that held data", async () => {
            mocks.dynamodb.on(DescribeTableCommand).resolves({ Table: { TableStatus: "ACTIVE", ItemCount: 0 } });
            mocks.dynamodb.on(ScanCommand).resolves({ Count: 0 });
            const verdict = await validate("DynamoDB", arn, 300, { BackupSizeInBytes: 4096 });
            assert.equal(verdict.status, "FAILED");
            assert.match(verdict.message, /empty, although its recovery point holds 4096 bytes/);
        });

        it("validates fully managed DynamoDB restores (a suffixed resource type) with the DynamoDB validator", () => {
            assert.equal(validatorFor("DynamoDB.FullyManaged"), validatorFor("DynamoDB"));
        });
    });

    describe("EFS", () => {
        const arn = "arn:aws:elasticfilesystem:eu-west-1:312345678901:file-system/fs-0abc";
        it("reports SUCCESSFUL once the file system is available", async () => {
            mocks.efs
                .on(DescribeFileSystemsCommand)
                .resolvesOnce({ FileSystems: [{ LifeCycleState: "creating" } as never] })
                .resolves({ FileSystems: [{ LifeCycleState: "available" } as never] });
            assert.equal((await validate("EFS", arn)).status, "SUCCESSFUL");
        });

        it("reports FAILED when the file system is in error", async () => {
            mocks.efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [{ LifeCycleState: "error" } as never] });
            assert.equal((await validate("EFS", arn)).status, "FAILED");
        });
    });

    it("reports a resource type without a validator as FAILED and unverified, never as a success", async () => {
        const verdict = await validate("FSx", "arn:aws:fsx:eu-west-1:312345678901:file-system/fs-0abc");
        assert.equal(verdict.status, "FAILED");
        assert.match(verdict.message, /^unverified: the platform has no validator for resource type FSx/);
        assert.deepEqual(verdict.telemetry.metrics, ["ValidationFailed"]);
    });

    it("reports FAILED when the restore job names no created resource", async () => {
        const verdict = await validate("EBS", "");
        assert.equal(verdict.status, "FAILED");
        assert.match(verdict.message, /no usable created resource ARN/);
    });

    it("has a validator for every resource type of the permission table, and a permission entry for every validated type", () => {
        assert.deepEqual(Object.keys(VALIDATOR_ACTIONS).sort(), VALIDATORS.flatMap((v) => v.resourceTypes).sort());
    });
});
