/**
 * Builds the validation Lambda's code: one minified CommonJS file with the AWS SDK clients inside, byte for byte the
 * same for the same sources and package-lock.json, so `pulumi up` shows no diff when nothing changed. Used by the
 * Pulumi program (which deploys it), the offline plan (which reports its size and hash) and the benchmark.
 *
 * Reproducible because: paths in the output are relative to the project directory (absWorkingDir), no source map or
 * timestamp is written, and esbuild's output depends only on its inputs and options.
 */
import { createHash } from "crypto";
import type * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";

export interface ValidatorBundle {
    /** The bundle file, relative to the project directory (what the Lambda's code archive names). */
    file: string;
    /** Absolute path of the bundle file. */
    absolutePath: string;
    bytes: number;
    /** SHA-256 of the bundle, hex. */
    sha256: string;
    /** The same digest in base64, the form Lambda's sourceCodeHash takes. */
    sha256Base64: string;
}

/** Directory of this project (the folder holding Pulumi.yaml), from here or from a bundled copy of this file. */
export function projectDirectory(start = __dirname): string {
    for (let dir = start; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml")) && fs.existsSync(path.join(dir, "restore-testing"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`cannot find the project directory (with Pulumi.yaml and restore-testing/) above ${start}`);
    }
}

export const BUNDLE_FILE = "dist/restore-testing/index.js";
const ENTRY = "restore-testing/handler.ts";

/**
 * The SDK's generated schema modules declare shapes as arrays whose keys are computed from module constants
 * (`{ [_eQN]: "Min" }`). esbuild cannot prove such keys free of side effects and so keeps every shape of the service,
 * over 500 KB for EC2 alone. Rewriting a computed key that names a string constant of the same module into that
 * string literal changes nothing at run time and lets esbuild drop the shapes the function never uses.
 */
const literalSchemaKeys: esbuild.Plugin = {
    name: "literal-schema-keys",
    setup(build) {
        build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[a-z0-9-]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
            const source = await fs.promises.readFile(args.path, "utf8");
            const constants = new Map<string, string>();
            for (const match of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) constants.set(match[1], match[2]);
            const contents = source.replace(/\[(_\w+)\]:/g, (whole, name: string) => (constants.has(name) ? `${constants.get(name)}:` : whole));
            return { contents, loader: "js" };
        });
    },
};

function buildOptions(projectDir: string, outfile: string): esbuild.BuildOptions {
    return {
        absWorkingDir: projectDir,
        entryPoints: [ENTRY],
        outfile,
        bundle: true,
        platform: "node",
        // Runs on the nodejs22.x runtime (components/restore-validator.ts); node20 syntax runs there and on this machine.
        target: "node20",
        format: "cjs",
        // The SDK's ES module builds, which esbuild can tree-shake (the CommonJS ones it cannot).
        mainFields: ["module", "main"],
        minify: true,
        sourcemap: false,
        legalComments: "eof",
        metafile: true,
        logLevel: "silent",
        plugins: [literalSchemaKeys],
    };
}

const building = new Map<string, Promise<ValidatorBundle>>();

/**
 * Builds the bundle once per process (and project directory) into dist/restore-testing/index.js. Rejects with an Error
 * whose message says what failed and how to fix it. Pulumi inputs take promises, so components use it directly.
 */
export function validatorBundle(projectDir = projectDirectory()): Promise<ValidatorBundle> {
    if (!building.has(projectDir)) building.set(projectDir, buildValidatorBundle(projectDir));
    return building.get(projectDir)!;
}

/**
 * Takes a bundle another thread built as this thread's: plan worker threads have memos of their own, and would otherwise
 * each build the bundle again for the targets that deploy it.
 */
export function useValidatorBundle(bundle: ValidatorBundle, projectDir = projectDirectory()): void {
    building.set(projectDir, Promise.resolve(bundle));
}

/** The bundle's bytes, built afresh in memory (nothing written): what the reproducibility test compares. */
export async function bundleBytes(projectDir = projectDirectory()): Promise<Uint8Array> {
    // Loaded here, not at the top: plans and programs without restore testing never load esbuild.
    const { build } = await import("esbuild");
    const result = await build({ ...buildOptions(projectDir, path.join(projectDir, BUNDLE_FILE)), write: false });
    return result.outputFiles![0].contents;
}

/** Builds and writes the bundle now, without the per-process memo. */
export async function buildValidatorBundle(projectDir: string): Promise<ValidatorBundle> {
    const absolutePath = path.join(projectDir, BUNDLE_FILE);
    let code: Uint8Array;
    try {
        code = await bundleBytes(projectDir);
    } catch (error) {
        const details = (error as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors
            ?.map((entry) => `${entry.location ? `${entry.location.file}:${entry.location.line}: ` : ""}${entry.text}`)
            .join("; ");
        throw new Error(
            `cannot bundle the restore validation Lambda (${ENTRY}): ${details || (error as Error).message}; run \`npm ci\` and check that it compiles (npm run typecheck)`,
        );
    }
    const raw = createHash("sha256").update(code).digest();
    await writeIfChanged(absolutePath, code);
    return { file: BUNDLE_FILE, absolutePath, bytes: code.length, sha256: raw.toString("hex"), sha256Base64: raw.toString("base64") };
}

/** Writes through a temporary file and a rename, so concurrent builders (plan worker threads) never see a partial file. */
async function writeIfChanged(file: string, code: Uint8Array): Promise<void> {
    const current = await fs.promises.readFile(file).catch(() => undefined);
    if (current && Buffer.compare(current, code) === 0) return;
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fs.promises.writeFile(temporary, code);
    await fs.promises.rename(temporary, file);
}
