export type { ConditionValue, PolicyCondition, PolicyDocument, PolicyPrincipal, PolicyStatement, PolicyVersion } from "./policy-document";
export { serializePolicy } from "./policy-document";
export {
    accountRootAdministersKey,
    backupKeyPolicy,
    centralBackupKeyPolicy,
    crossAccountBackupUsesKey,
    deploymentRoleMaintainsKey,
    organizationUsesKeyOnlyThroughBackup,
    servicePublishesToEncryptedTopic,
} from "./backup-key-policy";
export type { BackupKeyPolicyArgs, CentralBackupKeyPolicyArgs } from "./backup-key-policy";
export {
    accessPolicyDeletionOnlyBy,
    backupVaultAccessPolicy,
    centralVaultAccessPolicy,
    copyIntoVaultFromAccounts,
    copyIntoVaultFromOrganization,
    earlyRecoveryPointLossOnlyBy,
    recoveryPointProtection,
    vaultDeletionOnlyBy,
} from "./backup-vault-policy";
export type { BackupVaultAccessPolicyArgs, CentralVaultAccessPolicyArgs } from "./backup-vault-policy";
export {
    alertKeyPolicy,
    alertTopicPolicy,
    centralEventBusPolicy,
    eventForwardingPolicy,
    eventForwardingTrustPolicy,
    FAILED_JOB_STATES,
    failedJobsEventPattern,
    vaultNotificationTopicPolicy,
} from "./alerting";
export {
    backupReportsRoleArn,
    configDeliveryPolicy,
    configRecorderManagedPolicyArn,
    configRecorderTrustPolicy,
    reportBucketPolicy,
    reportKeyPolicy,
} from "./audit-reports";
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
export { platformRoleBoundary } from "./permissions-boundary";
export {
    bucketKeyPolicy,
    protectedBucketPolicy,
    replicationRolePolicy,
    s3ReplicationTrustPolicy,
    scheduledBackupRolePolicy,
    schedulerTrustPolicy,
} from "./s3-protection";
export { deadLetterQueuePolicy, lambdaTrustPolicy, restoreValidatorPolicy } from "./restore-validator-role";
export type { RestoreValidatorPolicyArgs } from "./restore-validator-role";
export {
    artifactBucketPolicy,
    artifactKeyPolicy,
    codeBuildRolePolicy,
    codeBuildTrustPolicy,
    codePipelineRolePolicy,
    codePipelineTrustPolicy,
} from "./pipeline";
export type { BuildSecretArgs, CodeBuildRolePolicyArgs, CodePipelineRolePolicyArgs } from "./pipeline";
