import { DescribeVolumesCommand } from "@aws-sdk/client-ec2";
import { pollUntil } from "../budget";
import { failed, resourceId, seconds, succeeded, timedOut, Validator, Verdict } from "./types";

/** An EBS volume is usable once it is `available` (or already attached, `in-use`). https://docs.aws.amazon.com/ebs/latest/userguide/ebs-describing-volumes.html */
export const ebsValidator: Validator = {
    resourceTypes: ["EBS"],
    async validate(input) {
        const volumeId = resourceId(input.arn, "volume/");
        if (!volumeId) return failed(`the restored resource ${input.arn.resource} is not an EBS volume ARN`);
        return pollUntil<Verdict>(
            input.clock,
            input.deadline,
            async () => {
                const { Volumes } = await input.clients.ec2().send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }), input.deadline.callOptions());
                const volume = Volumes?.[0];
                if (!volume) return { done: true, verdict: failed(`volume ${volumeId} does not exist`) };
                const state = volume.State ?? "unknown";
                if (state === "available" || state === "in-use") {
                    return { done: true, verdict: succeeded(`volume ${volumeId} is ${state} (${volume.Size ?? "?"} GiB ${volume.VolumeType ?? ""})`.trim()) };
                }
                if (state === "creating") return { done: false, state };
                return { done: true, verdict: failed(`volume ${volumeId} is ${state}; a restored volume should become available`) };
            },
            (state) => timedOut(`volume ${volumeId} was still ${state} after ${seconds(input)}`),
        );
    },
};
