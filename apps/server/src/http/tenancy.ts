import type { Catalog } from '@doppel/catalog';
import { notFound } from '../errors.js';
import type { App } from './types.js';

/**
 * Every id in a path belongs to the caller's account, or the route answers 404 as if it did not exist: checked
 * before body validation, so another account's id never reveals anything (not even which fields a route wants).
 */
export function registerTenancy(app: App, catalog: Catalog): void {
  app.addHook('preValidation', async (request) => {
    const principal = request.principal;
    if (principal === null) return;
    const params = request.params as Record<string, string | undefined>;
    const accountId = principal.account.id;
    if (params.simId !== undefined && !(await catalog.ownsSimulation(accountId, params.simId))) {
      throw notFound(`Simulation ${params.simId}`);
    }
    if (params.webhookId !== undefined && (await catalog.ownedWebhook(accountId, params.webhookId)) === null) {
      throw notFound(`Webhook ${params.webhookId}`);
    }
    if (params.testId !== undefined && (await catalog.tests.ownedTest(accountId, params.testId)) === null) {
      throw notFound(`Test ${params.testId}`);
    }
    if (params.resultId !== undefined && !(await catalog.tests.ownsRun(accountId, params.resultId))) {
      throw notFound(`Test result ${params.resultId}`);
    }
    if (params.vehicleId !== undefined && (await catalog.ownedVehicle(accountId, params.vehicleId)) === null) {
      throw notFound(`Vehicle ${params.vehicleId}`);
    }
  });
}
