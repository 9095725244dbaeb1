/**
 * Finds where a config path is written in a stack file, so a finding can say `Pulumi.dev.yaml:57:31`.
 * The `yaml` library keeps every node's source range; a LineCounter turns offsets into lines and columns.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, Node, Pair, YAMLMap } from "yaml";
import type { SourceLocation } from "./findings";

/** A function from config path (`tiers.daily.rules.nightly.schedule`, `accounts[2].id`) to its place in the file. */
export type Locator = (path: string) => SourceLocation | undefined;

function keyText(pair: Pair): string | undefined {
    const key = pair.key;
    if (isScalar(key)) return String(key.value);
    return typeof key === "string" || typeof key === "number" ? String(key) : undefined;
}

/**
 * The node a path points to, or the deepest node on the way when the rest is missing (a required key that is absent
 * is reported where its parent is written). Keys may contain dots (tag keys such as `app.name`), so at each map the
 * longest key that the rest of the path starts with wins.
 */
function walk(node: unknown, rest: string, fallback: Node | undefined): Node | undefined {
    const here = (node as Node | undefined) ?? fallback;
    if (rest === "") return here;
    if (rest.startsWith("[")) {
        const match = /^\[(\d+)\]\.?/.exec(rest);
        if (!match || !isSeq(node)) return here;
        const item = node.items[Number(match[1])];
        return item === undefined ? here : walk(item, rest.slice(match[0].length), here);
    }
    if (!isMap(node)) return here;
    let best: Pair | undefined;
    let bestKey = "";
    for (const pair of (node as YAMLMap).items) {
        const key = keyText(pair);
        if (key === undefined || key.length <= bestKey.length) continue;
        if (rest === key || rest.startsWith(`${key}.`) || rest.startsWith(`${key}[`)) {
            best = pair;
            bestKey = key;
        }
    }
    if (!best) return here;
    const after = rest.slice(bestKey.length).replace(/^\./, "");
    const value = best.value as Node | null;
    const keyNode = isScalar(best.key) ? (best.key as Node) : here;
    return value === null || value === undefined ? keyNode : walk(value, after, keyNode);
}

/**
 * A locator over the `config:` map of a parsed stack file. Paths are this project's (no namespace): the first key is
 * looked up as `<namespace>:<key>`, and a path that names another namespace's key (`pulumi:disable-default-providers`)
 * is looked up as written.
 */
export function stackFileLocator(file: string, config: unknown, namespace: string, lines: LineCounter): Locator {
    return (path) => {
        if (!isMap(config) || path === "") return undefined;
        const first = /^[^.[]+/.exec(path)?.[0] ?? path;
        const namespaced = first.includes(":") ? first : `${namespace}:${first}`;
        const pair = (config as YAMLMap).items.find((item) => isPair(item) && keyText(item) === namespaced);
        if (!pair) return undefined;
        const rest = path.slice(first.length).replace(/^\./, "");
        const keyNode = isScalar(pair.key) ? (pair.key as Node) : undefined;
        const node = pair.value === null || pair.value === undefined ? keyNode : walk(pair.value, rest, keyNode);
        const offset = node?.range?.[0];
        if (offset === undefined) return undefined;
        const { line, col } = lines.linePos(offset);
        return { file, line, column: col };
    };
}
