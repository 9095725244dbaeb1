import { DescribeInstancesCommand, DescribeInstanceStatusCommand } from "@aws-sdk/client-ec2";
import { pollUntil } from "../budget";
import { failed, resourceId, seconds, succeeded, timedOut, Validator, Verdict } from "./types";

const STOPPED = new Set(["stopping", "stopped", "shutting-down", "terminated"]);

/**
 * An EC2 instance is usable when it is running and both status checks pass (`ok`); they read `initializing` for the
 * first minutes. https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-system-instance-status-check.html
 */
export const ec2Validator: Validator = {
    resourceTypes: ["EC2"],
    async validate(input) {
        const instanceId = resourceId(input.arn, "instance/");
        if (!instanceId) return failed(`the restored resource ${input.arn.resource} is not an EC2 instance ARN`);
        const ec2 = input.clients.ec2();
        return pollUntil<Verdict>(
            input.clock,
            input.deadline,
            async () => {
                const { Reservations } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }), input.deadline.callOptions());
                const instance = Reservations?.flatMap((reservation) => reservation.Instances ?? [])[0];
                if (!instance) return { done: true, verdict: failed(`instance ${instanceId} does not exist`) };
                const state = instance.State?.Name ?? "unknown";
                if (state === "pending") return { done: false, state: "pending" };
                if (STOPPED.has(state)) return { done: true, verdict: failed(`instance ${instanceId} is ${state}; a restored instance should be running`) };
                const { InstanceStatuses } = await ec2.send(
                    new DescribeInstanceStatusCommand({ InstanceIds: [instanceId], IncludeAllInstances: true }),
                    input.deadline.callOptions(),
                );
                const status = InstanceStatuses?.[0];
                const system = status?.SystemStatus?.Status ?? "unknown";
                const reachability = status?.InstanceStatus?.Status ?? "unknown";
                if (system === "ok" && reachability === "ok") {
                    return {
                        done: true,
                        verdict: succeeded(`instance ${instanceId} (${instance.InstanceType ?? "?"}) is running and passes both status checks`),
                    };
                }
                if (system === "impaired" || reachability === "impaired") {
                    return {
                        done: true,
                        verdict: failed(
                            `instance ${instanceId} is running but impaired (system check ${system}, instance check ${reachability}): it does not boot usably`,
                        ),
                    };
                }
                return { done: false, state: `running, status checks ${system}/${reachability}` };
            },
            (state) => timedOut(`instance ${instanceId} was still ${state} after ${seconds(input)}`),
        );
    },
};
