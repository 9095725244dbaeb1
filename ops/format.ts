/** Rows as a table, JSON or CSV: tables for people, JSON and CSV for tickets and spreadsheets. */
import Table from "cli-table3";
import { stringify } from "csv-stringify/sync";

export type Format = "table" | "json" | "csv";
export const FORMATS: readonly Format[] = ["table", "json", "csv"];

export type Row = Record<string, string | number | boolean | null | undefined>;

export function render(rows: Row[], columns: string[], format: Format): string {
    if (format === "json") return JSON.stringify(rows, null, 2);
    const cells = rows.map((row) => columns.map((column) => (row[column] === undefined || row[column] === null ? "" : String(row[column]))));
    if (format === "csv") return stringify([columns, ...cells]).trimEnd();
    const table = new Table({ head: columns, style: { head: [], border: [] } });
    table.push(...cells);
    return table.toString();
}
