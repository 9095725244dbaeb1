import assert from "node:assert/strict";
import { EnvironmentModel } from "../config/model";
import { organizationsPolicySize } from "../policies/organizations-quotas";
import {
    GuardrailScope,
    SCP_PROTECTIONS,
    serviceControlPolicyDocuments,
    serviceControlStatements,
    STACK_SET_EXECUTION_ROLE_PATTERN,
} from "../policies/service-control-policies";
import type { PolicyDocument, PolicyStatement } from "../policies";
import { guardrailScope, organizationPolicies } from "../projects/guardrails";
import { findUnknownIamNames } from "./support/iam-data";
import { asList, loadStack } from "./support/graph";

const actionsOf = (statement: PolicyStatement) => asList(statement.Action);
const exemptionsOf = (statement: PolicyStatement) => asList(statement.Condition?.ArnNotLike?.["aws:PrincipalArn"]).map(String);
const ALL = [...SCP_PROTECTIONS];

/** The statement that denies an action, in a set of statements that must have exactly one. */
function denying(statements: PolicyStatement[], action: string): PolicyStatement {
    const found = statements.filter((statement) => actionsOf(statement).includes(action));
    assert.equal(found.length, 1, `expected one statement denying ${action}, found ${found.length}`);
    return found[0];
}

/** The role name an exemption ARN names, after checking that it is `arn:<partition>:iam::*:role/<name>`. */
function exemptRoleName(arn: string, partition: string): string {
    const match = new RegExp(`^arn:${partition}:iam::\\*:role/([^/]+)$`).exec(arn);
    assert.ok(match, `${arn} is not arn:${partition}:iam::*:role/<name>`);
    return match[1];
}

describe("service control policies", () => {
    for (const stack of ["dev", "prod"]) {
        describe(`of the ${stack} environment`, () => {
            let model: EnvironmentModel;
            let scope: GuardrailScope;
            let documents: PolicyDocument[];

            before(() => {
                model = loadStack(stack);
                scope = guardrailScope(model);
                documents = organizationPolicies(model)
                    .filter((policy) => policy.type === "SERVICE_CONTROL_POLICY")
                    .map((policy) => policy.document as PolicyDocument);
            });

            it("names only IAM actions and condition keys that exist", async () => {
                assert.ok(documents.length > 0);
                for (const document of documents) assert.deepEqual(await findUnknownIamNames(document), []);
                // Every protection at once too, so a statement no environment enables yet is checked as well.
                for (const document of serviceControlPolicyDocuments(scope, ALL)) assert.deepEqual(await findUnknownIamNames(document), []);
            });

            it("keeps every policy within 5,120 characters as sent, only Deny statements, each Sid unique and alphanumeric", () => {
                for (const document of [...documents, ...serviceControlPolicyDocuments(scope, ALL)]) {
                    assert.ok(organizationsPolicySize(document) <= 5120, `${organizationsPolicySize(document)} characters`);
                    assert.equal(document.Version, "2012-10-17");
                    const sids = document.Statement.map((statement) => statement.Sid);
                    assert.equal(new Set(sids).size, sids.length);
                    for (const statement of document.Statement) {
                        assert.equal(statement.Effect, "Deny");
                        assert.match(statement.Sid, /^[A-Za-z0-9]+$/);
                        assert.equal(statement.Principal, undefined, "SCPs take no Principal element");
                    }
                }
            });

            it("exempts only exact role names from the model, each protected in the same policy from being created or re-trusted by anyone else", () => {
                const statements = serviceControlStatements(scope, ALL);
                const exemptNames = new Set(statements.flatMap(exemptionsOf).map((arn) => exemptRoleName(arn, model.partition)));
                const modelNames = [model.roles.deploymentRoleName, model.roles.breakGlassRoleName, model.roles.backupServiceRoleName];
                for (const name of exemptNames) {
                    if (name === STACK_SET_EXECUTION_ROLE_PATTERN) continue;
                    assert.ok(modelNames.includes(name), `${name} is not a role name of the model`);
                    assert.doesNotMatch(name, /[*?]/);
                }
                // A role of an exempt name can be created, deleted or re-trusted by the deployment role (and StackSets) only.
                const takeover = statements.find((statement) => statement.Sid === "DenyPlatformRoleChangesExceptDeployment")!;
                for (const action of ["iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRole"]) {
                    assert.ok(actionsOf(takeover).includes(action), action);
                }
                const protectedArns = asList(takeover.Resource);
                for (const name of exemptNames) {
                    if (name === STACK_SET_EXECUTION_ROLE_PATTERN) continue;
                    const arn = `arn:${model.partition}:iam::*:role/${name}`;
                    assert.ok(
                        protectedArns.includes(arn) || protectedArns.includes(`arn:${model.partition}:iam::*:role/${model.namePrefix}-*`),
                        `${name} is exempt but not protected`,
                    );
                }
                assert.deepEqual(
                    exemptionsOf(takeover).map((arn) => exemptRoleName(arn, model.partition)),
                    [model.roles.deploymentRoleName, STACK_SET_EXECUTION_ROLE_PATTERN],
                );
                // The one pattern among the exemptions (StackSets' execution roles) is itself protected from everyone.
                const executionRoles = statements.filter((statement) =>
                    asList(statement.Resource).includes(`arn:${model.partition}:iam::*:role/${STACK_SET_EXECUTION_ROLE_PATTERN}`),
                );
                assert.equal(executionRoles.length, 1);
                assert.ok(actionsOf(executionRoles[0]).includes("iam:CreateRole"));
                assert.equal(executionRoles[0].Condition, undefined, "nobody is exempt from protecting the execution roles' names");
            });

            it("lets only the break-glass role delete or shorten recovery points, delete platform vaults or their locks, and disable or delete platform keys", () => {
                const statements = serviceControlStatements(scope, ALL);
                const breakGlass = [`arn:${model.partition}:iam::*:role/${model.roles.breakGlassRoleName}`];
                for (const action of [
                    "backup:DeleteRecoveryPoint",
                    "backup:UpdateRecoveryPointLifecycle",
                    "backup:DisassociateRecoveryPoint",
                    "backup:DeleteBackupVault",
                    "backup:DeleteBackupVaultLockConfiguration",
                    "kms:ScheduleKeyDeletion",
                    "kms:DisableKey",
                ]) {
                    assert.deepEqual(exemptionsOf(denying(statements, action)), breakGlass, action);
                }
                assert.equal(denying(statements, "backup:DeleteBackupVault").Resource, `arn:${model.partition}:backup:*:*:backup-vault:${model.namePrefix}-*`);
                assert.deepEqual(denying(statements, "kms:ScheduleKeyDeletion").Condition?.StringEquals, {
                    "aws:ResourceTag/backup-platform:managed-by": "pulumi",
                });
            });

            it("lets only the platform's roles change vault policies, plans, selections, settings and restore-testing plans", () => {
                const statements = serviceControlStatements(scope, ALL);
                const platform = [model.roles.deploymentRoleName, model.roles.breakGlassRoleName].map((name) => `arn:${model.partition}:iam::*:role/${name}`);
                for (const action of [
                    "backup:PutBackupVaultAccessPolicy",
                    "backup:DeleteBackupVaultAccessPolicy",
                    "backup:PutBackupVaultNotifications",
                    "backup:DeleteBackupPlan",
                    "backup:UpdateBackupPlan",
                    "backup:DeleteBackupSelection",
                    "backup:UpdateRegionSettings",
                    "backup:UpdateGlobalSettings",
                    "backup:DeleteRestoreTestingPlan",
                ]) {
                    assert.deepEqual(exemptionsOf(denying(statements, action)), platform, action);
                }
                // Whoever could remove the platform's tag could then escape the tag-scoped statements.
                const tags = denying(statements, "kms:UntagResource");
                assert.ok(actionsOf(tags).includes("backup:UntagResource"));
                assert.deepEqual(tags.Condition?.["ForAnyValue:StringEquals"], { "aws:TagKeys": ["backup-platform:managed-by"] });
            });

            it("denies copying recovery points to any destination outside the organization, to everyone", () => {
                const copies = denying(serviceControlStatements(scope, ALL), "backup:CopyFromBackupVault");
                assert.deepEqual(copies.Condition, { "ForAllValues:StringNotLike": { "backup:CopyTargetOrgPaths": [`${model.organization.id}/*`] } });
            });

            it("denies grants on platform keys except those AWS services create, and changes to bucket protections except by the deployment role", () => {
                const statements = serviceControlStatements(scope, ALL);
                const grants = denying(statements, "kms:CreateGrant");
                assert.deepEqual(grants.Condition?.BoolIfExists, { "kms:GrantIsForAWSResource": "false" });
                assert.equal(grants.Condition?.ArnNotLike, undefined);
                const buckets = denying(statements, "s3:PutBucketVersioning");
                assert.ok(asList(buckets.Resource).includes(`arn:${model.partition}:s3:::${model.namePrefix}-*`));
                for (const action of [
                    "s3:PutLifecycleConfiguration",
                    "s3:PutReplicationConfiguration",
                    "s3:PutBucketObjectLockConfiguration",
                    "s3:PutBucketPolicy",
                ]) {
                    assert.equal(denying(statements, action), buckets);
                }
                assert.deepEqual(exemptionsOf(buckets), [`arn:${model.partition}:iam::*:role/${model.roles.deploymentRoleName}`]);
            });

            it("lets only the deployment role and StackSets create, version or delete the permissions boundary of the platform's roles", () => {
                const statements = serviceControlStatements(scope, ALL);
                const boundary = denying(statements, "iam:CreatePolicyVersion");
                assert.ok(asList(boundary.Resource).includes(`arn:${model.partition}:iam::*:policy/${model.roles.permissionsBoundaryName}`));
                for (const action of ["iam:CreatePolicy", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"]) {
                    assert.equal(denying(statements, action), boundary);
                }
                // Only that policy: every other resource of the statement is a role.
                assert.deepEqual(
                    asList(boundary.Resource).filter((arn) => !arn.includes(":role/")),
                    [`arn:${model.partition}:iam::*:policy/${model.roles.permissionsBoundaryName}`],
                );
                const exempt = exemptionsOf(boundary).map((arn) => exemptRoleName(arn, model.partition));
                assert.deepEqual(exempt, [model.roles.deploymentRoleName, ...(model.management.bootstrap ? ["stacksets-exec-*"] : [])]);
                // Without platformRoles, no policy version is denied: the boundary is part of that protection.
                assert.ok(!serviceControlStatements(scope, ["backupTampering"]).some((statement) => actionsOf(statement).includes("iam:CreatePolicyVersion")));
            });
        });
    }

    const scope: GuardrailScope = {
        partition: "aws",
        organizationId: "o-a1b2c3d4e5",
        namePrefix: "acme-backup",
        deploymentRoleName: "Deploy",
        breakGlassRoleName: "BreakGlass",
        backupServiceRoleName: "acme-backup-backup-service",
        permissionsBoundaryName: "acme-backup-role-boundary",
        stackSetExecutionRoles: false,
        protectedBuckets: [],
    };

    it("has no StackSets exemption when the deployment role is not created by StackSets", () => {
        const statements = serviceControlStatements(scope, ALL);
        assert.ok(statements.every((statement) => exemptionsOf(statement).every((arn) => !arn.includes("stacksets-exec"))));
        assert.ok(statements.every((statement) => !asList(statement.Resource).some((arn) => arn.includes("stacksets-exec"))));
    });

    it("protects the exempt role names even in a policy that does not ask for platformRoles", () => {
        const statements = serviceControlStatements(scope, ["backupTampering"]);
        assert.deepEqual(asList(denying(statements, "iam:CreateRole").Resource), [
            "arn:aws:iam::*:role/Deploy",
            "arn:aws:iam::*:role/BreakGlass",
            "arn:aws:iam::*:role/acme-backup-backup-service",
        ]);
    });

    it("adds no role protection to policies without exemptions: leaving the organization and copies are denied to everyone", () => {
        assert.deepEqual(
            serviceControlStatements(scope, ["leaveOrganization", "copiesOutsideOrganization"]).map((statement) => statement.Sid),
            ["DenyRecoveryPointCopiesOutsideOrganization", "DenyLeavingOrganization"],
        );
    });

    it("packs statements in order into as few policies as fit, and refuses a statement that alone is too large", () => {
        const many = { ...scope, protectedBuckets: Array.from({ length: 60 }, (_, index) => `team-${index}-archive-*`) };
        const documents = serviceControlPolicyDocuments(many, ALL);
        assert.ok(documents.length >= 2);
        const order = serviceControlStatements(many, ALL).map((statement) => statement.Sid);
        // Every statement in exactly one policy, in its original order within each.
        assert.deepEqual(documents.flatMap((document) => document.Statement.map((statement) => statement.Sid)).sort(), [...order].sort());
        for (const document of documents) {
            const positions = document.Statement.map((statement) => order.indexOf(statement.Sid));
            assert.deepEqual(
                positions,
                [...positions].sort((a, b) => a - b),
            );
        }
        for (const document of documents) assert.ok(organizationsPolicySize(document) <= 5120);
        const tooMany = { ...scope, protectedBuckets: Array.from({ length: 400 }, (_, index) => `team-${index}-archive-*`) };
        assert.throws(
            () => serviceControlPolicyDocuments(tooMany, ["platformBuckets"]),
            /DenyPlatformBucketProtectionChangesExceptDeployment alone is \d+ characters/,
        );
    });

    it("refuses role names with wildcards, which would exempt roles anyone can create", () => {
        assert.throws(
            () => serviceControlStatements({ ...scope, breakGlassRoleName: "Break*" }, ALL),
            /breakGlassRoleName "Break\*" is not an exact IAM role name/,
        );
        assert.throws(
            () => serviceControlStatements({ ...scope, permissionsBoundaryName: "acme-*" }, ALL),
            /permissionsBoundaryName "acme-\*" is not an exact IAM policy name/,
        );
    });
});
