/** What the views may ask of the server. Implemented over `@doppel/client` in doppel-api.ts. */
import type {
  ExampleTest,
  HilStartInput,
  HilStatus,
  ModelBinding,
  ModelBindingInput,
  Experiment,
  ExperimentSummary,
  Fmu,
  FmuSummary,
  LedgerQuery,
  MachineModel,
  MachineModelInput,
  ModelLayout,
  ProcessCatalogue,
  Project,
  ScenarioTest,
  TestRun,
  TestRunSummary,
  TestValidation,
  TwinLiveFleet,
  TwinLiveFork,
} from '@doppel/client';
import type {
  AssetView,
  CreateSimulationInput,
  ApiIssue,
  ExampleScenario,
  InterventionView,
  JsonObject,
  LedgerEvent,
  NetworkKpis,
  PackInfo,
  SimSummary,
  StreamMessage,
  TelemetryRow,
} from './types.js';

/** Which ledger records to read: the client's query. */
export type LedgerFilter = LedgerQuery;

export type Step = { readonly events: number } | { readonly seconds: number };

export interface InterventionInput {
  readonly kind: string;
  readonly assetId: string;
  readonly action: string;
  readonly args: JsonObject;
  /** Sim seconds; omitted = now. */
  readonly at?: number;
}

export interface DoppelApi {
  account(): Promise<{ readonly name: string }>;
  listSimulations(): Promise<SimSummary[]>;
  getSimulation(id: string): Promise<SimSummary>;
  createSimulation(input: CreateSimulationInput): Promise<SimSummary>;
  deleteSimulation(id: string): Promise<void>;
  listExamples(): Promise<ExampleScenario[]>;
  exampleYaml(id: string): Promise<string>;
  /** The scenario tests shipped with the examples, ready to store and run. */
  exampleTests(): Promise<ExampleTest[]>;
  /** Issues located in the YAML (empty when valid). */
  validateScenario(yaml: string): Promise<ApiIssue[]>;

  /** Starts or continues a paced run at `speed` sim seconds per wall second (null = as fast as possible). */
  run(id: string, speed: number | null): Promise<SimSummary>;
  pause(id: string): Promise<SimSummary>;
  /** Acknowledges a debug mode pause: the paused run continues with its next chunk. */
  ack(id: string): Promise<SimSummary>;
  step(id: string, step: Step): Promise<SimSummary>;
  setSpeed(id: string, speed: number | null): Promise<SimSummary>;
  /** Runs (as fast as possible) until sim time t, then pauses. */
  runUntil(id: string, t: number): Promise<SimSummary>;
  rewind(id: string, t: number): Promise<SimSummary>;
  branch(id: string, t: number, name: string, interventions: readonly InterventionInput[]): Promise<SimSummary>;

  /** Every asset at the live head, with the pack's status colour and KPIs. */
  assets(id: string, kind?: string): Promise<AssetView[]>;
  /** Every asset as of sim time t (folded from the ledger). */
  stateAt(id: string, t: number, kind?: string): Promise<AssetView[]>;
  kpis(id: string): Promise<NetworkKpis>;
  telemetry(id: string): Promise<TelemetryRow[]>;
  ledger(id: string, filter: LedgerFilter): Promise<LedgerEvent[]>;
  interventions(id: string): Promise<InterventionView[]>;
  intervene(id: string, input: InterventionInput): Promise<InterventionView>;
  cancelIntervention(id: string, interventionId: string): Promise<void>;
  pack(name: string): Promise<PackInfo>;

  // Scenario tests stored on the server, their background runs and reports.
  listTests(): Promise<ScenarioTest[]>;
  createTest(yaml: string): Promise<ScenarioTest>;
  updateTest(id: string, yaml: string): Promise<ScenarioTest>;
  deleteTest(id: string): Promise<void>;
  /** Checks a test's text: located issues (field paths inside the YAML), or what it runs. */
  validateTest(yaml: string): Promise<TestValidation>;
  runTest(id: string): Promise<TestRunSummary>;
  testRuns(id: string): Promise<TestRunSummary[]>;
  testRun(runId: string): Promise<TestRun>;
  testReport(runId: string, format: 'junit' | 'html'): Promise<string>;
  /** A finished run's replication as a simulation paused at `t` (default: its first failure). */
  openTestRun(runId: string, t?: number): Promise<SimSummary>;

  // Experiments: replications and sweeps of a scenario, run in the background, results with intervals.
  listExperiments(): Promise<ExperimentSummary[]>;
  /** Queues an experiment (its YAML text); invalid text is an ApiProblem with located issues. */
  createExperiment(yaml: string): Promise<Experiment>;
  getExperiment(id: string): Promise<Experiment>;
  cancelExperiment(id: string): Promise<Experiment>;
  deleteExperiment(id: string): Promise<void>;

  // Modelling: projects, machine models, the component catalogue, a model's simulations.
  listProjects(): Promise<Project[]>;
  createProject(name: string): Promise<Project>;
  projectModels(projectId: string): Promise<MachineModel[]>;
  createModel(projectId: string, name: string): Promise<MachineModel>;
  getModel(id: string): Promise<MachineModel>;
  /** Saves the whole model; one that does not compile is an ApiProblem with issues at `components[i]…`. */
  saveModel(id: string, input: MachineModelInput): Promise<MachineModel>;
  /** Saves where the canvas draws the model (places and view) without saving the model again. */
  saveModelLayout(id: string, layout: ModelLayout): Promise<ModelLayout>;
  processCatalogue(): Promise<ProcessCatalogue>;
  /** Starts the model as a new simulation at `speed` (null = as fast as possible), or paused. */
  startModel(id: string, options: { speed?: number | null; paused?: boolean; duration?: string }): Promise<SimSummary>;
  pauseModelRun(simId: string): Promise<SimSummary>;
  /** One integration step of the model's simulation. */
  stepModelRun(simId: string): Promise<SimSummary>;

  // FMUs of the account: uploaded archives (validated by the server) that models use as components.
  listFmus(): Promise<FmuSummary[]>;
  getFmu(id: string): Promise<Fmu>;
  /** Uploads a .fmu file; an archive the server refuses is an ApiProblem naming the file and the element. */
  uploadFmu(file: File): Promise<Fmu>;
  deleteFmu(id: string): Promise<void>;

  // The live mirror of physical vehicles (fleet).
  /** The account's mirrored vehicles (age, sync latency, drift, live or stale) and the MQTT link's state. */
  liveFleet(): Promise<TwinLiveFleet>;
  /** A what-if simulation forked from the mirror: every mirrored vehicle, or those named; created paused. */
  forkLive(vehicleIds?: readonly string[]): Promise<TwinLiveFork>;

  // A model's communication bindings and its hardware-in-the-loop run.
  listBindings(modelId: string): Promise<ModelBinding[]>;
  /** A binding that does not fit the model or its protocol is an ApiProblem with issues at its fields. */
  createBinding(modelId: string, input: ModelBindingInput): Promise<ModelBinding>;
  replaceBinding(modelId: string, bindingId: string, input: ModelBindingInput): Promise<ModelBinding>;
  deleteBinding(modelId: string, bindingId: string): Promise<void>;
  /** Connects every binding and starts the loop; an unreachable device is an ApiProblem naming its bindings. */
  startHil(modelId: string, options: HilStartInput): Promise<SimSummary>;
  hilStatus(simId: string): Promise<HilStatus>;
  resumeHil(simId: string): Promise<HilStatus>;
  /** Stops a model's simulation (a loop writes its safe values first). */
  stopModelRun(simId: string): Promise<SimSummary>;

  /** Live ledger events and status changes from `afterSeq`; returns the unsubscribe function. */
  subscribe(id: string, afterSeq: number, onMessage: (message: StreamMessage) => void): () => void;
}
