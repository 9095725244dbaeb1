import { DescribeFileSystemsCommand } from "@aws-sdk/client-efs";
import { pollUntil } from "../budget";
import { failed, resourceId, seconds, succeeded, timedOut, Validator, Verdict } from "./types";

/** An EFS file system is usable when its LifeCycleState is `available`. https://docs.aws.amazon.com/efs/latest/ug/API_FileSystemDescription.html */
export const efsValidator: Validator = {
    resourceTypes: ["EFS"],
    async validate(input) {
        const fileSystemId = resourceId(input.arn, "file-system/");
        if (!fileSystemId) return failed(`the restored resource ${input.arn.resource} is not an EFS file system ARN`);
        return pollUntil<Verdict>(
            input.clock,
            input.deadline,
            async () => {
                const { FileSystems } = await input.clients
                    .efs()
                    .send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId }), input.deadline.callOptions());
                const state = FileSystems?.[0]?.LifeCycleState;
                if (!state) return { done: true, verdict: failed(`file system ${fileSystemId} does not exist`) };
                if (state === "available") return { done: true, verdict: succeeded(`file system ${fileSystemId} is available`) };
                if (state === "creating" || state === "updating") return { done: false, state };
                return { done: true, verdict: failed(`file system ${fileSystemId} is ${state}; a restored file system should become available`) };
            },
            (state) => timedOut(`file system ${fileSystemId} was still ${state} after ${seconds(input)}`),
        );
    },
};
