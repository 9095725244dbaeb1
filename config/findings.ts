/** One problem (or advisory) found in a stack config, tied to the config path that causes it. */
export interface Finding {
    severity: "error" | "warning";
    /** Config path without the project namespace, e.g. `tiers.daily.rules.nightly.startWindowMinutes`. */
    path: string;
    message: string;
}

/** Renders a path of keys and indexes the way users write it: `accounts[2].regions[0]`, `tiers.daily`. */
export function formatPath(segments: ReadonlyArray<PropertyKey>): string {
    let out = "";
    for (const segment of segments) {
        if (typeof segment === "number") {
            out += `[${segment}]`;
        } else {
            const key = String(segment);
            out += out === "" ? key : `.${key}`;
        }
    }
    return out;
}

/** Collects findings from every check so they can be reported together. */
export class FindingCollector {
    readonly findings: Finding[] = [];

    error(path: string, message: string): void {
        this.findings.push({ severity: "error", path, message });
    }

    warning(path: string, message: string): void {
        this.findings.push({ severity: "warning", path, message });
    }

    hasErrors(): boolean {
        return this.findings.some((finding) => finding.severity === "error");
    }
}

/** The values that occur more than once, each listed once. */
export function duplicates<T>(values: T[]): T[] {
    const seen = new Set<T>();
    const repeated = new Set<T>();
    for (const value of values) (seen.has(value) ? repeated : seen).add(value);
    return [...repeated];
}
