import { PIPELINE_STEPS } from '../shared/pipeline/pipelineContract.js';
import type { Benchmark, ResultRow } from './support/benchmark.js';
import { targetRow } from './support/benchmark.js';
import { HttpClient } from './support/httpClient.js';
import { Photo } from './support/photos.js';
import { PipelineLog, type StepEvent } from './support/pipelineLog.js';
import { startProductStack } from './support/productStack.js';
import { intSetting } from './support/settings.js';
import { median, percentile, round } from './support/stats.js';

/**
 * Pipeline latency: photos uploaded the way a browser does (POST /api/uploads, then PUT to the SAS
 * link) into the devhost with the local remover, one image at a time, each followed until the API
 * reports it `ready`. Where the time goes comes from the product's own logs (see pipelineLog.ts), per
 * image, from the end of the PUT:
 *   blob event delay     until the blob trigger starts (the blob events relay's push locally, Event Grid's on Azure)
 *   blob check           the onOriginalUploaded invocation (sniff, decode check, row → queued)
 *   queue delay          from its end (the message is written then) until startImageProcessing starts
 *   orchestration start  from there until the first activity starts: the instance created through the
 *                        durable client, its first episode (replay, markProcessing scheduled)
 *   between steps        from each activity's end to the next one's start: the result recorded in the
 *                        instance's inbox, an episode (history read, replay, commit), the next activity
 *                        dispatched
 *   database steps       markProcessing, reuseDuplicateOutputs when it runs, cutOutBackground's look-up
 *   remover              the remover's own time for the request (fetch original, cut out, answer)
 *   cut-out transfer     cutOutBackground until the PNG's last byte was in a local file (and read into a
 *                        shrunk copy on the way), less the remover's own time: the request and the
 *                        transfer
 *   thumbnail + preview  rendering both from the shrunk copy, while the file uploads to processed/
 *   storing outputs      the rest of cutOutBackground: the upload's end, the thumbnail and preview
 *   finalize             the finalizeImage activity (the outputs' sizes, the row → ready)
 * Each activity's start is its `pipeline_step` line's time less its `durationMs`.
 * They add up to the end of finalizeImage; the client sees `ready` at its next poll (every 50 ms).
 * The overhead figure is total ÷ remover, per image. Each of those photos is made distinct (a JPEG
 * comment with its number), or every one after the first would be a duplicate.
 *
 * Then duplicates: the bytes of some of those images uploaded again, which the pipeline makes `ready`
 * from copies of the earlier outputs (reuseDuplicateOutputs) without the remover; their time to `ready`
 * (end of the PUT → end of reuseDuplicateOutputs) is reported beside the first uploads'.
 */

const POLL_MS = 50;

const COMPONENTS = [
  'blobEventDelay',
  'blobCheck',
  'queueDelay',
  'orchestrationStart',
  'betweenSteps',
  'databaseSteps',
  'remover',
  'cutoutTransfer',
  'views',
  'storingOutputs',
  'finalize',
] as const;
type Component = (typeof COMPONENTS)[number];
const COMPONENT_LABEL: Record<Component, string> = {
  blobEventDelay: 'blob event delay',
  blobCheck: 'blob check (onOriginalUploaded)',
  queueDelay: 'queue delay',
  orchestrationStart: 'orchestration start (queue message → first activity)',
  betweenSteps: 'Durable between steps (result → episode → next activity)',
  databaseSteps: 'database steps (markProcessing, reuseDuplicateOutputs when it runs, the row look-up)',
  remover: 'remover (its own time)',
  cutoutTransfer: 'cut-out transfer to a local file (shrunk on the way)',
  views: 'thumbnail + preview from the shrunk copy (processed/ uploading meanwhile)',
  storingOutputs: 'storing the outputs (after the render)',
  finalize: 'finalizeImage',
};

/** A re-upload of an earlier image's bytes, made `ready` from copies. */
interface DuplicateTimeline {
  imageId: string;
  /** End of the PUT → end of reuseDuplicateOutputs. */
  totalMs: number;
  /** The reuseDuplicateOutputs activity: the lookup, the server-side copies, the row → ready. */
  copyMs: number;
  /** End of the PUT → the client's poll that saw `ready`. */
  observedMs: number;
}

interface ImageTimeline {
  imageId: string;
  components: Record<Component, number>;
  /** End of the PUT → end of finalizeImage. */
  totalMs: number;
  /** End of the PUT → the client's poll that saw `ready`. */
  observedMs: number;
  /** POST /api/uploads and the PUT of the bytes, for the record. */
  requestMs: number;
  putMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The JPEG with a comment segment (COM) right after its start marker: the same picture, other bytes. */
function withComment(jpeg: Buffer, comment: string): Buffer {
  const text = Buffer.from(comment, 'latin1');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(text.length + 2);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xfe]), length, text, jpeg.subarray(2)]);
}

function timeline(log: PipelineLog, imageId: string, putEndedAt: number): Omit<ImageTimeline, 'observedMs' | 'requestMs' | 'putMs'> {
  const blob = log.blobInvocation(imageId);
  const blobDone = blob && log.finished.get(blob.invocationId);
  const start = log.step(imageId, PIPELINE_STEPS.startOrchestration);
  const queueStarted = start && log.started.get(start.invocationId);
  const mark = log.step(imageId, PIPELINE_STEPS.markProcessing);
  // Only when the owner had a `ready` image of the same bytes when the run started.
  const reuse = log.step(imageId, PIPELINE_STEPS.reuseDuplicateOutputs);
  const remove = log.step(imageId, PIPELINE_STEPS.cutOutBackground);
  const finalize = log.step(imageId, PIPELINE_STEPS.finalizeImage);
  const removerMs = log.removerMs.get(imageId);
  const stages = remove?.stagesMs;
  if (!blob || !blobDone || !queueStarted || !mark || !remove || !stages || !finalize || removerMs === undefined) {
    throw new Error(`The logs do not tell the whole story of image ${imageId}.`);
  }
  const activities = [mark, ...(reuse ? [reuse] : []), remove, finalize];
  const startOf = (step: StepEvent) => step.endedAt - step.durationMs;
  const betweenSteps = activities.slice(1).reduce((sum, step, index) => sum + startOf(step) - activities[index]!.endedAt, 0);
  const components: Record<Component, number> = {
    blobEventDelay: blob.at - putEndedAt,
    blobCheck: blobDone.at - blob.at,
    queueDelay: queueStarted.at - blobDone.at,
    orchestrationStart: startOf(mark) - queueStarted.at,
    betweenSteps,
    databaseSteps: mark.durationMs + (reuse?.durationMs ?? 0) + remove.durationMs - stages.stored,
    remover: removerMs,
    cutoutTransfer: stages.received - removerMs,
    views: stages.rendered - stages.received,
    storingOutputs: stages.stored - stages.rendered,
    finalize: finalize.durationMs,
  };
  return { imageId, components, totalMs: finalize.endedAt - putEndedAt };
}

const pipeline: Benchmark = {
  name: 'pipeline',
  title: 'Upload → ready through the devhost with the local remover, split by stage',
  needsBuild: true,
  async run(progress) {
    const settings = {
      images: intSetting('BENCH_PIPELINE_IMAGES', 50),
      duplicates: intSetting('BENCH_PIPELINE_DUPLICATES', 10),
      megapixels: intSetting('BENCH_PIPELINE_MP', 12),
      pollIntervalMs: intSetting('BENCH_PIPELINE_POLL_MS', 500),
    };
    const log = new PipelineLog();
    const stack = await startProductStack({
      label: 'pipeline',
      remover: true,
      pollIntervalMs: settings.pollIntervalMs,
      env: { UPLOAD_RATE_LIMIT_PER_MINUTE: '10000', DEFAULT_IMAGE_LIMIT: '100000', DEFAULT_STORAGE_LIMIT_BYTES: String(1024 ** 4) },
      onHostLine: (line) => log.hostLine(line),
      onRemoverLine: (line) => log.removerLine(line),
    });
    const client = new HttpClient(stack.baseUrl, 1);
    try {
      const width = Math.round(Math.sqrt((settings.megapixels * 1e6 * 4) / 3));
      const height = Math.round((width * 3) / 4);
      progress(`making a ${width}×${height} photo`);
      const photo = await (await Photo.make(width, height)).jpeg();
      const token = await stack.tokenFor('bench-pipeline');
      const sent: Buffer[] = [];

      /** Uploads the bytes and waits for `ready`; the PUT's end and the client's view of it. */
      const uploadUntilReady = async (jpeg: Buffer, finalStep: string) => {
        const requested = await client.expect(201, 'POST', '/api/uploads', {
          token,
          json: { fileName: 'photo.jpg', contentType: 'image/jpeg', size: jpeg.length },
        });
        const { image, upload: link } = JSON.parse(requested.body.toString('utf8')) as {
          image: { id: string };
          upload: { url: string; headers: Record<string, string> };
        };
        const putStarted = performance.now();
        const put = await fetch(link.url, { method: 'PUT', headers: link.headers, body: jpeg });
        await put.arrayBuffer();
        if (put.status !== 201) throw new Error(`The PUT to Blob Storage answered ${put.status}.`);
        const putEndedAt = Date.now();
        const putMs = performance.now() - putStarted;
        for (;;) {
          const { status } = JSON.parse((await client.expect(200, 'GET', `/api/images/${image.id}`, { token })).body.toString('utf8')) as {
            status: string;
          };
          if (status === 'ready') break;
          if (status === 'failed') throw new Error(`Image ${image.id} failed in the pipeline.`);
          await sleep(POLL_MS);
        }
        const observedMs = Date.now() - putEndedAt;
        // The last step's line may trail the API's answer by a moment.
        for (let wait = 0; !log.step(image.id, finalStep) && wait < 2000; wait += POLL_MS) await sleep(POLL_MS);
        return { imageId: image.id, putEndedAt, observedMs, requestMs: requested.ms, putMs };
      };

      const upload = async (): Promise<ImageTimeline> => {
        const jpeg = withComment(photo, `bench image ${sent.length}`);
        sent.push(jpeg);
        const { imageId, putEndedAt, ...client } = await uploadUntilReady(jpeg, PIPELINE_STEPS.finalizeImage);
        return { ...timeline(log, imageId, putEndedAt), ...client };
      };

      const uploadDuplicate = async (jpeg: Buffer): Promise<DuplicateTimeline> => {
        const { imageId, putEndedAt, observedMs } = await uploadUntilReady(jpeg, PIPELINE_STEPS.reuseDuplicateOutputs);
        const reuse = log.step(imageId, PIPELINE_STEPS.reuseDuplicateOutputs);
        if (!reuse || log.step(imageId, PIPELINE_STEPS.cutOutBackground)) throw new Error(`Image ${imageId} was not made from copies.`);
        return { imageId, totalMs: reuse.endedAt - putEndedAt, copyMs: reuse.durationMs, observedMs };
      };

      progress('warm-up image (not counted)');
      await upload();
      const images: ImageTimeline[] = [];
      for (let i = 0; i < settings.images; i++) {
        if (i % 10 === 0) progress(`image ${i + 1}/${settings.images}`);
        images.push(await upload());
      }
      progress(`${settings.duplicates} duplicates`);
      const duplicates: DuplicateTimeline[] = [];
      for (let i = 0; i < settings.duplicates; i++) duplicates.push(await uploadDuplicate(sent[1 + (i % settings.images)]!));

      const summary = (values: number[]) => `p95 ${round(percentile(values, 95))}, max ${round(Math.max(...values))} ms`;
      const ratios = images.map((image) => image.totalMs / image.components.remover);
      const withoutTriggers = images.map(
        (image) => (image.totalMs - image.components.blobEventDelay - image.components.queueDelay) / image.components.remover,
      );
      const rows: ResultRow[] = [
        {
          metric: 'upload → ready (end of PUT → finalizeImage done): p50',
          value: percentile(
            images.map((image) => image.totalMs),
            50,
          ),
          unit: 'ms',
        },
        {
          metric: 'upload → ready: p95',
          value: percentile(
            images.map((image) => image.totalMs),
            95,
          ),
          unit: 'ms',
        },
        ...(duplicates.length > 0
          ? [
              {
                metric: 'duplicate upload → ready (end of PUT → reuseDuplicateOutputs done, no remover call): p50',
                value: percentile(
                  duplicates.map((duplicate) => duplicate.totalMs),
                  50,
                ),
                unit: 'ms',
                detail: summary(duplicates.map((duplicate) => duplicate.totalMs)),
              },
              {
                metric: 'duplicate: the reuseDuplicateOutputs step (lookup, server-side copies, ready): p50',
                value: percentile(
                  duplicates.map((duplicate) => duplicate.copyMs),
                  50,
                ),
                unit: 'ms',
                detail: summary(duplicates.map((duplicate) => duplicate.copyMs)),
              },
            ]
          : []),
        {
          metric: `upload → ready as the client saw it (${POLL_MS} ms polls): p95`,
          value: percentile(
            images.map((image) => image.observedMs),
            95,
          ),
          unit: 'ms',
        },
        ...COMPONENTS.map((component) => {
          const values = images.map((image) => image.components[component]);
          return { metric: `${COMPONENT_LABEL[component]}: p50`, value: percentile(values, 50), unit: 'ms', detail: summary(values) };
        }),
        targetRow(
          {
            metric: 'overhead: total ÷ remover time (median per image)',
            value: median(ratios),
            unit: '×',
            detail: `p95 ${round(percentile(ratios, 95))}×`,
          },
          { atMost: 1.3, text: '≤ 1.3×' },
        ),
        {
          metric: 'the same without the two trigger delays',
          value: median(withoutTriggers),
          unit: '×',
          detail: `p95 ${round(percentile(withoutTriggers, 95))}×`,
        },
      ];
      return {
        parameters: { ...settings, width, height, jpegBytes: photo.length, clientPollMs: POLL_MS, app: stack.settings },
        rows,
        details: { images, duplicates },
      };
    } finally {
      client.close();
      await stack.stop();
    }
  },
};

export default pipeline;
