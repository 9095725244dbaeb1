/** One problem (or advisory) found in a stack config, tied to the config path that causes it. */
export interface Finding {
    severity: "error" | "warning";
    /** Config path without the project namespace, e.g. `tiers.daily.rules.nightly.startWindowMinutes`. */
    path: string;
    message: string;
    /** Where the offending value is written, when the config came from a file. Line and column count from 1. */
    location?: SourceLocation;
}

export interface SourceLocation {
    file: string;
    line: number;
    column: number;
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

/** `file:line:col` of a finding, or its config path alone when it has no location. */
export function findingPlace(finding: Finding): string {
    const { location } = finding;
    return location ? `${location.file}:${location.line}:${location.column}` : "";
}

/** One finding as a line of text: `error   Pulumi.dev.yaml:57:31 tiers.daily...: message`. */
export function renderFinding(finding: Finding): string {
    const place = findingPlace(finding);
    const label = finding.severity === "error" ? "error  " : "warning";
    return `  ${label} ${place ? `${place} ` : ""}${finding.path}: ${finding.message}`;
}
