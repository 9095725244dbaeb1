/**
 * The offline plan: evaluates the real program under Pulumi's mock runtime (no CLI, no plugins, no credentials)
 * and records every resource it registers, with its resolved inputs, parent, protect flag, account and region.
 * It is the `npm run plan` feature and the backbone of the tests.
 *
 * An environment is planned one target at a time, exactly as its stack-per-target rollout evaluates it, so memory
 * stays bounded by the largest account, not by the organization.
 */
// First: it changes how the SDK below loads.
import "./offline-sdk-modules";
import * as pulumi from "@pulumi/pulumi";
import { createRequire } from "module";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { PROVIDER_TYPE_PREFIX, resourceType, STACK_TYPE } from "../components/resource-types";
import { PROJECT_NAME } from "../config/constants";
import { duplicates } from "../config/findings";
import { EnvironmentModel, modelForTarget, Target } from "../config/model";
import { deployPlatform } from "./platform";

/** One registered resource as the engine would receive it. */
export interface PlannedResource {
    /** Pulumi type token, e.g. `aws:backup/vault:Vault`. */
    type: string;
    /** Logical name. */
    name: string;
    urn: string;
    /** Account the resource is deployed into; for a component, the one account of all its resources, if single. */
    account: string | null;
    /** Region the resource is deployed into; for a component, the one region of all its resources, if single. */
    region: string | null;
    /** URN of the parent resource. */
    parent: string | null;
    protect: boolean;
    retainOnDelete: boolean;
    /** Whether it is a custom (cloud) resource rather than a component. */
    custom: boolean;
    /** Resolved plain inputs. */
    inputs: Record<string, unknown>;
}

export interface PlanResult {
    resources: PlannedResource[];
    /** The program's stack outputs, resolved. */
    outputs: Record<string, unknown>;
}

export { PROJECT_NAME };

interface Recorded {
    type: string;
    name: string;
    urn: string;
    parent: string;
    providerRef: string;
    protect: boolean;
    retainOnDelete: boolean;
    custom: boolean;
    inputs: Record<string, unknown>;
}

/** The id and computed outputs the cloud would return, from the resource-type table, so ARNs resolve realistically. */
function computedState(type: string, name: string, inputs: Record<string, any>, account: string, region: string, partition: string) {
    const offline = resourceType(type)?.offline;
    return offline ? offline({ name, inputs, account, region, partition }) : { id: `${name}-id`, state: { ...inputs } };
}

/** Pulumi's protocol messages, loaded the way the SDK itself resolves them. */
const sdkRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const resourceProto: { RegisterResourceResponse: new () => any } = sdkRequire("./proto/resource_pb");
const structProto: { Struct: { fromJavaScript(value: unknown): unknown } } = sdkRequire("google-protobuf/google/protobuf/struct_pb");

/**
 * A mock monitor that records each registration request and answers it itself, as Pulumi's own MockMonitor would
 * (same URN, id and state), without decoding the request a second time; everything else goes to the MockMonitor. It
 * sees what `setMocks` hides: parent, protect and the provider reference.
 */
class RecordingMonitor {
    readonly recorded: Recorded[] = [];
    readonly providers = new Map<string, { account: string | null; region: string | null; partition: string }>();
    private readonly inner: MockMonitor;

    constructor(private readonly partition: string) {
        this.inner = new MockMonitor({
            newResource: async () => {
                throw new Error("registrations are answered by the recording monitor");
            },
            call: async (args: pulumi.runtime.MockCallArgs) => {
                // The program must not look anything up in AWS: that would need credentials at plan time.
                throw new Error(`the program invoked ${args.token}; the offline plan allows no data source calls`);
            },
        });
    }

    registerResource(req: any, callback: (err: any, resp?: any) => void): void {
        const name: string = req.getName();
        const type: string = req.getType();
        const raw = pulumi.runtime.deserializeProperties(req.getObject()) as Record<string, unknown>;
        // Providers receive non-string config as JSON text; decode it so the plan shows lists and maps.
        const inputs = type.startsWith(PROVIDER_TYPE_PREFIX) ? decodeProviderInputs(raw) : raw;
        const record: Recorded = {
            type,
            name,
            urn: "",
            parent: req.getParent(),
            providerRef: req.getProvider(),
            protect: req.getProtect() ?? false,
            retainOnDelete: req.getRetainondelete() ?? false,
            custom: req.getCustom(),
            inputs,
        };
        // Recorded in request order, so the plan lists resources in the order the program declares them.
        this.recorded.push(record);
        record.urn = mockUrn(record.parent, type, name);
        // Resources using a provider register only after it has an id, so it is known by then.
        if (type.startsWith(PROVIDER_TYPE_PREFIX)) this.providers.set(record.urn, providerLocation(inputs, this.partition));
        const provider = record.providerRef ? this.providers.get(providerUrn(record.providerRef)) : undefined;
        const region = (raw.region as string | undefined) ?? provider?.region ?? "";
        const { id, state } = computedState(type, name, raw, provider?.account ?? "", region, provider?.partition ?? this.partition);
        pulumi.runtime.serializeProperties("", state).then(
            (serialized) => {
                const response = new resourceProto.RegisterResourceResponse();
                response.setUrn(record.urn);
                response.setId(id || "");
                response.setObject(structProto.Struct.fromJavaScript(serialized));
                callback(null, response);
            },
            (error) => callback(error),
        );
    }

    registerResourceOutputs(_req: any, callback: (err: any, resp?: any) => void): void {
        // Components' outputs: nothing to record, and the MockMonitor never saw these resources registered.
        callback(null, {});
    }
    readResource(req: any, callback: (err: any, resp?: any) => void): void {
        this.inner.readResource(req, callback);
    }
    invoke(req: any, callback: (err: any, resp?: any) => void): void {
        this.inner.invoke(req, callback);
    }
    supportsFeature(req: any, callback: (err: any, resp?: any) => void): void {
        this.inner.supportsFeature(req, callback);
    }
    registerPackage(req: any, callback: (err: any, resp?: any) => void): void {
        this.inner.registerPackage(req, callback);
    }
}

/** The URN the engine (and Pulumi's MockMonitor) gives a resource: its parent's type chain, then its own type and name. */
function mockUrn(parent: string, type: string, name: string): string {
    const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
}

/** A provider reference is `<urn>::<id>`; the URN keys the provider's location. */
function providerUrn(reference: string): string {
    return reference.split("::").slice(0, -1).join("::");
}

/** Where a provider deploys: its one allowed account and its region. */
function providerLocation(inputs: Record<string, unknown>, partition: string) {
    const allowed = inputs.allowedAccountIds;
    return {
        account: Array.isArray(allowed) && allowed.length === 1 ? String(allowed[0]) : null,
        region: typeof inputs.region === "string" ? inputs.region : null,
        partition,
    };
}

function decodeProviderInputs(inputs: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(inputs).map(([key, value]) => {
            if (typeof value === "string" && /^[[{]/.test(value)) {
                try {
                    return [key, JSON.parse(value)];
                } catch {
                    return [key, value];
                }
            }
            return [key, value];
        }),
    );
}

/** Settings internals used to wait for registrations in flight; present in every @pulumi/pulumi 3.x. */
const settings: { waitForRPCs(): Promise<void> } = require("@pulumi/pulumi/runtime/settings");

function resolveLocations(recorded: Recorded[], providers: RecordingMonitor["providers"]): PlannedResource[] {
    const planned = recorded.map((record): PlannedResource => {
        const provider = record.providerRef ? providers.get(providerUrn(record.providerRef)) : undefined;
        let account: string | null = null;
        let region: string | null = null;
        if (record.type.startsWith(PROVIDER_TYPE_PREFIX)) {
            account = providers.get(record.urn)?.account ?? null;
        } else if (record.custom) {
            account = provider?.account ?? null;
            // Global resources (IAM) have no region even though their provider has one.
            region = resourceType(record.type)?.global ? null : ((record.inputs.region as string | undefined) ?? provider?.region ?? null);
        }
        return {
            type: record.type,
            name: record.name,
            urn: record.urn,
            account,
            region,
            parent: record.parent || null,
            protect: record.protect,
            retainOnDelete: record.retainOnDelete,
            custom: record.custom,
            inputs: record.inputs,
        };
    });
    // A component is "in" an account or region when every cloud resource under it is.
    const children = new Map<string, PlannedResource[]>();
    for (const resource of planned) {
        if (!resource.parent) continue;
        if (!children.has(resource.parent)) children.set(resource.parent, []);
        children.get(resource.parent)!.push(resource);
    }
    const descendants = (urn: string): PlannedResource[] => (children.get(urn) ?? []).flatMap((child) => (child.custom ? [child] : descendants(child.urn)));
    for (const resource of planned) {
        if (resource.custom || resource.type === STACK_TYPE) continue;
        const below = descendants(resource.urn);
        const accounts = new Set(below.map((child) => child.account));
        const regions = new Set(below.map((child) => child.region));
        resource.account = accounts.size === 1 ? [...accounts][0] : null;
        resource.region = regions.size === 1 ? [...regions][0] : null;
    }
    return planned;
}

/**
 * Runs `evaluate` without the Pulumi SDK's debugging aids, which the offline plan never shows and which cost most of
 * its time: a stack trace captured for every promise the SDK creates (`debuggablePromise`, kept for its leak report)
 * and for every resource (`Resource.callsites`, the source position the CLI shows). No SDK option turns them off, so
 * they are replaced for the duration of the evaluation and restored after; where an SDK version lacks either
 * function, it is left alone. The recorded graph is the same with or without them (test/offline-plan.test.ts).
 */
async function withoutDebugStacks<T>(evaluate: () => Promise<T>): Promise<T> {
    const debuggable: { debuggablePromise?: unknown } = require("@pulumi/pulumi/runtime/debuggable");
    const resource: { Resource?: { callsites?: unknown } } = require("@pulumi/pulumi/resource");
    const saved = { promise: debuggable.debuggablePromise, callsites: resource.Resource?.callsites, limit: Error.stackTraceLimit };
    if (typeof saved.promise === "function") debuggable.debuggablePromise = <P>(promise: P) => promise;
    if (typeof saved.callsites === "function") resource.Resource!.callsites = () => [];
    Error.stackTraceLimit = 0;
    try {
        return await evaluate();
    } finally {
        debuggable.debuggablePromise = saved.promise;
        if (resource.Resource) resource.Resource.callsites = saved.callsites;
        Error.stackTraceLimit = saved.limit;
    }
}

/** Serializes plan runs: the Pulumi runtime is process-global. */
let queue: Promise<unknown> = Promise.resolve();

/** Runs `program(model)` (the platform by default) under the mock runtime and returns the recorded resource graph. */
export function planEnvironment(model: EnvironmentModel, program: (model: EnvironmentModel) => unknown = deployPlatform): Promise<PlanResult> {
    return planProgram({ project: PROJECT_NAME, stack: model.stack, partition: model.partition }, () => program(model));
}

/** Runs any Pulumi program (the platform, or another program of this repository such as the demo workload) under the mock runtime. */
export function planProgram(context: { project: string; stack: string; partition: string }, program: () => unknown): Promise<PlanResult> {
    const run = queue.then(() =>
        withoutDebugStacks(async () => {
            const monitor = new RecordingMonitor(context.partition);
            pulumi.runtime.setMockOptions(monitor, context.project, context.stack, false);
            let outputs: Record<string, unknown> | undefined;
            try {
                outputs = await pulumi.runtime.runInPulumiStack(async () => program());
                await settings.waitForRPCs();
            } catch (error) {
                // Keep what was registered before the failure, so callers can see whether a graph was half-built.
                await settings.waitForRPCs().catch(() => undefined);
                throw Object.assign(error as Error, { plannedResources: resolveLocations(monitor.recorded, monitor.providers) });
            }
            return { resources: resolveLocations(monitor.recorded, monitor.providers), outputs: (outputs ?? {}) as Record<string, unknown> };
        }),
    );
    queue = run.catch(() => undefined);
    return run;
}

/**
 * Plans one target of an environment: the same program, narrowed to that target, under the environment's stack name,
 * so its URNs are those of the whole environment's evaluation.
 */
export function planTarget(model: EnvironmentModel, target: Target): Promise<PlanResult> {
    return planEnvironment(modelForTarget(model, target));
}

/** Logical names the engine would reject as duplicates (same type and name), which the mock runtime lets through. */
export function duplicateUrns(resources: PlannedResource[]): string[] {
    return duplicates(resources.map((resource) => resource.urn));
}
