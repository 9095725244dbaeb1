import assert from "node:assert/strict";
import {
    ListAccountsForParentCommand,
    ListOrganizationalUnitsForParentCommand,
    ListTagsForResourceCommand,
    OrganizationsClient,
    TooManyRequestsException,
} from "@aws-sdk/client-organizations";
import { mockClient } from "aws-sdk-client-mock";
import { EnvironmentModel } from "../config/model";
import { accountsToAdd, compareWithConfig, discoverAccounts, DISCOVERY_IAM_ACTIONS, renderDifferences } from "../projects/rollout/discovery";
import { virtualClock } from "../projects/rollout/simulation";
import { findUnknownIamNames } from "./support/iam-data";
import { loadStack } from "./support/graph";

const account = (id: string, name: string, state = "ACTIVE") => ({ Id: id, Name: name, State: state as never });
const throttled = () => new TooManyRequestsException({ message: "Rate exceeded", $metadata: {} });

/**
 * prod's OUs as an organization: prod-eu holds two configured accounts on two pages, a nested OU with an unconfigured
 * account and a suspended one; prod-us holds a configured account and one tagged to be left out.
 */
function organization() {
    const mock = mockClient(OrganizationsClient);
    mock.on(ListAccountsForParentCommand, { ParentId: "ou-k9x8-prodeu001" })
        .resolvesOnce({ Accounts: [account("510000000001", "payments-prod")], NextToken: "page-2" })
        .resolves({ Accounts: [] });
    mock.on(ListAccountsForParentCommand, { ParentId: "ou-k9x8-prodeu001", NextToken: "page-2" }).resolves({
        Accounts: [account("510000000002", "checkout-prod")],
    });
    mock.on(ListOrganizationalUnitsForParentCommand, { ParentId: "ou-k9x8-prodeu001" }).resolves({
        OrganizationalUnits: [{ Id: "ou-k9x8-prodeunew", Name: "new" }],
    });
    mock.on(ListAccountsForParentCommand, { ParentId: "ou-k9x8-prodeunew" })
        .rejectsOnce(throttled())
        .rejectsOnce(throttled())
        .resolves({ Accounts: [account("510000000010", "Fraud Detection (prod)"), account("510000000011", "old-prod", "SUSPENDED")] });
    mock.on(ListOrganizationalUnitsForParentCommand, { ParentId: "ou-k9x8-prodeunew" }).resolves({ OrganizationalUnits: [] });
    mock.on(ListAccountsForParentCommand, { ParentId: "ou-k9x8-produs001" }).resolves({
        Accounts: [account("510000000004", "search-prod"), account("510000000012", "sandbox")],
    });
    mock.on(ListOrganizationalUnitsForParentCommand, { ParentId: "ou-k9x8-produs001" }).resolves({ OrganizationalUnits: [] });
    mock.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    mock.on(ListTagsForResourceCommand, { ResourceId: "510000000012" }).resolves({ Tags: [{ Key: "backup-platform:exclude", Value: "true" }] });
    return mock;
}

describe("Organizations discovery", () => {
    let model: EnvironmentModel;
    const scope = (overrides: Partial<EnvironmentModel["rollout"]["discovery"]> = {}) => ({
        includeOuIds: ["ou-k9x8-prodeu001", "ou-k9x8-produs001"],
        excludeOuIds: [],
        includeTags: [],
        excludeTags: [{ key: "backup-platform:exclude", value: "true" }],
        ...overrides,
    });

    before(() => {
        model = loadStack("prod");
    });

    it("walks nested OUs through every page, keeps only ACTIVE accounts, retries throttling, and leaves out excluded tags", async () => {
        const mock = organization();
        const clock = virtualClock();
        const result = await clock.drive(discoverAccounts(new OrganizationsClient({ region: "us-east-1" }), scope(), { clock, random: () => 0.5 }));
        assert.deepEqual(
            result.active.map((a) => [a.id, a.parentId]),
            [
                ["510000000001", "ou-k9x8-prodeu001"],
                ["510000000002", "ou-k9x8-prodeu001"],
                ["510000000004", "ou-k9x8-produs001"],
                ["510000000010", "ou-k9x8-prodeunew"],
            ],
        );
        assert.deepEqual(
            result.inactive.map((a) => [a.id, a.state]),
            [["510000000011", "SUSPENDED"]],
        );
        assert.equal(result.throttled, 2);
        assert.equal(mock.commandCalls(ListAccountsForParentCommand, { ParentId: "ou-k9x8-prodeunew" }).length, 3);
        assert.deepEqual(
            mock.commandCalls(ListAccountsForParentCommand, { ParentId: "ou-k9x8-prodeu001" }).map((call) => call.args[0].input.NextToken),
            [undefined, "page-2"],
        );
        assert.ok(clock.now() >= 500 * 0.75 + 1000 * 0.75, "waited before each retry");
        mock.restore();
    });

    it("does not list OUs it excludes, nor look up tags when no tag filter is set", async () => {
        const mock = organization();
        const clock = virtualClock();
        const result = await clock.drive(
            discoverAccounts(new OrganizationsClient({ region: "us-east-1" }), scope({ excludeOuIds: ["ou-k9x8-prodeunew"], excludeTags: [] }), { clock }),
        );
        assert.deepEqual(result.active.map((a) => a.id).sort(), ["510000000001", "510000000002", "510000000004", "510000000012"]);
        assert.equal(mock.commandCalls(ListAccountsForParentCommand, { ParentId: "ou-k9x8-prodeunew" }).length, 0);
        assert.equal(mock.commandCalls(ListTagsForResourceCommand).length, 0);
        mock.restore();
    });

    it("gives up on throttling after the last try and on any other error at once", async () => {
        const mock = mockClient(OrganizationsClient);
        mock.on(ListAccountsForParentCommand).rejects(throttled());
        const clock = virtualClock();
        const client = new OrganizationsClient({ region: "us-east-1" });
        await assert.rejects(
            clock.drive(discoverAccounts(client, scope(), { clock, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 } })),
            /Rate exceeded/,
        );
        assert.equal(mock.commandCalls(ListAccountsForParentCommand).length, 3);
        mock.reset();
        mock.on(ListAccountsForParentCommand).rejects(
            Object.assign(new Error("User is not authorized to perform organizations:ListAccountsForParent"), { name: "AccessDeniedException" }),
        );
        await assert.rejects(clock.drive(discoverAccounts(client, scope(), { clock })), /not authorized/);
        assert.equal(mock.commandCalls(ListAccountsForParentCommand).length, 1);
        mock.restore();
    });

    it("reports accounts the config lacks, configured accounts it cannot deploy, and accounts in another OU", async () => {
        const mock = organization();
        const clock = virtualClock();
        const result = await clock.drive(discoverAccounts(new OrganizationsClient({ region: "us-east-1" }), scope(), { clock }));
        mock.restore();
        // Account 510000000002 moved to a new OU, as far as config knows: pretend config put it in prod-us.
        const moved: EnvironmentModel = {
            ...model,
            accounts: model.accounts.map((a) => (a.id === "510000000002" ? { ...a, ou: { name: "prod-us", id: "ou-k9x8-produs001" } } : a)),
        };
        const differences = compareWithConfig(moved, result);
        assert.deepEqual(
            differences.notConfigured.map((a) => [a.id, a.ouKey]),
            [["510000000010", "prod-eu"]],
        );
        assert.deepEqual(differences.movedOu, [
            { id: "510000000002", alias: "checkout-prod", configuredOu: "prod-us (ou-k9x8-produs001)", actualOuId: "ou-k9x8-prodeu001" },
        ]);
        // Accounts in OUs outside the discovery scope (regulated, shared) are reported as not found.
        assert.deepEqual(differences.notActive.map((a) => a.id).sort(), [
            "510000000003",
            "510000000005",
            "510000000006",
            "510000000007",
            "510000000008",
            "510000000009",
        ]);
        const lines = renderDifferences(differences);
        assert.ok(
            lines.includes('in the organization, not in config: 510000000010 "Fraud Detection (prod)" in ou-k9x8-prodeunew (OU prod-eu)'),
            lines.join("\n"),
        );
        assert.deepEqual(accountsToAdd(model, differences), [{ id: "510000000010", alias: "fraud-detection-prod", ou: "prod-eu" }]);
    });

    it("needs only IAM actions that exist", async () => {
        const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: DISCOVERY_IAM_ACTIONS, Resource: "*" }] };
        assert.deepEqual(await findUnknownIamNames(policy as never), []);
    });
});
