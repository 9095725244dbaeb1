export type { ConditionValue, PolicyCondition, PolicyDocument, PolicyPrincipal, PolicyStatement, PolicyVersion } from "./policy-document";
export { serializePolicy } from "./policy-document";
export { backupKeyPolicy } from "./backup-key-policy";
export type { BackupKeyPolicyArgs } from "./backup-key-policy";
export {
    accessPolicyDeletionOnlyBy,
    backupVaultAccessPolicy,
    earlyRecoveryPointLossOnlyBy,
    recoveryPointProtection,
    vaultDeletionOnlyBy,
} from "./backup-vault-policy";
export type { BackupVaultAccessPolicyArgs } from "./backup-vault-policy";
export { backupServiceManagedPolicyArns, backupServiceTrustPolicy } from "./backup-service-role";
export type { BackupServiceTrustPolicyArgs } from "./backup-service-role";
export {
    DEPLOYMENT_PERMISSIONS,
    deploymentRolePolicies,
    deploymentRoleStatements,
    deploymentRoleTemplate,
    deploymentRoleTrustPolicy,
    iamPolicySize,
} from "./deployment-role";
export type { DeploymentRoleScope } from "./deployment-role";
export { deadLetterQueuePolicy, lambdaTrustPolicy, restoreValidatorPolicy } from "./restore-validator-role";
export type { RestoreValidatorPolicyArgs } from "./restore-validator-role";
