import assert from "node:assert/strict";
import fc from "fast-check";
import * as path from "node:path";
import { kmsAliasProblem } from "../config/aws-rules";
import { loadEnvironmentFromFile } from "../config/load";
import { assertRejected, errorsOf, loadStack, stackValues, validate } from "./support/graph";

type Mutation = (values: Record<string, any>) => void;

interface InvalidCase {
    rule: string;
    mutate: Mutation;
    path: string;
    message: RegExp;
}

const daily = (values: Record<string, any>) => values.tiers.daily.rules.nightly;
const weekly = (values: Record<string, any>) => values.tiers.weekly.rules.sunday;

/** Each mutation of the valid dev config breaks one AWS rule; the finding must name the path and the rule. */
const invalidCases: InvalidCase[] = [
    { rule: "account ids are 12 digits", mutate: (v) => (v.accounts[0].id = "40123456789"), path: "accounts[0].id", message: /not a 12-digit AWS account id/ },
    {
        rule: "account ids must be strings (YAML numbers lose leading zeros)",
        mutate: (v) => (v.accounts[1].id = 402345678901),
        path: "accounts[1].id",
        message: /quoted string/,
    },
    { rule: "account ids are unique", mutate: (v) => (v.accounts[1].id = v.accounts[0].id), path: "accounts[1].id", message: /listed more than once/ },
    {
        rule: "workload accounts exclude the central account",
        mutate: (v) => (v.accounts[0].id = v.centralAccount.id),
        path: "accounts[0].id",
        message: /central backup account/,
    },
    { rule: "aliases are unique", mutate: (v) => (v.accounts[2].alias = v.accounts[0].alias), path: "accounts[2].alias", message: /used more than once/ },
    { rule: "organization id format", mutate: (v) => (v.organization.id = "o-short"), path: "organization.id", message: /not an organization id/ },
    { rule: "root id format", mutate: (v) => (v.organization.rootId = "root-1"), path: "organization.rootId", message: /not a root id/ },
    { rule: "OU id format", mutate: (v) => (v.organizationalUnits.dev.id = "ou-12"), path: "organizationalUnits.dev.id", message: /not an OU id/ },
    {
        rule: "accounts name a defined OU",
        mutate: (v) => (v.accounts[0].ou = "staging"),
        path: "accounts[0].ou",
        message: /unknown organizational unit "staging"/,
    },
    {
        rule: "regions are real",
        mutate: (v) => (v.accounts[1].regions = ["eu-west-1", "eu-middle-9"]),
        path: "accounts[1].regions[1]",
        message: /not an AWS region code/,
    },
    {
        rule: "regions are unique per account",
        mutate: (v) => (v.accounts[1].regions = ["eu-west-1", "eu-west-1"]),
        path: "accounts[1].regions",
        message: /eu-west-1 is listed more than once/,
    },
    {
        rule: "one partition per environment",
        mutate: (v) => (v.accounts[1].regions = ["eu-west-1", "cn-north-1"]),
        path: "accounts",
        message: /several AWS partitions/,
    },
    { rule: "accounts resolve to at least one tier", mutate: (v) => delete v.organizationalUnits.dev.tiers, path: "accounts[0].tiers", message: /no tiers/ },
    { rule: "tiers exist", mutate: (v) => (v.accounts[0].tiers = ["hourly"]), path: "accounts[0].tiers[0]", message: /unknown tier "hourly"/ },
    {
        rule: "a misspelled tier gets the closest name",
        mutate: (v) => (v.accounts[0].tiers = ["daliy"]),
        path: "accounts[0].tiers[0]",
        message: /unknown tier "daliy"; did you mean "daily"\?/,
    },
    {
        rule: "a misspelled region gets the closest code",
        mutate: (v) => (v.accounts[1].regions = ["eu-wset-1"]),
        path: "accounts[1].regions[0]",
        message: /"eu-wset-1" is not an AWS region code \(e\.g\. eu-west-1\); did you mean "eu-west-1"\?/,
    },
    {
        rule: "a misspelled OU gets the closest name",
        mutate: (v) => (v.accounts[0].ou = "tset"),
        path: "accounts[0].ou",
        message: /did you mean "test"\?/,
    },
    {
        rule: "a misspelled key gets the closest key",
        mutate: (v) => (daily(v).timezon = "Etc/UTC"),
        path: "tiers.daily.rules.nightly.timezon",
        message: /unknown key; did you mean "timezone"\?/,
    },
    { rule: "tiers name a defined vault", mutate: (v) => (v.tiers.daily.vault = "gold"), path: "tiers.daily.vault", message: /unknown vault "gold"/ },
    { rule: "cron has six fields", mutate: (v) => (daily(v).schedule = "cron(0 2 * * ?)"), path: "tiers.daily.rules.nightly.schedule", message: /exactly 6/ },
    {
        rule: "cron day fields need exactly one ?",
        mutate: (v) => (daily(v).schedule = "cron(0 2 * * * *)"),
        path: "tiers.daily.rules.nightly.schedule",
        message: /\?/,
    },
    {
        rule: "AWS Backup takes only cron schedules",
        mutate: (v) => (daily(v).schedule = "rate(1 day)"),
        path: "tiers.daily.rules.nightly.schedule",
        message: /only cron/,
    },
    {
        rule: "backup jobs at least an hour apart",
        mutate: (v) => (daily(v).schedule = "cron(0/30 * ? * * *)"),
        path: "tiers.daily.rules.nightly.schedule",
        message: /at least 60 minutes/,
    },
    {
        rule: "time zones are tz database names",
        mutate: (v) => (daily(v).timezone = "Europe/Dublim"),
        path: "tiers.daily.rules.nightly.timezone",
        message: /not a time zone name of the tz database; did you mean "Europe\/Dublin"\?/,
    },
    {
        rule: "time zone names are case-sensitive (Intl would accept europe/london)",
        mutate: (v) => (daily(v).timezone = "europe/london"),
        path: "tiers.daily.rules.nightly.timezone",
        message: /case-sensitive\); did you mean "Europe\/London"\?/,
    },
    {
        rule: "completion window an hour beyond AWS's default start window (480) when none is set",
        mutate: (v) => {
            delete daily(v).startWindowMinutes;
            daily(v).completionWindowMinutes = 300;
        },
        path: "tiers.daily.rules.nightly.completionWindowMinutes",
        message: /at least 60 minutes more than AWS Backup's default start window 480/,
    },
    {
        rule: "start window at least 60 minutes",
        mutate: (v) => (daily(v).startWindowMinutes = 30),
        path: "tiers.daily.rules.nightly.startWindowMinutes",
        message: /at least 60 minutes/,
    },
    {
        rule: "completion window an hour beyond the start window",
        mutate: (v) => (weekly(v).completionWindowMinutes = 150),
        path: "tiers.weekly.rules.sunday.completionWindowMinutes",
        message: /at least 60 minutes more than the start window 120/,
    },
    {
        rule: "delete after at least 1 day",
        mutate: (v) => (daily(v).lifecycle.deleteAfterDays = 0),
        path: "tiers.daily.rules.nightly.lifecycle.deleteAfterDays",
        message: /at least 1 day/,
    },
    {
        rule: "delete 90 days after cold storage",
        mutate: (v) => (weekly(v).lifecycle.deleteAfterDays = 100),
        path: "tiers.weekly.rules.sunday.lifecycle",
        message: /deleteAfterDays 100 must be at least 90 days after coldStorageAfterDays 30/,
    },
    {
        rule: "retention at most 100 years",
        mutate: (v) => (daily(v).lifecycle.deleteAfterDays = 36501),
        path: "tiers.daily.rules.nightly.lifecycle.deleteAfterDays",
        message: /36500/,
    },
    {
        rule: "continuous backup retention 1..35 days",
        mutate: (v) => Object.assign(daily(v), { continuousBackup: true, lifecycle: { deleteAfterDays: 60 } }),
        path: "tiers.daily.rules.nightly.lifecycle.deleteAfterDays",
        message: /between 1 and 35/,
    },
    {
        rule: "continuous backup has no cold storage",
        mutate: (v) => Object.assign(weekly(v), { continuousBackup: true, lifecycle: { coldStorageAfterDays: 5, deleteAfterDays: 30 } }),
        path: "tiers.weekly.rules.sunday.lifecycle.coldStorageAfterDays",
        message: /cannot move to cold storage/,
    },
    {
        rule: "rule names are 1-50 of [A-Za-z0-9-_.]",
        mutate: (v) => (v.tiers.daily.rules["nightly run"] = v.tiers.daily.rules.nightly),
        path: "tiers.daily.rules.nightly run",
        message: /not a valid backup rule name/,
    },
    { rule: "vault names fit 2-50 characters", mutate: (v) => (v.vaults["x".repeat(45)] = {}), path: `vaults.${"x".repeat(45)}`, message: /2-50/ },
    {
        rule: "plan names fit 50 characters",
        mutate: (v) => {
            v.tiers["t".repeat(40)] = v.tiers.daily;
        },
        path: `tiers.${"t".repeat(40)}`,
        message: /1-50/,
    },
    {
        rule: "compliance lock changeable for at least 3 days",
        mutate: (v) => (v.vaults.standard.lock = { mode: "compliance", minRetentionDays: 7, maxRetentionDays: 400, changeableForDays: 2 }),
        path: "vaults.standard.lock.changeableForDays",
        message: /at least 3/,
    },
    {
        rule: "compliance lock needs changeableForDays",
        mutate: (v) => (v.vaults.standard.lock = { mode: "compliance", minRetentionDays: 7 }),
        path: "vaults.standard.lock.changeableForDays",
        message: /compliance mode needs changeableForDays/,
    },
    {
        rule: "lock minimum retention at least 1",
        mutate: (v) => (v.vaults.standard.lock = { mode: "governance", minRetentionDays: 0 }),
        path: "vaults.standard.lock.minRetentionDays",
        message: /at least 1 day/,
    },
    {
        rule: "lock maximum retention at most 36500",
        mutate: (v) => (v.vaults.standard.lock = { mode: "governance", minRetentionDays: 1, maxRetentionDays: 40000 }),
        path: "vaults.standard.lock.maxRetentionDays",
        message: /36500/,
    },
    {
        rule: "lock minimum not above maximum",
        mutate: (v) => (v.vaults.standard.lock = { mode: "governance", minRetentionDays: 90, maxRetentionDays: 30 }),
        path: "vaults.standard.lock.minRetentionDays",
        message: /must not exceed maxRetentionDays 30/,
    },
    {
        rule: "rule retention inside the vault lock range",
        mutate: (v) => (v.vaults.standard.lock = { mode: "governance", minRetentionDays: 90, maxRetentionDays: 400 }),
        path: "tiers.daily.rules.nightly.lifecycle.deleteAfterDays",
        message: /35 days is outside vault standard's lock range 90..400/,
    },
    {
        rule: "indefinite retention breaks a lock maximum",
        mutate: (v) => {
            v.vaults.standard.lock = { mode: "governance", minRetentionDays: 1, maxRetentionDays: 400 };
            delete daily(v).lifecycle;
        },
        path: "tiers.daily.rules.nightly.lifecycle.deleteAfterDays",
        message: /keeps recovery points forever/,
    },
    {
        rule: "selections name tags or resources (AWS rejects one with neither)",
        mutate: (v) => (v.tiers.daily.selection = { notResources: ["arn:aws:ec2:*:*:volume/*"] }),
        path: "tiers.daily.selection",
        message: /AWS Backup rejects one with neither \("Either ListOfTags or Resources must be non-empty"\)/,
    },
    {
        rule: "at most 30 wildcard ARNs in a selection's resources",
        mutate: (v) => (v.tiers.daily.selection.resources = Array.from({ length: 31 }, (_, i) => `arn:aws:dynamodb:*:*:table/t${i}-*`)),
        path: "tiers.daily.selection.resources",
        message: /31 patterns with wildcards; AWS Backup allows at most 30/,
    },
    {
        rule: "at most 500 ARNs without wildcards in a selection's notResources",
        mutate: (v) => (v.tiers.daily.selection.notResources = Array.from({ length: 501 }, (_, i) => `arn:aws:dynamodb:eu-west-1:401234567890:table/t${i}`)),
        path: "tiers.daily.selection.notResources",
        message: /501 ARNs without wildcards; AWS Backup allows at most 500/,
    },
    {
        rule: "continuous and periodic S3 backups of an account in one vault",
        mutate: (v) => {
            v.vaults.pitr = {};
            v.tiers.pitr = {
                vault: "pitr",
                rules: { continuous: { schedule: "cron(0 */6 ? * * *)", continuousBackup: true, lifecycle: { deleteAfterDays: 35 } } },
                selection: { resources: ["arn:aws:s3:::*"] },
            };
            v.organizationalUnits.test.tiers = ["daily", "weekly", "pitr"];
        },
        path: "organizationalUnits.test.tiers",
        message: /tiers pitr \(continuous, vault pitr\) and daily \(periodic, vault standard\) can both back up S3 buckets of payments-test/,
    },
    {
        rule: "selection resources are ARNs",
        mutate: (v) => (v.tiers.daily.selection.resources = ["my-bucket"]),
        path: "tiers.daily.selection.resources[0]",
        message: /neither "\*" nor a resource ARN/,
    },
    {
        rule: "tag keys at most 128 characters",
        mutate: (v) => (v.tiers.daily.selection.tags[0].key = "k".repeat(129)),
        path: "tiers.daily.selection.tags[0].key",
        message: /128/,
    },
    { rule: "tag values at most 256 characters", mutate: (v) => (v.tags.owner = "o".repeat(257)), path: "tags.owner", message: /256/ },
    {
        rule: "aws: tag prefix is reserved",
        mutate: (v) => (daily(v).recoveryPointTags = { "aws:owner": "x" }),
        path: "tiers.daily.rules.nightly.recoveryPointTags.aws:owner",
        message: /reserved/,
    },
    {
        rule: "at most 50 tags",
        mutate: (v) => (v.tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"]))),
        path: "tags",
        message: /AWS allows 50/,
    },
    {
        rule: "the deployment role's name is outside the platform's own role names",
        mutate: (v) => (v.deploymentRoleName = "acme-backup-deployer"),
        path: "deploymentRoleName",
        message: /starts with the name prefix "acme-backup-"/,
    },
    { rule: "IAM role names", mutate: (v) => (v.breakGlassRoleName = "break glass!"), path: "breakGlassRoleName", message: /not a valid IAM role name/ },
    { rule: "scope form", mutate: (v) => (v.scope = "account:12"), path: "scope", message: /not a scope/ },
    {
        rule: "scoped account is a workload account",
        mutate: (v) => (v.scope = "account:999999999999"),
        path: "scope",
        message: /not one of the workload accounts/,
    },
    { rule: "unknown keys are typos", mutate: (v) => (daily(v).startWindow = 60), path: "tiers.daily.rules.nightly.startWindow", message: /unknown key/ },
    { rule: "unknown top-level config keys", mutate: (v) => (v.tier = {}), path: "tier", message: /unknown config key backup-platform:tier/ },
    { rule: "required sections", mutate: (v) => delete v.organization, path: "organization", message: /is required/ },
    { rule: "the management account has an alias", mutate: (v) => delete v.managementAccount.alias, path: "managementAccount.alias", message: /is required/ },
    {
        rule: "aliases are unique across management, central and workload accounts",
        mutate: (v) => (v.managementAccount.alias = v.centralAccount.alias),
        path: "managementAccount.alias",
        message: /also the central account's/,
    },
    {
        rule: "the deployment role trusts exact role ARNs, never a wildcard",
        mutate: (v) => (v.bootstrap.trustedPrincipalArns = ["arn:aws:iam::209876543210:role/ci-*"]),
        path: "bootstrap.trustedPrincipalArns[0]",
        message: /must be an exact ARN/,
    },
    {
        rule: "the deployment role does not trust a whole account",
        mutate: (v) => (v.bootstrap.trustedPrincipalArns = ["arn:aws:iam::209876543210:root"]),
        path: "bootstrap.trustedPrincipalArns[0]",
        message: /not an account root/,
    },
    {
        rule: "resource types to opt out are AWS Backup's",
        mutate: (v) => (v.resourceTypes = { optOut: ["S4"] }),
        path: "resourceTypes.optOut[0]",
        message: /"S4" is not an AWS Backup resource type; did you mean "S3"\?/,
    },
    {
        rule: "full management only for types that have it",
        mutate: (v) => (v.resourceTypes = { fullManagement: { EBS: false } }),
        path: "resourceTypes.fullManagement.EBS",
        message: /has no full-management setting/,
    },
    {
        rule: "scope names a target",
        mutate: (v) => (v.scope = "centrl"),
        path: "scope",
        message: /not a scope: use all, organization, central or account:<12-digit id>; did you mean "central"\?/,
    },
];

describe("config validation", () => {
    it("accepts the committed dev and prod configs without errors", () => {
        for (const stack of ["dev", "prod"]) {
            const result = validate(stackValues(stack), stack);
            assert.deepEqual(errorsOf(result.findings), [], `${stack} has errors`);
            assert.ok(result.model, `${stack} produced no model`);
        }
    });

    for (const testCase of invalidCases) {
        it(`rejects a config that breaks: ${testCase.rule}`, () => {
            const values = stackValues("dev");
            testCase.mutate(values);
            assertRejected(values, testCase.path, testCase.message);
        });
    }

    it("reports every mistake of a config at once, each with its own path", () => {
        const values = stackValues("dev");
        values.accounts[0].id = "123";
        values.organization.rootId = "x";
        daily(values).startWindowMinutes = 10;
        daily(values).completionWindowMinutes = 20;
        weekly(values).lifecycle.deleteAfterDays = 100;
        weekly(values).timezone = "Mars/Olympus";
        values.tiers.weekly.vault = "missing";
        values.accounts[2].ou = "nowhere";
        const paths = errorsOf(validate(values).findings).map((finding) => finding.path);
        for (const expected of [
            "accounts[0].id",
            "organization.rootId",
            "tiers.daily.rules.nightly.startWindowMinutes",
            "tiers.daily.rules.nightly.completionWindowMinutes",
            "tiers.weekly.rules.sunday.lifecycle",
            "tiers.weekly.rules.sunday.timezone",
            "tiers.weekly.vault",
            "accounts[2].ou",
        ]) {
            assert.ok(paths.includes(expected), `missing ${expected} in ${paths.join(", ")}`);
        }
    });

    it("does not report an account's tier as unknown when the tier exists but is itself invalid", () => {
        const values = stackValues("dev");
        daily(values).startWindowMinutes = 10;
        const messages = errorsOf(validate(values).findings).map((finding) => `${finding.path}: ${finding.message}`);
        assert.equal(messages.length, 1, messages.join("\n"));
    });

    it("accepts the name prefix aws-backup: KMS reserves only alias/aws/, not every alias starting with aws", () => {
        const values = stackValues("dev");
        values.namePrefix = "aws-backup";
        assert.deepEqual(errorsOf(validate(values).findings), []);
        assert.equal(kmsAliasProblem("alias/aws-backup-backup"), undefined);
        assert.match(kmsAliasProblem("alias/aws/backup") ?? "", /reserves for AWS managed keys/);
    });

    it("accepts a vault lock without minRetentionDays, as AWS's API does, and checks retention against the maximum only", () => {
        const values = stackValues("dev");
        values.vaults.standard.lock = { mode: "governance", maxRetentionDays: 400 };
        assert.deepEqual(errorsOf(validate(values).findings), []);
        values.vaults.standard.lock = { mode: "governance", maxRetentionDays: 30 };
        const errors = errorsOf(validate(values).findings);
        assert.ok(
            errors.some(
                (e) => e.path === "tiers.daily.rules.nightly.lifecycle.deleteAfterDays" && /outside vault standard's lock range 1\.\.30 days/.test(e.message),
            ),
        );
    });

    it("sends AWS Backup's default windows when a rule sets none, so the plan is what AWS documents", () => {
        const values = stackValues("dev");
        delete daily(values).startWindowMinutes;
        delete daily(values).completionWindowMinutes;
        const rule = validate(values).model!.accounts[0].regions[0].plans[0].rules[0];
        assert.deepEqual([rule.startWindowMinutes, rule.completionWindowMinutes], [480, 10080]);
    });

    it("gives every finding of a stack file the file, line and column of its value", () => {
        const result = loadEnvironmentFromFile(path.join(__dirname, "fixtures", "several-mistakes.yaml"), "broken");
        const finding = result.findings.find((f) => f.path === "tiers.daily.rules.nightly.startWindowMinutes")!;
        assert.deepEqual(finding.location, { file: path.join("test", "fixtures", "several-mistakes.yaml"), line: 29, column: 31 });
    });

    it("warns, without failing, about tiers no account uses", () => {
        const values = stackValues("dev");
        values.tiers.spare = structuredClone(values.tiers.daily);
        const result = validate(values);
        assert.ok(result.model);
        assert.ok(result.findings.some((f) => f.severity === "warning" && f.path === "tiers.spare" && /no account uses/.test(f.message)));
    });

    it("inherits regions and tiers from the OU unless the account sets its own", () => {
        const model = loadStack("dev");
        const [paymentsDev, catalogDev] = model.accounts;
        assert.deepEqual(
            paymentsDev.regions.map((r) => r.region),
            ["eu-west-1"],
        );
        assert.deepEqual(
            catalogDev.regions.map((r) => r.region),
            ["eu-west-1", "eu-central-1"],
        );
        assert.deepEqual(
            catalogDev.regions[1].plans.map((p) => p.tier),
            ["daily"],
        );
    });

    it("derives deterministic physical names and ARNs in the environment's partition", () => {
        const model = loadStack("prod");
        const ledger = model.accounts.find((account) => account.alias === "ledger-prod")!;
        assert.equal(ledger.backupRole.arn, "arn:aws:iam::510000000006:role/acme-backup-backup-service");
        assert.equal(ledger.deploymentRoleArn, "arn:aws:iam::510000000006:role/BackupPlatformDeployment");
        const frankfurt = ledger.regions.find((r) => r.region === "eu-central-1")!;
        assert.deepEqual(
            frankfurt.vaults.map((vault) => vault.arn),
            [
                "arn:aws:backup:eu-central-1:510000000006:backup-vault:acme-backup-standard",
                "arn:aws:backup:eu-central-1:510000000006:backup-vault:acme-backup-compliance",
            ],
        );
        assert.equal(model.central.vaultArnByRegion["us-east-1"], "arn:aws:backup:us-east-1:500000000002:backup-vault:acme-backup-central");
    });

    it("turns selection conditions into aws:ResourceTag condition keys", () => {
        const monthly = loadStack("prod").accounts[0].regions[0].plans.find((plan) => plan.tier === "monthly")!;
        assert.deepEqual(monthly.selection.conditions.stringEquals, [{ key: "aws:ResourceTag/backup-monthly", value: "true" }]);
        assert.deepEqual(monthly.selection.conditions.stringNotLike, [{ key: "aws:ResourceTag/environment", value: "sandbox*" }]);
    });

    it("accepts any lifecycle that keeps recovery points 90 days in cold storage and rejects any that does not", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 36500 }), (cold, deleteAfter) => {
                const values = stackValues("dev");
                weekly(values).lifecycle = { coldStorageAfterDays: cold, deleteAfterDays: deleteAfter };
                const lifecycleErrors = errorsOf(validate(values).findings).filter((f) => f.path === "tiers.weekly.rules.sunday.lifecycle");
                return deleteAfter >= cold + 90 === (lifecycleErrors.length === 0);
            }),
            { numRuns: 60 },
        );
    });
});
