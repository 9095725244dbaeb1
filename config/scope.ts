/**
 * Scopes and stack names: the one place that maps between them. An environment (`prod`) is deployed either by one
 * stack of scope `all` or by one stack per target:
 *
 *   prod                    all
 *   prod.organization       organization   (the management account)
 *   prod.central            central        (the central backup account)
 *   prod.acct-510000000007  account:510000000007
 *
 * The program, the offline plan and the rollout all name stacks through these functions.
 * Pulumi stack names may use letters, digits, `-`, `_` and `.`:
 * https://www.pulumi.com/docs/iac/concepts/stacks/#create-stack
 */

export type Scope = { kind: "all" } | { kind: "organization" } | { kind: "central" } | { kind: "account"; accountId: string };

const ACCOUNT_SCOPE = /^account:(\d{12})$/;
const ACCOUNT_STACK_SUFFIX = /^acct-(\d{12})$/;
/** The environment part of a stack name: what the stack config file is named after (`Pulumi.<environment>.yaml`). */
const ENVIRONMENT_NAME = /^[A-Za-z0-9_-]+$/;

export const SCOPE_FORMS = "all, organization, central or account:<12-digit id>";

/** Parses `all`, `organization`, `central` or `account:<id>`; undefined for anything else. */
export function parseScope(text: string): Scope | undefined {
    if (text === "all" || text === "organization" || text === "central") return { kind: text };
    const match = ACCOUNT_SCOPE.exec(text);
    return match ? { kind: "account", accountId: match[1] } : undefined;
}

export function formatScope(scope: Scope): string {
    return scope.kind === "account" ? `account:${scope.accountId}` : scope.kind;
}

/** The stack that deploys `scope` of `environment`. */
export function stackNameFor(environment: string, scope: Scope): string {
    switch (scope.kind) {
        case "all":
            return environment;
        case "organization":
        case "central":
            return `${environment}.${scope.kind}`;
        case "account":
            return `${environment}.acct-${scope.accountId}`;
    }
}

/**
 * The environment and scope a stack name stands for: `prod.central` is the central scope of `prod`, and `prod` alone
 * is scope `all`. A name with a suffix this module does not make is an environment of its own (`dev-eu`, `team.x`
 * would be refused by the environment pattern and reported by the caller).
 */
export function parseStackName(stack: string): { environment: string; scope: Scope } | undefined {
    const dot = stack.indexOf(".");
    if (dot < 0) return ENVIRONMENT_NAME.test(stack) ? { environment: stack, scope: { kind: "all" } } : undefined;
    const environment = stack.slice(0, dot);
    const suffix = stack.slice(dot + 1);
    if (!ENVIRONMENT_NAME.test(environment)) return undefined;
    if (suffix === "organization" || suffix === "central") return { environment, scope: { kind: suffix } };
    const match = ACCOUNT_STACK_SUFFIX.exec(suffix);
    return match ? { environment, scope: { kind: "account", accountId: match[1] } } : undefined;
}
