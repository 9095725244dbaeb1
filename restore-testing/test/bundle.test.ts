import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildValidatorBundle, bundleBytes, projectDirectory, validatorBundle } from "../bundle";

describe("the validation Lambda's bundle", function () {
    // Two esbuild runs of the handler and the SDK clients.
    this.timeout(120_000);

    it("builds byte for byte the same bundle again, free of this checkout's absolute paths, under 1 MB", async () => {
        const projectDir = projectDirectory();
        const first = await validatorBundle(projectDir);
        const again = await bundleBytes(projectDir);
        assert.equal(createHash("sha256").update(again).digest("hex"), first.sha256);
        assert.equal(first.bytes, again.length);
        assert.ok(first.bytes < 1024 * 1024, `${first.bytes} bytes`);
        assert.equal(Buffer.from(again).includes(Buffer.from(projectDir)), false, "the bundle names no absolute path of this checkout");
        assert.deepEqual(fs.readFileSync(first.absolutePath), Buffer.from(again));
    });

    it("fails with the reason and what to do when the handler cannot be bundled", async () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-handler-"));
        try {
            await assert.rejects(buildValidatorBundle(empty), (error: Error) => {
                assert.match(
                    error.message,
                    /^cannot bundle the restore validation Lambda \(restore-testing\/handler\.ts\): .*Could not resolve.*; run `npm ci`/,
                );
                return true;
            });
        } finally {
            fs.rmSync(empty, { recursive: true, force: true });
        }
    });

    it("loads as a Lambda handler that answers a malformed event without calling AWS", async () => {
        const { absolutePath } = await validatorBundle();
        // A copy outside the project, as Lambda unpacks it: the bundle must need nothing from node_modules.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "restore-validator-"));
        fs.copyFileSync(absolutePath, path.join(dir, "index.js"));
        const { handler } = require(path.join(dir, "index.js")) as { handler: (event: unknown, context: unknown) => Promise<{ outcome: string }> };
        const write = process.stdout.write;
        const writeErr = process.stderr.write;
        process.stdout.write = (() => true) as typeof process.stdout.write;
        process.stderr.write = (() => true) as typeof process.stderr.write;
        try {
            const outcome = await handler({ not: "an event" }, { getRemainingTimeInMillis: () => 30_000, awsRequestId: "test" });
            assert.equal(outcome.outcome, "ignored");
        } finally {
            process.stdout.write = write;
            process.stderr.write = writeErr;
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
