import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { organizationStackFile } from "../bench/generate-organization";
import { PlanDocument, runPlan } from "../cli/plan";
import { PLAN_NODE_FLAGS } from "../cli/plan-tuning";
import { PolicyDocument } from "../policies";
import { findUnknownIamNames } from "./support/iam-data";
import { PROJECT_DIR } from "./support/graph";

const fixture = (name: string) => path.join(__dirname, "fixtures", name);

/** Runs a command from the project directory; fails the test with its output if it does not exit as expected. */
function run(command: string, args: string[], expectedStatus = 0) {
    const result = spawnSync(command, args, { cwd: PROJECT_DIR, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    assert.equal(result.status, expectedStatus, `${command} ${args.join(" ")}:\n${result.stderr}\n${result.stdout.slice(-2000)}`);
    return result;
}

describe("npm run plan", () => {
    it("prints a summary of the dev stack grouped by target and exits 0", async () => {
        const { exitCode, output } = await runPlan({ stack: "dev" }, PROJECT_DIR);
        assert.equal(exitCode, 0);
        for (const heading of [
            "management acme-management (210987654321)",
            "central acme-backup-central (312345678901)",
            "workload payments-dev (401234567890)",
            "workload catalog-dev (402345678901)",
            "workload payments-test (403456789012)",
        ]) {
            assert.ok(output.includes(heading), heading);
        }
        assert.match(output, /Totals: 5 targets \(1 management, 1 central, 3 workload\), 8 account-regions/);
        assert.match(output, /vault acme-backup-standard \(access policy, failed-job notifications\) \[protected\]/);
        assert.match(output, /vault acme-backup-central \(access policy, governance lock 7\.\.400 days\) \[protected\]/);
        assert.match(output, /copies: payments-dev\/eu-west-1 nightly → central eu-west-1\n/);
        assert.match(output, /copies: payments-test\/eu-central-1 sunday → DR eu-west-1\n/);
        assert.match(output, /region settings: \d+ resource types opted in \([^)]*\bS3\b/);
        assert.match(output, /StackSet acme-backup-deployment-role-workload \(service-managed, auto-deployment\): role BackupPlatformDeployment/);
    });

    it("streams one JSON document in the documented format for --json, byte for byte what JSON.stringify would print", async () => {
        const { exitCode, output } = await runPlan({ stack: "prod", json: true }, PROJECT_DIR);
        assert.equal(exitCode, 0);
        const document = JSON.parse(output) as PlanDocument;
        assert.equal(output, JSON.stringify(document, null, 2));
        assert.equal(document.stack, "prod");
        assert.equal(document.scope, "all");
        assert.deepEqual(
            document.findings.filter((f) => f.severity === "error"),
            [],
        );
        assert.equal(document.resources.filter((r) => r.type === "pulumi:pulumi:Stack").length, 1);
        for (const resource of document.resources) {
            assert.deepEqual(Object.keys(resource).sort(), ["account", "inputs", "name", "parent", "protect", "region", "type"]);
        }
        const vault = document.resources.find((r) => r.type === "aws:backup/vault:Vault" && r.name === "ledger-prod-eu-central-1-vault-compliance-vault")!;
        assert.deepEqual([vault.account, vault.region, vault.protect], ["510000000006", "eu-central-1", true]);
        assert.match(String(vault.parent), /BackupVault::ledger-prod-eu-central-1-vault-compliance$/);
        const provider = document.resources.find((r) => r.type === "pulumi:providers:aws" && r.name === "ledger-prod-aws")!;
        assert.equal(provider.region, null);
        assert.deepEqual(provider.inputs.allowedAccountIds, ["510000000006"]);
    });

    it("shows the StackSet with the deployment role's policy in the management account for --scope organization", async () => {
        const { exitCode, output } = await runPlan({ stack: "prod", json: true, scope: "organization" }, PROJECT_DIR);
        assert.equal(exitCode, 0);
        const document = JSON.parse(output) as PlanDocument;
        assert.equal(document.stack, "prod.organization");
        assert.equal(document.scope, "organization");
        const stackSets = document.resources.filter((r) => r.type === "aws:cloudformation/stackSet:StackSet");
        assert.equal(stackSets.length, 2);
        for (const stackSet of stackSets) {
            assert.equal(stackSet.account, "500000000001");
            const template = JSON.parse(String(stackSet.inputs.templateBody)) as { Resources: Record<string, { Type: string; Properties: any }> };
            const policies = Object.values(template.Resources).filter((r) => r.Type === "AWS::IAM::ManagedPolicy");
            assert.ok(policies.length > 0);
            for (const policy of policies) assert.deepEqual(await findUnknownIamNames(policy.Properties.PolicyDocument), []);
        }
    });

    it("plans the central account alone for --scope central, and the stack name's scope the same way", async () => {
        for (const options of [{ stack: "prod", scope: "central" }, { stack: "prod.central" }]) {
            const { exitCode, output } = await runPlan({ ...options, json: true }, PROJECT_DIR);
            assert.equal(exitCode, 0);
            const document = JSON.parse(output) as PlanDocument;
            assert.equal(document.stack, "prod.central");
            assert.deepEqual([...new Set(document.resources.filter((r) => r.account).map((r) => r.account))], ["500000000002"]);
        }
    });

    it("plans only one account with --scope account:<id>", async () => {
        const { exitCode, output } = await runPlan({ stack: "prod", json: true, scope: "account:510000000004" }, PROJECT_DIR);
        assert.equal(exitCode, 0);
        const document = JSON.parse(output) as PlanDocument;
        assert.equal(document.scope, "account:510000000004");
        assert.equal(document.stack, "prod.acct-510000000004");
        assert.deepEqual([...new Set(document.resources.filter((r) => r.account).map((r) => r.account))], ["510000000004"]);
    });

    it("prints the deployment role's policies, every action of which exists, for --deployment-policy", async () => {
        const { exitCode, output } = await runPlan({ stack: "prod", json: true, deploymentPolicy: true }, PROJECT_DIR);
        assert.equal(exitCode, 0);
        const printed = JSON.parse(output) as {
            roleName: string;
            policies: Record<string, PolicyDocument[]>;
            permissionsBoundary: { name: string; document: PolicyDocument };
        };
        assert.equal(printed.roleName, "BackupPlatformDeployment");
        // Teams that create the role their own way create the boundary the role's IAM statements require, too.
        assert.equal(printed.permissionsBoundary.name, "acme-backup-role-boundary");
        assert.deepEqual(await findUnknownIamNames(printed.permissionsBoundary.document), []);
        assert.deepEqual(Object.keys(printed.policies).sort(), ["central", "workload"]);
        for (const documents of Object.values(printed.policies)) {
            for (const document of documents) assert.deepEqual(await findUnknownIamNames(document), []);
        }
        const actions = printed.policies.workload.flatMap((d) => d.Statement.flatMap((s) => [s.Action].flat()));
        assert.ok(actions.includes("backup:CreateBackupVault") && actions.includes("iam:PassRole") && actions.includes("backup-storage:MountCapsule"));
        const text = await runPlan({ stack: "prod", deploymentPolicy: "workload" }, PROJECT_DIR);
        assert.match(text.output, /^# Deployment role BackupPlatformDeployment in workload accounts: 2 managed policies \(\d,\d{3}, \d,\d{3} of 6,144/);
        assert.match(text.output, /^# Permissions boundary acme-backup-role-boundary: /m);
    });

    it("prints every mistake of an invalid config with its path and file position, plans nothing, and exits 1", async () => {
        const { exitCode, output } = await runPlan({ stack: "broken", config: fixture("several-mistakes.yaml"), json: true }, PROJECT_DIR);
        assert.equal(exitCode, 1);
        const document = JSON.parse(output) as PlanDocument;
        assert.deepEqual(document.resources, []);
        const errors = document.findings.filter((f) => f.severity === "error");
        const places = Object.fromEntries(errors.map((f) => [f.path, f.location ? `${f.location.line}:${f.location.column}` : undefined]));
        // Line and column of the offending value in the fixture.
        assert.deepEqual(places, {
            "managementAccount.id": "10:9",
            "organizationalUnits.dev.regions[1]": "17:55",
            "vaults.standard.lock.changeableForDays": "22:95",
            "tiers.daily.rules.nightly.schedule": "28:21",
            "tiers.daily.rules.nightly.startWindowMinutes": "29:31",
            "tiers.daily.rules.nightly.lifecycle": "30:22",
            "tiers.daily.selection": "31:18",
        });
        const fixtureLines = fs.readFileSync(fixture("several-mistakes.yaml"), "utf8").split("\n");
        for (const finding of errors) {
            const { line, column } = finding.location!;
            assert.ok(fixtureLines[line - 1].length >= column, `${finding.path} points inside line ${line}`);
        }
        assert.ok(errors.every((f) => f.location?.file === path.join("test", "fixtures", "several-mistakes.yaml")));
    });

    it("runs from npm with the Node flags the benchmark measured", () => {
        const scripts = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts as Record<string, string>;
        assert.equal(scripts.plan, `npm run -s build && node ${PLAN_NODE_FLAGS.join(" ")} dist/cli/plan.js`);
    });

    describe("compiled, as npm run plan runs it", function () {
        this.timeout(180_000);
        let workDir: string;

        before(() => {
            run("npm", ["run", "-s", "build"]);
            workDir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
        });

        after(() => fs.rmSync(workDir, { recursive: true, force: true }));

        it("fails from the command line with readable findings, their file positions, and no stack trace", () => {
            const result = run(process.execPath, ["dist/cli/plan.js", "--config", fixture("several-mistakes.yaml")], 1);
            assert.match(
                result.stdout,
                /error\s+test\/fixtures\/several-mistakes\.yaml:29:31 tiers\.daily\.rules\.nightly\.startWindowMinutes: startWindowMinutes must be at least 60 minutes/,
            );
            assert.match(
                result.stdout,
                /several-mistakes\.yaml:17:55 organizationalUnits\.dev\.regions\[1\]: "eu-wset-1" is not an AWS region code .*did you mean "eu-west-1"\?/,
            );
            assert.match(result.stdout, /nothing was planned/);
            assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at .+:\d+:\d+/);
        });

        it("loads the Pulumi SDK in its workers without TypeScript and npm's Arborist, which load when something reads them", () => {
            const script = [
                'require("./dist/cli/plan-worker.js");',
                "const loaded = () => Object.values(require.cache).filter((m) => m.loaded && /node_modules[\\/](typescript|@npmcli[\\/]arborist|pacote)[\\/]/.test(m.filename)).length;",
                "const before = loaded();",
                'const version = require("typescript").version;',
                'const sdk = require("path").dirname(require.resolve("@pulumi/pulumi/package.json"));',
                'const arborist = require(require.resolve("@npmcli/arborist", { paths: [sdk] })).name;',
                "console.log(JSON.stringify({ before, version, arborist, after: loaded() }));",
            ].join("\n");
            const report = JSON.parse(run(process.execPath, ["-e", script]).stdout) as { before: number; version: string; arborist: string; after: number };
            // Before: only the two stand-ins. Reading one loads the real module (Arborist with its dependencies).
            assert.equal(report.before, 2);
            assert.match(report.version, /^\d+\.\d+\.\d+/);
            assert.equal(report.arborist, "Arborist");
            assert.ok(report.after > report.before + 10, `${report.after} modules after reading Arborist`);
        });

        it("waits for a pipe to drain after each large part without piling up listeners on stdout", () => {
            const file = path.join(workDir, "Pulumi.wide.yaml");
            // Twelve targets whose JSON parts each exceed stdout's buffer: a wait for "drain" after every one.
            fs.writeFileSync(file, organizationStackFile({ accounts: 12, regions: 4 }));
            // A shell pipe, as `npm run plan -- --json | jq` has: unlike the socket a parent process's spawn gives, it fills.
            const command = `"${process.execPath}" dist/cli/plan.js --config "${file}" --stack wide --json --workers 2 | cat`;
            const result = run("sh", ["-c", command]);
            const vaults = (JSON.parse(result.stdout).resources as Array<{ type: string; account: string }>).filter((r) => r.type === "aws:backup/vault:Vault");
            // Every part arrived: vaults in the twelve workload accounts and the central one.
            assert.equal(new Set(vaults.map((vault) => vault.account)).size, 13);
            // Node warns (MaxListenersExceededWarning) once more than ten listeners wait on one event.
            assert.equal(result.stderr, "");
        });

        it("writes, with worker threads, the same bytes as the in-process plan evaluating in one thread", async () => {
            const file = path.join(workDir, "Pulumi.generated.yaml");
            fs.writeFileSync(file, organizationStackFile({ accounts: 17, regions: 1 }));
            for (const json of [false, true]) {
                const args = ["dist/cli/plan.js", "--config", file, "--stack", "generated", ...(json ? ["--json"] : [])];
                const pooled = run(process.execPath, [...args, "--workers", "2"]).stdout;
                // In this process (TypeScript, not the bundle) the plan evaluates every target in one thread.
                const inProcess = await runPlan({ stack: "generated", config: file, json, workers: 0 }, PROJECT_DIR);
                assert.equal(pooled, inProcess.output + "\n");
                if (json) assert.equal(JSON.parse(pooled).resources.filter((r: { type: string }) => r.type === "pulumi:pulumi:Stack").length, 1);
                else assert.match(pooled, /Totals: 19 targets \(1 management, 1 central, 17 workload\), 19 account-regions/);
            }
        });
    });
});
