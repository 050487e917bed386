import { eq } from 'drizzle-orm';
import { CatalogPart, deleteOwned, listOldestFirst, listOwned, selectOwned, updateOwned } from './owned.js';
import type { machineModels, modelBindings, projects } from './schema/sqlite.js';

export type ProjectRow = Readonly<typeof projects.$inferSelect>;
export type MachineModelRow = Readonly<typeof machineModels.$inferSelect>;
export type ModelBindingRow = Readonly<typeof modelBindings.$inferSelect>;
export type ProjectUpdate = Partial<Pick<ProjectRow, 'name' | 'description'>> & Pick<ProjectRow, 'updated_at'>;
export type MachineModelUpdate = Partial<Pick<MachineModelRow, 'name' | 'description' | 'model_json'>> &
  Pick<MachineModelRow, 'updated_at'>;

/**
 * Modelling projects per account and their machine models, on the catalog's database and in its lane. Every read
 * takes the account: another account's id is indistinguishable from a missing one.
 */
export class ModelCatalog extends CatalogPart {
  insertProject(row: ProjectRow): Promise<void> {
    return this.insertRow(this.t.projects, row);
  }

  ownedProject(accountId: string, id: string): Promise<ProjectRow | null> {
    return this.lane.run(() => selectOwned(this.db, this.t.projects, accountId, id));
  }

  listProjects(accountId: string): Promise<ProjectRow[]> {
    return this.lane.run(() => listOwned(this.db, this.t.projects, accountId));
  }

  /** Updates the account's project; false when it has none of that id. */
  updateProject(accountId: string, id: string, fields: ProjectUpdate): Promise<boolean> {
    return this.lane.run(() => updateOwned(this.db, this.t.projects, accountId, id, fields));
  }

  /** Deletes the account's project with its models; false when it has none of that id. */
  deleteProject(accountId: string, id: string): Promise<boolean> {
    return this.lane.run(() => deleteOwned(this.db, this.t.projects, accountId, id));
  }

  insertModel(row: MachineModelRow): Promise<void> {
    return this.insertRow(this.t.machineModels, row);
  }

  ownedModel(accountId: string, id: string): Promise<MachineModelRow | null> {
    return this.lane.run(() => selectOwned(this.db, this.t.machineModels, accountId, id));
  }

  /** The models of a project, oldest first (the caller has checked the project is the account's). */
  modelsOf(projectId: string): Promise<MachineModelRow[]> {
    const models = this.t.machineModels;
    return this.lane.run(() => listOldestFirst(this.db, models, eq(models.project_id, projectId)));
  }

  /** Updates the account's model; false when it has none of that id. */
  updateModel(accountId: string, id: string, fields: MachineModelUpdate): Promise<boolean> {
    return this.lane.run(() => updateOwned(this.db, this.t.machineModels, accountId, id, fields));
  }

  /** Deletes the account's model; false when it has none of that id. */
  deleteModel(accountId: string, id: string): Promise<boolean> {
    return this.lane.run(() => deleteOwned(this.db, this.t.machineModels, accountId, id));
  }

  insertBinding(row: ModelBindingRow): Promise<void> {
    return this.insertRow(this.t.modelBindings, row);
  }

  /** The bindings of the account's model, oldest first (none when the model is another account's). */
  bindingsOf(accountId: string, modelId: string): Promise<ModelBindingRow[]> {
    const bindings = this.t.modelBindings;
    return this.lane.run(() => listOwned(this.db, bindings, accountId, eq(bindings.model_id, modelId)));
  }

  ownedBinding(accountId: string, modelId: string, id: string): Promise<ModelBindingRow | null> {
    const bindings = this.t.modelBindings;
    return this.lane.run(() => selectOwned(this.db, bindings, accountId, id, eq(bindings.model_id, modelId)));
  }

  /** Replaces the binding's document; false when the account's model has no binding of that id. */
  updateBinding(
    accountId: string,
    modelId: string,
    id: string,
    bindingJson: string,
    updatedAt: string,
  ): Promise<boolean> {
    const bindings = this.t.modelBindings;
    const fields = { binding_json: bindingJson, updated_at: updatedAt };
    return this.lane.run(() => updateOwned(this.db, bindings, accountId, id, fields, eq(bindings.model_id, modelId)));
  }

  /** Deletes the binding; false when the account's model has no binding of that id. */
  deleteBinding(accountId: string, modelId: string, id: string): Promise<boolean> {
    const bindings = this.t.modelBindings;
    return this.lane.run(() => deleteOwned(this.db, bindings, accountId, id, eq(bindings.model_id, modelId)));
  }
}
