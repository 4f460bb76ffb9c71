import { describe, expect, it } from 'vitest';
import { failed, PIPELINE_STEPS, skipped, succeeded } from './pipelineContract.js';
import { timePipelineStep } from './timePipelineStep.js';

describe('timePipelineStep', () => {
  const run = async (
    result: Parameters<typeof timePipelineStep>[3],
    subject: { imageId?: string; userId?: string } = { imageId: 'i1' },
  ) => {
    const events: Record<string, unknown>[] = [];
    const log = (event: string, fields: Record<string, unknown>) => events.push({ event, ...fields });
    const returned = await timePipelineStep(log, PIPELINE_STEPS.finalizeImage, subject, result).catch((error: unknown) => error);
    return { events, returned };
  };

  it('logs each outcome with its own fields, and hands the result back unchanged', async () => {
    const ok = succeeded({ estimatedQuality: 'good' as const });
    expect(await run(async () => ok, { imageId: 'i1', userId: 'u1' })).toEqual({
      returned: ok,
      events: [
        {
          event: 'pipeline_step',
          step: PIPELINE_STEPS.finalizeImage,
          imageId: 'i1',
          userId: 'u1',
          outcome: 'ok',
          durationMs: expect.any(Number),
        },
      ],
    });
    expect((await run(async () => skipped('the image was deleted'))).events[0]).toMatchObject({
      outcome: 'skipped',
      reason: 'the image was deleted',
    });
    const refused = failed('remover_refused', 'The background-removal service could not process this image.', 'answered 400');
    expect((await run(async () => refused)).events[0]).toMatchObject({
      outcome: 'failed',
      code: 'remover_refused',
      message: refused.message,
      detail: 'answered 400',
    });
  });

  it('takes the owner from a result that names it when the caller did not know it', async () => {
    expect((await run(async () => succeeded({ userId: 'u2' }))).events[0]).toMatchObject({ imageId: 'i1', userId: 'u2' });
  });

  it('logs a thrown error and rethrows it', async () => {
    const error = new Error('storage answered 503');
    const { events, returned } = await run(async () => Promise.reject(error));
    expect(returned).toBe(error);
    expect(events[0]).toMatchObject({ step: PIPELINE_STEPS.finalizeImage, outcome: 'error', error: 'storage answered 503' });
  });
});
