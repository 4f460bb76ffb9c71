/**
 * The `durableClient` binding value the extension gives out-of-proc workers (BindingHelper's
 * OrchestrationClientInputData): `df.getClient(context)` builds its DurableClient from it and, since
 * `rpcBaseUrl` is set, sends every call to `{rpcBaseUrl}orchestrators/…` and `{rpcBaseUrl}instances/…`.
 */

export const WEBHOOK_PATH = '/runtime/webhooks/durabletask';
/** The placeholder the extension puts where an instance id goes in `managementUrls`. */
const INSTANCE_ID_PLACEHOLDER = 'INSTANCEID';
/** The extension's default connection name (AzureWebJobsStorage). */
const CONNECTION_NAME = 'Storage';

export interface ManagementUrls {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

export interface DurableClientInput {
  taskHubName: string;
  creationUrls: { createNewInstancePostUri: string; createAndWaitOnNewInstancePostUri: string };
  managementUrls: ManagementUrls;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
  connectionName: null;
  httpBaseUrl: null;
}

function toWebhookUrl(origin: string): string {
  return `${origin.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
}

/** HttpApiHandler.GetClientResponseLinks (a local host has no system key to append). */
export function toManagementUrls(origin: string, instanceId: string, taskHub: string): ManagementUrls {
  const instance = `${toWebhookUrl(origin)}/instances/${instanceId === INSTANCE_ID_PLACEHOLDER ? instanceId : encodeURIComponent(instanceId)}`;
  const query = `taskHub=${encodeURIComponent(taskHub)}&connection=${CONNECTION_NAME}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}

export function toDurableClientInput(baseUrl: string, taskHub: string): DurableClientInput {
  const webhook = toWebhookUrl(baseUrl);
  const instancePrefix = `${webhook}/orchestrators/{functionName}[/{instanceId}]`;
  return {
    taskHubName: taskHub,
    creationUrls: {
      createNewInstancePostUri: `${instancePrefix}?`,
      createAndWaitOnNewInstancePostUri: `${instancePrefix}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&`,
    },
    managementUrls: toManagementUrls(baseUrl, INSTANCE_ID_PLACEHOLDER, taskHub),
    baseUrl: webhook,
    requiredQueryStringParameters: '',
    rpcBaseUrl: `${webhook}/`,
    connectionName: null,
    httpBaseUrl: null,
  };
}
