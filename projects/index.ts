/**
 * Entry point for `pulumi up` / `pulumi preview`: reads this stack's config from the engine, validates all of it
 * before a single resource is registered, then deploys. The scope comes from `backup-platform:scope` or from the
 * stack's name (`prod.central`, `prod.acct-<id>`: config/scope.ts).
 */
import { platformFromEngine } from "./engine-program";

export = platformFromEngine();
