import assert from "node:assert/strict";
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import * as YAML from "yaml";
import { PROJECT_DIR } from "./support/graph";

const WORKFLOW = path.join(PROJECT_DIR, ".github", "workflows", "rollout.yml");

type WorkflowParser = typeof import("@actions/workflow-parser");

/**
 * GitHub's own workflow parser (@actions/workflow-parser, from actions/languageservices: the schema and conversion
 * the Actions language server applies). It ships as ES modules that import its JSON schema without the import
 * attribute Node 20 requires, so esbuild bundles it into one CommonJS module first.
 */
let parser: WorkflowParser | undefined;
function workflowParser(): WorkflowParser {
    if (!parser) {
        const entry = path.join(PROJECT_DIR, "node_modules", "@actions", "workflow-parser", "dist", "index.js");
        const bundled = esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", write: false, logLevel: "silent" });
        const compiled = new Module(entry);
        (compiled as unknown as { _compile(code: string, file: string): void })._compile(bundled.outputFiles[0].text, entry);
        parser = compiled.exports as WorkflowParser;
    }
    return parser;
}

interface Job {
    if?: string;
    needs?: string | string[];
    permissions?: Record<string, string>;
    strategy?: { "fail-fast"?: boolean; matrix?: unknown };
    environment?: string;
    env?: Record<string, string>;
    steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown>; name?: string }>;
}

describe("the rollout workflow", () => {
    let workflow: { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> };

    before(() => {
        workflow = YAML.parse(fs.readFileSync(WORKFLOW, "utf8"));
    });

    it("is a valid workflow for GitHub's own parser and schema, with no errors", async () => {
        const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = workflowParser();
        const parsed = parseWorkflow({ name: "rollout.yml", content: fs.readFileSync(WORKFLOW, "utf8") }, new NoOperationTraceWriter());
        assert.deepEqual(
            parsed.context.errors.getErrors().map((error) => error.message),
            [],
        );
        const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
        assert.deepEqual(template.errors ?? [], []);
        assert.deepEqual(template.jobs.map((job) => job.id.toString()).sort(), ["accounts", "canary", "comment", "foundation", "plan", "preview", "report"]);
    });

    it("rejects a broken copy, so the check above can fail", async () => {
        const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = workflowParser();
        const broken = fs.readFileSync(WORKFLOW, "utf8").replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    fail-fast: false");
        const parsed = parseWorkflow({ name: "rollout.yml", content: broken }, new NoOperationTraceWriter());
        const template = parsed.value ? await convertWorkflowTemplate(parsed.context, parsed.value) : undefined;
        const errors = [...parsed.context.errors.getErrors().map((error) => error.message), ...(template?.errors ?? []).map((error) => error.Message)];
        assert.ok(
            errors.some((message) => /fail-fast/.test(message)),
            errors.join("\n"),
        );
    });

    it("previews on pull requests and deploys on main: organization and central, then canaries, then the sharded accounts", () => {
        const { jobs } = workflow;
        assert.ok("pull_request" in workflow.on && "push" in workflow.on);
        assert.match(jobs.preview.if!, /pull_request/);
        for (const deploy of ["foundation", "canary", "accounts"]) assert.match(jobs[deploy].if!, /!= 'pull_request'/);
        assert.deepEqual([jobs.foundation.env!.WAVES, jobs.canary.env!.WAVES, jobs.accounts.env!.WAVES], ["organization,central", "canary", "accounts"]);
        assert.equal(jobs.canary.needs, "foundation");
        assert.deepEqual(jobs.accounts.needs, ["plan", "canary"]);
        // Shards come from `npm run rollout -- matrix`, and one shard's failure does not cancel the others.
        for (const sharded of ["preview", "accounts"]) {
            assert.equal(jobs[sharded].strategy!["fail-fast"], false);
            assert.match(String(jobs[sharded].strategy!.matrix), /fromJSON\(needs\.plan\.outputs\.\w+\)/);
        }
        const matrixStep = jobs.plan.steps.find((step) => step.run?.includes("rollout -- matrix"))!;
        assert.match(matrixStep.run!, /--waves accounts/);
        // The PR gets the plan summary and the preview.
        const comment = jobs.comment.steps.find((step) => step.run?.includes("gh pr comment"))!;
        assert.match(comment.run!, /--dry-run --summary comment\.md/);
        assert.match(comment.run!, /summarize reports\/\*\.json/);
        assert.equal(jobs.comment.permissions!["pull-requests"], "write");
    });

    it("reaches AWS only through an OIDC-assumed role, with id-token permission only where it is used", () => {
        const { jobs } = workflow;
        assert.deepEqual(workflow.permissions, { contents: "read" });
        for (const [name, job] of Object.entries(jobs)) {
            const assumes = job.steps.filter((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"));
            assert.equal(job.permissions?.["id-token"] === "write", assumes.length > 0, `${name}: id-token only with the role step`);
            for (const step of assumes) {
                assert.match(String(step.with!["role-to-assume"]), /^\$\{\{ vars\.ROLLOUT_(PREVIEW_)?ROLE_ARN \}\}$/);
                assert.ok(!("aws-access-key-id" in step.with!), `${name}: no stored keys`);
            }
            for (const step of job.steps.filter((s) => s.run?.includes("rollout -- --env") && !s.run.includes("--dry-run"))) {
                assert.ok(assumes.length > 0, `${name} runs the rollout without AWS credentials`);
                assert.ok(
                    job.steps.some((s) => s.uses?.startsWith("pulumi/actions@")),
                    `${name} runs the rollout without the Pulumi CLI`,
                );
                assert.match(step.run!, /--progress plain/);
            }
        }
    });
});
