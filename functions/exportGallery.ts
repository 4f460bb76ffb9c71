import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import {
  EXPORT_GALLERY_ORCHESTRATION,
  EXPORT_STEPS,
  type ExportStepInput,
  type FailExportInput,
  type FinishExportResult,
  type PlanExportResult,
  type WriteExportChunkResult,
} from '../shared/exports/exportContract.js';

/** Storage and database hiccups get a few retries; a chunk that keeps failing fails the export. */
const stepRetry = new df.RetryOptions(2_000, 4);
stepRetry.backoffCoefficient = 2;

/**
 * planExport → writeExportChunk until the items are all written → finishExport (ready). Each chunk is
 * its own activity, recorded when it ends, so a host killed midway redoes only the chunk it was
 * writing. Any step that answers `stopped` (the export was deleted) ends the run; one that keeps
 * throwing ends it in failExport. Deterministic: only `context.df` calls, no clock, no I/O.
 */
const exportGallery: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<ExportStepInput>();
  try {
    const plan = (yield context.df.callActivityWithRetry(EXPORT_STEPS.planExport, stepRetry, input)) as PlanExportResult;
    if (plan.state === 'stopped') return plan;
    for (;;) {
      const chunk = (yield context.df.callActivityWithRetry(EXPORT_STEPS.writeExportChunk, stepRetry, input)) as WriteExportChunkResult;
      if (chunk.state === 'stopped') return chunk;
      if (chunk.state === 'complete') break;
    }
    return (yield context.df.callActivityWithRetry(EXPORT_STEPS.finishExport, stepRetry, input)) as FinishExportResult;
  } catch {
    const failure: FailExportInput = { ...input, message: 'Writing the archive kept failing; please start the export again.' };
    yield context.df.callActivityWithRetry(EXPORT_STEPS.failExport, stepRetry, failure);
    return { state: 'failed' };
  }
};

df.app.orchestration(EXPORT_GALLERY_ORCHESTRATION, exportGallery);
