/**
 * The permissions boundary of every IAM role the platform creates in member accounts (the backup service role, the
 * event-forwarding, replication, scheduling, restore testing, validator and Config recorder roles).
 *
 * The deployment role must create those roles and write their policies, and may therefore only create or change a role
 * that carries this boundary (policies/deployment-role.ts, iam:PermissionsBoundary). A boundary is the most a role's
 * own policies can grant, so whatever policy a compromised deployment role writes, the role cannot administer IAM or
 * the organization, assume other roles, or dismantle the platform's vaults and keys.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate
 */
import type { PolicyDocument } from "./policy-document";

/**
 * What the platform's service roles do is wide (AWS Backup's managed policies back up and restore many services), so
 * the boundary allows everything and denies what no platform role needs and an attacker would want.
 */
export function platformRoleBoundary(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "AllowWhatTheRolesOwnPoliciesGrant", Effect: "Allow", Action: "*", Resource: "*" },
            {
                // iam:PassRole stays (AWS Backup's restore policy passes roles to EC2 when it restores instances), and so
                // does iam:CreateServiceLinkedRole: a service-linked role's permissions and trust are AWS's own.
                Sid: "DenyIdentityAdministration",
                Effect: "Deny",
                Action: [
                    "iam:Add*",
                    "iam:Attach*",
                    "iam:Change*",
                    "iam:CreateAccessKey",
                    "iam:CreateGroup",
                    "iam:CreateInstanceProfile",
                    "iam:CreateLoginProfile",
                    "iam:CreateOpenIDConnectProvider",
                    "iam:CreatePolicy",
                    "iam:CreatePolicyVersion",
                    "iam:CreateRole",
                    "iam:CreateSAMLProvider",
                    "iam:CreateServiceSpecificCredential",
                    "iam:CreateUser",
                    "iam:CreateVirtualMFADevice",
                    "iam:Deactivate*",
                    "iam:Delete*",
                    "iam:Detach*",
                    "iam:Enable*",
                    "iam:Put*",
                    "iam:Remove*",
                    "iam:Reset*",
                    "iam:Set*",
                    "iam:Update*",
                    "iam:Upload*",
                ],
                Resource: "*",
            },
            { Sid: "DenyOrganizationAndAccountChanges", Effect: "Deny", Action: ["organizations:*", "account:*"], Resource: "*" },
            {
                Sid: "DenyAssumingOtherRoles",
                Effect: "Deny",
                Action: ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"],
                Resource: "*",
            },
            {
                // No platform role deletes a recovery point or rewrites a vault's policy: the vault access policies already deny
                // DeleteRecoveryPoint, UpdateRecoveryPointLifecycle and PutBackupVaultAccessPolicy to every principal but
                // break-glass (policies/backup-vault-policy.ts), the backup service role included, so this adds no denial
                // AWS Backup's jobs could meet; it keeps the same denial if a vault policy were ever lost.
                Sid: "DenyDismantlingBackups",
                Effect: "Deny",
                Action: [
                    "backup:DeleteBackupVault",
                    "backup:DeleteBackupVaultAccessPolicy",
                    "backup:DeleteBackupVaultLockConfiguration",
                    "backup:DeleteRecoveryPoint",
                    "backup:PutBackupVaultAccessPolicy",
                    "backup:UpdateRecoveryPointLifecycle",
                ],
                Resource: "*",
            },
            { Sid: "DenyDisablingKeys", Effect: "Deny", Action: ["kms:DisableKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"], Resource: "*" },
        ],
    };
}
