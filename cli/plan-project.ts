/**
 * The offline plan of this repository's other Pulumi programs, each a project of its own with its own config namespace:
 * the demo workload (projects/demo-workload, `backup-demo:` keys) and the rollout pipeline (projects/pipeline,
 * `backup-pipeline:` keys). A stack file names its program by its namespace, so
 * `npm run plan -- --config projects/pipeline/Pulumi.tooling.yaml` needs no other switch. Same output formats and
 * findings (config path, file:line) as the platform's plan, one target.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { Finding, renderFinding } from "../config/findings";
import { withLocations } from "../config/load";
import { stackFileLocator } from "../config/locate";
import { Target } from "../config/model";
import { DEMO_PROJECT, DemoModel, validateDemo } from "../projects/demo-workload/config";
import { PIPELINE_PROJECT, PipelineModel, validatePipeline } from "../projects/pipeline/config";
import {
    renderJsonFooter,
    renderJsonHeader,
    renderJsonResources,
    renderSummaryFooter,
    renderSummaryHeader,
    renderTargetSummary,
    targetStats,
} from "./plan-render";

/** How the plan validates, evaluates and labels one program of this repository other than the platform. */
export interface ProjectPlanner<Model extends { partition: string }> {
    /** The program's Pulumi project name, which is its config namespace. */
    namespace: string;
    /** What the summary calls the program, e.g. `demo workload`. */
    label: string;
    /** What the summary calls its one account, e.g. `tooling`. */
    accountLabel: string;
    validate(stack: string, values: Record<string, unknown>, projectDir: string): { model?: Model; findings: Finding[] };
    /** The program, loaded only when the config is valid (it brings the Pulumi SDK). */
    program(): Promise<(model: Model) => unknown>;
    /** The account it deploys into, as the summary shows it. */
    target(model: Model): Target;
}

const demoPlanner: ProjectPlanner<DemoModel> = {
    namespace: DEMO_PROJECT,
    label: "demo workload",
    accountLabel: "workload",
    validate: (stack, values) => validateDemo(stack, values),
    program: async () => (await import("../projects/demo-workload/program")).deployDemoWorkload,
    target: (model) => ({
        kind: "workload",
        id: model.account.id,
        alias: model.account.alias,
        deploymentRoleArn: model.account.deploymentRoleArn ?? "",
        // The demo is deployed with the sandbox's own credentials and creates no role of the platform's.
        permissionsBoundaryArn: "",
        homeRegion: model.account.homeRegion,
        regions: model.regions.map((stamp) => stamp.region),
    }),
};

const pipelinePlanner: ProjectPlanner<PipelineModel> = {
    namespace: PIPELINE_PROJECT,
    label: "rollout pipeline",
    accountLabel: "tooling",
    // The platform environment's stack file it names is read from the repository root, as its builds run the rollout there.
    validate: (stack, values, projectDir) => validatePipeline(stack, values, { repositoryRoot: projectDir }),
    program: async () => (await import("../projects/pipeline/program")).deployPipeline,
    target: (model) => ({
        kind: "workload",
        id: model.tooling.id,
        alias: model.tooling.alias,
        deploymentRoleArn: model.tooling.deploymentRoleArn,
        // The tooling account is not one of the platform's targets; its roles are the pipeline's own.
        permissionsBoundaryArn: "",
        homeRegion: model.tooling.region,
        regions: [model.tooling.region],
    }),
};

/** The programs a stack file can configure besides the platform, by namespace. */
export const PROJECT_PLANNERS: ReadonlyArray<ProjectPlanner<any>> = [demoPlanner, pipelinePlanner];

/** Which program a stack file's config is for, from its namespaces: the platform, another program, or several (an error). */
export function programOfStackFile(
    allKeys: Record<string, unknown>,
    platformNamespace: string,
): { kind: "platform" } | { kind: "project"; planner: ProjectPlanner<any> } | { kind: "mixed"; namespaces: string[] } {
    const namespaces = new Set(Object.keys(allKeys).map((key) => key.split(":")[0]));
    const programs = [platformNamespace, ...PROJECT_PLANNERS.map((planner) => planner.namespace)].filter((namespace) => namespaces.has(namespace));
    if (programs.length > 1) return { kind: "mixed", namespaces: programs };
    const planner = PROJECT_PLANNERS.find((candidate) => candidate.namespace === programs[0]);
    return planner ? { kind: "project", planner } : { kind: "platform" };
}

/** Plans a program's stack file; returns the exit code (0 valid, 1 findings with errors). */
export async function planProjectStackFile<Model extends { partition: string }>(
    planner: ProjectPlanner<Model>,
    file: string,
    allKeys: Record<string, unknown>,
    options: { projectDir: string; json: boolean },
    write: (text: string) => Promise<void>,
): Promise<number> {
    const shown = path.relative(process.cwd(), file) || file;
    // Its stack is named after its file (Pulumi.tooling.yaml: tooling), as `pulumi up` in its project would name it.
    const stack = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1] ?? planner.namespace;
    const lines = new YAML.LineCounter();
    const document = YAML.parseDocument(fs.readFileSync(file, "utf8"), { lineCounter: lines });
    const locate = stackFileLocator(shown, document.get("config", true), planner.namespace, lines);
    // The file's values as YAML parsed them (the engine would hand the same values over as JSON text).
    const prefix = `${planner.namespace}:`;
    const values = Object.fromEntries(Object.entries(allKeys).flatMap(([key, value]) => (key.startsWith(prefix) ? [[key.slice(prefix.length), value]] : [])));
    const result = planner.validate(stack, values, options.projectDir);
    const findings: Finding[] = withLocations(result.findings, locate);
    if (!result.model) {
        if (options.json) await write(JSON.stringify({ stack, scope: null, resources: [], findings }, null, 2) + "\n");
        else {
            const errors = findings.filter((finding) => finding.severity === "error");
            await write([`${shown}: ${errors.length} error(s); nothing was planned.`, ...findings.map(renderFinding)].join("\n") + "\n");
        }
        return 1;
    }
    const { planProgram } = await import("../projects/offline-plan");
    const deploy = await planner.program();
    const model = result.model;
    const { resources } = await planProgram({ project: planner.namespace, stack, partition: model.partition }, () => deploy(model));
    const target = planner.target(model);
    if (options.json) {
        await write(renderJsonHeader(stack, null) + renderJsonResources(resources, true) + renderJsonFooter(resources.length > 0, findings) + "\n");
    } else {
        await write(
            renderSummaryHeader(stack, `${planner.label} (${planner.namespace})`, shown) +
                renderTargetSummary(target, resources, planner.accountLabel) +
                renderSummaryFooter([targetStats(target, resources)], findings, `1 ${planner.accountLabel} account`),
        );
    }
    return findings.some((finding) => finding.severity === "error") ? 1 : 0;
}
