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
const structProto: { Struct: { new (): object; fromJavaScript(value: unknown): object } } = sdkRequire("google-protobuf/google/protobuf/struct_pb");

/**
 * The answer to a registration, as the SDK reads it (runtime/resource.js reads exactly these five getters, and its own
 * unattached test mode answers with such an object). A plain object rather than a protobuf RegisterResourceResponse:
 * building the protobuf Struct only for the SDK to turn it back into the same JavaScript value, and the SDK formatting
 * the whole message into a debug-log string that is never shown, were about a sixth of the plan's time.
 */
function registrationResponse(urn: string, id: string, serializedState: Record<string, unknown>) {
    const object = { toJavaScript: () => serializedState };
    return {
        getUrn: () => urn,
        getId: () => id,
        getObject: () => object,
        getPropertydependenciesMap: () => undefined,
        // resproto.Result.SUCCESS: the engine applied the registration, so unknown outputs are not kept.
        getResult: () => 0,
    };
}

/** The same answer as the protobuf message a real engine sends. */
function protobufResponse(urn: string, id: string, serializedState: Record<string, unknown>) {
    const response = new resourceProto.RegisterResourceResponse();
    response.setUrn(urn);
    response.setId(id);
    response.setObject(structProto.Struct.fromJavaScript(serializedState));
    return response;
}

/** The key the SDK marks its special values with (secrets, assets, resource references, unknowns) in serialized form. */
const SPECIAL_SIGNATURE_KEY: string = pulumi.runtime.specialSigKey;

/** What sortedCopy returns for a value that is not plain data. */
const NOT_PLAIN = Symbol("not plain data");

/**
 * A copy of JSON-like data (strings, finite numbers, booleans, null, arrays, plain objects) with every object's keys in
 * the order a protobuf Struct gives them (sorted), as the engine's wire format would deliver it; NOT_PLAIN when the
 * value holds anything else, or, unless `special` is set, the SDK's marked values (secrets, resource references).
 */
function sortedCopy(value: unknown, special = false): unknown {
    switch (typeof value) {
        case "string":
        case "boolean":
            return value;
        case "number":
            return Number.isFinite(value) ? value : NOT_PLAIN;
        case "object": {
            if (value === null) return null;
            if (Array.isArray(value)) {
                const copy: unknown[] = [];
                for (const item of value) {
                    const itemCopy = sortedCopy(item, special);
                    if (itemCopy === NOT_PLAIN) return NOT_PLAIN;
                    copy.push(itemCopy);
                }
                return copy;
            }
            if (Object.getPrototypeOf(value) !== Object.prototype || (!special && SPECIAL_SIGNATURE_KEY in value)) return NOT_PLAIN;
            const copy: Record<string, unknown> = {};
            for (const key of Object.keys(value).sort()) {
                const fieldCopy = sortedCopy((value as Record<string, unknown>)[key], special);
                if (fieldCopy === NOT_PLAIN) return NOT_PLAIN;
                copy[key] = fieldCopy;
            }
            return copy;
        }
        default:
            return NOT_PLAIN;
    }
}

/**
 * A mock monitor that records each registration request and answers it itself, as Pulumi's own MockMonitor would
 * (same URN, id and state), without decoding the request a second time; everything else goes to the MockMonitor. It
 * sees what `setMocks` hides: parent, protect and the provider reference.
 */
class RecordingMonitor {
    readonly recorded: Recorded[] = [];
    readonly providers = new Map<string, { account: string | null; region: string | null; partition: string }>();
    private readonly inner: MockMonitor;
    /** The stack and project part of every URN of the evaluation. */
    private readonly urnPrefix: string;

    /** `shortcuts`: plain values in and out (see registrationResponse); off, the protobuf messages of an engine connection. */
    constructor(
        context: { project: string; stack: string },
        private readonly partition: string,
        private readonly shortcuts: boolean,
    ) {
        this.urnPrefix = `urn:pulumi:${context.stack}::${context.project}::`;
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
        const raw = pulumi.runtime.deserializeProperties(plainStruct(req.getObject())) as Record<string, unknown>;
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
        record.urn = mockUrn(this.urnPrefix, record.parent, type, name);
        // Resources using a provider register only after it has an id, so it is known by then.
        if (type.startsWith(PROVIDER_TYPE_PREFIX)) this.providers.set(record.urn, providerLocation(inputs, this.partition));
        const provider = record.providerRef ? this.providers.get(providerUrn(record.providerRef)) : undefined;
        const region = (raw.region as string | undefined) ?? provider?.region ?? "";
        const { id, state } = computedState(type, name, raw, provider?.account ?? "", region, provider?.partition ?? this.partition);
        const respond = (serialized: Record<string, unknown>) =>
            callback(null, this.shortcuts ? registrationResponse(record.urn, id || "", serialized) : protobufResponse(record.urn, id || "", serialized));
        // Plain data is its own wire form; anything else (secrets, resource references) goes through the SDK's serializer.
        const plainState = this.shortcuts ? sortedCopy(state) : NOT_PLAIN;
        if (plainState !== NOT_PLAIN) respond(plainState as Record<string, unknown>);
        else
            pulumi.runtime.serializeProperties("", state).then(
                (serialized) => respond(this.shortcuts ? (sortedCopy(serialized, true) as Record<string, unknown>) : serialized),
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

/**
 * The URN the engine (and Pulumi's MockMonitor) gives a resource: `prefix` (`urn:pulumi:<stack>::<project>::`), its
 * parent's type, then its own type and name.
 */
function mockUrn(prefix: string, parent: string, type: string, name: string): string {
    const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
    return `${prefix}${qualified}::${name}`;
}

/** A provider reference is `<urn>::<id>`; the URN keys the provider's location. */
function providerUrn(reference: string): string {
    const separator = reference.lastIndexOf("::");
    return separator < 0 ? "" : reference.slice(0, separator);
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
    const below = new Map<string, PlannedResource[]>();
    const descendants = (urn: string): PlannedResource[] => {
        let found = below.get(urn);
        if (found === undefined) {
            found = (children.get(urn) ?? []).flatMap((child) => (child.custom ? [child] : descendants(child.urn)));
            below.set(urn, found);
        }
        return found;
    };
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

type SdkStruct = Parameters<typeof pulumi.runtime.deserializeProperties>[0];

/** The JavaScript value each Struct built during an evaluation stands for (see withoutSdkOverheads). */
const plainValues = new WeakMap<object, unknown>();

/** A request's Struct as the SDK's deserializeProperties reads it: the value it was built from when known, else decoded. */
function plainStruct(struct: SdkStruct): SdkStruct {
    // deserializeProperties reads nothing of the Struct but toJavaScript(); the SDK's serialized form is plain data.
    return plainValues.has(struct) ? ({ toJavaScript: () => sortedCopy(plainValues.get(struct), true) } as unknown as SdkStruct) : struct;
}

/**
 * Runs `evaluate` without the Pulumi SDK's work that only a real engine connection or a debugger needs, which is most
 * of the offline plan's time:
 * - a stack trace captured for every promise the SDK creates (`debuggablePromise`, kept for its leak report) and for
 *   every resource (`Resource.callsites`, the source position the CLI shows);
 * - each registration's inputs encoded into a protobuf Struct (`Struct.fromJavaScript`), only for the recording
 *   monitor, in the same thread, to decode them back: the Struct is left empty and remembers the value it stands for.
 *   Nothing else reads it here: the engine's wire format is never produced, and the monitor answers data-source calls
 *   and reads with an error before looking at their arguments.
 * No SDK option turns these off, so they are replaced for the duration of the evaluation and restored after; where an
 * SDK version lacks one, it is left alone. The recorded graph is the same either way (test/offline-plan.test.ts).
 */
async function withoutSdkOverheads<T>(evaluate: () => Promise<T>): Promise<T> {
    const debuggable: { debuggablePromise?: unknown } = require("@pulumi/pulumi/runtime/debuggable");
    const resource: { Resource?: { callsites?: unknown } } = require("@pulumi/pulumi/resource");
    const Struct = structProto.Struct;
    const saved = {
        promise: debuggable.debuggablePromise,
        callsites: resource.Resource?.callsites,
        fromJavaScript: Struct.fromJavaScript,
        limit: Error.stackTraceLimit,
    };
    if (typeof saved.promise === "function") debuggable.debuggablePromise = <P>(promise: P) => promise;
    if (typeof saved.callsites === "function") resource.Resource!.callsites = () => [];
    Struct.fromJavaScript = (value: unknown) => {
        const struct = new Struct();
        plainValues.set(struct, value);
        return struct;
    };
    Error.stackTraceLimit = 0;
    try {
        return await evaluate();
    } finally {
        debuggable.debuggablePromise = saved.promise;
        if (resource.Resource) resource.Resource.callsites = saved.callsites;
        Struct.fromJavaScript = saved.fromJavaScript;
        Error.stackTraceLimit = saved.limit;
    }
}

/** Serializes plan runs: the Pulumi runtime is process-global. */
let queue: Promise<unknown> = Promise.resolve();

/** Runs `program(model)` (the platform by default) under the mock runtime and returns the recorded resource graph. */
export function planEnvironment(model: EnvironmentModel, program: (model: EnvironmentModel) => unknown = deployPlatform): Promise<PlanResult> {
    return planProgram({ project: PROJECT_NAME, stack: model.stack, partition: model.partition }, () => program(model));
}

export interface PlanContext {
    project: string;
    stack: string;
    partition: string;
    /**
     * Run the SDK exactly as attached to an engine: its debugging aids on, registrations exchanged as the protobuf
     * messages an engine connection carries (see withoutSdkOverheads and registrationResponse). Much slower; for the
     * tests to compare the two.
     */
    exactSdk?: boolean;
}

/** Runs any Pulumi program (the platform, or another program of this repository such as the demo workload) under the mock runtime. */
export function planProgram(context: PlanContext, program: () => unknown): Promise<PlanResult> {
    const shortcuts = !context.exactSdk;
    const run = queue.then(() =>
        (shortcuts ? withoutSdkOverheads : <T>(evaluate: () => Promise<T>) => evaluate())(async () => {
            const monitor = new RecordingMonitor(context, context.partition, shortcuts);
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
