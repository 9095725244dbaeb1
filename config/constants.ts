/**
 * Literals that several modules must agree on, each defined once.
 */

/** The Pulumi project name (Pulumi.yaml), which is also the config namespace (`backup-platform:<key>`) and the package
 * part of every component type token (`backup-platform:backup:BackupVault`). */
export const PROJECT_NAME = "backup-platform";
export const CONFIG_NAMESPACE = PROJECT_NAME;

/** Tag keys the platform puts on every resource it creates. */
export const TAG_ENVIRONMENT = `${PROJECT_NAME}:environment`;
export const TAG_MANAGED_BY = `${PROJECT_NAME}:managed-by`;
/** Tag a recovery point carries with the tier that made it. */
export const TAG_TIER = `${PROJECT_NAME}:tier`;
/** Tag a recovery point carries when a scheduled backup (config `scheduledBackups`) made it. */
export const TAG_SCHEDULED_BACKUP = `${PROJECT_NAME}:scheduled-backup`;

/** A component type token: `backup-platform:<module>:<Type>`. */
export const componentType = (module: string, type: string) => `${PROJECT_NAME}:${module}:${type}`;

/** Value of TAG_MANAGED_BY on everything the platform creates (config/sections/settings.ts, platformTags). Guardrails
 * identify the platform's KMS keys, backup plans and restore-testing plans by it. */
export const MANAGED_BY_VALUE = "pulumi";
/** Session name of every deployment's assumed role, per stack, so CloudTrail shows which stack made a change. */
export const deploymentSessionName = (stack: string) => `${PROJECT_NAME}-${stack}`;
