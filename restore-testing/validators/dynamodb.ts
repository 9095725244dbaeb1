import { DescribeTableCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { pollUntil } from "../budget";
import { failed, resourceId, seconds, succeeded, timedOut, Validator, Verdict } from "./types";

/**
 * A DynamoDB table is usable when it is ACTIVE and holds items if its recovery point held data. DescribeTable's
 * ItemCount is refreshed only about every six hours, so a restored table can show 0: then one item is scanned.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html
 */
export const dynamodbValidator: Validator = {
    resourceTypes: ["DynamoDB"],
    async validate(input) {
        const table = resourceId(input.arn, "table/");
        if (!table) return failed(`the restored resource ${input.arn.resource} is not a DynamoDB table ARN`);
        const dynamodb = input.clients.dynamodb();
        return pollUntil<Verdict>(
            input.clock,
            input.deadline,
            async () => {
                const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: table }), input.deadline.callOptions());
                const status = Table?.TableStatus ?? "unknown";
                if (status === "CREATING" || status === "UPDATING") return { done: false, state: status };
                if (status !== "ACTIVE") return { done: true, verdict: failed(`table ${table} is ${status}; a restored table should become ACTIVE`) };
                const itemCount = Table?.ItemCount ?? 0;
                if (itemCount > 0) return { done: true, verdict: succeeded(`table ${table} is ACTIVE with about ${itemCount} items`) };
                const { Count } = await dynamodb.send(new ScanCommand({ TableName: table, Limit: 1 }), input.deadline.callOptions());
                if ((Count ?? 0) > 0) return { done: true, verdict: succeeded(`table ${table} is ACTIVE and an item was read`) };
                const size = input.backupSizeInBytes ?? 0;
                return {
                    done: true,
                    verdict:
                        size > 0
                            ? failed(`table ${table} is ACTIVE but empty, although its recovery point holds ${size} bytes`)
                            : succeeded(`table ${table} is ACTIVE and empty, as its recovery point`),
                };
            },
            (state) => timedOut(`table ${table} was still ${state} after ${seconds(input)}`),
        );
    },
};
