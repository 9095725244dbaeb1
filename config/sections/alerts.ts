/**
 * Alerts: who hears about failed backup, copy and restore jobs anywhere in the organization (subscriptions to the
 * central alert topic in every central region), and when the failed-jobs alarm goes off.
 */
import { z } from "zod";
import * as rules from "../aws-rules";
import { arns, CentralAlertsModel, physicalNames } from "../model";
import { SectionEnvironment, valueSection } from "../section";
import { centralAccountSection } from "./central-account";
import { namePrefixSection } from "./settings";

/**
 * Protocols of SNS subscriptions the platform accepts, each with the endpoint form SNS expects.
 * https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html
 */
const ENDPOINTS: Record<string, { pattern: RegExp; form: string }> = {
    email: { pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/, form: "an email address" },
    "email-json": { pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/, form: "an email address" },
    https: { pattern: /^https:\/\/\S+$/, form: "an https:// URL" },
    sqs: { pattern: /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}$/, form: "an SQS queue ARN" },
    lambda: { pattern: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]{1,64}(:[\w$-]+)?$/, form: "a Lambda function ARN" },
    sms: { pattern: /^\+[1-9]\d{1,14}$/, form: "a phone number in E.164 form (+14155552671)" },
};

export const subscriptionSchema = z
    .strictObject({
        protocol: z.enum(Object.keys(ENDPOINTS) as [string, ...string[]], { error: `protocol must be one of ${Object.keys(ENDPOINTS).join(", ")}` }),
        endpoint: z.string().min(1, { error: "endpoint must not be empty" }),
    })
    .superRefine((subscription, ctx) => {
        const expected = ENDPOINTS[subscription.protocol as string];
        if (expected && typeof subscription.endpoint === "string" && !expected.pattern.test(subscription.endpoint)) {
            ctx.addIssue({
                code: "custom",
                path: ["endpoint"],
                message: `${JSON.stringify(subscription.endpoint)} is not ${expected.form} (SNS ${subscription.protocol} subscription)`,
            });
        }
    });

export const alertsSchema = z.strictObject({
    /** Subscriptions to the alert topic of every central region. */
    subscriptions: z.array(subscriptionSchema).optional(),
    /** The failed-jobs alarm of each central region: failed-job events within one period that raise it. */
    failedJobsAlarm: z
        .strictObject({
            threshold: z.int().min(1, { error: "threshold must be at least 1 failed job" }).default(1),
            periodMinutes: z
                .int()
                .min(1, { error: "periodMinutes must be at least 1" })
                .max(rules.MAX_ALARM_PERIOD_MINUTES, {
                    error: `periodMinutes must be at most ${rules.MAX_ALARM_PERIOD_MINUTES} (one day, CloudWatch PutMetricAlarm)`,
                })
                .default(5),
        })
        .optional(),
});

export type AlertsConfig = z.infer<typeof alertsSchema>;

export const alertsSection = {
    ...valueSection("alerts", alertsSchema.optional()),
    check(env: SectionEnvironment) {
        const subscriptions = env.get(alertsSection)?.subscriptions ?? [];
        const seen = new Set<string>();
        subscriptions.forEach((subscription, index) => {
            const key = `${subscription.protocol}|${subscription.endpoint}`;
            if (seen.has(key))
                env.collector.error(`alerts.subscriptions[${index}]`, `${subscription.protocol} ${subscription.endpoint} is listed more than once`);
            seen.add(key);
        });
    },
};

export function buildAlerts(env: SectionEnvironment, partition: string): CentralAlertsModel {
    const prefix = env.get(namePrefixSection)!;
    const central = env.get(centralAccountSection)!;
    const config = env.get(alertsSection);
    const eventBusName = physicalNames.eventBus(prefix);
    const ruleName = physicalNames.failedJobsRule(prefix);
    const alarmName = physicalNames.failedJobsAlarm(prefix);
    return {
        topicName: physicalNames.alertTopic(prefix),
        keyAliasName: physicalNames.alertKeyAlias(prefix),
        eventBusName,
        ruleName,
        ruleArnByRegion: Object.fromEntries(central.regions.map((region) => [region, arns.eventRule(partition, region, central.id, ruleName, eventBusName)])),
        alarmName,
        alarmThreshold: config?.failedJobsAlarm?.threshold ?? 1,
        alarmPeriodSeconds: (config?.failedJobsAlarm?.periodMinutes ?? 5) * 60,
        subscriptions: (config?.subscriptions ?? []).map(({ protocol, endpoint }) => ({ protocol, endpoint })),
        platformAlarmArnPatternByRegion: Object.fromEntries(central.regions.map((region) => [region, arns.alarm(partition, region, "*", `${prefix}-*`)])),
        alarmSourceAccountIds: [central.id],
    };
}
