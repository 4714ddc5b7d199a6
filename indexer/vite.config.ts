/**
 * Read by Ponder, which builds the indexer with its own Vite 5 (vite-node) and loads the Vite
 * config of the indexer's directory; vitest reads vitest.config.ts instead. "@onekey/source" is
 * the export condition that points at a workspace's TypeScript source, so @onekey/sdk loads from
 * sdk/src without a build (its dist/ exists only once built for npm). In Vite 5 these conditions
 * are added to the defaults, for SSR as well.
 */
export default { resolve: { conditions: ["@onekey/source"] } };
