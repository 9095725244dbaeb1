/** The demo's config values from the engine (`pulumi up`): keys of its namespace, object values as JSON text. */
export function projectValuesOf(allConfig: Record<string, string>, namespace: string): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(allConfig)) {
        if (!key.startsWith(`${namespace}:`)) continue;
        try {
            values[key.slice(namespace.length + 1)] = JSON.parse(raw);
        } catch {
            values[key.slice(namespace.length + 1)] = raw; // plain strings are stored unquoted
        }
    }
    return values;
}
