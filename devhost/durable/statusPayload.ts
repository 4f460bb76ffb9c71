import { EventType, eventTypeName, type HistoryEvent } from './historyEvents.js';
import type { InstanceRecord } from './store.js';

/** The extension's status JSON (HttpApiHandler's StatusResponsePayload) and its `showHistory` rendering. */

export interface StatusPayload {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

export interface StatusOptions {
  showInput: boolean;
  showHistoryOutput: boolean;
}

const ORCHESTRATION_STATUS_NAMES: Record<number, string> = {
  0: 'Running',
  1: 'Completed',
  2: 'ContinuedAsNew',
  3: 'Failed',
  4: 'Canceled',
  5: 'Terminated',
  6: 'Pending',
};

/** DurableClient.ParseToJToken: JSON when it parses, the raw text otherwise (terminate reasons, failure messages). */
function fromStoredText(text: string | null): unknown {
  if (text === null) return null;
  const trimmed = text.trim();
  if (trimmed.length === 0) return '';
  try {
    return JSON.parse(trimmed);
  } catch {
    return text;
  }
}

/** `DateTime.ToString("s") + "Z"`: whole seconds. */
function toStatusTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * DurableClient.GetDurableOrchestrationStatusAsync's history rendering: event types by name,
 * OrchestratorStarted/Completed and answered TaskScheduled folded away, results only on request.
 */
function toHistoryEventsPayload(history: readonly HistoryEvent[], options: StatusOptions): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = history.map((event) => ({ ...event }));
  const scheduled = new Map<number, { index: number; name: unknown; timestamp: unknown; input: unknown }>();
  const folded = new Set<number>();
  items.forEach((item, index) => {
    const type = item['EventType'] as number;
    item['EventType'] = eventTypeName(type);
    switch (type) {
      case EventType.TaskScheduled:
        scheduled.set(item['EventId'] as number, { index, name: item['Name'], timestamp: item['Timestamp'], input: item['Input'] });
        delete item['Version'];
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed: {
        const task = scheduled.get(item['TaskScheduledId'] as number);
        if (task) {
          item['ScheduledTime'] = task.timestamp;
          item['FunctionName'] = task.name;
          if (options.showInput) item['Input'] = task.input;
          folded.add(task.index);
        }
        delete item['TaskScheduledId'];
        if (type === EventType.TaskCompleted) {
          if (options.showHistoryOutput) item['Result'] = fromStoredText(item['Result'] as string | null);
          else delete item['Result'];
        }
        break;
      }
      case EventType.ExecutionStarted:
        item['FunctionName'] = item['Name'];
        for (const key of ['Name', 'OrchestrationInstance', 'ParentInstance', 'Version', 'Tags']) delete item[key];
        break;
      case EventType.ExecutionCompleted:
        item['OrchestrationStatus'] = ORCHESTRATION_STATUS_NAMES[item['OrchestrationStatus'] as number] ?? item['OrchestrationStatus'];
        if (options.showHistoryOutput) item['Result'] = fromStoredText(item['Result'] as string | null);
        else delete item['Result'];
        break;
      case EventType.TimerFired:
        delete item['TimerId'];
        break;
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        folded.add(index);
        break;
      default:
        break;
    }
    if (!options.showInput) delete item['Input'];
    delete item['EventId'];
    delete item['IsPlayed'];
  });
  return items.filter((_, index) => !folded.has(index));
}

export function toStatusPayload(record: InstanceRecord, options: StatusOptions, history?: readonly HistoryEvent[]): StatusPayload {
  const payload: StatusPayload = {
    name: record.name,
    instanceId: record.instanceId,
    runtimeStatus: record.runtimeStatus,
    input: options.showInput ? fromStoredText(record.input) : null,
    customStatus: fromStoredText(record.customStatus),
    output: fromStoredText(record.output),
    createdTime: toStatusTime(record.createdTime),
    lastUpdatedTime: toStatusTime(record.lastUpdatedTime),
  };
  // A Pending instance has no history to show yet.
  if (history && record.runtimeStatus !== 'Pending') payload.historyEvents = toHistoryEventsPayload(history, options);
  return payload;
}
