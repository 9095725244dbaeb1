import { DescribeRestoreJobCommand, PutRestoreValidationResultCommand } from "@aws-sdk/client-backup";
import { DescribeVolumesCommand } from "@aws-sdk/client-ec2";
import fc from "fast-check";
import assert from "node:assert/strict";
import { powertoolsTelemetry } from "../telemetry";
import { completedJob, FOREIGN_PLAN_ARN, handlerUnderTest, lambdaContext, mocks, PLAN_ARN, resetMocks, restoreEvent, serviceError } from "./support";

const VOLUME_ARN = "arn:aws:ec2:eu-west-1:312345678901:volume/vol-0abc";
const availableVolume = { Volumes: [{ VolumeId: "vol-0abc", State: "available" as const }] };

describe("the restore validation handler", () => {
    beforeEach(resetMocks);

    it("reports one verdict when EventBridge delivers the same event twice", async () => {
        mocks.backup.on(DescribeRestoreJobCommand).resolves(completedJob("EBS", VOLUME_ARN));
        mocks.backup.on(PutRestoreValidationResultCommand).resolves({});
        mocks.ec2.on(DescribeVolumesCommand).resolves(availableVolume);
        const { handler } = handlerUnderTest();
        const first = await handler(restoreEvent(), lambdaContext());
        const second = await handler(restoreEvent(), lambdaContext());
        assert.equal(first.outcome, "reported");
        assert.equal(second.outcome, "duplicate");
        assert.equal(mocks.backup.commandCalls(PutRestoreValidationResultCommand).length, 1);
    });

    it("reports one verdict when two deliveries of the same event arrive at once", async () => {
        mocks.backup.on(DescribeRestoreJobCommand).resolves(completedJob("EBS", VOLUME_ARN));
        mocks.backup.on(PutRestoreValidationResultCommand).resolves({});
        mocks.ec2.on(DescribeVolumesCommand).resolves(availableVolume);
        const { handler } = handlerUnderTest();
        const outcomes = await Promise.all([handler(restoreEvent(), lambdaContext()), handler(restoreEvent(), lambdaContext())]);
        assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ["duplicate", "reported"]);
        assert.equal(mocks.backup.commandCalls(PutRestoreValidationResultCommand).length, 1);
    });

    it("does not validate again when AWS Backup already records a verdict (a redelivery to another container)", async () => {
        mocks.backup.on(DescribeRestoreJobCommand).resolves(completedJob("EBS", VOLUME_ARN, { ValidationStatus: "SUCCESSFUL" }));
        const { handler } = handlerUnderTest();
        const outcome = await handler(restoreEvent(), lambdaContext());
        assert.equal(outcome.outcome, "duplicate");
        assert.equal(mocks.ec2.calls().length, 0);
        assert.equal(mocks.backup.commandCalls(PutRestoreValidationResultCommand).length, 0);
    });

    it("treats AWS Backup refusing a second verdict from a racing container as a duplicate, not an error", async () => {
        mocks.backup
            .on(DescribeRestoreJobCommand)
            .resolvesOnce(completedJob("EBS", VOLUME_ARN))
            .resolves(completedJob("EBS", VOLUME_ARN, { ValidationStatus: "SUCCESSFUL" }));
        mocks.backup.on(PutRestoreValidationResultCommand).rejects(serviceError("InvalidRequestException", "Validation status cannot be changed"));
        mocks.ec2.on(DescribeVolumesCommand).resolves(availableVolume);
        const { handler, telemetry } = handlerUnderTest();
        const outcome = await handler(restoreEvent(), lambdaContext());
        assert.equal(outcome.outcome, "duplicate");
        assert.deepEqual(telemetry.metrics, []);
    });

    it("logs and counts a verdict AWS Backup does not accept", async () => {
        mocks.backup.on(DescribeRestoreJobCommand).resolves(completedJob("EBS", VOLUME_ARN));
        mocks.backup.on(PutRestoreValidationResultCommand).rejects(serviceError("ServiceUnavailableException", "try later"));
        mocks.ec2.on(DescribeVolumesCommand).resolves(availableVolume);
        const { handler, telemetry } = handlerUnderTest();
        const outcome = await handler(restoreEvent(), lambdaContext());
        assert.equal(outcome.outcome, "error");
        assert.deepEqual(telemetry.metrics, ["ReportFailed"]);
        const line = telemetry.logs.find((log) => log.level === "error")!;
        assert.equal(line.fields.restoreJobId, "D59196C8-8951-4C80-E71E-8F41E6D364E5");
        assert.match(String(line.fields.error), /ServiceUnavailableException: try later/);
    });

    it("ignores events of restore testing plans that are not ours without calling AWS", async () => {
        const { handler } = handlerUnderTest();
        const outcome = await handler(restoreEvent({ restoreTestingPlanArn: FOREIGN_PLAN_ARN }), lambdaContext());
        assert.equal(outcome.outcome, "ignored");
        assert.equal(mocks.backup.calls().length, 0);
    });

    it("ignores a job whose event names no plan when AWS Backup says another plan started it", async () => {
        mocks.backup.on(DescribeRestoreJobCommand).resolves({ ...completedJob("EBS", VOLUME_ARN), CreatedBy: { RestoreTestingPlanArn: FOREIGN_PLAN_ARN } });
        const { handler } = handlerUnderTest();
        const outcome = await handler(restoreEvent({ restoreTestingPlanArn: undefined }), lambdaContext());
        assert.equal(outcome.outcome, "ignored");
        assert.equal(mocks.backup.commandCalls(PutRestoreValidationResultCommand).length, 0);
    });

    it("ignores restore jobs that did not complete", async () => {
        const { handler } = handlerUnderTest();
        assert.equal((await handler(restoreEvent({ status: "FAILED" }), lambdaContext())).outcome, "ignored");
        assert.equal(mocks.backup.calls().length, 0);
    });

    it("reports FAILED with the reason when DescribeRestoreJob is throttled for a job of our plan", async () => {
        mocks.backup.on(DescribeRestoreJobCommand).rejects(serviceError("ThrottlingException", "Rate exceeded"));
        mocks.backup.on(PutRestoreValidationResultCommand).resolves({});
        const { handler } = handlerUnderTest();
        const outcome = await handler(restoreEvent(), lambdaContext());
        assert.equal(outcome.outcome, "reported");
        const input = mocks.backup.commandCalls(PutRestoreValidationResultCommand)[0].args[0].input;
        assert.equal(input.ValidationStatus, "FAILED");
        assert.match(input.ValidationStatusMessage!, /not validated: could not describe restore job .*ThrottlingException: Rate exceeded/);
    });

    it("logs and does not report when the job cannot be described and the event names no plan", async () => {
        mocks.backup.on(DescribeRestoreJobCommand).rejects(serviceError("ThrottlingException"));
        const { handler, telemetry } = handlerUnderTest();
        const outcome = await handler(restoreEvent({ restoreTestingPlanArn: undefined }), lambdaContext());
        assert.equal(outcome.outcome, "error");
        assert.equal(mocks.backup.commandCalls(PutRestoreValidationResultCommand).length, 0);
        assert.deepEqual(telemetry.metrics, ["UnprocessableEvent"]);
    });

    it("keeps time for the report: the validator's budget is the Lambda's remaining time minus the reserve", async () => {
        mocks.backup.on(DescribeRestoreJobCommand).resolves(completedJob("EBS", VOLUME_ARN));
        mocks.backup.on(PutRestoreValidationResultCommand).resolves({});
        mocks.ec2.on(DescribeVolumesCommand).resolves({ Volumes: [{ State: "creating" }] });
        const { handler, clock } = handlerUnderTest({ reportReserveMs: 5_000 });
        const outcome = await handler(restoreEvent(), lambdaContext(20));
        assert.equal(outcome.outcome === "reported" && outcome.status, "TIMED_OUT");
        assert.equal(
            clock.slept.reduce((a, b) => a + b, 0),
            15_000,
        );
    });

    it("writes structured JSON log lines and embedded metrics through Powertools", () => {
        // Powertools writes warnings and errors to stderr, the rest to stdout, as Lambda's console does.
        const written: string[] = [];
        const streams = [process.stdout, process.stderr];
        const originals = streams.map((stream) => stream.write.bind(stream));
        for (const stream of streams) {
            stream.write = ((chunk: string) => {
                written.push(String(chunk));
                return true;
            }) as typeof stream.write;
        }
        try {
            const telemetry = powertoolsTelemetry();
            telemetry.setRequestId("request-7");
            telemetry.log("warn", "reported the restore validation", { restoreJobId: "job-1", verdict: "FAILED" });
            telemetry.count("ValidationFailed");
            telemetry.flush();
        } finally {
            streams.forEach((stream, index) => (stream.write = originals[index]));
        }
        const lines = written
            .join("")
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line));
        const log = lines.find((line) => line.message === "reported the restore validation");
        assert.deepEqual([log.level, log.restoreJobId, log.verdict, log.requestId, log.service], ["WARN", "job-1", "FAILED", "request-7", "restore-validator"]);
        const metric = lines.find((line) => line._aws);
        assert.equal(metric.ValidationFailed, 1);
        assert.deepEqual(metric._aws.CloudWatchMetrics[0].Namespace, "BackupPlatform/RestoreTesting");
    });

    describe("with malformed and unexpected events (property-based)", () => {
        /** Anything JSON can hold, and events that are almost right. */
        const nearMisses = fc.record(
            {
                source: fc.oneof(fc.constant("aws.backup"), fc.string()),
                "detail-type": fc.oneof(fc.constant("Restore Job State Change"), fc.string()),
                detail: fc.oneof(
                    fc.anything(),
                    fc.record(
                        {
                            restoreJobId: fc.oneof(fc.uuid(), fc.string(), fc.integer(), fc.constant(null)),
                            status: fc.oneof(fc.constant("COMPLETED"), fc.string(), fc.anything()),
                            resourceType: fc.oneof(fc.constantFrom("EBS", "EC2", "S3", "FSx"), fc.anything()),
                            createdResourceArn: fc.oneof(fc.constant(VOLUME_ARN), fc.string(), fc.anything()),
                            restoreTestingPlanArn: fc.oneof(fc.constant(PLAN_ARN), fc.constant(FOREIGN_PLAN_ARN), fc.anything()),
                        },
                        { requiredKeys: [] },
                    ),
                ),
            },
            { requiredKeys: [] },
        );

        it("never throws and never leaves an unhandled rejection, whatever the event and whatever AWS answers", async () => {
            const unhandled: unknown[] = [];
            const onUnhandled = (reason: unknown) => unhandled.push(reason);
            process.on("unhandledRejection", onUnhandled);
            try {
                await fc.assert(
                    fc.asyncProperty(fc.oneof(fc.anything(), nearMisses), fc.constantFrom("ok", "throttled", "garbage"), async (event, aws) => {
                        resetMocks();
                        if (aws === "throttled") {
                            for (const mock of Object.values(mocks) as Array<(typeof mocks)["backup"]>)
                                mock.onAnyCommand().rejects(serviceError("ThrottlingException"));
                        } else if (aws === "garbage") {
                            for (const mock of Object.values(mocks) as Array<(typeof mocks)["backup"]>)
                                mock.onAnyCommand().resolves({ Unexpected: [null, 1] } as never);
                        } else {
                            mocks.backup.on(DescribeRestoreJobCommand).resolves(completedJob("EBS", VOLUME_ARN));
                            mocks.backup.on(PutRestoreValidationResultCommand).resolves({});
                            mocks.ec2.on(DescribeVolumesCommand).resolves(availableVolume);
                        }
                        const { handler, telemetry } = handlerUnderTest();
                        const outcome = await handler(event, lambdaContext(30));
                        assert.ok(["reported", "duplicate", "ignored", "error"].includes(outcome.outcome));
                        assert.equal(telemetry.flushes, 1);
                        // At most one verdict per event, and only for a job of our plan.
                        assert.ok(mocks.backup.commandCalls(PutRestoreValidationResultCommand).length <= 1);
                    }),
                    { numRuns: 300 },
                );
                await new Promise((resolve) => setImmediate(resolve));
            } finally {
                process.off("unhandledRejection", onUnhandled);
            }
            assert.deepEqual(unhandled, []);
        });

        it("ignores every event that is not a restore job event without calling AWS", async () => {
            await fc.assert(
                fc.asyncProperty(
                    fc
                        .anything()
                        .filter((value) => !(typeof value === "object" && value !== null && (value as Record<string, unknown>).source === "aws.backup")),
                    async (event) => {
                        resetMocks();
                        const { handler, telemetry } = handlerUnderTest();
                        const outcome = await handler(event, lambdaContext());
                        assert.equal(outcome.outcome, "ignored");
                        assert.equal(mocks.backup.calls().length, 0);
                        assert.equal(telemetry.logs[0].level, "warn");
                    },
                ),
                { numRuns: 200 },
            );
        });
    });
});
