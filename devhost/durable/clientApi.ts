import type { IncomingMessage, ServerResponse } from 'node:http';
import { toManagementUrls, WEBHOOK_PATH } from './clientInput.js';
import type { ClientOperations, InstanceUpdate } from './clientOperations.js';
import { InstanceAlreadyExistsError, InvalidInstanceIdError, OrchestratorNotFoundError } from './errors.js';
import { toStatusPayload } from './statusPayload.js';
import { TERMINAL_STATUSES, type InstanceQuery, type RuntimeStatus } from './store.js';

/**
 * The extension's HTTP API (HttpApiHandler) under /runtime/webhooks/durabletask: the routes, status
 * codes and error bodies durable-functions' DurableClient is written against.
 */

export interface ClientApiEnvironment {
  operations: ClientOperations;
  taskHub: string;
  log: (line: string) => void;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const RUNTIME_STATUSES: readonly RuntimeStatus[] = ['Pending', 'Running', 'Completed', 'Failed', 'Terminated'];

/** ASP.NET Web API's HttpError body, which is what the extension's CreateErrorResponse sends. */
function errorReply(status: number, message: string, exception?: { message: string; type: string }): Reply {
  return {
    status,
    body: exception ? { Message: message, ExceptionMessage: exception.message, ExceptionType: exception.type } : { Message: message },
  };
}

/** bool.TryParse: "true"/"false" in any case; anything else is "not given". */
function booleanParameter(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = query.get(name)?.toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : fallback;
}

function dateParameter(query: URLSearchParams, name: string): Date | undefined {
  const value = query.get(name);
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function toInstanceQuery(query: URLSearchParams): InstanceQuery {
  const statuses = query
    .getAll('runtimeStatus')
    .flatMap((value) => value.split(','))
    .filter((value): value is RuntimeStatus => (RUNTIME_STATUSES as readonly string[]).includes(value));
  return {
    createdTimeFrom: dateParameter(query, 'createdTimeFrom'),
    createdTimeTo: dateParameter(query, 'createdTimeTo'),
    runtimeStatus: statuses,
    instanceIdPrefix: query.get('instanceIdPrefix') ?? undefined,
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON text normalised the way the extension re-serialises it; empty means no value. */
function toJsonText(body: string): string | null {
  return body.trim().length === 0 ? null : JSON.stringify(JSON.parse(body));
}

function updateReply(update: InstanceUpdate): Reply {
  return { status: update === 'accepted' ? 202 : update === 'gone' ? 410 : 404 };
}

export class ClientApi {
  constructor(private readonly environment: ClientApiEnvironment) {}

  /** Serves the request if it is under the webhook path; false leaves it to the host. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    if (url.pathname !== WEBHOOK_PATH && !url.pathname.startsWith(`${WEBHOOK_PATH}/`)) return false;
    let reply: Reply;
    try {
      reply = await this.#route(request, url);
    } catch (error) {
      reply = this.#toErrorReply(error);
    }
    const body = reply.body === undefined ? undefined : JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
      ...reply.headers,
    });
    response.end(body);
    return true;
  }

  async #route(request: IncomingMessage, url: URL): Promise<Reply> {
    const segments = url.pathname.slice(WEBHOOK_PATH.length).split('/').filter(Boolean).map(decodeURIComponent);
    const requestedHub = url.searchParams.get('taskHub');
    if (requestedHub && requestedHub !== this.environment.taskHub) {
      return errorReply(400, `The devhost serves the task hub '${this.environment.taskHub}', not '${requestedHub}'.`);
    }
    const [controller, first, second, third, ...rest] = segments;
    const method = request.method ?? 'GET';
    const origin = url.origin;

    if (controller === 'orchestrators' && first && !third && method === 'POST') {
      return this.#start(origin, first, second, await readBody(request));
    }
    if (controller === 'instances' && !first) {
      if (method === 'GET') return this.#list(url.searchParams);
      if (method === 'DELETE') return this.#purgeWhere(url.searchParams);
    }
    if (controller === 'instances' && first && !second) {
      if (method === 'GET') return this.#status(first, url);
      if (method === 'DELETE') return this.#purge(first);
    }
    if (controller === 'instances' && first && second && method === 'POST' && rest.length === 0) {
      const operation = second.toLowerCase();
      if (operation === 'terminate' && !third)
        return updateReply(await this.environment.operations.terminate(first, url.searchParams.get('reason')));
      if (operation === 'raiseevent' && third) return this.#raiseEvent(request, first, third);
      if (['suspend', 'resume', 'rewind', 'restart'].includes(operation) && !third) {
        return errorReply(501, `The devhost Durable engine does not support '${second}'.`);
      }
    }
    if (controller === 'entities') return errorReply(501, 'The devhost Durable engine does not run durable entities.');
    return { status: 404 };
  }

  async #start(origin: string, functionName: string, instanceId: string | undefined, body: string): Promise<Reply> {
    let input: string | null;
    try {
      input = toJsonText(body);
    } catch (error) {
      return errorReply(400, 'Invalid JSON content', { message: (error as Error).message, type: 'Newtonsoft.Json.JsonReaderException' });
    }
    const id = await this.environment.operations.startNew(functionName, instanceId, input);
    const urls = toManagementUrls(origin, id, this.environment.taskHub);
    // HttpApiHandler.CreateCheckStatusResponseMessage: every management link but rewind.
    const links = {
      id,
      statusQueryGetUri: urls.statusQueryGetUri,
      sendEventPostUri: urls.sendEventPostUri,
      terminatePostUri: urls.terminatePostUri,
      purgeHistoryDeleteUri: urls.purgeHistoryDeleteUri,
      restartPostUri: urls.restartPostUri,
      suspendPostUri: urls.suspendPostUri,
      resumePostUri: urls.resumePostUri,
    };
    return { status: 202, body: links, headers: { Location: urls.statusQueryGetUri, 'Retry-After': '10' } };
  }

  async #status(instanceId: string, url: URL): Promise<Reply> {
    const query = url.searchParams;
    const showHistory = booleanParameter(query, 'showHistory', false);
    const found = await this.environment.operations.readStatus(instanceId, showHistory);
    if (!found) return { status: 404 };
    const options = {
      showInput: booleanParameter(query, 'showInput', true),
      showHistoryOutput: booleanParameter(query, 'showHistoryOutput', false),
    };
    const payload = toStatusPayload(found.record, options, found.history);
    switch (found.record.runtimeStatus) {
      case 'Pending':
      case 'Running':
        return { status: 202, body: payload, headers: { Location: url.href, 'Retry-After': '5' } };
      case 'Failed':
        return { status: booleanParameter(query, 'returnInternalServerErrorOnFailure', false) ? 500 : 200, body: payload };
      default:
        return { status: 200, body: payload };
    }
  }

  async #list(query: URLSearchParams): Promise<Reply> {
    const records = await this.environment.operations.list(toInstanceQuery(query));
    const options = { showInput: booleanParameter(query, 'showInput', false), showHistoryOutput: false };
    return { status: 200, body: records.map((record) => toStatusPayload(record, options)) };
  }

  async #purge(instanceId: string): Promise<Reply> {
    const deleted = await this.environment.operations.purge(instanceId);
    return deleted ? { status: 200, body: { instancesDeleted: 1 } } : { status: 404 };
  }

  async #purgeWhere(query: URLSearchParams): Promise<Reply> {
    const filter = toInstanceQuery(query);
    if (!filter.createdTimeFrom) return { status: 400, body: "Please provide value for 'createdTimeFrom' parameter." };
    const deleted = await this.environment.operations.purgeWhere({ ...filter, createdTimeTo: filter.createdTimeTo ?? new Date() });
    return deleted > 0 ? { status: 200, body: { instancesDeleted: deleted } } : { status: 404 };
  }

  async #raiseEvent(request: IncomingMessage, instanceId: string, eventName: string): Promise<Reply> {
    const found = await this.environment.operations.readStatus(instanceId, false);
    if (!found) return { status: 404 };
    if (TERMINAL_STATUSES.has(found.record.runtimeStatus)) return { status: 410 };
    const mediaType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') return errorReply(400, 'Only application/json request content is supported');
    let input: string | null;
    try {
      input = toJsonText(await readBody(request));
    } catch (error) {
      return errorReply(400, 'Invalid JSON content', { message: (error as Error).message, type: 'Newtonsoft.Json.JsonReaderException' });
    }
    return updateReply(await this.environment.operations.raiseEvent(instanceId, eventName, input));
  }

  #toErrorReply(error: unknown): Reply {
    if (error instanceof InstanceAlreadyExistsError) {
      // The extension lets StartNewAsync's InvalidOperationException reach its generic handler: a 500.
      return errorReply(500, 'Something went wrong while processing your request', {
        message: error.message,
        type: 'System.InvalidOperationException',
      });
    }
    if (error instanceof OrchestratorNotFoundError || error instanceof InvalidInstanceIdError) {
      return errorReply(400, 'One or more of the arguments submitted is incorrect', {
        message: error.message,
        type: 'System.ArgumentException',
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    this.environment.log(`durable: client API request failed: ${message}`);
    return errorReply(500, 'Something went wrong while processing your request', {
      message,
      type: error instanceof Error ? error.name : 'Error',
    });
  }
}
