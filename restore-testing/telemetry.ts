/**
 * Structured logging and metrics, behind a small interface so tests can read what the function said. In Lambda it is
 * Powertools for AWS Lambda: JSON log lines with the request id, and metrics in CloudWatch's embedded metric format
 * (written to the log, extracted by CloudWatch, no PutMetricData permission needed).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format.html
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { METRIC_NAMESPACE, MetricName, SERVICE_NAME } from "./constants";

export type LogLevel = "info" | "warn" | "error";

export interface Telemetry {
    log(level: LogLevel, message: string, fields: Record<string, unknown>): void;
    count(metric: MetricName): void;
    /** Called once per invocation, after the verdict. */
    flush(): void;
    /** Binds the invocation's request id to every log line. */
    setRequestId(requestId: string | undefined): void;
}

export function powertoolsTelemetry(): Telemetry {
    const logger = new Logger({ serviceName: SERVICE_NAME });
    const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME });
    let counted = false;
    return {
        log: (level, message, fields) => logger[level](message, fields),
        count(metric) {
            metrics.addMetric(metric, MetricUnit.Count, 1);
            counted = true;
        },
        flush() {
            if (counted) metrics.publishStoredMetrics();
            counted = false;
        },
        setRequestId(requestId) {
            logger.appendKeys({ requestId: requestId ?? null });
        },
    };
}
