/**
 * The offline plan of the demo workload (projects/demo-workload), a Pulumi program of its own. A stack file names its
 * program by its config namespace: `backup-platform:` keys are the platform's, `backup-demo:` keys the demo's, so
 * `npm run plan -- --config projects/demo-workload/Pulumi.sandbox.yaml` needs no other switch. Same output formats as
 * the platform's plan, one target.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { Finding, renderFinding } from "../config/findings";
import { withLocations } from "../config/load";
import { stackFileLocator } from "../config/locate";
import { Target } from "../config/model";
import { DEMO_PROJECT, validateDemo } from "../projects/demo-workload/config";
import {
    renderJsonFooter,
    renderJsonHeader,
    renderJsonResources,
    renderSummaryFooter,
    renderSummaryHeader,
    renderTargetSummary,
    targetStats,
} from "./plan-render";

/** Which program a stack file's config is for, from its namespaces; undefined when it mixes them. */
export function programOfStackFile(allKeys: Record<string, unknown>, platformNamespace: string): "platform" | "demo" | undefined {
    const namespaces = new Set(Object.keys(allKeys).map((key) => key.split(":")[0]));
    if (namespaces.has(DEMO_PROJECT) && namespaces.has(platformNamespace)) return undefined;
    return namespaces.has(DEMO_PROJECT) ? "demo" : "platform";
}

/** Plans the demo workload from its stack file; returns the exit code (0 valid, 1 findings with errors). */
export async function planDemoStackFile(
    file: string,
    stack: string,
    allKeys: Record<string, unknown>,
    json: boolean,
    write: (text: string) => Promise<void>,
): Promise<number> {
    const shown = path.relative(process.cwd(), file) || file;
    const lines = new YAML.LineCounter();
    const document = YAML.parseDocument(fs.readFileSync(file, "utf8"), { lineCounter: lines });
    const locate = stackFileLocator(shown, document.get("config", true), DEMO_PROJECT, lines);
    // The file's values as YAML parsed them (the engine would hand the same values over as JSON text).
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(allKeys)) if (key.startsWith(`${DEMO_PROJECT}:`)) values[key.slice(DEMO_PROJECT.length + 1)] = value;
    const result = validateDemo(stack, values);
    const findings: Finding[] = withLocations(result.findings, locate);
    if (!result.model) {
        if (json) await write(JSON.stringify({ stack, scope: null, resources: [], findings }, null, 2) + "\n");
        else {
            const errors = findings.filter((finding) => finding.severity === "error");
            await write([`${shown}: ${errors.length} error(s); nothing was planned.`, ...findings.map(renderFinding)].join("\n") + "\n");
        }
        return 1;
    }
    const { planProgram } = await import("../projects/offline-plan");
    const { deployDemoWorkload } = await import("../projects/demo-workload/program");
    const model = result.model;
    const { resources } = await planProgram({ project: DEMO_PROJECT, stack, partition: model.partition }, () => deployDemoWorkload(model));
    const target: Target = {
        kind: "workload",
        id: model.account.id,
        alias: model.account.alias,
        deploymentRoleArn: model.account.deploymentRoleArn ?? "",
        // The demo is deployed with the sandbox's own credentials and creates no role of the platform's.
        permissionsBoundaryArn: "",
        homeRegion: model.account.homeRegion,
        regions: model.regions.map((stamp) => stamp.region),
    };
    if (json) {
        await write(renderJsonHeader(stack, null) + renderJsonResources(resources, true) + renderJsonFooter(resources.length > 0, findings) + "\n");
    } else {
        await write(
            renderSummaryHeader(stack, `demo workload (${DEMO_PROJECT})`, shown) +
                renderTargetSummary(target, resources) +
                renderSummaryFooter([targetStats(target, resources)], findings),
        );
    }
    return findings.some((finding) => finding.severity === "error") ? 1 : 0;
}
