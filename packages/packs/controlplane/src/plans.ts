/** A plan generation: the weight of every load balancer of every endpoint, as the planner computed it. */
export interface Plan {
  readonly generation: number;
  /** Sim time it was generated (negative for plans of the captured state). */
  readonly createdAt: number;
  /** Weights, endpoint-major: endpoint i's load balancer j at i * loadBalancers + j. */
  readonly weights: Float64Array;
  /** Record sets written from this plan now. */
  references: number;
  /** Enactors applying it now. */
  inFlight: number;
}

/** The plan table (a DynamoDB table in production): plans by generation, oldest first. */
export class PlanTable {
  private readonly plans = new Map<number, Plan>();
  private newestPlan: Plan | undefined;

  get newest(): Plan | undefined {
    return this.newestPlan;
  }

  get size(): number {
    return this.plans.size;
  }

  get(generation: number): Plan | undefined {
    return this.plans.get(generation);
  }

  add(generation: number, createdAt: number, weights: Float64Array): Plan {
    const plan: Plan = { generation, createdAt, weights, references: 0, inFlight: 0 };
    this.plans.set(generation, plan);
    if (this.newestPlan === undefined || generation > this.newestPlan.generation) this.newestPlan = plan;
    return plan;
  }

  delete(generation: number): Plan | undefined {
    const plan = this.plans.get(generation);
    if (plan === undefined) return undefined;
    this.plans.delete(generation);
    if (this.newestPlan === plan) {
      this.newestPlan = undefined;
      for (const other of this.plans.values()) {
        if (this.newestPlan === undefined || other.generation > this.newestPlan.generation) this.newestPlan = other;
      }
    }
    return plan;
  }

  /** Every plan, oldest first. */
  list(): Plan[] {
    return [...this.plans.values()].sort((a, b) => a.generation - b.generation);
  }
}
