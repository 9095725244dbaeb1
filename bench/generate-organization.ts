import * as YAML from "yaml";
import { CONFIG_NAMESPACE } from "../config/constants";

/**
 * A large, valid, fake organization for the plan benchmark: the config values map (keys without the
 * `backup-platform:` namespace) exactly as a stack file would hand it to validateEnvironment.
 */

/** Regions of the `aws` partition, in the order the benchmark takes them; one environment must stay in one partition. */
export const BENCH_REGIONS = [
    "eu-west-1",
    "eu-central-1",
    "us-east-1",
    "us-west-2",
    "eu-west-2",
    "eu-north-1",
    "us-east-2",
    "us-west-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ca-central-1",
] as const;

export interface OrganizationShape {
    /** Number of workload accounts. */
    accounts: number;
    /** Regions per account (the first N of BENCH_REGIONS). */
    regions: number;
}

/** OUs and the tiers their accounts get; accounts are dealt round-robin over this list (prod twice as often). */
const OU_LAYOUT = [
    { key: "prod", id: "ou-b3nc-prodwork1", tiers: ["daily", "weekly"] },
    { key: "nonprod", id: "ou-b3nc-nonprod01", tiers: ["daily"] },
    { key: "prod", id: "ou-b3nc-prodwork1", tiers: ["daily", "weekly"] },
    { key: "regulated", id: "ou-b3nc-regulatd1", tiers: ["daily", "weekly", "compliance"] },
] as const;

const TEAMS = ["payments", "checkout", "catalog", "search", "identity", "ledger", "kyc", "data-lake", "billing", "media"];

/** Fake but well-formed 12-digit account id, unique per index. */
export function workloadAccountId(index: number): string {
    return `7${String(index + 1).padStart(11, "0")}`;
}

/** The organization as a stack file (`Pulumi.<stack>.yaml`), as `npm run plan -- --config` reads it. */
export function organizationStackFile(shape: OrganizationShape): string {
    const values = generateOrganization(shape);
    const config: Record<string, unknown> = { "pulumi:disable-default-providers": ["aws"] };
    for (const [key, value] of Object.entries(values)) config[`${CONFIG_NAMESPACE}:${key}`] = value;
    return YAML.stringify({ config });
}

export function generateOrganization(shape: OrganizationShape): Record<string, unknown> {
    if (!Number.isInteger(shape.accounts) || shape.accounts < 1 || shape.accounts > 99_999) {
        throw new Error(`accounts must be a whole number between 1 and 99999, got ${shape.accounts}`);
    }
    if (!Number.isInteger(shape.regions) || shape.regions < 1 || shape.regions > BENCH_REGIONS.length) {
        throw new Error(`regions must be a whole number between 1 and ${BENCH_REGIONS.length}, got ${shape.regions}`);
    }
    const regions = BENCH_REGIONS.slice(0, shape.regions);
    const ous: Record<string, unknown> = {};
    for (const ou of OU_LAYOUT) ous[ou.key] = { id: ou.id, regions: [...regions], tiers: [...ou.tiers] };

    const accounts = Array.from({ length: shape.accounts }, (_, index) => {
        const ou = OU_LAYOUT[index % OU_LAYOUT.length];
        const team = TEAMS[index % TEAMS.length];
        return { id: workloadAccountId(index), alias: `${team}-${ou.key}-${String(index + 1).padStart(4, "0")}`, ou: ou.key };
    });

    return {
        namePrefix: "bench-backup",
        deploymentRoleName: "BackupPlatformDeployment",
        breakGlassRoleName: "BackupBreakGlass",
        tags: { "cost-center": "platform-dr", owner: "platform-team@example.com" },
        organization: { id: "o-b3nchm4rk01", rootId: "r-b3nc" },
        managementAccount: { id: "600000000001", alias: "bench-management" },
        bootstrap: { trustedPrincipalArns: ["arn:aws:iam::600000000009:role/bench-ci"] },
        centralAccount: { id: "600000000002", alias: "bench-backup-central", regions: [...regions] },
        organizationalUnits: ous,
        accounts,
        vaults: {
            standard: {
                description: "Day-to-day recovery points, governance lock against accidental deletion.",
                lock: { mode: "governance", minRetentionDays: 1, maxRetentionDays: 3650 },
            },
            compliance: {
                description: "Regulated records; the lock becomes immutable after 7 days.",
                lock: { mode: "compliance", minRetentionDays: 2555, maxRetentionDays: 3650, changeableForDays: 7 },
            },
        },
        // Each region's disaster-recovery copies go to the next region of the list.
        centralBackup: {
            disasterRecoveryRegions: Object.fromEntries(
                regions.length > 1 ? regions.map((region, index) => [region, regions[(index + 1) % regions.length]]) : [],
            ),
        },
        alerts: { subscriptions: [{ protocol: "email", endpoint: "backup-oncall@example.com" }] },
        audit: { configRecorder: "existing", controls: { recoveryPointsEncrypted: true, crossAccountCopy: true } },
        tiers: {
            daily: {
                description: "Nightly snapshots kept five weeks.",
                vault: "standard",
                rules: {
                    nightly: {
                        schedule: "cron(0 1 ? * * *)",
                        timezone: "Etc/UTC",
                        startWindowMinutes: 60,
                        completionWindowMinutes: 600,
                        lifecycle: { deleteAfterDays: 35 },
                        copies: [{ to: "central", lifecycle: { deleteAfterDays: 35 } }],
                    },
                },
                selection: { tags: [{ key: "backup-tier", value: "daily" }] },
            },
            weekly: {
                description: "Sunday snapshots, cold after 30 days, kept one year.",
                vault: "standard",
                rules: {
                    sunday: {
                        schedule: "cron(0 3 ? * SUN *)",
                        timezone: "Europe/London",
                        startWindowMinutes: 120,
                        completionWindowMinutes: 1440,
                        lifecycle: { coldStorageAfterDays: 30, deleteAfterDays: 365 },
                        recoveryPointTags: { retention: "1y" },
                    },
                },
                selection: { tags: [{ key: "backup-tier", value: "weekly" }] },
            },
            compliance: {
                description: "Regulated data kept seven years in the compliance-locked vault.",
                vault: "compliance",
                rules: {
                    "daily-7y": {
                        schedule: "cron(30 2 ? * * *)",
                        timezone: "Europe/Berlin",
                        startWindowMinutes: 60,
                        completionWindowMinutes: 720,
                        lifecycle: { coldStorageAfterDays: 30, deleteAfterDays: 2555 },
                        copies: regions.length > 1 ? [{ to: "disasterRecovery", lifecycle: { deleteAfterDays: 2555 } }] : [],
                    },
                },
                selection: {
                    resources: ["*"],
                    conditions: { stringEquals: [{ key: "data-classification", value: "regulated" }] },
                },
            },
        },
    };
}
