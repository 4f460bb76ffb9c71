import * as df from 'durable-functions';
import { PROCESS_IMAGE_ORCHESTRATION, skipped, succeeded, type ProcessImageInput, type StepOutcome } from './pipelineContract.js';

/** The part of the durable client this rule uses. */
export type OrchestrationStarter = Pick<df.DurableClient, 'getStatus' | 'startNew'>;

const ACTIVE = new Set<df.OrchestrationRuntimeStatus>([
  df.OrchestrationRuntimeStatus.Pending,
  df.OrchestrationRuntimeStatus.Running,
  df.OrchestrationRuntimeStatus.ContinuedAsNew,
]);

/**
 * Starts `processImage` with the image id as instance id, unless an instance of that id is already
 * pending or running: a message delivered twice never processes an image twice. A finished instance
 * (e.g. a failed image being retried) is started afresh under the same id.
 */
export async function startProcessingOnce(client: OrchestrationStarter, input: ProcessImageInput): Promise<StepOutcome> {
  const existing = await statusOf(client, input.imageId);
  if (existing && ACTIVE.has(existing.runtimeStatus)) return skipped('the orchestration is already running');
  await client.startNew(PROCESS_IMAGE_ORCHESTRATION, { instanceId: input.imageId, input });
  return succeeded({});
}

async function statusOf(client: OrchestrationStarter, instanceId: string): Promise<df.DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(instanceId);
  } catch (error) {
    // durable-functions reports an unknown instance by throwing on the extension's 404.
    if (error instanceof Error && /HTTP 404/.test(error.message)) return undefined;
    throw error;
  }
}
