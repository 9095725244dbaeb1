import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PlanDocument, runPlan } from "../cli/plan";
import { PROJECT_DIR } from "./support/graph";

const fixture = (name: string) => path.join(__dirname, "fixtures", name);

describe("npm run plan", () => {
    it("prints a per-account summary of the dev stack and exits 0", async () => {
        const { exitCode, output } = await runPlan({ stack: "dev" }, PROJECT_DIR);
        assert.equal(exitCode, 0);
        for (const alias of ["payments-dev (401234567890)", "catalog-dev (402345678901)", "payments-test (403456789012)"])
            assert.ok(output.includes(alias), alias);
        assert.match(output, /Totals: 3 accounts, 5 account-regions/);
        assert.match(output, /vault acme-backup-standard \(access policy\) \[protected\]/);
    });

    it("prints one JSON document in the documented format for --json", async () => {
        const { exitCode, output } = await runPlan({ stack: "prod", json: true }, PROJECT_DIR);
        assert.equal(exitCode, 0);
        const document = JSON.parse(output) as PlanDocument;
        assert.equal(document.stack, "prod");
        assert.equal(document.scope, "all");
        assert.deepEqual(
            document.findings.filter((f) => f.severity === "error"),
            [],
        );
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

    it("plans only one account with --scope", async () => {
        const { exitCode, output } = await runPlan({ stack: "prod", json: true, scope: "account:510000000004" }, PROJECT_DIR);
        assert.equal(exitCode, 0);
        const document = JSON.parse(output) as PlanDocument;
        assert.equal(document.scope, "account:510000000004");
        assert.deepEqual([...new Set(document.resources.filter((r) => r.account).map((r) => r.account))], ["510000000004"]);
    });

    it("prints every mistake of an invalid config with its path, plans nothing, and exits 1", async () => {
        const { exitCode, output } = await runPlan({ stack: "broken", config: fixture("several-mistakes.yaml"), json: true }, PROJECT_DIR);
        assert.equal(exitCode, 1);
        const document = JSON.parse(output) as PlanDocument;
        assert.deepEqual(document.resources, []);
        const paths = document.findings.filter((f) => f.severity === "error").map((f) => f.path);
        for (const expected of [
            "managementAccount.id",
            "organizationalUnits.dev.regions[1]",
            "vaults.standard.lock.changeableForDays",
            "tiers.daily.rules.nightly.schedule",
            "tiers.daily.rules.nightly.startWindowMinutes",
            "tiers.daily.rules.nightly.lifecycle",
            "tiers.daily.selection",
        ]) {
            assert.ok(paths.includes(expected), `missing ${expected} in ${paths.join(", ")}`);
        }
    });

    it("fails from the command line with readable findings and no stack trace", function () {
        this.timeout(60_000);
        const result = spawnSync(
            process.execPath,
            [require.resolve("ts-node/dist/bin"), "--transpile-only", "cli/plan.ts", "--config", fixture("several-mistakes.yaml")],
            {
                cwd: PROJECT_DIR,
                encoding: "utf8",
            },
        );
        assert.equal(result.status, 1, result.stderr);
        assert.match(result.stdout, /error\s+tiers\.daily\.rules\.nightly\.startWindowMinutes: startWindowMinutes must be at least 60 minutes/);
        assert.match(result.stdout, /nothing was planned/);
        assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at .+:\d+:\d+/);
    });
});
