import type { CutoutStagesMs } from '../../shared/pipeline/pipelineContract.js';

/**
 * Reads the pipeline's timeline from what the product already prints: the devhost's invocation lines
 * (`[time] Executing 'Functions.X' (Reason='…', Id=…)` and `Executed …`), the one `pipeline_step` JSON
 * line each step logs when it ends (`[time] [function] [invocation id] {"event":"pipeline_step",…}`),
 * and the local remover's JSON line per request (its own `ms`, and the blob path it read).
 */

export interface StepEvent {
  step: string;
  imageId?: string;
  invocationId: string;
  durationMs: number;
  /** Where the step's time went, for the steps that say (cutOutBackground). */
  stagesMs?: CutoutStagesMs;
  /** When the step ended (the line's time). */
  endedAt: number;
}

export interface InvocationEvent {
  functionName: string;
  invocationId: string;
  reason?: string;
  at: number;
}

export class PipelineLog {
  readonly steps: StepEvent[] = [];
  readonly started = new Map<string, InvocationEvent>();
  readonly finished = new Map<string, InvocationEvent>();
  /** The remover's own time per image id. */
  readonly removerMs = new Map<string, number>();

  hostLine(line: string): void {
    const stamped = /^\[(\d{4}-\d\d-\d\dT[\d:.]+Z)\] (.*)$/.exec(line);
    if (!stamped) return;
    const at = Date.parse(stamped[1]!);
    const message = stamped[2]!;
    const executing = /^Executing 'Functions\.(\w+)' \(Reason='(.*)', Id=([\w-]+)\)$/.exec(message);
    if (executing) {
      this.started.set(executing[3]!, { functionName: executing[1]!, reason: executing[2]!, invocationId: executing[3]!, at });
      return;
    }
    const executed = /^Executed 'Functions\.(\w+)' \(\w+, Id=([\w-]+),/.exec(message);
    if (executed) {
      this.finished.set(executed[2]!, { functionName: executed[1]!, invocationId: executed[2]!, at });
      return;
    }
    const logged = /^\[(\w+)\] \[([\w-]+)\] (\{"event":"pipeline_step".*\})$/.exec(message);
    if (logged) {
      const event = JSON.parse(logged[3]!) as { step: string; imageId?: string; durationMs: number; stagesMs?: CutoutStagesMs };
      this.steps.push({
        step: event.step,
        imageId: event.imageId,
        invocationId: logged[2]!,
        durationMs: event.durationMs,
        stagesMs: event.stagesMs,
        endedAt: at,
      });
    }
  }

  removerLine(line: string): void {
    if (!line.startsWith('{')) return;
    const entry = JSON.parse(line) as { image?: string; ms?: number; status?: number };
    const imageId = entry.image && /\/([a-z0-9]+)_original\.\w+$/.exec(entry.image)?.[1];
    if (imageId && entry.status === 200 && typeof entry.ms === 'number') this.removerMs.set(imageId, entry.ms);
  }

  /** The blob trigger's invocation for this image (its reason names the intake blob, `uploads/{userId}/{imageId}`). */
  blobInvocation(imageId: string): InvocationEvent | undefined {
    return [...this.started.values()].find((event) => event.functionName === 'onOriginalUploaded' && event.reason?.includes(`/${imageId}`));
  }

  step(imageId: string, step: string): StepEvent | undefined {
    return this.steps.find((event) => event.imageId === imageId && event.step === step);
  }
}
