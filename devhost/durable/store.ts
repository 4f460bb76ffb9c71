import { RestError, TableClient, odata, type TableEntity, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import { DurablePayloadTooLargeError, InstanceAlreadyExistsError, InstanceChangedError } from './errors.js';
import type { HistoryEvent, MessageEvent } from './historyEvents.js';

/**
 * Instance state, history and inbox of one task hub in one Azure Table, one partition per instance:
 * an episode's commit (instance row, consumed messages, new timer messages) is then one atomic
 * entity-group transaction. History rows are written just before it; rows past the committed
 * `historyLength` are invisible, so a crash between the two writes loses nothing.
 */

export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated';

export const TERMINAL_STATUSES: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Terminated']);

export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  /** JSON texts as the extension keeps them (output of a failed/terminated instance is plain text). */
  input: string | null;
  output: string | null;
  customStatus: string | null;
  createdTime: Date;
  lastUpdatedTime: Date;
  historyLength: number;
  /** The row's etag when read: commits are conditional on it. */
  etag?: string;
}

export interface StoredMessage {
  rowKey: string;
  /** '' for messages from the client API, which target whatever execution is current. */
  executionId: string;
  enqueuedAt: number;
  visibleAt: number;
  event: MessageEvent;
}

export interface InstanceSnapshot {
  instance: InstanceRecord | undefined;
  history: HistoryEvent[];
  messages: StoredMessage[];
}

export interface EpisodeCommit {
  instance: InstanceRecord;
  appendedHistory: HistoryEvent[];
  consumedMessageKeys: string[];
  newMessages: StoredMessage[];
}

export interface InstanceQuery {
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  runtimeStatus?: readonly RuntimeStatus[];
  instanceIdPrefix?: string;
}

const INSTANCE_ROW = '!instance';
const HISTORY_PREFIX = 'history:';
const MESSAGE_PREFIX = 'message:';
/** Table properties hold at most 64 KiB (32 K UTF-16 characters); entities at most 1 MiB. */
const CHUNK_CHARS = 30_000;
const MAX_CHUNKS = 15;
const MAX_BATCH_OPERATIONS = 100;
const MAX_BATCH_BYTES = 3_500_000;

let clientMessageCounter = 0;

export function clientMessageKey(): string {
  clientMessageCounter = (clientMessageCounter + 1) % 1_000_000;
  const random = Math.floor(Math.random() * 0xffffffff)
    .toString(16)
    .padStart(8, '0');
  return `${MESSAGE_PREFIX}c:${String(Date.now()).padStart(15, '0')}:${String(clientMessageCounter).padStart(6, '0')}:${random}`;
}

/** Deterministic keys make a re-run activity or a re-committed timer overwrite, not duplicate, its message. */
export function taskResultMessageKey(executionId: string, taskId: number): string {
  return `${MESSAGE_PREFIX}t:${executionId}:${String(taskId).padStart(8, '0')}`;
}

export function timerMessageKey(executionId: string, timerId: number): string {
  return `${MESSAGE_PREFIX}f:${executionId}:${String(timerId).padStart(8, '0')}`;
}

function historyKey(index: number): string {
  return `${HISTORY_PREFIX}${String(index).padStart(8, '0')}`;
}

function toChunkProperties(prefix: string, text: string | null): Record<string, string | number> {
  if (text === null) return { [`${prefix}Chunks`]: -1 };
  const chunks: string[] = [];
  for (let at = 0; at < text.length; at += CHUNK_CHARS) chunks.push(text.slice(at, at + CHUNK_CHARS));
  if (chunks.length > MAX_CHUNKS) {
    throw new DurablePayloadTooLargeError(
      `${prefix} is ${text.length} characters; one Azure Tables entity holds at most ${CHUNK_CHARS * MAX_CHUNKS}.`,
    );
  }
  return { [`${prefix}Chunks`]: chunks.length, ...Object.fromEntries(chunks.map((chunk, index) => [`${prefix}${index}`, chunk])) };
}

function fromChunkProperties(prefix: string, entity: Record<string, unknown>): string | null {
  const count = entity[`${prefix}Chunks`];
  if (typeof count !== 'number' || count < 0) return null;
  let text = '';
  for (let index = 0; index < count; index++) {
    const chunk = entity[`${prefix}${index}`];
    if (typeof chunk === 'string') text += chunk;
  }
  return text;
}

function toInstanceEntity(record: InstanceRecord): TableEntity {
  return {
    partitionKey: record.instanceId,
    rowKey: INSTANCE_ROW,
    name: record.name,
    executionId: record.executionId,
    runtimeStatus: record.runtimeStatus,
    createdTime: record.createdTime,
    lastUpdatedTime: record.lastUpdatedTime,
    historyLength: record.historyLength,
    ...toChunkProperties('Input', record.input),
    ...toChunkProperties('Output', record.output),
    ...toChunkProperties('CustomStatus', record.customStatus),
  };
}

function fromInstanceEntity(entity: TableEntityResult<Record<string, unknown>>): InstanceRecord {
  return {
    instanceId: entity.partitionKey!,
    name: String(entity['name']),
    executionId: String(entity['executionId']),
    runtimeStatus: entity['runtimeStatus'] as RuntimeStatus,
    input: fromChunkProperties('Input', entity),
    output: fromChunkProperties('Output', entity),
    customStatus: fromChunkProperties('CustomStatus', entity),
    createdTime: new Date(entity['createdTime'] as Date),
    lastUpdatedTime: new Date(entity['lastUpdatedTime'] as Date),
    historyLength: Number(entity['historyLength']),
    etag: entity.etag,
  };
}

function toMessageEntity(instanceId: string, message: StoredMessage): TableEntity {
  return {
    partitionKey: instanceId,
    rowKey: message.rowKey,
    executionId: message.executionId,
    enqueuedAt: message.enqueuedAt,
    visibleAt: message.visibleAt,
    ...toChunkProperties('Event', JSON.stringify(message.event)),
  };
}

function fromMessageEntity(entity: TableEntityResult<Record<string, unknown>>): StoredMessage {
  return {
    rowKey: entity.rowKey!,
    executionId: typeof entity['executionId'] === 'string' ? entity['executionId'] : '',
    enqueuedAt: Number(entity['enqueuedAt']),
    visibleAt: Number(entity['visibleAt']),
    event: JSON.parse(fromChunkProperties('Event', entity) ?? 'null') as MessageEvent,
  };
}

function toHistoryEntity(instanceId: string, index: number, event: HistoryEvent): TableEntity {
  return {
    partitionKey: instanceId,
    rowKey: historyKey(index),
    EventType: event.EventType,
    ...toChunkProperties('Event', JSON.stringify(event)),
  };
}

function isStatus(error: unknown, ...statuses: number[]): boolean {
  return error instanceof RestError && statuses.includes(error.statusCode ?? 0);
}

/** Splits upserts into entity-group transactions within the service's operation and size limits. */
function toBatches(actions: TransactionAction[]): TransactionAction[][] {
  const batches: TransactionAction[][] = [];
  let current: TransactionAction[] = [];
  let bytes = 0;
  for (const action of actions) {
    const size = JSON.stringify(action[1]).length * 2;
    if (current.length === MAX_BATCH_OPERATIONS || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(action);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export class DurableStore {
  private constructor(private readonly table: TableClient) {}

  static async open(connectionString: string, taskHub: string): Promise<DurableStore> {
    const table = TableClient.fromConnectionString(connectionString, `${taskHub}Instances`, { allowInsecureConnection: true });
    try {
      await table.createTable();
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
    return new DurableStore(table);
  }

  async readSnapshot(instanceId: string): Promise<InstanceSnapshot> {
    let instance: InstanceRecord | undefined;
    const historyRows: TableEntityResult<Record<string, unknown>>[] = [];
    const messages: StoredMessage[] = [];
    for await (const entity of this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${instanceId}` },
    })) {
      const rowKey = entity.rowKey!;
      if (rowKey === INSTANCE_ROW) instance = fromInstanceEntity(entity);
      else if (rowKey.startsWith(HISTORY_PREFIX)) historyRows.push(entity);
      else if (rowKey.startsWith(MESSAGE_PREFIX)) messages.push(fromMessageEntity(entity));
    }
    const committed = instance?.historyLength ?? 0;
    const history = historyRows
      .filter((row) => Number(row.rowKey!.slice(HISTORY_PREFIX.length)) < committed)
      .sort((a, b) => (a.rowKey! < b.rowKey! ? -1 : 1))
      .map((row) => JSON.parse(fromChunkProperties('Event', row) ?? 'null') as HistoryEvent);
    if (history.length !== committed) {
      throw new InstanceChangedError(`Instance '${instanceId}' has ${history.length} of its ${committed} history rows.`);
    }
    // In the order they became deliverable: a timer counts from its fire time, not from when it was set.
    const availableAt = (message: StoredMessage) => Math.max(message.enqueuedAt, message.visibleAt);
    messages.sort((a, b) => availableAt(a) - availableAt(b) || (a.rowKey < b.rowKey ? -1 : 1));
    return { instance, history, messages };
  }

  async readInstance(instanceId: string): Promise<InstanceRecord | undefined> {
    try {
      return fromInstanceEntity(await this.table.getEntity<Record<string, unknown>>(instanceId, INSTANCE_ROW));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /**
   * Creates the instance with its ExecutionStarted message, or replaces a finished one under the
   * same id (the extension's default `NonRunningStates`); a Pending or Running one is refused.
   */
  async createInstance(record: InstanceRecord, startMessage: StoredMessage): Promise<void> {
    const existing = await this.readInstance(record.instanceId);
    if (existing && !TERMINAL_STATUSES.has(existing.runtimeStatus)) throw new InstanceAlreadyExistsError(existing.runtimeStatus);
    const instanceAction: TransactionAction = existing
      ? ['update', toInstanceEntity(record), 'Replace', { etag: existing.etag }]
      : ['create', toInstanceEntity(record)];
    try {
      await this.table.submitTransaction([instanceAction, ['upsert', toMessageEntity(record.instanceId, startMessage), 'Replace']]);
    } catch (error) {
      if (!isStatus(error, 409, 412)) throw error;
      const winner = await this.readInstance(record.instanceId);
      throw new InstanceAlreadyExistsError(winner?.runtimeStatus ?? 'Pending');
    }
  }

  async enqueueMessage(instanceId: string, message: StoredMessage): Promise<void> {
    await this.table.upsertEntity(toMessageEntity(instanceId, message), 'Replace');
  }

  /** Rows already gone are fine: a batch that trips over one is redone row by row. */
  async deleteRows(instanceId: string, rowKeys: readonly string[]): Promise<void> {
    for (const batch of toBatches(rowKeys.map((rowKey) => ['delete', { partitionKey: instanceId, rowKey }]))) {
      try {
        await this.table.submitTransaction(batch);
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
        for (const [, entity] of batch) {
          await this.table.deleteEntity(instanceId, entity.rowKey).catch((rowError: unknown) => {
            if (!isStatus(rowError, 404)) throw rowError;
          });
        }
      }
    }
  }

  /** History rows first (invisible until committed), then one transaction moves the instance forward. */
  async commitEpisode(commit: EpisodeCommit): Promise<void> {
    const { instance } = commit;
    const firstIndex = instance.historyLength - commit.appendedHistory.length;
    const historyUpserts: TransactionAction[] = commit.appendedHistory.map((event, offset) => [
      'upsert',
      toHistoryEntity(instance.instanceId, firstIndex + offset, event),
      'Replace',
    ]);
    const finalBatch: TransactionAction[] = [
      ['update', toInstanceEntity(instance), 'Replace', { etag: instance.etag }],
      ...commit.consumedMessageKeys.map((rowKey): TransactionAction => ['delete', { partitionKey: instance.instanceId, rowKey }]),
    ];
    const messageUpserts = commit.newMessages.map((message): TransactionAction => [
      'upsert',
      toMessageEntity(instance.instanceId, message),
      'Replace',
    ]);
    const fitting = Math.max(0, MAX_BATCH_OPERATIONS - finalBatch.length);
    // Overflowing timer messages go ahead of the commit: their keys are deterministic, a redo overwrites them.
    for (const batch of toBatches([...historyUpserts, ...messageUpserts.slice(fitting)])) await this.table.submitTransaction(batch);
    try {
      await this.table.submitTransaction([...finalBatch, ...messageUpserts.slice(0, fitting)]);
    } catch (error) {
      if (isStatus(error, 404, 409, 412))
        throw new InstanceChangedError(`Instance '${instance.instanceId}' changed while its episode ran.`);
      throw error;
    }
  }

  async listInstances(query: InstanceQuery = {}): Promise<InstanceRecord[]> {
    let filter = odata`RowKey eq ${INSTANCE_ROW}`;
    if (query.createdTimeFrom) filter += ` and ${odata`createdTime ge ${query.createdTimeFrom}`}`;
    if (query.createdTimeTo) filter += ` and ${odata`createdTime le ${query.createdTimeTo}`}`;
    const found: InstanceRecord[] = [];
    for await (const entity of this.table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      const record = fromInstanceEntity(entity);
      if (query.runtimeStatus && query.runtimeStatus.length > 0 && !query.runtimeStatus.includes(record.runtimeStatus)) continue;
      if (query.instanceIdPrefix && !record.instanceId.startsWith(query.instanceIdPrefix)) continue;
      found.push(record);
    }
    return found;
  }

  /** Deletes every row of the instance; true when there was an instance to delete. */
  async purge(instanceId: string): Promise<boolean> {
    const rowKeys: string[] = [];
    for await (const entity of this.table.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${instanceId}`, select: ['RowKey'] },
    })) {
      rowKeys.push(entity.rowKey!);
    }
    await this.deleteRows(instanceId, rowKeys);
    return rowKeys.includes(INSTANCE_ROW);
  }
}
