import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/**
 * A stand-in network path to the real local remover that misbehaves on cue, the way a production
 * dependency does: answer a status of its choosing, drop the connection, or spoil the real answer —
 * cut it off after some bytes, change one byte, or send the same picture as another kind of PNG
 * (interlaced, as some encoders write it). Every other call is forwarded untouched to the real service.
 */
type RemoverFault = { status: number } | 'drop' | { cutAfterBytes: number } | { flipByteAt: number } | 'interlaced';

export interface FlakyRemover {
  url: string;
  /** Faults to serve, in order, before calls are forwarded again. */
  failNext(...faults: RemoverFault[]): void;
  /** While down, every call is dropped. */
  setDown(down: boolean): void;
  /** Calls received so far, faulty or not. */
  readonly calls: number;
  close(): Promise<void>;
}

export async function startFlakyRemover(targetUrl: string): Promise<FlakyRemover> {
  const target = new URL(targetUrl);
  const faults: RemoverFault[] = [];
  let down = false;
  let calls = 0;

  const server: Server = createServer((incoming, outgoing) => {
    calls += 1;
    const fault = down ? 'drop' : faults.shift();
    if (fault === 'drop') {
      incoming.socket.destroy();
      return;
    }
    if (fault && typeof fault === 'object' && 'status' in fault) {
      outgoing.writeHead(fault.status, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ detail: `injected ${fault.status}` }));
      return;
    }
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname, method: incoming.method, headers: incoming.headers },
      (response) => {
        if (!fault || response.statusCode !== 200) {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
          return;
        }
        void spoil(response, fault).then(
          (body) => {
            outgoing.writeHead(200, { ...response.headers, 'content-length': String(body.declaredLength) });
            if (body.bytes.length < body.declaredLength) outgoing.write(body.bytes, () => outgoing.destroy());
            else outgoing.end(body.bytes);
          },
          () => outgoing.destroy(),
        );
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/remove-background`,
    failNext: (...more) => faults.push(...more),
    setDown: (value) => (down = value),
    get calls() {
      return calls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The real answer, spoilt as asked; `declaredLength` is what the headers promise. */
async function spoil(
  response: AsyncIterable<Buffer>,
  fault: Exclude<RemoverFault, { status: number } | 'drop'>,
): Promise<{ bytes: Buffer; declaredLength: number }> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk);
  const png = Buffer.concat(chunks);
  if (fault === 'interlaced') {
    const interlaced = await sharp(png).png({ progressive: true }).toBuffer();
    return { bytes: interlaced, declaredLength: interlaced.length };
  }
  if ('cutAfterBytes' in fault) return { bytes: png.subarray(0, fault.cutAfterBytes), declaredLength: png.length };
  const flipped = Buffer.from(png);
  flipped[fault.flipByteAt] = flipped[fault.flipByteAt]! ^ 0xff;
  return { bytes: flipped, declaredLength: flipped.length };
}
