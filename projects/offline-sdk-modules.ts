/**
 * Loads the Pulumi SDK without two dependencies the offline plan never calls. The SDK's runtime index requires its
 * closure serializer, which brings in the TypeScript compiler and npm's Arborist (with pacote, sigstore and the rest of
 * npm's install machinery): about 0.8 s of CPU in every process and worker thread that loads the SDK, measured with
 * `node -e 'require("@pulumi/pulumi")'`, for code that only runs when a program serializes a JavaScript function into a
 * Lambda, which this platform never does (the validation Lambda is bundled with esbuild).
 *
 * Each is replaced, in the module cache, by a stand-in that loads the real module the first time anything reads from
 * it, so a caller that does need one still gets it. A module already loaded (ts-node's TypeScript, in the tests) is
 * left alone. Import this module before anything that imports `@pulumi/pulumi`.
 */
import Module from "module";
import * as path from "path";

const DEFERRED = ["typescript", "@npmcli/arborist"];

function deferUntilUsed(file: string): void {
    let real: Record<PropertyKey, unknown> | undefined;
    const load = (): Record<PropertyKey, unknown> => {
        if (real === undefined) {
            delete require.cache[file];
            real = require(file) as Record<PropertyKey, unknown>;
        }
        return real;
    };
    const standIn = new Module(file);
    standIn.filename = file;
    standIn.loaded = true;
    // `__esModule` lets TypeScript's import helpers take the stand-in as it is, without enumerating (and so loading) it.
    standIn.exports = new Proxy(
        {},
        {
            get: (_, key) => (key === "__esModule" ? true : load()[key]),
            has: (_, key) => key in load(),
            ownKeys: () => Reflect.ownKeys(load()),
            getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(load(), key),
        },
    );
    require.cache[file] = standIn;
}

function sdkDirectory(): string | undefined {
    try {
        return path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    } catch {
        return undefined;
    }
}

const sdk = sdkDirectory();
if (sdk !== undefined && require.cache[require.resolve("@pulumi/pulumi")] === undefined) {
    for (const name of DEFERRED) {
        try {
            const file = require.resolve(name, { paths: [sdk] });
            if (require.cache[file] === undefined) deferUntilUsed(file);
        } catch {
            // Not installed where the SDK would find it: nothing to defer.
        }
    }
}
