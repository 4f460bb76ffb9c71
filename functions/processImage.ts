import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { getConfig } from '../shared/config.js';
import { describeStepFailure } from '../shared/pipeline/describeStepFailure.js';
import {
  PIPELINE_STEPS as STEP,
  PROCESS_IMAGE_ORCHESTRATION,
  thrownStepFailure,
  type ActivityName,
  type ImageRef,
  type ProcessImageInput,
  type ProducingStep,
  type StepInput,
  type StepOutcome,
  type StepResult,
} from '../shared/pipeline/pipelineContract.js';

// Read once when the app loads, never inside the orchestrator: replays must see the same values.
const { remover } = getConfig();

/**
 * The remover's transient failures (5xx, 408, 429, time-outs) back off exponentially. They retry the
 * whole of cutOutBackground, which also stores the cut-out and renders the thumbnail and preview from
 * the answer while it is on local disk: a storage hiccup there costs another remover call (seconds,
 * rare), where a separate thumbnail step would cost every image a second download and decode of the
 * cut-out from `processed/` (the one retry unit that avoids both would need the cut-out kept between
 * activities, which Functions instances do not share).
 */
const removerRetry = new df.RetryOptions(remover.retryFirstIntervalMs, remover.retryAttempts);
removerRetry.backoffCoefficient = 2;
removerRetry.maxRetryIntervalInMilliseconds = 5 * 60_000;

/** Storage and database hiccups in the other steps get a few quick retries. */
const stepRetry = new df.RetryOptions(Math.min(remover.retryFirstIntervalMs, 2_000), 3);
stepRetry.backoffCoefficient = 2;

/**
 * markProcessing → reuseDuplicateOutputs (only when markProcessing found the owner a `ready` image of
 * the same bytes: ready at once from copies) or cutOutBackground → finalizeImage (ready); a step that is skipped,
 * fails, or keeps throwing ends the run in markImageFailed, which cleans up and, unless the image is
 * gone or `ready`, marks it failed (the original is kept for a retry).
 * Deterministic: only `context.df` calls, no clock, no I/O.
 */
const processImage: OrchestrationHandler = function* (context: OrchestrationContext) {
  const { imageId } = context.df.getInput<ProcessImageInput>();
  const start = yield* callStep(context, STEP.markProcessing, { imageId });
  if (start.outcome !== 'ok') return start;

  const image: ImageRef = { imageId, userId: start.userId };
  // A history recorded before markProcessing said (undefined) called reuseDuplicateOutputs: a replay must too.
  const copied = start.duplicateCandidate === false ? undefined : yield* reuseDuplicate(context, image);
  const end = copied ?? (yield* produceImage(context, image));
  if (end.outcome === 'ok') return end;
  yield* callStep(context, STEP.markImageFailed, { ...image, stop: end });
  return end;
};

/**
 * Copies a duplicate's outputs: its outcome ends the run (`ok`: the image is `ready`), or undefined when
 * there is nothing to copy. The copy is only a saving: when it keeps throwing, the outputs are made.
 */
function* reuseDuplicate(context: OrchestrationContext, image: ImageRef): Generator<Task, StepOutcome | undefined, unknown> {
  try {
    const reuse = yield* callStep(context, STEP.reuseDuplicateOutputs, image, stepRetry);
    return reuse.outcome === 'ok' && reuse.duplicateOf === null ? undefined : reuse;
  } catch {
    return undefined;
  }
}

/** The steps that make the outputs and record them; the first that does not succeed ends the run. */
function* produceImage(context: OrchestrationContext, image: ImageRef): Generator<Task, StepOutcome, unknown> {
  let step: ProducingStep = STEP.cutOutBackground;
  try {
    const cutout = yield* callStep(context, step, image, removerRetry);
    if (cutout.outcome !== 'ok') return cutout;
    step = STEP.finalizeImage;
    return yield* callStep(context, step, { ...image, quality: cutout.quality }, stepRetry);
  } catch (error) {
    return thrownStepFailure(step, describeStepFailure(error));
  }
}

/** One activity, typed by the contract. */
function* callStep<Step extends ActivityName>(
  context: OrchestrationContext,
  step: Step,
  input: StepInput<Step>,
  retry?: df.RetryOptions,
): Generator<Task, StepResult<Step>, unknown> {
  const task = retry ? context.df.callActivityWithRetry(step, retry, input) : context.df.callActivity(step, input);
  return (yield task) as StepResult<Step>;
}

df.app.orchestration(PROCESS_IMAGE_ORCHESTRATION, processImage);
