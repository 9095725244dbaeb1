import assert from "node:assert/strict";
import {
    backupKeyPolicy,
    backupServiceManagedPolicyArns,
    backupServiceTrustPolicy,
    backupVaultAccessPolicy,
    serializePolicy,
    type PolicyDocument,
    type PolicyStatement,
} from "../policies";
import { findUnknownIamNames } from "./support/iam-data";
import { asList } from "./support/graph";

const ACCOUNT = "111122223333";
const OTHER_ACCOUNT = "444455556666";
const BACKUP_ROLE = `arn:aws:iam::${ACCOUNT}:role/service-role/BackupServiceRole`;
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/BreakGlass`;
const DEPLOYMENT = `arn:aws:iam::${ACCOUNT}:role/Deployment`;
const VAULT = `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:platform-eu-west-1`;

function statementsWith(doc: PolicyDocument, action: string): PolicyStatement[] {
    return doc.Statement.filter((s) => asList(s.Action).includes(action));
}

function onlyStatementWith(doc: PolicyDocument, action: string): PolicyStatement {
    const found = statementsWith(doc, action);
    assert.equal(found.length, 1, `expected exactly one statement with ${action}`);
    return found[0];
}

describe("backupVaultAccessPolicy", () => {
    const policy = backupVaultAccessPolicy({ vaultArn: VAULT, breakGlassRoleArn: BREAK_GLASS, deploymentRoleArn: DEPLOYMENT });
    const exceptBreakGlass = { ArnNotEquals: { "aws:PrincipalArn": BREAK_GLASS } };
    const exceptBoth = { ArnNotEquals: { "aws:PrincipalArn": [BREAK_GLASS, DEPLOYMENT] } };
    const bySid = (sid: string) => policy.Statement.find((s) => s.Sid === sid)!;

    it("carries the Deny that AWS Config's backup-recovery-point-manual-deletion-disabled rule recognises", () => {
        // One Deny with all three actions, "*" as Principal and Resource; exemptions by principal ARN only.
        const matches = policy.Statement.filter((s) => {
            const actions = asList(s.Action);
            return (
                s.Effect === "Deny" &&
                s.Principal === "*" &&
                s.Resource === "*" &&
                ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"].every((a) => actions.includes(a))
            );
        });
        assert.equal(matches.length, 1);
        assert.deepEqual(matches[0].Condition, exceptBoth);
    });

    it("lets only the break-glass role delete recovery points or shorten their retention", () => {
        for (const action of ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"]) {
            const statements = statementsWith(policy, action);
            assert.equal(statements.length, 2);
            assert.ok(statements.every((s) => s.Effect === "Deny" && s.Principal === "*" && s.Resource === "*"));
            // Deny wins: the deployment role's exemption in the Config-shaped statement does not survive the other one.
            assert.deepEqual(
                statements.map((s) => s.Condition),
                [exceptBoth, exceptBreakGlass],
            );
        }
    });

    it("lets only the break-glass role delete the vault", () => {
        const statement = onlyStatementWith(policy, "backup:DeleteBackupVault");
        assert.equal(statement.Effect, "Deny");
        assert.equal(statement.Principal, "*");
        assert.equal(statement.Resource, VAULT);
        assert.deepEqual(statement.Condition, exceptBreakGlass);
    });

    it("lets only the break-glass and deployment roles replace or delete this policy", () => {
        assert.deepEqual(onlyStatementWith(policy, "backup:PutBackupVaultAccessPolicy").Condition, exceptBoth);
        const deletion = onlyStatementWith(policy, "backup:DeleteBackupVaultAccessPolicy");
        assert.equal(deletion.Resource, VAULT);
        assert.deepEqual(deletion.Condition, exceptBoth);
    });

    it("never exempts the deployment role from destroying backups", () => {
        assert.deepEqual(bySid("DenyEarlyRecoveryPointLossExceptBreakGlass").Condition, exceptBreakGlass);
        assert.deepEqual(bySid("DenyVaultDeletionExceptBreakGlass").Condition, exceptBreakGlass);
    });

    it("only denies, and denies exactly the protected actions", () => {
        assert.ok(policy.Statement.every((s) => s.Effect === "Deny"));
        const actions = [...new Set(policy.Statement.flatMap((s) => asList(s.Action)))].sort();
        assert.deepEqual(actions, [
            "backup:DeleteBackupVault",
            "backup:DeleteBackupVaultAccessPolicy",
            "backup:DeleteRecoveryPoint",
            "backup:PutBackupVaultAccessPolicy",
            "backup:UpdateRecoveryPointLifecycle",
        ]);
    });

    it("spells out every action, because vault access policies reject Action wildcards", () => {
        for (const action of policy.Statement.flatMap((s) => asList(s.Action))) {
            assert.match(action, /^backup:[A-Za-z]+$/);
        }
    });

    it("exempts roles by condition, not NotPrincipal, so it works before the roles exist", () => {
        for (const statement of policy.Statement) {
            assert.ok(!("NotPrincipal" in statement));
            assert.deepEqual(Object.keys(statement.Condition ?? {}), ["ArnNotEquals"]);
        }
    });

    it("builds GovCloud policies from GovCloud ARNs", () => {
        const govVault = `arn:aws-us-gov:backup:us-gov-west-1:${ACCOUNT}:backup-vault:v`;
        const govRole = `arn:aws-us-gov:iam::${ACCOUNT}:role/BreakGlass`;
        const gov = backupVaultAccessPolicy({ vaultArn: govVault, breakGlassRoleArn: govRole, deploymentRoleArn: govRole.replace("BreakGlass", "Deployment") });
        assert.equal(onlyStatementWith(gov, "backup:DeleteBackupVault").Resource, govVault);
        assert.deepEqual(onlyStatementWith(gov, "backup:DeleteBackupVault").Condition, {
            ArnNotEquals: { "aws:PrincipalArn": govRole },
        });
    });

    it("refuses a break-glass role that could never use its exemption", () => {
        // AWS Backup rejects cross-account vault calls, so another account's role is useless here.
        assert.throws(
            () =>
                backupVaultAccessPolicy({ vaultArn: VAULT, breakGlassRoleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/BreakGlass`, deploymentRoleArn: DEPLOYMENT }),
            /account/,
        );
        assert.throws(
            () => backupVaultAccessPolicy({ vaultArn: VAULT, breakGlassRoleArn: `arn:aws-cn:iam::${ACCOUNT}:role/BreakGlass`, deploymentRoleArn: DEPLOYMENT }),
            /partition/,
        );
        assert.throws(
            () => backupVaultAccessPolicy({ vaultArn: VAULT, breakGlassRoleArn: `arn:aws:iam::${ACCOUNT}:user/alice`, deploymentRoleArn: DEPLOYMENT }),
            /not an IAM role ARN/,
        );
    });

    it("refuses an ARN that is not a backup vault", () => {
        assert.throws(
            () =>
                backupVaultAccessPolicy({
                    vaultArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/abc`,
                    breakGlassRoleArn: BREAK_GLASS,
                    deploymentRoleArn: DEPLOYMENT,
                }),
            /not a backup vault ARN/,
        );
    });
});

describe("backupKeyPolicy", () => {
    const args = { partition: "aws", accountId: ACCOUNT, region: "eu-west-1", backupRoleArn: BACKUP_ROLE, deploymentRoleArn: DEPLOYMENT };
    const policy = backupKeyPolicy(args);

    it("keeps the key administrable through the account root, so it can never become unmanageable", () => {
        const statement = onlyStatementWith(policy, "kms:*");
        assert.equal(statement.Effect, "Allow");
        assert.deepEqual(statement.Principal, { AWS: `arn:aws:iam::${ACCOUNT}:root` });
        assert.equal(statement.Condition, undefined);
    });

    it("lets the backup role use the key but grant only to AWS resources", () => {
        const forRole = policy.Statement.filter((s) => s.Effect === "Allow" && typeof s.Principal === "object" && s.Principal.AWS === BACKUP_ROLE);
        const roleActions = forRole.flatMap((s) => asList(s.Action));
        for (const needed of ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"]) {
            assert.ok(roleActions.includes(needed), `backup role lacks ${needed}`);
        }
        // Every path to CreateGrant for the role carries the AWS-resource condition.
        const grants = forRole.filter((s) => asList(s.Action).some((a) => /^kms:(CreateGrant|\*|Create\*)$/.test(a)));
        assert.equal(grants.length, 1);
        assert.deepEqual(asList(grants[0].Action), ["kms:CreateGrant"]);
        assert.deepEqual(grants[0].Condition, { Bool: { "kms:GrantIsForAWSResource": "true" } });
    });

    it("gives the backup role no key administration", () => {
        const roleActions = policy.Statement.filter((s) => typeof s.Principal === "object" && s.Principal.AWS === BACKUP_ROLE).flatMap((s) => asList(s.Action));
        for (const admin of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:*", "kms:Encrypt"]) {
            assert.ok(!roleActions.includes(admin), `backup role must not have ${admin}`);
        }
    });

    it("limits AWS Backup storage to this account's vaults in this region", () => {
        const statement = policy.Statement.find((s) => s.Effect === "Deny");
        assert.ok(statement);
        assert.deepEqual(statement.Principal, { Service: "backup-storage.amazonaws.com" });
        assert.deepEqual(asList(statement.Action).sort(), ["kms:Decrypt", "kms:GenerateDataKey", "kms:RetireGrant"]);
        assert.deepEqual(statement.Condition, {
            StringNotEquals: { "aws:SourceAccount": ACCOUNT },
            ArnNotLike: { "aws:SourceArn": `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:*` },
        });
    });

    it("builds China-region ARNs in the aws-cn partition", () => {
        const cnRole = `arn:aws-cn:iam::${ACCOUNT}:role/BackupServiceRole`;
        const cn = backupKeyPolicy({
            partition: "aws-cn",
            accountId: ACCOUNT,
            region: "cn-north-1",
            backupRoleArn: cnRole,
            deploymentRoleArn: cnRole.replace("BackupServiceRole", "Deployment"),
        });
        assert.deepEqual(onlyStatementWith(cn, "kms:*").Principal, { AWS: `arn:aws-cn:iam::${ACCOUNT}:root` });
        const storage = cn.Statement.find((s) => s.Effect === "Deny");
        assert.equal(storage?.Condition?.ArnNotLike?.["aws:SourceArn"], `arn:aws-cn:backup:cn-north-1:${ACCOUNT}:backup-vault:*`);
    });

    it("builds GovCloud ARNs in the aws-us-gov partition", () => {
        const govRole = `arn:aws-us-gov:iam::${ACCOUNT}:role/BackupServiceRole`;
        const gov = backupKeyPolicy({
            partition: "aws-us-gov",
            accountId: ACCOUNT,
            region: "us-gov-west-1",
            backupRoleArn: govRole,
            deploymentRoleArn: govRole.replace("BackupServiceRole", "Deployment"),
        });
        assert.deepEqual(onlyStatementWith(gov, "kms:*").Principal, { AWS: `arn:aws-us-gov:iam::${ACCOUNT}:root` });
        assert.ok(serializePolicy(gov).includes(`arn:aws-us-gov:backup:us-gov-west-1:${ACCOUNT}:backup-vault:*`));
        assert.ok(!serializePolicy(gov).includes("arn:aws:"));
    });

    it("refuses inputs whose partition, region or account do not line up", () => {
        assert.throws(() => backupKeyPolicy({ ...args, region: "cn-north-1" }), /partition aws-cn/);
        assert.throws(() => backupKeyPolicy({ ...args, partition: "aws-us-gov" }), /not in partition aws-us-gov/);
        assert.throws(() => backupKeyPolicy({ ...args, backupRoleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/R` }), /account/);
        assert.throws(() => backupKeyPolicy({ ...args, accountId: "1234" }), /12-digit/);
        assert.throws(() => backupKeyPolicy({ ...args, deploymentRoleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/Deployment` }), /account/);
    });

    it("lets the deployment role maintain the key and create vaults with it, from the key policy itself, but never delete or disable it", () => {
        // The key policy, not only the tag-scoped IAM policy, so the policy lockout check passes at CreateKey and the
        // provider's reads right after creation do not wait for tag-based authorization.
        const statement = policy.Statement.find((s) => typeof s.Principal === "object" && s.Principal.AWS === DEPLOYMENT)!;
        const actions = asList(statement.Action);
        for (const needed of [
            "kms:PutKeyPolicy",
            "kms:GetKeyPolicy",
            "kms:EnableKeyRotation",
            "kms:CreateGrant",
            "kms:GenerateDataKey",
            "kms:Decrypt",
            "kms:RetireGrant",
            "kms:DescribeKey",
            "kms:CreateAlias",
        ]) {
            assert.ok(actions.includes(needed), `deployment role lacks ${needed}`);
        }
        for (const forbidden of ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation", "kms:*"])
            assert.ok(!actions.includes(forbidden), forbidden);
    });
});

describe("backupServiceTrustPolicy", () => {
    it("trusts only the AWS Backup service", () => {
        const policy = backupServiceTrustPolicy({ accountId: ACCOUNT });
        assert.equal(policy.Statement.length, 1);
        const [statement] = policy.Statement;
        assert.equal(statement.Effect, "Allow");
        assert.deepEqual(statement.Principal, { Service: "backup.amazonaws.com" });
        assert.equal(statement.Action, "sts:AssumeRole");
        // AWS Backup documents no confused-deputy condition for its service role.
        assert.equal(statement.Condition, undefined);
        // IAM rejects a Resource element in a trust policy.
        assert.ok(!("Resource" in statement));
    });

    it("uses the same service principal in every partition", () => {
        for (const partition of ["aws", "aws-cn", "aws-us-gov"]) {
            const policy = backupServiceTrustPolicy({ accountId: ACCOUNT, partition });
            assert.deepEqual(policy.Statement[0].Principal, { Service: "backup.amazonaws.com" });
        }
    });

    it("refuses a malformed account ID", () => {
        assert.throws(() => backupServiceTrustPolicy({ accountId: "not-an-account" }), /12-digit/);
    });
});

describe("backupServiceManagedPolicyArns", () => {
    it("lists the AWS managed policies for backup and restore, S3 included, at their exact paths", () => {
        assert.deepEqual(backupServiceManagedPolicyArns("aws"), [
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
        ]);
    });

    it("puts the ARNs in the requested partition", () => {
        for (const partition of ["aws-cn", "aws-us-gov"]) {
            const arns = backupServiceManagedPolicyArns(partition);
            assert.equal(arns.length, 4);
            for (const arn of arns) assert.ok(arn.startsWith(`arn:${partition}:iam::aws:policy/`), arn);
        }
    });

    it("refuses something that is not a partition", () => {
        assert.throws(() => backupServiceManagedPolicyArns("arn:aws"), /partition/);
    });
});

describe("every policy document builder", () => {
    const cnRole = (name: string) => `arn:aws-cn:iam::${ACCOUNT}:role/${name}`;
    const builders: Array<[string, () => PolicyDocument]> = [
        [
            "backupKeyPolicy (aws)",
            () => backupKeyPolicy({ partition: "aws", accountId: ACCOUNT, region: "eu-west-1", backupRoleArn: BACKUP_ROLE, deploymentRoleArn: DEPLOYMENT }),
        ],
        [
            "backupKeyPolicy (aws-cn)",
            () =>
                backupKeyPolicy({
                    partition: "aws-cn",
                    accountId: ACCOUNT,
                    region: "cn-northwest-1",
                    backupRoleArn: cnRole("B"),
                    deploymentRoleArn: cnRole("D"),
                }),
        ],
        ["backupVaultAccessPolicy (aws)", () => backupVaultAccessPolicy({ vaultArn: VAULT, breakGlassRoleArn: BREAK_GLASS, deploymentRoleArn: DEPLOYMENT })],
        [
            "backupVaultAccessPolicy (aws-cn)",
            () =>
                backupVaultAccessPolicy({
                    vaultArn: `arn:aws-cn:backup:cn-north-1:${ACCOUNT}:backup-vault:v`,
                    breakGlassRoleArn: cnRole("BreakGlass"),
                    deploymentRoleArn: cnRole("Deployment"),
                }),
        ],
        ["backupServiceTrustPolicy", () => backupServiceTrustPolicy({ accountId: ACCOUNT })],
    ];

    for (const [name, build] of builders) {
        describe(name, () => {
            const doc = build();

            it("uses only actions and condition keys that exist in IAM", async () => {
                assert.deepEqual(await findUnknownIamNames(doc), []);
            });

            it("names each statement's concern with a unique, alphanumeric Sid", () => {
                const sids = doc.Statement.map((s) => s.Sid);
                for (const sid of sids) assert.match(sid, /^[A-Za-z0-9]+$/);
                assert.equal(new Set(sids).size, sids.length);
            });

            it("serializes to JSON that parses back to the same document", () => {
                assert.equal(doc.Version, "2012-10-17");
                assert.deepEqual(JSON.parse(serializePolicy(doc)), doc);
            });
        });
    }
});

describe("findUnknownIamNames", () => {
    const doc = (statement: Partial<PolicyStatement>): PolicyDocument => ({
        Version: "2012-10-17",
        Statement: [{ Sid: "Probe", Effect: "Deny", Principal: "*", Action: [], Resource: "*", ...statement }],
    });

    it("catches a made-up action", async () => {
        const unknown = await findUnknownIamNames(doc({ Action: ["backup:DeleteRecoveryPoint", "backup:DeleteEverything"] }));
        assert.deepEqual(unknown, ["backup:DeleteEverything"]);
    });

    it("catches made-up condition keys, global and service-specific", async () => {
        const unknown = await findUnknownIamNames(
            doc({
                Action: "kms:CreateGrant",
                Condition: {
                    StringEquals: { "aws:SourceAccount": ACCOUNT, "aws:SourceAcount": ACCOUNT },
                    Bool: { "kms:GrantIsForAwsResources": "true" },
                },
            }),
        );
        assert.deepEqual(unknown, ["aws:SourceAcount", "kms:GrantIsForAwsResources"]);
    });

    it("requires a wildcard to match at least one real action", async () => {
        assert.deepEqual(await findUnknownIamNames(doc({ Action: ["kms:ReEncrypt*", "kms:Generate?ataKey", "s3:*"] })), []);
        assert.deepEqual(await findUnknownIamNames(doc({ Action: ["backup:DeleteEverything*", "kms:?"] })), ["backup:DeleteEverything*", "kms:?"]);
    });

    it("matches names case-insensitively, as IAM does", async () => {
        const unknown = await findUnknownIamNames(
            doc({ Action: ["BACKUP:deleterecoverypoint", "Kms:createGRANT"], Condition: { ArnNotEquals: { "AWS:principalarn": BREAK_GLASS } } }),
        );
        assert.deepEqual(unknown, []);
    });

    it("rejects unknown services and actions without a service prefix", async () => {
        assert.deepEqual(await findUnknownIamNames(doc({ Action: ["nosuchservice:DoThing", "DeleteRecoveryPoint"] })), [
            "nosuchservice:DoThing",
            "DeleteRecoveryPoint",
        ]);
    });

    it("accepts templated condition keys such as aws:PrincipalTag/<key>", async () => {
        assert.deepEqual(await findUnknownIamNames(doc({ Action: "*", Condition: { StringEquals: { "aws:PrincipalTag/team": "platform" } } })), []);
    });
});
