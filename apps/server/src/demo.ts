import type { ServerContext } from './context.js';

export const DEMO_ACCOUNT = 'local-demo';
/** Preferred demo scenarios, first found wins. */
const DEMO_EXAMPLES = ['evening-peak', 'city-100', 'city-10'];

/**
 * Makes sure the local demo account and a demo city simulation exist. The account gets a fresh key on every start
 * (keys are only stored hashed, so an old one cannot be shown again); returns it for the sign-in link.
 */
export async function ensureDemo(
  ctx: ServerContext,
  fixedKey?: string,
): Promise<{ key: string; simulationId: string | null }> {
  const existing = await ctx.catalog.accountByName(DEMO_ACCOUNT);
  const created =
    existing === null
      ? await ctx.catalog.createAccount(DEMO_ACCOUNT, ['read', 'write'])
      : await ctx.catalog.createKey(existing, ['read', 'write'], fixedKey);
  let key = created.key;
  if (existing === null && fixedKey !== undefined)
    key = (await ctx.catalog.createKey(created.account, ['read', 'write'], fixedKey)).key;
  const sims = await ctx.catalog.listSimulations(created.account.id);
  if (sims.length > 0) return { key, simulationId: sims[0].id };
  const example = DEMO_EXAMPLES.find((id) => ctx.examples.has(id));
  if (example === undefined) return { key, simulationId: null };
  const row = await ctx.manager.create(created.account, { example, name: `Demo: ${example}` });
  return { key, simulationId: row.id };
}
