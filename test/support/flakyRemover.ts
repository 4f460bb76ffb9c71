import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in network path to the real local remover that misbehaves on cue, the way a production
 * dependency does: answer a status of its choosing, or drop the connection. Every other call is
 * forwarded untouched to the real service.
 */
type RemoverFault = { status: number } | 'drop';

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
    if (fault) {
      outgoing.writeHead(fault.status, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ detail: `injected ${fault.status}` }));
      return;
    }
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname, method: incoming.method, headers: incoming.headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
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
