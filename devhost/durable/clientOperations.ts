import { randomUUID } from 'node:crypto';
import { InvalidInstanceIdError, OrchestratorNotFoundError } from './errors.js';
import { historyEvent, type EventRaisedEvent, type ExecutionTerminatedEvent, type HistoryEvent } from './historyEvents.js';
import { TERMINAL_STATUSES, clientMessageKey, type DurableStore, type InstanceQuery, type InstanceRecord } from './store.js';

/** What the durable client's HTTP calls do to instances (DurableClient in the extension). */

export type InstanceUpdate = 'accepted' | 'notFound' | 'gone';

export interface ClientOperationsEnvironment {
  store: DurableStore;
  /** Registered orchestrator names by lower-case name (function names are case-insensitive). */
  orchestratorNames: ReadonlyMap<string, string>;
  /** A message reached the instance's inbox: run an episode. */
  wake: (instanceId: string) => void;
}

const MAX_INSTANCE_ID_LENGTH = 256;

/** DurableClient.StartNewAsync's instance id rules. */
function toInstanceId(requested: string | undefined): string {
  if (!requested) return randomUUID().replaceAll('-', '');
  if (requested.startsWith('@')) throw new InvalidInstanceIdError('Orchestration instance ids must not start with @.');
  if ([...requested].some((c) => c === '/' || c === '\\' || c === '?' || c === '#' || /\p{Cc}/u.test(c))) {
    throw new InvalidInstanceIdError('Orchestration instance ids must not contain /, \\, #, ?, or control characters.');
  }
  if (requested.length > MAX_INSTANCE_ID_LENGTH) {
    throw new InvalidInstanceIdError(`Instance ID lengths must not exceed ${MAX_INSTANCE_ID_LENGTH} characters.`);
  }
  return requested;
}

export class ClientOperations {
  constructor(private readonly environment: ClientOperationsEnvironment) {}

  /** Creates (or replaces a finished) instance with its ExecutionStarted message; returns the instance id. */
  async startNew(functionName: string, requestedInstanceId: string | undefined, input: string | null): Promise<string> {
    const name = this.environment.orchestratorNames.get(functionName.toLowerCase());
    if (!name) throw new OrchestratorNotFoundError(functionName);
    const instanceId = toInstanceId(requestedInstanceId);
    const now = new Date();
    const executionId = randomUUID().replaceAll('-', '');
    const record: InstanceRecord = {
      instanceId,
      name,
      executionId,
      runtimeStatus: 'Pending',
      input,
      output: null,
      customStatus: null,
      createdTime: now,
      lastUpdatedTime: now,
      historyLength: 0,
    };
    await this.environment.store.createInstance(record, {
      rowKey: clientMessageKey(),
      executionId,
      enqueuedAt: now.getTime(),
      visibleAt: now.getTime(),
      event: historyEvent.executionStarted(now, instanceId, executionId, name, input),
    });
    this.environment.wake(instanceId);
    return instanceId;
  }

  async readStatus(instanceId: string, withHistory: boolean): Promise<{ record: InstanceRecord; history?: HistoryEvent[] } | undefined> {
    if (!withHistory) {
      const record = await this.environment.store.readInstance(instanceId);
      return record && { record };
    }
    const snapshot = await this.environment.store.readSnapshot(instanceId);
    return snapshot.instance && { record: snapshot.instance, history: snapshot.history };
  }

  list(query: InstanceQuery): Promise<InstanceRecord[]> {
    return this.environment.store.listInstances(query);
  }

  raiseEvent(instanceId: string, eventName: string, input: string | null): Promise<InstanceUpdate> {
    return this.#postToRunning(instanceId, historyEvent.eventRaised(new Date(), eventName, input));
  }

  terminate(instanceId: string, reason: string | null): Promise<InstanceUpdate> {
    return this.#postToRunning(instanceId, historyEvent.executionTerminated(new Date(), reason));
  }

  purge(instanceId: string): Promise<boolean> {
    return this.environment.store.purge(instanceId);
  }

  async purgeWhere(query: InstanceQuery): Promise<number> {
    const instances = await this.environment.store.listInstances(query);
    let deleted = 0;
    for (const instance of instances) if (await this.environment.store.purge(instance.instanceId)) deleted++;
    return deleted;
  }

  async #postToRunning(instanceId: string, event: EventRaisedEvent | ExecutionTerminatedEvent): Promise<InstanceUpdate> {
    const record = await this.environment.store.readInstance(instanceId);
    if (!record) return 'notFound';
    if (TERMINAL_STATUSES.has(record.runtimeStatus)) return 'gone';
    const now = Date.now();
    await this.environment.store.enqueueMessage(instanceId, {
      rowKey: clientMessageKey(),
      executionId: '',
      enqueuedAt: now,
      visibleAt: now,
      event,
    });
    this.environment.wake(instanceId);
    return 'accepted';
  }
}
