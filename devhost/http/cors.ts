import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS for browser pages on another origin, as Core Tools applies `Host.CORS` from
 * local.settings.json (and App Service applies its CORS setting): allowed origins get the
 * Access-Control headers; preflights are answered by the host, never by a function.
 */
export class CorsPolicy {
  constructor(private readonly allowedOrigins: readonly string[]) {}

  private allowedOrigin(req: IncomingMessage): string | undefined {
    const origin = req.headers.origin;
    if (!origin) return undefined;
    if (this.allowedOrigins.includes('*')) return '*';
    return this.allowedOrigins.includes(origin) ? origin : undefined;
  }

  /** Adds the response headers for an allowed origin. */
  applyTo(req: IncomingMessage, res: ServerResponse): void {
    const origin = this.allowedOrigin(req);
    if (!origin) return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (origin !== '*') res.appendHeader('Vary', 'Origin');
  }

  /** Answers a preflight and returns true; false when the request is not one. */
  answerPreflight(req: IncomingMessage, res: ServerResponse): boolean {
    const requestedMethod = req.headers['access-control-request-method'];
    if (req.method !== 'OPTIONS' || !req.headers.origin || !requestedMethod) return false;
    if (this.allowedOrigin(req)) {
      this.applyTo(req, res);
      res.setHeader('Access-Control-Allow-Methods', requestedMethod);
      const requestedHeaders = req.headers['access-control-request-headers'];
      if (requestedHeaders) res.setHeader('Access-Control-Allow-Headers', requestedHeaders);
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.writeHead(204).end();
    return true;
  }
}
