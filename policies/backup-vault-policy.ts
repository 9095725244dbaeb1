import { assertAccountId, assertPartition, assertRoleArn, parseArn } from "./arn";
import type { PolicyCondition, PolicyDocument, PolicyStatement } from "./policy-document";

export interface BackupVaultAccessPolicyArgs {
    /** ARN of the vault the policy is attached to. */
    vaultArn: string;
    /** The one role allowed to destroy backups, e.g. during an approved incident. Must be in the vault's account. */
    breakGlassRoleArn: string;
    /** The role deployments run as; it may replace this policy (so `pulumi up` can update it) but not destroy backups. */
    deploymentRoleArn: string;
}

/**
 * Access policy for a backup vault: nobody but the break-glass role can
 * destroy recovery points early or dismantle the vault and its protections.
 *
 * Every action here appears in the AWS examples. We leave out
 * DeleteBackupVaultLockConfiguration: no AWS document shows it in a vault
 * access policy, and a policy AWS rejects would fail at apply time, which is
 * what this platform exists to prevent. Vault access policies reject
 * wildcards in Action, so every action is spelled out:
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault-access-policy.html
 *
 * Each statement denies Principal "*" unless aws:PrincipalArn is the
 * break-glass role. AWS recommends this over NotPrincipal, and unlike a
 * Principal/NotPrincipal entry the condition is only a string comparison, so
 * the policy can be attached before the role exists:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
 * For a role session, aws:PrincipalArn is the role's ARN (not the
 * assumed-role session ARN), so one ARN covers every session of the role:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function backupVaultAccessPolicy(args: BackupVaultAccessPolicyArgs): PolicyDocument {
    const { vaultArn, breakGlassRoleArn, deploymentRoleArn } = args;
    const vault = parseArn(vaultArn);
    assertPartition(vault.partition);
    assertAccountId(vault.accountId);
    if (vault.service !== "backup" || !/^backup-vault:.+/.test(vault.resource)) {
        throw new Error(`vaultArn is not a backup vault ARN: ${vaultArn}`);
    }
    // AWS Backup rejects every cross-account vault call except CopyIntoBackupVault
    // (create-a-vault-access-policy.html), so a break-glass role in another
    // account could never use its exemption.
    assertRoleArn(breakGlassRoleArn, "breakGlassRoleArn", { partition: vault.partition, accountId: vault.accountId });
    assertRoleArn(deploymentRoleArn, "deploymentRoleArn", { partition: vault.partition, accountId: vault.accountId });

    const exceptBreakGlass: PolicyCondition = { ArnNotEquals: { "aws:PrincipalArn": breakGlassRoleArn } };
    const denyExceptBreakGlass = (Sid: string, Action: string[], Resource: string): PolicyStatement => ({
        Sid,
        Effect: "Deny",
        Principal: "*",
        Action,
        Resource,
        Condition: exceptBreakGlass,
    });

    return {
        Version: "2012-10-17",
        Statement: [
            // Deleting a recovery point and shortening its lifecycle both end a
            // backup before its planned retention. Resource is "*" because recovery
            // point ARNs belong to the source service (e.g. arn:aws:ec2:...:snapshot/...),
            // not to the vault; AWS's own "deny deleting recovery points" example does the same.
            denyExceptBreakGlass("DenyEarlyRecoveryPointLossExceptBreakGlass", ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"], "*"),
            // Only an empty vault can be deleted, but deleting it also drops its lock and
            // this policy, so the next backups would land unprotected in a recreated vault.
            // https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DeleteBackupVault.html
            denyExceptBreakGlass("DenyVaultDeletionExceptBreakGlass", ["backup:DeleteBackupVault"], vaultArn),
            // Removing OR replacing this policy would lift every Deny above, so both are
            // guarded. Replacing is the easier bypass; the AWS Config rule
            // backup-recovery-point-manual-deletion-disabled requires
            // PutBackupVaultAccessPolicy in the Deny for the same reason:
            // https://docs.aws.amazon.com/config/latest/developerguide/backup-recovery-point-manual-deletion-disabled.html
            // The deployment role is exempt too, or the next `pulumi up` that changes
            // this policy would be denied by it.
            {
                Sid: "DenyAccessPolicyTamperingExceptBreakGlassAndDeployment",
                Effect: "Deny",
                Principal: "*",
                Action: ["backup:DeleteBackupVaultAccessPolicy", "backup:PutBackupVaultAccessPolicy"],
                Resource: vaultArn,
                Condition: { ArnNotEquals: { "aws:PrincipalArn": [breakGlassRoleArn, deploymentRoleArn] } },
            },
        ],
    };
}
