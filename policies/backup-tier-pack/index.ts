/**
 * CrossGuard policy pack for application stacks: `pulumi preview --policy-pack <this directory>
 * --policy-pack-config <this directory>/config/<environment>.json` reports resources that no backup tier selects.
 * The policy lives in policies.ts, which the tests call directly; constructing the pack starts its policy server,
 * so nothing but the Pulumi CLI loads this file.
 */
import { PolicyPack } from "@pulumi/policy";
import { backupTierTagPolicy } from "./policies";

new PolicyPack("backup-platform-tiers", { policies: [backupTierTagPolicy] });
