import { DescribeDBClustersCommand, DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { pollUntil } from "../budget";
import { failed, resourceId, seconds, succeeded, timedOut, ValidationInput, Validator, Verdict } from "./types";

/**
 * States from which a restored database does not become available by itself.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/accessing-monitoring.html#Overview.DBInstance.Status
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/accessing-monitoring.html#Aurora.Status
 */
const BROKEN = new Set([
    "failed",
    "deleting",
    "stopped",
    "stopping",
    "storage-full",
    "restore-error",
    "incompatible-network",
    "incompatible-option-group",
    "incompatible-parameters",
    "incompatible-restore",
    "inaccessible-encryption-credentials",
    "inaccessible-encryption-credentials-recoverable",
]);

function waitForAvailable(input: ValidationInput, what: string, describe: () => Promise<string | undefined>): Promise<Verdict> {
    return pollUntil<Verdict>(
        input.clock,
        input.deadline,
        async () => {
            const status = await describe();
            if (status === undefined) return { done: true, verdict: failed(`${what} does not exist`) };
            if (status === "available") return { done: true, verdict: succeeded(`${what} is available`) };
            if (BROKEN.has(status)) return { done: true, verdict: failed(`${what} is ${status}; a restored database should become available`) };
            return { done: false, state: status };
        },
        (state) => timedOut(`${what} was still ${state} after ${seconds(input)}`),
        15_000,
    );
}

/** An RDS DB instance (`arn:…:rds:…:db:<id>`) is usable when its status is `available`. */
export const rdsValidator: Validator = {
    resourceTypes: ["RDS"],
    async validate(input) {
        const id = resourceId(input.arn, "db:");
        if (!id) return failed(`the restored resource ${input.arn.resource} is not an RDS DB instance ARN`);
        return waitForAvailable(input, `DB instance ${id}`, async () => {
            const { DBInstances } = await input.clients.rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), input.deadline.callOptions());
            return DBInstances?.[0]?.DBInstanceStatus;
        });
    },
};

/** An Aurora DB cluster (`arn:…:rds:…:cluster:<id>`) is usable when its status is `available`. */
export const auroraValidator: Validator = {
    resourceTypes: ["Aurora"],
    async validate(input) {
        const id = resourceId(input.arn, "cluster:");
        if (!id) return failed(`the restored resource ${input.arn.resource} is not an Aurora DB cluster ARN`);
        return waitForAvailable(input, `DB cluster ${id}`, async () => {
            const { DBClusters } = await input.clients.rds().send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }), input.deadline.callOptions());
            return DBClusters?.[0]?.Status;
        });
    },
};
