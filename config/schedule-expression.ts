/**
 * Strict, offline parser for AWS schedule expressions (EventBridge dialect), used to
 * validate AWS Backup rule schedules before deployment.
 *
 * It reports every problem it finds (not just the first) as a sentence that names the
 * field, quotes the offending value and says what AWS allows, because these messages are
 * shown to users next to a config path.
 *
 * Sources:
 *   cron: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 *   rate: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
 *
 * Deliberately hand-written: `aws-cron-parser` accepts expressions AWS rejects (`*` in both
 * day fields) and throws TypeErrors on malformed input.
 */

export type CronField = "minutes" | "hours" | "dayOfMonth" | "month" | "dayOfWeek" | "year";

export interface CronExpression {
    kind: "cron";
    text: string;
    fields: Record<CronField, string>;
    /** Expanded, sorted, unique firing minutes (0-59). */
    minutes: number[];
    /** Expanded, sorted, unique firing hours (0-23). */
    hours: number[];
}

export interface RateExpression {
    kind: "rate";
    text: string;
    value: number;
    unit: "minute" | "hour" | "day";
}

export type ScheduleExpression = CronExpression | RateExpression;

export type ParseResult = { ok: true; expression: ScheduleExpression } | { ok: false; problems: string[] };

/** The six cron fields, in the order AWS expects them. */
export const CRON_FIELDS: readonly CronField[] = ["minutes", "hours", "dayOfMonth", "month", "dayOfWeek", "year"];

export const CRON_DOC_URL = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html";
export const RATE_DOC_URL = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html";

interface FieldSpec {
    /** Name used in messages, spelled like the AWS doc's field table. */
    label: string;
    min: number;
    max: number;
    /** Three-letter names mapped to min, min+1, ... (JAN=1, SUN=1). */
    names?: readonly string[];
    /** The wildcards the AWS doc lists for this field, as shown to users. */
    wildcards: string;
}

// Field table from the "Cron expressions reference" (CRON_DOC_URL): values and wildcards per field.
const FIELD_SPECS: Record<CronField, FieldSpec> = {
    minutes: { label: "minutes", min: 0, max: 59, wildcards: ", - * /" },
    hours: { label: "hours", min: 0, max: 23, wildcards: ", - * /" },
    dayOfMonth: { label: "day-of-month", min: 1, max: 31, wildcards: ", - * ? / L W" },
    month: {
        label: "month",
        min: 1,
        max: 12,
        names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
        wildcards: ", - * /",
    },
    dayOfWeek: {
        label: "day-of-week",
        min: 1,
        max: 7,
        names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
        wildcards: ", - * ? L #",
    },
    year: { label: "year", min: 1970, max: 2199, wildcards: ", - * /" },
};

const DIGITS = /^[0-9]+$/;

function allowedValues(spec: FieldSpec): string {
    const range = `${spec.min}-${spec.max}`;
    return spec.names ? `${range} or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : range;
}

function range(from: number, to: number, step = 1): number[] {
    const values: number[] = [];
    for (let v = from; v <= to; v += step) values.push(v);
    return values;
}

/** Collects problems for one field, each prefixed so the user sees which field and what text. */
class FieldProblems {
    constructor(
        private readonly spec: FieldSpec,
        private readonly text: string,
        private readonly sink: string[],
    ) {}
    count = 0;
    add(detail: string): void {
        this.count++;
        this.sink.push(`${this.spec.label} field "${this.text}": ${detail}`);
    }
}

/** One value: a number within bounds, or (month/day-of-week) a three-letter name. */
function parseValue(spec: FieldSpec, raw: string, problems: FieldProblems): number | undefined {
    if (DIGITS.test(raw)) {
        const n = Number(raw);
        if (n < spec.min || n > spec.max) {
            problems.add(`${raw} is out of range; AWS allows ${allowedValues(spec)}`);
            return undefined;
        }
        return n;
    }
    // Names are matched case-insensitively, but must be one of the twelve/seven real names.
    const index = spec.names?.indexOf(raw.toUpperCase()) ?? -1;
    if (index >= 0) return spec.min + index;
    problems.add(`"${raw}" is not a valid ${spec.label} value; AWS allows ${allowedValues(spec)} with the wildcards ${spec.wildcards}`);
    return undefined;
}

/**
 * One comma-separated item of the standard grammar: `*`, `v`, `a-b` or `start/step`
 * (start is a value or `*`). The AWS doc documents `/` only as `start/step` (its example is
 * `1/10`), so a range with a step (`0-30/5`) is reported rather than guessed at.
 */
function expandItem(spec: FieldSpec, item: string, problems: FieldProblems): number[] {
    if (item === "") {
        problems.add(`has an empty list item; separate values with single commas, e.g. "1,2"`);
        return [];
    }
    if (item === "*") return range(spec.min, spec.max);

    if (item.includes("/")) {
        const parts = item.split("/");
        if (parts.length !== 2) {
            problems.add(`"${item}" has more than one "/"; write an increment as start/step, e.g. "0/15"`);
            return [];
        }
        const [startText, stepText] = parts as [string, string];
        if (startText.includes("-")) {
            problems.add(`"${item}" combines a range with an increment; AWS documents increments as start/step or */step, e.g. "0/15"`);
            return [];
        }
        const start = startText === "*" ? spec.min : parseValue(spec, startText, problems);
        let step: number | undefined;
        if (!DIGITS.test(stepText) || Number(stepText) < 1) {
            problems.add(`increment "${stepText}" in "${item}" must be a whole number of at least 1`);
        } else {
            step = Number(stepText);
        }
        return start === undefined || step === undefined ? [] : range(start, spec.max, step);
    }

    if (item.includes("-")) {
        const parts = item.split("-");
        // Catches "1-2-3" and one-sided ranges such as "-1" (negative numbers do not exist in cron).
        if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
            problems.add(`"${item}" is not a range; write a range as start-end within ${allowedValues(spec)}, e.g. "${spec.min}-${spec.max}"`);
            return [];
        }
        const from = parseValue(spec, parts[0]!, problems);
        const to = parseValue(spec, parts[1]!, problems);
        if (from === undefined || to === undefined) return [];
        // Ranges must run forwards; AWS does not document wrap-around ranges such as FRI-MON.
        if (from > to) {
            problems.add(`range "${item}" runs backwards; the start must not be after the end`);
            return [];
        }
        return range(from, to);
    }

    const value = parseValue(spec, item, problems);
    return value === undefined ? [] : [value];
}

function expandList(spec: FieldSpec, text: string, problems: FieldProblems): number[] {
    const values = new Set<number>();
    for (const item of text.split(",")) for (const v of expandItem(spec, item, problems)) values.add(v);
    return [...values].sort((a, b) => a - b);
}

/**
 * Validates one cron field. Returns the expanded values for fields made only of the
 * standard grammar, or undefined for `?` and the L/W/# day forms (they are not sets of
 * numbers, and only minutes and hours are expanded in the result anyway).
 */
function checkField(field: CronField, text: string, sink: string[]): number[] | undefined {
    const spec = FIELD_SPECS[field];
    const problems = new FieldProblems(spec, text, sink);
    const upper = text.toUpperCase();

    // Characters the doc's wildcard column does not list for this field. Letters are left to
    // the value check, since names such as JUL or WED contain L and W.
    const stray = ["?", "/", "#"].filter((c) => upper.includes(c) && !spec.wildcards.split(" ").includes(c));
    for (const c of stray) {
        problems.add(`the "${c}" wildcard is not allowed in ${spec.label}; AWS allows ${allowedValues(spec)} with the wildcards ${spec.wildcards}`);
    }
    if (stray.length > 0) return undefined;

    // "?" ("any") stands for the whole field; it only makes sense alone.
    if (upper === "?") return undefined;
    if (upper.includes("?")) {
        problems.add(`"?" must be the whole field, not combined with other values`);
        return undefined;
    }

    if (field === "dayOfMonth" && /[LW]/.test(upper)) {
        // Doc: "L" = last day of the month, "3W" = weekday closest to the 3rd. "LW" (last weekday)
        // is the documented L and W combined. Other Quartz forms (L-3, lists with L) are not
        // documented for EventBridge, so they are rejected.
        if (upper === "L" || upper === "LW") return undefined;
        const w = /^([0-9]+)W$/i.exec(text);
        if (w) {
            parseValue(spec, w[1]!, problems);
            return undefined;
        }
        problems.add(
            `"${text}" is not a supported L/W form; AWS allows "L" (last day of the month), "LW" (last weekday) or "nW" (weekday nearest day n, 1-31), alone in the field`,
        );
        return undefined;
    }

    if (field === "dayOfWeek" && upper.includes("#")) {
        // Doc: "3#2" = second Tuesday; only one expression is allowed with '#' ("3#1,6#3" is invalid).
        if (upper.includes(",")) {
            problems.add(`only one expression is allowed when using "#" (e.g. "3#1,6#3" is invalid); use a single d#n`);
            return undefined;
        }
        const hash = /^([0-9A-Za-z]+)#([0-9]+)$/.exec(text);
        if (!hash) {
            problems.add(`"${text}" is not a valid d#n; write the day (1-7 or SUN-SAT), "#", and the week of the month (1-5), e.g. "3#2"`);
            return undefined;
        }
        parseValue(spec, hash[1]!, problems);
        const nth = Number(hash[2]);
        if (nth < 1 || nth > 5) problems.add(`"#${hash[2]}" is out of range; the instance after "#" must be 1-5`);
        return undefined;
    }

    if (field === "dayOfWeek" && upper.includes("L")) {
        // Doc: "L" in day-of-week = last day of the week; its example "6L" = last Friday of the month.
        if (upper === "L") return undefined;
        const last = /^([0-9]+)L$/i.exec(text);
        if (last) {
            parseValue(spec, last[1]!, problems);
            return undefined;
        }
        problems.add(
            `"${text}" is not a supported L form; AWS allows "L" (last day of the week) or "nL" (the last day n of the month, n 1-7, e.g. "6L" = last Friday), alone in the field`,
        );
        return undefined;
    }

    // The original text, not `upper`, so messages quote exactly what the user wrote.
    const values = expandList(spec, text, problems);
    return problems.count === 0 ? values : undefined;
}

function parseCron(text: string, body: string, problems: string[]): CronExpression | undefined {
    // Doc: "Cron expressions have six required fields, which are separated by white space."
    const parts = body.trim() === "" ? [] : body.trim().split(/\s+/);
    if (parts.length !== 6) {
        problems.push(
            `cron expression has ${parts.length} field${parts.length === 1 ? "" : "s"} but AWS requires exactly 6: minutes hours day-of-month month day-of-week year (e.g. "cron(0 5 ? * * *)")`,
        );
        return undefined;
    }
    const fields = Object.fromEntries(CRON_FIELDS.map((f, i) => [f, parts[i]!])) as Record<CronField, string>;

    const before = problems.length;
    const expanded = Object.fromEntries(CRON_FIELDS.map((f) => [f, checkField(f, fields[f], problems)])) as Record<CronField, number[] | undefined>;

    // Doc limitation: you can't specify both Day-of-month and Day-of-week; if one has a value
    // or "*", the other must be "?". Both "?" leaves no day at all, which AWS also rejects.
    const domAny = fields.dayOfMonth === "?";
    const dowAny = fields.dayOfWeek === "?";
    if (domAny && dowAny) {
        problems.push(`day-of-month and day-of-week are both "?"; AWS requires exactly one of them to be "?" and the other to be a value or "*"`);
    } else if (!domAny && !dowAny) {
        problems.push(
            `day-of-month "${fields.dayOfMonth}" and day-of-week "${fields.dayOfWeek}" are both specified; AWS requires "?" in one of them (e.g. "cron(0 5 ? * MON *)" or "cron(0 5 1 * ? *)")`,
        );
    }

    if (problems.length > before || !expanded.minutes || !expanded.hours) return undefined;
    return { kind: "cron", text, fields, minutes: expanded.minutes, hours: expanded.hours };
}

const RATE_UNITS: Record<string, { unit: RateExpression["unit"]; plural: boolean }> = {
    minute: { unit: "minute", plural: false },
    minutes: { unit: "minute", plural: true },
    hour: { unit: "hour", plural: false },
    hours: { unit: "hour", plural: true },
    day: { unit: "day", plural: false },
    days: { unit: "day", plural: true },
};

function parseRate(text: string, body: string, problems: string[]): RateExpression | undefined {
    // Doc: rate(value unit) has two required fields separated by white space.
    const parts = body.trim() === "" ? [] : body.trim().split(/\s+/);
    if (parts.length !== 2) {
        problems.push(
            `rate expression has ${parts.length} field${parts.length === 1 ? "" : "s"} but AWS requires exactly 2: value and unit (e.g. "rate(12 hours)")`,
        );
        return undefined;
    }
    const [valueText, unitText] = parts as [string, string];
    const before = problems.length;

    // Doc: the value is a positive number; whole numbers only, since AWS schedules whole units.
    const value = DIGITS.test(valueText) ? Number(valueText) : NaN;
    const validValue = Number.isSafeInteger(value) && value >= 1;
    if (!validValue) problems.push(`rate value "${valueText}" must be a positive whole number (1 or more)`);

    // Doc: valid units are minute | minutes | hour | hours | day | days.
    const unit = Object.prototype.hasOwnProperty.call(RATE_UNITS, unitText) ? RATE_UNITS[unitText] : undefined;
    if (!unit) problems.push(`rate unit "${unitText}" is not valid; AWS allows minute | minutes | hour | hours | day | days`);

    // Doc limitation: a value of 1 needs the singular unit, values over 1 the plural unit.
    if (validValue && unit) {
        if (value === 1 && unit.plural) {
            problems.push(`rate unit "${unitText}" must be singular for a value of 1; use "rate(1 ${unit.unit})"`);
        } else if (value > 1 && !unit.plural) {
            problems.push(`rate unit "${unitText}" must be plural for a value of ${value}; use "rate(${value} ${unit.unit}s)"`);
        }
    }

    if (problems.length > before || !unit) return undefined;
    return { kind: "rate", text, value, unit: unit.unit };
}

/** Parses an AWS schedule expression; collects every problem rather than stopping at the first. */
export function parseScheduleExpression(text: string): ParseResult {
    const problems: string[] = [];
    if (typeof text !== "string" || text.trim() === "") {
        return { ok: false, problems: [`schedule expression is empty; AWS expects "cron(fields)" or "rate(value unit)"`] };
    }

    // Surrounding whitespace is reported (AWS compares the string as given) but parsing goes on,
    // so the user sees any other problems at the same time.
    const trimmed = text.trim();
    if (trimmed !== text) problems.push(`schedule expression "${text}" has leading or trailing whitespace; remove it`);

    const wrapper = /^([A-Za-z]+)\(/.exec(trimmed);
    const keyword = wrapper?.[1];
    if (!wrapper || (keyword !== "cron" && keyword !== "rate")) {
        const hint =
            keyword && (keyword.toLowerCase() === "cron" || keyword.toLowerCase() === "rate") ? `; write "${keyword.toLowerCase()}(" in lowercase` : "";
        problems.push(`schedule expression "${trimmed}" must be "cron(fields)" or "rate(value unit)"${hint}`);
        return { ok: false, problems };
    }

    const close = trimmed.indexOf(")");
    if (close < 0) {
        problems.push(`schedule expression "${trimmed}" is missing the closing ")"`);
        return { ok: false, problems };
    }
    const trailing = trimmed.slice(close + 1);
    if (trailing !== "") problems.push(`schedule expression "${trimmed}" has unexpected text after the closing ")": "${trailing}"`);

    const body = trimmed.slice(wrapper[0].length, close);
    const expression = keyword === "cron" ? parseCron(trimmed, body, problems) : parseRate(trimmed, body, problems);
    return expression && problems.length === 0 ? { ok: true, expression } : { ok: false, problems };
}

const MINUTES_PER_UNIT: Record<RateExpression["unit"], number> = { minute: 1, hour: 60, day: 1440 };
const MINUTES_PER_DAY = 24 * 60;

/**
 * Smallest gap in minutes between two consecutive firings. For cron: from the expanded minute x
 * hour grid of one day, including the wrap from the last firing of a day to the first of the
 * next day (conservative: assume consecutive days can both fire). For rate: value converted to
 * minutes. Returns Infinity for a cron with no firing times (not produced by the parser).
 */
export function minimumIntervalMinutes(expression: ScheduleExpression): number {
    if (expression.kind === "rate") return expression.value * MINUTES_PER_UNIT[expression.unit];

    const times = [...new Set(expression.hours.flatMap((h) => expression.minutes.map((m) => h * 60 + m)))].sort((a, b) => a - b);
    if (times.length === 0) return Infinity;
    // Wrap-around: last firing today to the first firing tomorrow (1440 when there is one firing a day).
    let smallest = times[0]! + MINUTES_PER_DAY - times[times.length - 1]!;
    for (let i = 1; i < times.length; i++) smallest = Math.min(smallest, times[i]! - times[i - 1]!);
    return smallest;
}
