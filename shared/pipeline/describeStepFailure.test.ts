import { describe, expect, it } from 'vitest';
import { describeStepFailure } from './describeStepFailure.js';
import { PIPELINE_STEPS } from './pipelineContract.js';

describe('describeStepFailure', () => {
  it('keeps the message of a failed activity and drops the prefix and the stack', () => {
    const error = new Error(
      `Activity function '${PIPELINE_STEPS.cutOutBackground}' failed: The service answered 503 \n Error: x\n    at run (/app/a.js:1:1)`,
    );
    expect(describeStepFailure(error)).toBe('The service answered 503');
  });
  it('never returns an empty message', () => {
    expect(describeStepFailure(new Error(''))).toBe('Processing failed.');
  });
});
