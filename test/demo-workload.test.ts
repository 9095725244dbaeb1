import assert from "node:assert/strict";
import * as path from "node:path";
import { PlanDocument, runPlan } from "../cli/plan";
import { TYPE } from "../components/resource-types";
import { validateDemo } from "../projects/demo-workload/config";
import { planStack, PROJECT_DIR, projectStackValues } from "./support/graph";

const DEMO_CONFIG = path.join(PROJECT_DIR, "projects", "demo-workload", "Pulumi.sandbox.yaml");

const demoValues = () => projectStackValues(DEMO_CONFIG, "backup-demo");

describe("the demo workload", () => {
    let document: PlanDocument;

    before(async () => {
        const { exitCode, output } = await runPlan({ stack: "dev", config: DEMO_CONFIG, json: true }, PROJECT_DIR);
        assert.equal(exitCode, 0, output.slice(-2000));
        document = JSON.parse(output) as PlanDocument;
    });

    it("plans from its own stack file with npm run plan -- --config, in two regions of one sandbox account", () => {
        assert.equal(document.stack, "sandbox");
        const cloud = document.resources.filter((r) => !r.type.startsWith("pulumi:"));
        assert.deepEqual([...new Set(cloud.map((r) => r.account))], ["402345678901"]);
        assert.deepEqual([...new Set(cloud.map((r) => r.region))].sort(), ["eu-central-1", "eu-west-1"]);
        for (const region of ["eu-central-1", "eu-west-1"]) {
            const here = (type: string) => cloud.filter((r) => r.region === region && r.type === type);
            assert.equal(here(TYPE.instance).length, 1);
            assert.equal(here(TYPE.ebsVolume).length, 1);
            assert.equal(here(TYPE.dynamodbTable).length, 1);
            assert.equal(here(TYPE.dynamodbTableItem).length, 3);
            assert.equal(here(TYPE.bucketObject).length, 3);
            assert.deepEqual(here(TYPE.bucketVersioning)[0].inputs.versioningConfiguration, { status: "Enabled" });
        }
    });

    it("tags what it creates with the tier that dev's plans and restore tests select", async () => {
        const dev = (await planStack("dev")).resources;
        const tierSelections = dev
            .filter((r) => r.type === TYPE.restoreTestingSelection && r.account === "402345678901")
            .map((r) => (r.inputs.protectedResourceConditions as { stringEquals: Array<{ key: string; value: string }> }).stringEquals[0]);
        const planTags = dev
            .filter((r) => r.type === TYPE.selection && r.account === "402345678901")
            .flatMap((r) => r.inputs.selectionTags as Array<{ key: string; value: string }>);
        for (const type of [TYPE.instance, TYPE.ebsVolume, TYPE.dynamodbTable, TYPE.bucket]) {
            for (const resource of document.resources.filter((r) => r.type === type)) {
                const tier = (resource.inputs.tags as Record<string, string>)["backup-tier"];
                assert.ok(
                    planTags.some((tag) => tag.key === "backup-tier" && tag.value === tier),
                    `${resource.name}: a dev tier backs up backup-tier=${tier}`,
                );
                assert.ok(
                    tierSelections.some((c) => c.key === "aws:ResourceTag/backup-tier" && c.value === tier),
                    `${resource.name}: a restore test selects it`,
                );
            }
        }
    });

    it("starts its instances from the latest Amazon Linux through a launch template, in the configured subnet, with IMDSv2", () => {
        const template = document.resources.find((r) => r.type === TYPE.launchTemplate && r.region === "eu-west-1")!;
        assert.match(String(template.inputs.imageId), /^resolve:ssm:\/aws\/service\/ami-amazon-linux-latest\//);
        assert.equal((template.inputs.metadataOptions as { httpTokens: string }).httpTokens, "required");
        const instance = document.resources.find((r) => r.type === TYPE.instance && r.region === "eu-west-1")!;
        assert.equal(instance.inputs.subnetId, "subnet-0a1b2c3d4e5f60718");
    });

    it("is never part of the platform's plan", async () => {
        const dev = (await planStack("dev")).resources;
        // The demo's instances, tables and the objects it puts in its bucket; the platform creates none of them.
        assert.equal(dev.filter((r) => [TYPE.instance, TYPE.dynamodbTable, TYPE.bucketObject].includes(r.type as never)).length, 0);
    });

    it("rejects a broken demo config with the config path and plans nothing", async () => {
        const values = demoValues();
        values.regions["eu-wset-1"] = {};
        values.regions["eu-west-1"].subnetId = "subnet-1";
        values.volumeSizeGiB = 20_000;
        const { model, findings } = validateDemo("sandbox", values);
        assert.equal(model, undefined);
        const paths = findings.filter((f) => f.severity === "error").map((f) => f.path);
        assert.deepEqual(paths.sort(), ["regions.eu-west-1.subnetId", "regions.eu-wset-1", "volumeSizeGiB"]);
    });

    it("rejects a name prefix that makes its bucket names break S3's naming rules, as S3 would", () => {
        const values = demoValues();
        // A valid prefix by its own pattern, but S3 reserves bucket names starting with xn--.
        values.namePrefix = "xn--demo";
        const { model, findings } = validateDemo("sandbox", values);
        assert.equal(model, undefined);
        const errors = findings.filter((f) => f.severity === "error");
        assert.ok(errors.length > 0 && errors.every((f) => f.path === "namePrefix"));
        assert.match(errors[0].message, /bucket name "xn--demo-\d{12}-[a-z0-9-]+" must not start with the reserved prefix xn-- \(S3 bucket naming rules\)/);
    });
});
