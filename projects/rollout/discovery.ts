/**
 * Organizations discovery: the ACTIVE accounts under the OUs the rollout covers (nested OUs included, excluded OUs
 * and tags left out), compared with the configured workload accounts, so differences are reported before anything
 * runs. What to do about them is the caller's flag (`--discover report|add|fail`).
 *
 * Every list call is paginated (NextToken) and retried with backoff when Organizations throttles
 * (TooManyRequestsException), which it does per account across all callers:
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 */
import {
    Account,
    ListAccountsForParentCommand,
    ListOrganizationalUnitsForParentCommand,
    ListTagsForResourceCommand,
    OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { isThrottlingError, isTransientError } from "@smithy/core/retry";
import { EnvironmentModel, RolloutModel } from "../../config/model";
import { Clock, systemClock } from "./clock";
import { backoffDelay, RetryPolicy } from "./scheduler";

/** The IAM actions discovery calls, all in the management account (or an Organizations delegated administrator). */
export const DISCOVERY_IAM_ACTIONS = [
    "organizations:ListAccountsForParent",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListTagsForResource",
];

/** Organizations' own throttling answer is TooManyRequestsException; the AWS SDK classifies it (and network faults) for us. */
const DISCOVERY_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 20_000 };

export interface OrganizationAccount {
    id: string;
    name: string;
    /** `State` (PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED), or the older `Status`.
     * https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html */
    state: string;
    /** The OU (or root) the account is directly in. */
    parentId: string;
    /** The OUs from the included one down to the account's parent, for messages. */
    path: string[];
    tags: Record<string, string>;
}

export interface DiscoveryResult {
    /** ACTIVE accounts in scope after the OU and tag filters. */
    active: OrganizationAccount[];
    /** Accounts in scope that are not ACTIVE (suspended, closing, ...): never deployed to. */
    inactive: OrganizationAccount[];
    /** API calls made, for the log. */
    calls: number;
    /** Throttled calls that were retried. */
    throttled: number;
}

export interface DiscoveryOptions {
    clock?: Clock;
    retry?: RetryPolicy;
    random?: () => number;
}

/** Walks the OU tree under each included OU, breadth first, with every page of every list. */
export async function discoverAccounts(
    client: OrganizationsClient,
    scope: RolloutModel["discovery"],
    options: DiscoveryOptions = {},
): Promise<DiscoveryResult> {
    const clock = options.clock ?? systemClock;
    const policy = options.retry ?? DISCOVERY_RETRY;
    const random = options.random ?? Math.random;
    const result: DiscoveryResult = { active: [], inactive: [], calls: 0, throttled: 0 };

    async function call<T>(send: () => Promise<T>): Promise<T> {
        for (let attempt = 1; ; attempt++) {
            result.calls++;
            try {
                return await send();
            } catch (error) {
                const retryable = isThrottlingError(error as never) || isTransientError(error as never);
                if (!retryable || attempt >= policy.maxAttempts) throw error;
                if (isThrottlingError(error as never)) result.throttled++;
                await clock.sleep(backoffDelay(policy, attempt, random));
            }
        }
    }

    async function pages<T>(list: (token?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
        const items: T[] = [];
        let token: string | undefined;
        do {
            const page = await call(() => list(token));
            items.push(...page.items);
            token = page.next;
        } while (token);
        return items;
    }

    const excluded = new Set(scope.excludeOuIds);
    const seen = new Set<string>();
    const queue: Array<{ ouId: string; path: string[] }> = scope.includeOuIds.filter((id) => !excluded.has(id)).map((id) => ({ ouId: id, path: [id] }));
    const filterByTags = scope.includeTags.length > 0 || scope.excludeTags.length > 0;
    while (queue.length > 0) {
        const { ouId, path } = queue.shift()!;
        if (seen.has(ouId)) continue;
        seen.add(ouId);
        const accounts = await pages<Account>(async (NextToken) => {
            const page = await client.send(new ListAccountsForParentCommand({ ParentId: ouId, NextToken }));
            return { items: page.Accounts ?? [], next: page.NextToken };
        });
        for (const account of accounts) {
            const tags = filterByTags ? await accountTags(account.Id!) : {};
            if (!tagsMatch(tags, scope)) continue;
            const entry: OrganizationAccount = {
                id: account.Id!,
                name: account.Name ?? account.Id!,
                state: account.State ?? account.Status ?? "UNKNOWN",
                parentId: ouId,
                path,
                tags,
            };
            (entry.state === "ACTIVE" ? result.active : result.inactive).push(entry);
        }
        const children = await pages(async (NextToken) => {
            const page = await client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: ouId, NextToken }));
            return { items: page.OrganizationalUnits ?? [], next: page.NextToken };
        });
        for (const child of children) if (child.Id && !excluded.has(child.Id)) queue.push({ ouId: child.Id, path: [...path, child.Id] });
    }
    return result;

    async function accountTags(accountId: string): Promise<Record<string, string>> {
        const tags = await pages(async (NextToken) => {
            const page = await client.send(new ListTagsForResourceCommand({ ResourceId: accountId, NextToken }));
            return { items: page.Tags ?? [], next: page.NextToken };
        });
        return Object.fromEntries(tags.map((tag) => [tag.Key!, tag.Value ?? ""]));
    }
}

/** Every include tag present with its value, and no exclude tag. */
function tagsMatch(tags: Record<string, string>, scope: RolloutModel["discovery"]): boolean {
    return scope.includeTags.every((tag) => tags[tag.key] === tag.value) && !scope.excludeTags.some((tag) => tags[tag.key] === tag.value);
}

/** How Organizations and the configured accounts differ. */
export interface DiscoveryDifferences {
    /** ACTIVE accounts in scope that config does not list. */
    notConfigured: Array<OrganizationAccount & { ouKey?: string }>;
    /** Configured accounts that discovery did not find ACTIVE in scope (closed, suspended, moved out, filtered). */
    notActive: Array<{ id: string; alias: string; reason: string }>;
    /** Configured accounts found in a different OU than config says. */
    movedOu: Array<{ id: string; alias: string; configuredOu: string; actualOuId: string }>;
}

export function compareWithConfig(model: EnvironmentModel, discovered: DiscoveryResult): DiscoveryDifferences {
    const configured = new Map(model.accounts.map((account) => [account.id, account]));
    const ouKeyById = new Map(model.accounts.map((account) => [account.ou.id, account.ou.name]));
    const byId = new Map([...discovered.active, ...discovered.inactive].map((account) => [account.id, account]));
    const platformAccounts = new Set([model.management.target.id, model.central.accountId]);
    const differences: DiscoveryDifferences = { notConfigured: [], notActive: [], movedOu: [] };
    for (const account of discovered.active) {
        if (configured.has(account.id) || platformAccounts.has(account.id)) continue;
        const ouId = [...account.path].reverse().find((id) => ouKeyById.has(id));
        differences.notConfigured.push({ ...account, ouKey: ouId ? ouKeyById.get(ouId) : undefined });
    }
    for (const account of model.accounts) {
        const found = byId.get(account.id);
        if (!found) {
            differences.notActive.push({ id: account.id, alias: account.alias, reason: "not found under the discovery OUs (or left out by the tag filters)" });
        } else if (found.state !== "ACTIVE") {
            differences.notActive.push({ id: account.id, alias: account.alias, reason: `its state is ${found.state}` });
        } else if (!found.path.includes(account.ou.id)) {
            differences.movedOu.push({
                id: account.id,
                alias: account.alias,
                configuredOu: `${account.ou.name} (${account.ou.id})`,
                actualOuId: found.parentId,
            });
        }
    }
    return differences;
}

export const hasDifferences = (differences: DiscoveryDifferences) =>
    differences.notConfigured.length + differences.notActive.length + differences.movedOu.length > 0;

/** The differences as report lines, one per account. */
export function renderDifferences(differences: DiscoveryDifferences): string[] {
    return [
        ...differences.notConfigured.map(
            (account) =>
                `in the organization, not in config: ${account.id} "${account.name}" in ${account.parentId}` +
                (account.ouKey ? ` (OU ${account.ouKey})` : " (in no OU under organizationalUnits)"),
        ),
        ...differences.notActive.map((account) => `in config, not deployable: ${account.id} (${account.alias}): ${account.reason}`),
        ...differences.movedOu.map(
            (account) => `in another OU: ${account.id} (${account.alias}) is configured in ${account.configuredOu} but is in ${account.actualOuId}`,
        ),
    ];
}

/**
 * Config entries for the accounts `--discover add` deploys: those in an OU that config has, named from their
 * account name (lowercased, non-alphanumerics to hyphens) or, when that is taken or invalid, `acct-<id>`.
 */
export function accountsToAdd(model: EnvironmentModel, differences: DiscoveryDifferences): Array<{ id: string; alias: string; ou: string }> {
    const taken = new Set([model.management.target.alias, model.central.alias, ...model.accounts.map((account) => account.alias)]);
    const added: Array<{ id: string; alias: string; ou: string }> = [];
    for (const account of differences.notConfigured) {
        if (!account.ouKey) continue;
        const slug = account.name
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, "-")
            .replace(/^-+|-+$/g, "")
            .slice(0, 63)
            .replace(/-+$/, "");
        const alias = slug.length >= 3 && !taken.has(slug) ? slug : `acct-${account.id}`;
        taken.add(alias);
        added.push({ id: account.id, alias, ou: account.ouKey });
    }
    return added;
}
