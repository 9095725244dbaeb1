/**
 * A config section is one key of the stack config (`backup-platform:<key>`): its schema, the rules that relate it
 * to other sections, and the part of the model built from it, all in one file under `config/sections/`. Adding a
 * section is adding a file and listing it in `config/sections/index.ts`.
 *
 * Validation runs in two passes so that every problem is reported at once: every section parses its own value
 * (entry by entry for maps and lists, so one bad tier does not hide a bad account), then every section's cross-checks
 * run over whatever parsed. The model is built only when no error was found.
 */
import { z } from "zod";
import { Finding, FindingCollector, formatPath } from "./findings";
import { didYouMean } from "./suggest";

export interface ConfigSection<T> {
    /** The key under the project namespace, e.g. `tiers`. */
    readonly key: string;
    /** Parses this key's raw value, reporting problems under the key's path; returns what could be parsed. */
    parse(raw: unknown, collector: FindingCollector): T | undefined;
    /** Rules that span sections; runs after every section has parsed, whether or not this one did. */
    check?(env: SectionEnvironment): void;
}

/** What cross-checks and model builders see: every section's parsed value and the raw config. */
export class SectionEnvironment {
    private readonly parsed = new Map<ConfigSection<unknown>, unknown>();
    private readonly derived = new Map<unknown, unknown>();

    constructor(
        readonly collector: FindingCollector,
        /** The raw values by key, for checks that must also count entries that did not parse. */
        readonly raw: Record<string, unknown>,
        /** Environment name (`prod`), which the platform's tags carry. */
        readonly environment: string,
    ) {}

    set<T>(section: ConfigSection<T>, value: T | undefined): void {
        this.parsed.set(section as ConfigSection<unknown>, value);
    }

    /** The parsed value of a section, or undefined when it is missing or invalid (already reported). */
    get<T>(section: ConfigSection<T>): T | undefined {
        return this.parsed.get(section as ConfigSection<unknown>) as T | undefined;
    }

    /** Computes a value derived from several sections once, however many checks ask for it. */
    memo<T>(derive: (env: SectionEnvironment) => T): T {
        if (!this.derived.has(derive)) this.derived.set(derive, derive(this));
        return this.derived.get(derive) as T;
    }
}

type ZodIssue = z.ZodError["issues"][number];

function describeValue(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "a list";
    if (typeof value === "object") return "a map";
    return `${typeof value} ${JSON.stringify(value)}`;
}

/** The object schema found by following `path` into `schema`, unwrapping optionals, defaults and collections. */
function objectKeysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] | undefined {
    let current: unknown = schema;
    const unwrap = () => {
        for (;;) {
            if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
                current = (current as z.ZodOptional<z.ZodType>).unwrap();
            } else if (current instanceof z.ZodPipe) {
                current = (current as z.ZodPipe<z.ZodType, z.ZodType>).in;
            } else {
                return;
            }
        }
    };
    unwrap();
    for (const segment of path) {
        if (current instanceof z.ZodObject) current = (current.shape as Record<string, unknown>)[String(segment)];
        else if (current instanceof z.ZodRecord) current = current.valueType;
        else if (current instanceof z.ZodArray) current = current.element;
        else return undefined;
        unwrap();
    }
    return current instanceof z.ZodObject ? Object.keys(current.shape) : undefined;
}

/** One zod issue as findings, with the section path in front and zod's generic wording made specific. */
function recordIssue(collector: FindingCollector, schema: z.ZodType, prefix: PropertyKey[], issue: ZodIssue): void {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
        const known = objectKeysAt(schema, issue.path) ?? [];
        for (const key of issue.keys) {
            const hint = didYouMean(key, known) || (known.length > 0 ? ` (allowed here: ${known.join(", ")})` : "");
            collector.error(formatPath([...path, key]), `unknown key${hint}`);
        }
        return;
    }
    if (issue.code === "invalid_type") {
        const input = (issue as { input?: unknown }).input;
        if (input === undefined) {
            collector.error(formatPath(path), "is required");
        } else if (issue.message.startsWith("Invalid input")) {
            collector.error(formatPath(path), `must be ${issue.expected === "int" ? "a whole number" : `a ${issue.expected}`}, got ${describeValue(input)}`);
        } else {
            collector.error(formatPath(path), `${issue.message}, got ${describeValue(input)}`);
        }
        return;
    }
    collector.error(formatPath(path), issue.message);
}

/** Parses a value with a zod schema, reporting every issue under `prefix`. */
export function parseWith<T>(collector: FindingCollector, schema: z.ZodType<T>, value: unknown, prefix: PropertyKey[]): T | undefined {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    for (const issue of result.error.issues) recordIssue(collector, schema, prefix, issue);
    return undefined;
}

/** A section whose whole value is checked by one schema. */
export function valueSection<T>(key: string, schema: z.ZodType<T>): ConfigSection<T> {
    return { key, parse: (raw, collector) => parseWith(collector, schema, raw, [key]) };
}

/** A map section parsed entry by entry: the entries that parsed, and every key present (valid or not). */
export interface MapEntries<T> {
    parsed: Map<string, T>;
    present: Map<string, unknown>;
}

export function mapSection<T>(key: string, entrySchema: z.ZodType<T>, options: { optional?: boolean } = {}): ConfigSection<MapEntries<T>> {
    return {
        key,
        parse(raw, collector) {
            const entries: MapEntries<T> = { parsed: new Map(), present: new Map() };
            if (raw === undefined) {
                if (!options.optional) collector.error(key, "is required");
                return entries;
            }
            if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
                collector.error(key, `must be a map of names to settings, got ${describeValue(raw)}`);
                return entries;
            }
            for (const [name, value] of Object.entries(raw)) {
                entries.present.set(name, value);
                const entry = parseWith(collector, entrySchema, value, [key, name]);
                if (entry !== undefined) entries.parsed.set(name, entry);
            }
            return entries;
        },
    };
}

export interface ListEntry<T> {
    index: number;
    value: T;
}

export function listSection<T>(key: string, entrySchema: z.ZodType<T>): ConfigSection<Array<ListEntry<T>>> {
    return {
        key,
        parse(raw, collector) {
            const entries: Array<ListEntry<T>> = [];
            if (raw === undefined) {
                collector.error(key, "is required");
                return entries;
            }
            if (!Array.isArray(raw)) {
                collector.error(key, `must be a list, got ${describeValue(raw)}`);
                return entries;
            }
            raw.forEach((value, index) => {
                const entry = parseWith(collector, entrySchema, value, [key, index]);
                if (entry !== undefined) entries.push({ index, value: entry });
            });
            return entries;
        },
    };
}

/** A reference to a named entry that does not exist, with the names that do and the closest one. */
export function unknownReference(what: string, name: string, known: Iterable<string>, where: string): string {
    const names = [...known];
    return `unknown ${what} ${JSON.stringify(name)}${didYouMean(name, names)} (${where} has: ${names.join(", ") || "none defined"})`;
}

export type { Finding };
