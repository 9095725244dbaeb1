import { assertAccountId, assertPartition, assertRoleArn, parseArn } from "./arn";
import type { PolicyCondition, PolicyDocument, PolicyStatement } from "./policy-document";

export interface BackupVaultAccessPolicyArgs {
    /** ARN of the vault the policy is attached to. */
    vaultArn: string;
    /** The one role allowed to destroy backups, e.g. during an approved incident. Must be in the vault's account. */
    breakGlassRoleArn: string;
    /** The role deployments run as; it may replace this policy (so `pulumi up` can update it) but not destroy backups. */
    deploymentRoleArn: string;
    /** Accounts whose copy jobs may copy into this vault: the central account, which copies recovery points back for restores. */
    copyBackAccountIds?: string[];
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
    const vault = assertVaultArn(vaultArn, breakGlassRoleArn, deploymentRoleArn);
    const copyBack = args.copyBackAccountIds ?? [];
    copyBack.forEach(assertAccountId);
    return {
        Version: "2012-10-17",
        Statement: [
            ...(copyBack.length > 0 ? [copyIntoVaultFromAccounts(copyBack.map((id) => `arn:${vault.partition}:iam::${id}:root`))] : []),
            ...protectionStatements(vaultArn, breakGlassRoleArn, deploymentRoleArn),
        ],
    };
}

export interface CentralVaultAccessPolicyArgs {
    /** ARN of the central (or air-gapped) vault the policy is attached to. */
    vaultArn: string;
    /** The central account's break-glass role, the only role that may destroy copies. */
    breakGlassRoleArn: string;
    /** The central account's deployment role. */
    deploymentRoleArn: string;
    /** The organization whose accounts copy into the vault. */
    organizationId: string;
    /** When set, only principals under these OU paths may copy in (aws:PrincipalOrgPaths patterns). */
    organizationalUnitPaths?: string[];
}

/**
 * Access policy of a central vault: the same protections as a workload vault, assembled from the same statements, plus
 * copies into it from the organization (or its listed OUs) only.
 */
export function centralVaultAccessPolicy(args: CentralVaultAccessPolicyArgs): PolicyDocument {
    const { vaultArn, breakGlassRoleArn, deploymentRoleArn } = args;
    assertVaultArn(vaultArn, breakGlassRoleArn, deploymentRoleArn);
    return {
        Version: "2012-10-17",
        Statement: [
            copyIntoVaultFromOrganization(args.organizationId, args.organizationalUnitPaths ?? []),
            ...protectionStatements(vaultArn, breakGlassRoleArn, deploymentRoleArn),
        ],
    };
}

/** The four protections every vault gets, in one order, so both assemblies stay the same. */
function protectionStatements(vaultArn: string, breakGlassRoleArn: string, deploymentRoleArn: string): PolicyStatement[] {
    return [
        recoveryPointProtection([breakGlassRoleArn, deploymentRoleArn]),
        earlyRecoveryPointLossOnlyBy(breakGlassRoleArn),
        vaultDeletionOnlyBy(vaultArn, [breakGlassRoleArn]),
        accessPolicyDeletionOnlyBy(vaultArn, [breakGlassRoleArn, deploymentRoleArn]),
    ];
}

function assertVaultArn(vaultArn: string, breakGlassRoleArn: string, deploymentRoleArn: string) {
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
    return vault;
}

/**
 * Copy jobs of the organization's accounts may copy into this vault. With OU paths, only principals under them may:
 * aws:PrincipalOrgPaths holds every path of the principal's account, so ForAnyValue:StringLike matches any of them.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
 */
export function copyIntoVaultFromOrganization(organizationId: string, organizationalUnitPaths: string[]): PolicyStatement {
    if (!/^o-[a-z0-9]{10,32}$/.test(organizationId)) throw new Error(`Not an organization id: ${JSON.stringify(organizationId)}`);
    const bad = organizationalUnitPaths.filter((path) => !path.startsWith(`${organizationId}/`));
    if (bad.length > 0) throw new Error(`OU paths must start with the organization id ${organizationId}/: ${bad.join(", ")}`);
    return {
        Sid: organizationalUnitPaths.length > 0 ? "AllowCopyIntoVaultFromOrganizationalUnits" : "AllowCopyIntoVaultFromOrganization",
        Effect: "Allow",
        Principal: "*",
        Action: "backup:CopyIntoBackupVault",
        Resource: "*",
        Condition:
            organizationalUnitPaths.length > 0
                ? { StringEquals: { "aws:PrincipalOrgID": organizationId }, "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": organizationalUnitPaths } }
                : { StringEquals: { "aws:PrincipalOrgID": organizationId } },
    };
}

/**
 * Copy jobs of these accounts may copy into this vault: the central account's copy-back of a recovery point for a
 * restore. AWS Backup allows no other cross-account call on a vault.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html
 */
export function copyIntoVaultFromAccounts(accountRootArns: string[]): PolicyStatement {
    return {
        Sid: "AllowCopyBackFromCentralAccount",
        Effect: "Allow",
        Principal: { AWS: accountRootArns.length === 1 ? accountRootArns[0] : accountRootArns },
        Action: "backup:CopyIntoBackupVault",
        Resource: "*",
    };
}

/** Deny unless the caller is one of `principalArns` (by aws:PrincipalArn, so the roles need not exist yet). */
function exceptPrincipals(principalArns: string[]): PolicyCondition {
    return { ArnNotEquals: { "aws:PrincipalArn": principalArns.length === 1 ? principalArns[0] : principalArns } };
}

/**
 * The statement AWS Config's `backup-recovery-point-manual-deletion-disabled` rule looks for: one Deny of
 * DeleteRecoveryPoint, UpdateRecoveryPointLifecycle and PutBackupVaultAccessPolicy with `*` as Principal and Resource;
 * without it the rule reports the vault NON_COMPLIANT. The exempted principals go into the rule's principalArnList.
 * https://docs.aws.amazon.com/config/latest/developerguide/backup-recovery-point-manual-deletion-disabled.html
 * Replacing the policy is guarded with deletion because a replaced policy lifts every Deny here; the deployment role is
 * exempt so the next `pulumi up` can still update the policy, and the next statement keeps it from destroying backups.
 * Resource is "*" because recovery point ARNs belong to the source service (arn:aws:ec2:...:snapshot/...), not the vault.
 */
export function recoveryPointProtection(exemptPrincipalArns: string[]): PolicyStatement {
    return {
        Sid: "DenyRecoveryPointDeletionAndPolicyChanges",
        Effect: "Deny",
        Principal: "*",
        Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"],
        Resource: "*",
        Condition: exceptPrincipals(exemptPrincipalArns),
    };
}

/** Deleting a recovery point or shortening its lifecycle ends a backup before its retention: only break-glass may. */
export function earlyRecoveryPointLossOnlyBy(breakGlassRoleArn: string): PolicyStatement {
    return {
        Sid: "DenyEarlyRecoveryPointLossExceptBreakGlass",
        Effect: "Deny",
        Principal: "*",
        Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
        Resource: "*",
        Condition: exceptPrincipals([breakGlassRoleArn]),
    };
}

/**
 * Only an empty vault can be deleted, but deleting it also drops its lock and this policy, so the next backups would
 * land unprotected in a recreated vault. https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DeleteBackupVault.html
 */
export function vaultDeletionOnlyBy(vaultArn: string, principalArns: string[]): PolicyStatement {
    return {
        Sid: "DenyVaultDeletionExceptBreakGlass",
        Effect: "Deny",
        Principal: "*",
        Action: ["backup:DeleteBackupVault"],
        Resource: vaultArn,
        Condition: exceptPrincipals(principalArns),
    };
}

/** Removing this policy lifts every Deny in it. */
export function accessPolicyDeletionOnlyBy(vaultArn: string, principalArns: string[]): PolicyStatement {
    return {
        Sid: "DenyAccessPolicyDeletionExceptBreakGlassAndDeployment",
        Effect: "Deny",
        Principal: "*",
        Action: ["backup:DeleteBackupVaultAccessPolicy"],
        Resource: vaultArn,
        Condition: exceptPrincipals(principalArns),
    };
}
