import http from 'node:http';

/**
 * A lean keep-alive HTTP client for load and latency measurements: Node's own http module (less work
 * per request than fetch, so the client takes less of the machine from the server it measures). A
 * request's time runs from the call until its whole body has arrived.
 */

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  ms: number;
}

export interface HttpRequestOptions {
  token?: string;
  json?: unknown;
  /** Handed each body chunk instead of keeping the body (large downloads). */
  onChunk?: (chunk: Buffer) => void;
}

export class HttpClient {
  private readonly agent: http.Agent;
  private readonly base: URL;

  constructor(baseUrl: string, connections: number) {
    this.base = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  request(method: string, path: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    const body = options.json === undefined ? undefined : Buffer.from(JSON.stringify(options.json));
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (body) Object.assign(headers, { 'content-type': 'application/json', 'content-length': body.length });
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: this.base.hostname, port: this.base.port, path, method, headers, agent: this.agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => (options.onChunk ? options.onChunk(chunk) : chunks.push(chunk)));
          response.once('error', reject);
          response.once('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
              ms: performance.now() - started,
            }),
          );
        },
      );
      request.once('error', reject);
      request.end(body);
    });
  }

  /** Like `request`, but refuses any status other than `expected` (with the body in the error). */
  async expect(expected: number, method: string, path: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    const response = await this.request(method, path, options);
    if (response.status !== expected) {
      throw new Error(`${method} ${path} answered ${response.status}, not ${expected}: ${response.body.toString('utf8').slice(0, 500)}`);
    }
    return response;
  }

  close(): void {
    this.agent.destroy();
  }
}
