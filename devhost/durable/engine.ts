import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionRegistration } from '../functionsCore.js';
import { ActivityRunner } from './activities.js';
import { ClientApi } from './clientApi.js';
import { toDurableClientInput, type DurableClientInput } from './clientInput.js';
import { ClientOperations } from './clientOperations.js';
import { outstandingActivities, runEpisode, type EpisodeEnvironment } from './episode.js';
import { Slots } from '../slots.js';
import { InstanceChangedError } from './errors.js';
import { DurableStore } from './store.js';

/**
 * The devhost's Durable Functions engine: drives the real durable-functions orchestrator code by
 * replaying stored history every episode, runs activities and timers, and serves the durable
 * client's HTTP API. Host-independent: a host passes every registration, serves `handleRequest`
 * at `baseUrl`, and puts `clientInput()` into each `durableClient` input.
 */

export interface DurableEngineOptions {
  registrations: readonly FunctionRegistration[];
  storageConnectionString: string;
  taskHub: string;
  baseUrl: string;
  log: (line: string) => void;
  /** host.json `durableTask.maxConcurrentActivityFunctions`: activities running at once. */
  maxConcurrentActivityFunctions: number;
  /** host.json `durableTask.maxConcurrentOrchestratorFunctions`: orchestrator episodes running at once. */
  maxConcurrentOrchestratorFunctions: number;
  /** host.json `functionTimeout`, for orchestrator and activity invocations alike. */
  functionTimeoutMs?: number;
}

export interface DurableEngine {
  clientInput(): unknown;
  handleRequest(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Storage hiccups: try the instance again after this long. */
const EPISODE_RETRY_DELAY_MS = 1_000;
/** setTimeout's ceiling; longer waits re-arm. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

function byTrigger(registrations: readonly FunctionRegistration[], triggerType: string): Map<string, FunctionRegistration> {
  return new Map(
    registrations
      .filter((registration) => Object.values(registration.bindings).some((binding) => binding.type === triggerType))
      .map((registration) => [registration.name.toLowerCase(), registration]),
  );
}

class Engine implements DurableEngine {
  readonly #options: DurableEngineOptions;
  readonly #orchestrators: Map<string, FunctionRegistration>;
  readonly #activities: Map<string, FunctionRegistration>;
  readonly #clientInput: DurableClientInput;
  #store: Promise<DurableStore> | undefined;
  #runner: ActivityRunner | undefined;
  #clientApi: ClientApi | undefined;
  /** One episode loop per instance at a time; `again` asks for one more round. */
  readonly #workers = new Map<string, { again: boolean; done: Promise<void> }>();
  readonly #wakes = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #episodeSlots: Slots;
  #stopped = false;

  constructor(options: DurableEngineOptions) {
    this.#options = options;
    this.#orchestrators = byTrigger(options.registrations, 'orchestrationTrigger');
    this.#activities = byTrigger(options.registrations, 'activityTrigger');
    this.#clientInput = toDurableClientInput(options.baseUrl, options.taskHub);
    this.#episodeSlots = new Slots(options.maxConcurrentOrchestratorFunctions);
  }

  clientInput(): unknown {
    return structuredClone(this.#clientInput);
  }

  async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    return (await this.#api()).handle(req, res);
  }

  async start(): Promise<void> {
    const store = await this.#openStore();
    const runner = await this.#activityRunner();
    const unfinished = await store.listInstances({ runtimeStatus: ['Pending', 'Running'] });
    for (const instance of unfinished) {
      for (const item of outstandingActivities(await store.readSnapshot(instance.instanceId))) runner.enqueue(item);
      this.#requestEpisode(instance.instanceId);
    }
    if (unfinished.length > 0)
      this.#options.log(`durable: resuming ${unfinished.length} unfinished orchestration(s) in task hub ${this.#options.taskHub}`);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const { timer } of this.#wakes.values()) clearTimeout(timer);
    this.#wakes.clear();
    this.#runner?.stop();
    await Promise.all([...this.#workers.values()].map((worker) => worker.done));
  }

  #openStore(): Promise<DurableStore> {
    this.#store ??= DurableStore.open(this.#options.storageConnectionString, this.#options.taskHub);
    return this.#store;
  }

  async #activityRunner(): Promise<ActivityRunner> {
    const store = await this.#openStore();
    this.#runner ??= new ActivityRunner({
      store,
      activities: this.#activities,
      invocation: this.#invocationEnvironment(),
      log: this.#options.log,
      onResult: (instanceId) => this.#requestEpisode(instanceId),
      maxConcurrent: this.#options.maxConcurrentActivityFunctions,
    });
    return this.#runner;
  }

  async #api(): Promise<ClientApi> {
    const store = await this.#openStore();
    this.#clientApi ??= new ClientApi({
      operations: new ClientOperations({
        store,
        orchestratorNames: new Map([...this.#orchestrators].map(([key, registration]) => [key, registration.name])),
        wake: (instanceId) => this.#requestEpisode(instanceId),
      }),
      taskHub: this.#options.taskHub,
      log: this.#options.log,
    });
    return this.#clientApi;
  }

  #invocationEnvironment() {
    return { log: this.#options.log, clientInput: () => this.clientInput(), functionTimeoutMs: this.#options.functionTimeoutMs };
  }

  #requestEpisode(instanceId: string): void {
    if (this.#stopped) return;
    const running = this.#workers.get(instanceId);
    if (running) {
      running.again = true;
      return;
    }
    const worker = { again: true, done: Promise.resolve() };
    worker.done = (async () => {
      while (worker.again && !this.#stopped) {
        worker.again = false;
        await this.#episodeSlots.run(() => this.#episode(instanceId, () => (worker.again = true)));
      }
      this.#workers.delete(instanceId);
    })();
    this.#workers.set(instanceId, worker);
  }

  async #episode(instanceId: string, runAgain: () => void): Promise<void> {
    try {
      const environment: EpisodeEnvironment = {
        store: await this.#openStore(),
        orchestrators: this.#orchestrators,
        activityNames: [...this.#activities.values()].map((registration) => registration.name),
        invocation: this.#invocationEnvironment(),
        log: this.#options.log,
      };
      const result = await runEpisode(environment, instanceId);
      if (this.#stopped) return;
      const runner = await this.#activityRunner();
      for (const item of result.activities) runner.enqueue(item);
      if (result.nextWakeAt !== undefined) this.#wakeAt(instanceId, result.nextWakeAt);
      if (result.moreVisible) runAgain();
    } catch (error) {
      if (error instanceof InstanceChangedError) return runAgain();
      this.#options.log(
        `durable: episode for '${instanceId}' failed, retrying in ${EPISODE_RETRY_DELAY_MS} ms: ${error instanceof Error ? error.stack : String(error)}`,
      );
      this.#wakeAt(instanceId, Date.now() + EPISODE_RETRY_DELAY_MS);
    }
  }

  /** Timers fire from their stored fire time: one pending wake per instance, the earliest wins. */
  #wakeAt(instanceId: string, at: number): void {
    if (this.#stopped) return;
    const existing = this.#wakes.get(instanceId);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(
      () => {
        this.#wakes.delete(instanceId);
        this.#requestEpisode(instanceId);
      },
      Math.min(Math.max(0, at - Date.now()), MAX_TIMER_DELAY_MS),
    );
    this.#wakes.set(instanceId, { at, timer });
  }
}

export function createDurableEngine(options: DurableEngineOptions): DurableEngine {
  return new Engine(options);
}
