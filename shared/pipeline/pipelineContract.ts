import { z } from 'zod';
import type { ImageQuality } from '../db/index.js';
import type { UploadRejectionCode } from '../images/imageErrors.js';
import { imageIdSchema } from '../images/imageSchemas.js';

/**
 * The pipeline's contract: the names of its steps, what each step takes and returns, the one shape of
 * every step's outcome, the orchestration and the queue message that starts it. The blob trigger, the
 * queue trigger, the orchestration, its activities, the retry route and the `pipeline_step` log all
 * use these names and types; no step name is written anywhere else.
 *
 *   checkOriginal (blob trigger) → queue → startOrchestration (queue trigger) → processImage:
 *   markProcessing → reuseDuplicateOutputs (only when the same user has a `ready` image of the same
 *   bytes: ready from copies) or cutOutBackground → finalizeImage, or markImageFailed.
 */

export const PIPELINE_STEPS = {
  /** The blob trigger judges the uploaded bytes and queues the image. */
  checkOriginal: 'checkOriginal',
  /** The queue trigger starts the orchestration, once per image. */
  startOrchestration: 'startOrchestration',
  /** Activities of the orchestration, in order. */
  markProcessing: 'markProcessing',
  /** Copies the outputs of the owner's `ready` image with the same original bytes, if any. */
  reuseDuplicateOutputs: 'reuseDuplicateOutputs',
  /** The remover's cut-out, stored as it arrives, and the thumbnail and preview made from it. */
  cutOutBackground: 'cutOutBackground',
  finalizeImage: 'finalizeImage',
  /** Where every run that does not end `ready` ends. */
  markImageFailed: 'markImageFailed',
} as const;

export type PipelineStepName = (typeof PIPELINE_STEPS)[keyof typeof PIPELINE_STEPS];

// ---------------------------------------------------------------------------------------------------
// Outcomes: every step returns one of three. Results travel as JSON through the orchestration's
// history: plain fields only, no rows, no BigInts.

/** The step did its work; `Ok` is what it hands on. */
export type StepSucceeded<Ok extends object = object> = { outcome: 'ok' } & Ok;

/** An expected miss (the image was deleted or moved on, a delivery came twice): nothing to do. */
export interface StepSkipped {
  outcome: 'skipped';
  reason: string;
}

/**
 * The step cannot succeed. `message` is what the user may read; `detail` (a service's reply, an
 * error's text) goes to the logs only.
 */
export interface StepFailed {
  outcome: 'failed';
  code: StepFailureCode;
  message: string;
  detail?: string;
}

export type StepFailureCode =
  /** The uploaded bytes were rejected (the image's `error.code`). */
  | UploadRejectionCode
  /** The background-removal service refused the image: no retry can help. */
  | 'remover_refused'
  /** A step kept throwing until its retries ran out. */
  | 'step_error';

export type StepOutcome<Ok extends object = object> = StepSucceeded<Ok> | StepSkipped | StepFailed;

/** How a run that did not end `ready` stopped. */
export type StepStop = StepSkipped | StepFailed;

export function succeeded<Ok extends object>(fields: Ok): StepSucceeded<Ok> {
  return { outcome: 'ok', ...fields };
}

export function skipped(reason: string): StepSkipped {
  return { outcome: 'skipped', reason };
}

export function failed(code: StepFailureCode, message: string, detail?: string): StepFailed {
  return detail === undefined ? { outcome: 'failed', code, message } : { outcome: 'failed', code, message, detail };
}

// ---------------------------------------------------------------------------------------------------
// The orchestration and its activities

export const PROCESS_IMAGE_ORCHESTRATION = 'processImage';

/** The orchestration's input; its instance id is the image id. */
export interface ProcessImageInput {
  imageId: string;
}

/** What the orchestration hands each step after `markProcessing`: the image and its owner. */
export interface ImageRef {
  imageId: string;
  userId: string;
}

export type CutoutQuality = ImageQuality;

/** The parts of `cutOutBackground`, in milliseconds from its start. */
export interface CutoutStagesMs {
  /** Until the remover's last byte was on local disk (its work, then the transfer). */
  received: number;
  /** Until the thumbnail and preview were rendered from that file. */
  rendered: number;
  /** Until every output was in storage. */
  stored: number;
}

/** Each activity's input and result. */
interface PipelineActivities {
  /**
   * `duplicateCandidate`: the owner has a `ready` image of the same bytes, so reuseDuplicateOutputs
   * runs. Absent from results recorded before it existed: a replay of such a history runs the step.
   */
  [PIPELINE_STEPS.markProcessing]: { input: ProcessImageInput; result: StepOutcome<{ userId: string; duplicateCandidate?: boolean }> };
  /** `duplicateOf`: the image whose outputs were copied (this one is now `ready`), or null (none to copy). */
  [PIPELINE_STEPS.reuseDuplicateOutputs]: { input: ImageRef; result: StepOutcome<{ duplicateOf: string | null }> };
  /**
   * `quality` is the remover's own rating, or estimated from the thumbnail's alpha when it sends none;
   * `stagesMs` says where the step's time went, for its `pipeline_step` log line.
   */
  [PIPELINE_STEPS.cutOutBackground]: { input: ImageRef; result: StepOutcome<{ quality: CutoutQuality; stagesMs: CutoutStagesMs }> };
  [PIPELINE_STEPS.finalizeImage]: { input: ImageRef & { quality: CutoutQuality }; result: StepOutcome };
  [PIPELINE_STEPS.markImageFailed]: { input: ImageRef & { stop: StepStop }; result: StepOutcome };
}

export type ActivityName = keyof PipelineActivities;
export type StepInput<Step extends ActivityName> = PipelineActivities[Step]['input'];
export type StepResult<Step extends ActivityName> = PipelineActivities[Step]['result'];

/** The steps between the start and the end of a run, whose failure ends it in `markImageFailed`. */
export type ProducingStep = typeof PIPELINE_STEPS.cutOutBackground | typeof PIPELINE_STEPS.finalizeImage;

/** What the user reads when a step kept throwing (its text goes to the logs). */
const THROWN_STEP_MESSAGES: Record<ProducingStep, string> = {
  [PIPELINE_STEPS.cutOutBackground]: 'The background could not be removed just now. Try again later.',
  [PIPELINE_STEPS.finalizeImage]: 'The finished image could not be saved just now. Try again later.',
};

/** The outcome of a step that threw until its retries ran out; `detail` is the error's first line. */
export function thrownStepFailure(step: ProducingStep, detail: string): StepFailed {
  return failed('step_error', THROWN_STEP_MESSAGES[step], detail);
}

/** The message an image that stopped processing shows its owner (`error.message`). */
export function messageForUser(stop: StepStop): string {
  return stop.outcome === 'failed' ? stop.message : 'Processing stopped before the image was finished. Try again.';
}

// ---------------------------------------------------------------------------------------------------
// The queue between the blob check (or a retry) and the orchestration

/** One message per accepted upload or retry. */
export const processingMessageSchema = z.object({ imageId: imageIdSchema });
export type ProcessingMessage = z.infer<typeof processingMessageSchema>;

export function processingMessage(imageId: string): ProcessingMessage {
  return { imageId };
}
