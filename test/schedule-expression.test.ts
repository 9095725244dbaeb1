import assert from "node:assert/strict";
import fc from "fast-check";
import { CronExpression, ParseResult, ScheduleExpression, minimumIntervalMinutes, parseScheduleExpression } from "../config/schedule-expression";

function expectOk(text: string): ScheduleExpression {
    const result = parseScheduleExpression(text);
    if (!result.ok) assert.fail(`expected ${text} to parse, got problems:\n  ${result.problems.join("\n  ")}`);
    return result.expression;
}

function expectCron(text: string): CronExpression {
    const expression = expectOk(text);
    assert.equal(expression.kind, "cron");
    return expression as CronExpression;
}

function expectProblems(text: string): string[] {
    const result: ParseResult = parseScheduleExpression(text);
    if (result.ok) assert.fail(`expected ${text} to be rejected, but it parsed`);
    assert.ok(result.problems.length > 0, "a rejection must carry at least one problem");
    return result.problems;
}

/** Asserts that one problem contains every fragment (field name, value, what AWS allows...). */
function assertSomeProblemMentions(problems: string[], fragments: string[]): void {
    const hit = problems.some((p) => fragments.every((f) => p.includes(f)));
    assert.ok(hit, `no problem mentions all of ${JSON.stringify(fragments)}; got:\n  ${problems.join("\n  ")}`);
}

describe("parseScheduleExpression", () => {
    describe("accepts valid expressions", () => {
        const valid = [
            "cron(0 5 ? * * *)",
            "cron(0 12 * * ? *)",
            "cron(15 10 ? * 6L 2026-2030)",
            "cron(0/15 * * * ? *)",
            "cron(0 8 ? * MON-FRI *)",
            "cron(0 0 1 1 ? *)",
            "cron(0 5 L * ? *)",
            "cron(0 5 ? * 3#2 *)",
            "cron(0 5 LW * ? *)",
            "cron(0 5 15W * ? *)",
            "cron(0 5 ? * L *)",
            "cron(0 9 ? * MON#1 *)",
            "cron(0 9 ? * mon#1 *)",
            "cron(0 18 ? jan-mar mon,wed,fri *)",
            "cron(0 */2 ? * * *)",
            "cron(0/5 8-17 ? * MON-FRI *)",
            "cron(59 23 31 12 ? 2199)",
            "cron(0 0 1/7 * ? 1970/10)",
            "cron(0   5  ?  *  *  *)",
            "rate(1 minute)",
            "rate(5 minutes)",
            "rate(1 hour)",
            "rate(12 hours)",
            "rate(1 day)",
            "rate(7 days)",
        ];
        for (const text of valid) {
            it(`accepts ${text}`, () => {
                expectOk(text);
            });
        }
    });

    describe("rejects invalid expressions with a message that names the field and value", () => {
        const invalid: Array<{ text: string; why: string; mentions: string[] }> = [
            { text: "cron(60 5 ? * * *)", why: "minutes out of range", mentions: ["minutes", "60", "0-59"] },
            { text: "cron(0 24 ? * * *)", why: "hours out of range", mentions: ["hours", "24", "0-23"] },
            { text: "cron(0 5 32 * ? *)", why: "day-of-month out of range", mentions: ["day-of-month", "32", "1-31"] },
            { text: "cron(0 5 0 * ? *)", why: "day-of-month zero", mentions: ["day-of-month", "0", "1-31"] },
            { text: "cron(0 5 1 13 ? *)", why: "month out of range", mentions: ["month", "13", "1-12 or JAN-DEC"] },
            { text: "cron(0 5 1 FOO ? *)", why: "unknown month name", mentions: ["month", "FOO", "JAN-DEC"] },
            { text: "cron(0 5 1 jan-foo ? *)", why: "unknown month name, quoted as written", mentions: ["month", '"foo"', "JAN-DEC"] },
            { text: "cron(0 5 ? * 8 *)", why: "day-of-week out of range", mentions: ["day-of-week", "8", "1-7 or SUN-SAT"] },
            { text: "cron(0 5 ? * 0 *)", why: "day-of-week zero (Unix numbering)", mentions: ["day-of-week", "0", "1-7"] },
            { text: "cron(0 5 ? * MONDAY *)", why: "day name not three letters", mentions: ["day-of-week", "MONDAY", "SUN-SAT"] },
            { text: "cron(0 5 ? * * 1969)", why: "year before 1970", mentions: ["year", "1969", "1970-2199"] },
            { text: "cron(0 5 ? * * 2200)", why: "year after 2199", mentions: ["year", "2200", "1970-2199"] },
            { text: "cron(0 5 * * * *)", why: "* in both day fields", mentions: ["day-of-month", "day-of-week", "*", '"?"'] },
            { text: "cron(0 5 1 * MON *)", why: "a value in both day-of-month and day-of-week", mentions: ['day-of-month "1"', 'day-of-week "MON"', '"?"'] },
            { text: "cron(0 5 ? * ? *)", why: "? in both day fields", mentions: ["day-of-month", "day-of-week", "both", '"?"'] },
            { text: "cron(0 5 ? * 3#1,6#3 *)", why: "# with more than one expression", mentions: ["day-of-week", "3#1,6#3", "only one expression"] },
            { text: "cron(0 5 ? * 3#6 *)", why: "# instance above 5", mentions: ["day-of-week", "#6", "1-5"] },
            { text: "cron(0 5 ? * 3#0 *)", why: "# instance 0", mentions: ["day-of-week", "#0", "1-5"] },
            { text: "cron(0 5 ? * 9#2 *)", why: "# with day out of range", mentions: ["day-of-week", "9", "1-7"] },
            { text: "cron(0 5 ? * 8L *)", why: "nL with day out of range", mentions: ["day-of-week", "8", "1-7"] },
            { text: "cron(0 5 ? * 1L,2 *)", why: "L combined with other values", mentions: ["day-of-week", "1L,2", "alone"] },
            { text: "cron(0 5 L-3 * ? *)", why: "undocumented L-offset", mentions: ["day-of-month", "L-3", "LW"] },
            { text: "cron(0 5 32W * ? *)", why: "nW out of range", mentions: ["day-of-month", "32", "1-31"] },
            { text: "cron(0 5 1,L * ? *)", why: "L in a list", mentions: ["day-of-month", "1,L", "alone"] },
            { text: "cron(0 L ? * * *)", why: "L in hours", mentions: ["hours", "L", "0-23", ", - * /"] },
            { text: "cron(0 5 1W ? ? *)", why: "? in month", mentions: ["month", '"?"', "not allowed"] },
            { text: "cron(0 5 ? * 1/2 *)", why: "increment in day-of-week", mentions: ["day-of-week", '"/"', "not allowed", ", - * ? L #"] },
            { text: "cron(0 5 # * ? *)", why: "# in day-of-month", mentions: ["day-of-month", '"#"', "not allowed"] },
            { text: "cron(0 17-9 ? * * *)", why: "backwards range", mentions: ["hours", "17-9", "backwards"] },
            { text: "cron(0 5 ? * FRI-MON *)", why: "backwards named range", mentions: ["day-of-week", "FRI-MON", "backwards"] },
            { text: "cron(0/0 5 ? * * *)", why: "increment of zero", mentions: ["minutes", '"0"', "at least 1"] },
            { text: "cron(*/x 5 ? * * *)", why: "non-numeric increment", mentions: ["minutes", '"x"', "at least 1"] },
            { text: "cron(60/5 5 ? * * *)", why: "increment start out of range", mentions: ["minutes", "60", "0-59"] },
            { text: "cron(0-30/5 5 ? * * *)", why: "range with an increment (undocumented)", mentions: ["minutes", "0-30/5", "start/step"] },
            { text: "cron(1,,2 5 ? * * *)", why: "empty list item", mentions: ["minutes", "1,,2", "empty"] },
            { text: "cron(1-2-3 5 ? * * *)", why: "malformed range", mentions: ["minutes", "1-2-3", "range"] },
            { text: "cron(-1 5 ? * * *)", why: "negative number", mentions: ["minutes", '"-1"', "0-59"] },
            { text: "cron(0 5 ?,1 * ? *)", why: "? mixed into a list", mentions: ["day-of-month", "?,1", "whole field"] },
            { text: "cron(0 5 ? * *)", why: "five fields", mentions: ["5 fields", "exactly 6"] },
            { text: "cron(0 5 ? * * * *)", why: "seven fields", mentions: ["7 fields", "exactly 6"] },
            { text: "cron()", why: "no fields", mentions: ["0 fields", "exactly 6"] },
            { text: "0 5 ? * * *", why: "missing cron( wrapper", mentions: ['"cron(fields)"', '"rate(value unit)"'] },
            { text: "CRON(0 5 ? * * *)", why: "upper-case keyword", mentions: ["lowercase", '"cron("'] },
            { text: "every(5 minutes)", why: "unknown keyword", mentions: ["every(5 minutes)", '"cron(fields)"'] },
            { text: "cron(0 5 ? * * *", why: "missing closing parenthesis", mentions: ['missing the closing ")"'] },
            { text: "cron(0 5 ? * * *) UTC", why: "trailing text", mentions: ["unexpected text", '" UTC"'] },
            { text: " cron(0 5 ? * * *)", why: "leading whitespace", mentions: ["leading or trailing whitespace"] },
            { text: "", why: "empty", mentions: ["empty"] },
            { text: "   ", why: "blank", mentions: ["empty"] },
            { text: "rate(0 minutes)", why: "zero rate", mentions: ['rate value "0"', "positive"] },
            { text: "rate(-5 minutes)", why: "negative rate", mentions: ['rate value "-5"', "positive"] },
            { text: "rate(1.5 hours)", why: "fractional rate", mentions: ['rate value "1.5"', "whole number"] },
            { text: "rate(5 weeks)", why: "unsupported unit", mentions: ['rate unit "weeks"', "minute | minutes | hour | hours | day | days"] },
            { text: "rate(5 Minutes)", why: "capitalised unit", mentions: ['rate unit "Minutes"'] },
            { text: "rate(1 hours)", why: "plural unit for 1", mentions: ['"hours"', "singular", "rate(1 hour)"] },
            { text: "rate(5 hour)", why: "singular unit for more than 1", mentions: ['"hour"', "plural", "rate(5 hours)"] },
            { text: "rate(5)", why: "missing unit", mentions: ["1 field", "exactly 2"] },
            { text: "rate(5 minutes please)", why: "extra rate field", mentions: ["3 fields", "exactly 2"] },
        ];
        for (const { text, why, mentions } of invalid) {
            it(`rejects ${JSON.stringify(text)} (${why})`, () => {
                assertSomeProblemMentions(expectProblems(text), mentions);
            });
        }
    });

    it("rejects a value in both day-of-month and day-of-week", () => {
        const problems = expectProblems("cron(0 12 15 * FRI *)");
        assert.equal(problems.length, 1);
        assertSomeProblemMentions(problems, ['day-of-month "15"', 'day-of-week "FRI"', "both specified"]);
    });

    it("reports every problem in one expression, not just the first", () => {
        const problems = expectProblems("cron(61 25 * 13 * 1900)");
        assertSomeProblemMentions(problems, ["minutes", "61", "0-59"]);
        assertSomeProblemMentions(problems, ["hours", "25", "0-23"]);
        assertSomeProblemMentions(problems, ["month", "13", "1-12"]);
        assertSomeProblemMentions(problems, ["year", "1900", "1970-2199"]);
        assertSomeProblemMentions(problems, ["day-of-month", "day-of-week", "both specified"]);
        assert.equal(problems.length, 5);
    });

    it("reports every bad item within one field's list", () => {
        const problems = expectProblems("cron(0,75,99 5 ? * * *)");
        assertSomeProblemMentions(problems, ["minutes", "75"]);
        assertSomeProblemMentions(problems, ["minutes", "99"]);
    });

    it("reports a rate with both a bad value and a bad unit twice", () => {
        const problems = expectProblems("rate(0 fortnights)");
        assert.equal(problems.length, 2);
    });

    it("reports trailing text together with problems inside the parentheses", () => {
        const problems = expectProblems("cron(99 5 ? * * *)x");
        assertSomeProblemMentions(problems, ["unexpected text"]);
        assertSomeProblemMentions(problems, ["minutes", "99"]);
    });

    it("keeps the original text and fields of a cron expression", () => {
        const cron = expectCron("cron(15 10 ? * 6L 2026-2030)");
        assert.equal(cron.text, "cron(15 10 ? * 6L 2026-2030)");
        assert.deepEqual(cron.fields, {
            minutes: "15",
            hours: "10",
            dayOfMonth: "?",
            month: "*",
            dayOfWeek: "6L",
            year: "2026-2030",
        });
        assert.deepEqual(cron.minutes, [15]);
        assert.deepEqual(cron.hours, [10]);
    });

    it("expands increments, ranges and lists into sorted unique minutes and hours", () => {
        assert.deepEqual(expectCron("cron(0/15 * * * ? *)").minutes, [0, 15, 30, 45]);
        assert.deepEqual(expectCron("cron(1/10 5 * * ? *)").minutes, [1, 11, 21, 31, 41, 51]);
        assert.deepEqual(expectCron("cron(0 */6 * * ? *)").hours, [0, 6, 12, 18]);
        assert.deepEqual(expectCron("cron(50,10,10,5-7 22,3 * * ? *)").minutes, [5, 6, 7, 10, 50]);
        assert.deepEqual(expectCron("cron(50,10,10,5-7 22,3 * * ? *)").hours, [3, 22]);
        assert.equal(expectCron("cron(* * * * ? *)").minutes.length, 60);
        assert.equal(expectCron("cron(* * * * ? *)").hours.length, 24);
    });

    it("parses a rate into a singular unit and value", () => {
        assert.deepEqual(expectOk("rate(12 hours)"), { kind: "rate", text: "rate(12 hours)", value: 12, unit: "hour" });
        assert.deepEqual(expectOk("rate(1 day)"), { kind: "rate", text: "rate(1 day)", value: 1, unit: "day" });
    });

    it("never throws on arbitrary input", () => {
        fc.assert(
            fc.property(
                fc.oneof(
                    fc.string(),
                    fc.string().map((s) => `cron(${s})`),
                    fc.string().map((s) => `rate(${s})`),
                ),
                (text) => {
                    const result = parseScheduleExpression(text);
                    if (!result.ok) assert.ok(result.problems.length > 0);
                },
            ),
            { numRuns: 500 },
        );
    });
});

describe("minimumIntervalMinutes", () => {
    const cases: Array<[string, number]> = [
        ["cron(0 5 ? * * *)", 1440],
        ["cron(0 */2 ? * * *)", 120],
        ["cron(0/30 * ? * * *)", 30],
        ["cron(0 0,12 ? * * *)", 720],
        // 23:30 -> 00:30 the next day is a 60-minute gap across midnight; 00:30 -> 23:30 is 1380.
        ["cron(30 23,0 ? * * *)", 60],
        // 23:50 -> 00:00 the next day (10 min) is smaller than any gap within the day (50 min).
        ["cron(0,50 0,23 ? * * *)", 10],
        ["cron(* * ? * * *)", 1],
        ["cron(0 8 ? * MON-FRI *)", 1440],
        ["rate(1 minute)", 1],
        ["rate(2 hours)", 120],
        ["rate(3 days)", 4320],
    ];
    for (const [text, expected] of cases) {
        it(`is ${expected} for ${text}`, () => {
            assert.equal(minimumIntervalMinutes(expectOk(text)), expected);
        });
    }

    it("counts the wrap from the last firing of a day to the first of the next", () => {
        assert.equal(minimumIntervalMinutes(expectOk("cron(30 23,0 ? * * *)")), 60);
        assert.equal(minimumIntervalMinutes(expectOk("cron(0,50 0,23 ? * * *)")), 10);
    });
});

describe("property-based", () => {
    const minute = fc.integer({ min: 0, max: 59 });
    const hour = fc.integer({ min: 0, max: 23 });

    /**
     * A field made of in-range numbers: a value, a forward range, a start/step (only where the
     * doc lists "/": not day-of-week), a list of those, or "*".
     */
    function field(min: number, max: number, withSteps = true): fc.Arbitrary<string> {
        const value = fc.integer({ min, max });
        const step = fc.integer({ min: 1, max: max - min + 1 });
        const plain = [value.map(String), fc.tuple(value, value).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`)];
        const stepped = [fc.tuple(value, step).map(([a, s]) => `${a}/${s}`), step.map((s) => `*/${s}`)];
        const item = fc.oneof(...plain, ...(withSteps ? stepped : []));
        return fc.oneof(
            fc.constant("*"),
            fc.array(item, { minLength: 1, maxLength: 4 }).map((items) => items.join(",")),
        );
    }

    const validCron = fc
        .record({
            minutes: field(0, 59),
            hours: field(0, 23),
            dayOfMonth: field(1, 31),
            month: field(1, 12),
            dayOfWeek: field(1, 7, false),
            year: field(1970, 2199),
            questionInDayOfMonth: fc.boolean(),
        })
        .map((f) =>
            f.questionInDayOfMonth
                ? `cron(${f.minutes} ${f.hours} ? ${f.month} ${f.dayOfWeek} ${f.year})`
                : `cron(${f.minutes} ${f.hours} ${f.dayOfMonth} ${f.month} ? ${f.year})`,
        );

    function assertSortedUniqueInRange(values: number[], min: number, max: number): void {
        assert.ok(values.length > 0);
        for (let i = 0; i < values.length; i++) {
            assert.ok(Number.isInteger(values[i]) && values[i]! >= min && values[i]! <= max, `${values[i]} outside ${min}-${max}`);
            if (i > 0) assert.ok(values[i - 1]! < values[i]!, `not strictly increasing: ${values.join(",")}`);
        }
    }

    it("parses any six-field cron of in-range numbers with ? in exactly one day field", () => {
        fc.assert(
            fc.property(validCron, (text) => {
                expectCron(text);
            }),
            { numRuns: 300 },
        );
    });

    it("expands minutes and hours into sorted, unique, in-range sets", () => {
        fc.assert(
            fc.property(validCron, (text) => {
                const cron = expectCron(text);
                assertSortedUniqueInRange(cron.minutes, 0, 59);
                assertSortedUniqueInRange(cron.hours, 0, 23);
            }),
            { numRuns: 300 },
        );
    });

    it("gives 1440 as the minimum interval of a cron that fires once a day", () => {
        fc.assert(
            fc.property(minute, hour, (m, h) => {
                const cron = expectCron(`cron(${m} ${h} ? * * *)`);
                assert.deepEqual(cron.minutes, [m]);
                assert.deepEqual(cron.hours, [h]);
                assert.equal(minimumIntervalMinutes(cron), 1440);
            }),
            { numRuns: 200 },
        );
    });

    it("never reports a minimum interval larger than a day or smaller than a minute for a valid cron", () => {
        fc.assert(
            fc.property(validCron, (text) => {
                const gap = minimumIntervalMinutes(expectCron(text));
                assert.ok(gap >= 1 && gap <= 1440, `gap ${gap} for ${text}`);
            }),
            { numRuns: 200 },
        );
    });

    it("rejects any minutes value above 59 and names it", () => {
        fc.assert(
            fc.property(fc.integer({ min: 60, max: 100000 }), (m) => {
                assertSomeProblemMentions(expectProblems(`cron(${m} 5 ? * * *)`), ["minutes", String(m), "0-59"]);
            }),
            { numRuns: 100 },
        );
    });
});
