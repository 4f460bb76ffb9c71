import type { Benchmark, ResultRow } from './support/benchmark.js';
import { HttpClient } from './support/httpClient.js';
import { startProductStack } from './support/productStack.js';
import { intSetting } from './support/settings.js';
import { summarizeLatencies, type LatencySummary } from './support/stats.js';

/**
 * Upload requests: `POST /api/uploads` (token check, rate-limit window, quota lock and reservation,
 * the `pending_upload` row, a write-only SAS) through real HTTP on the devhost, with 1, 8 and 32
 * clients each sending one request after another for a fixed time. Each client is its own user (the
 * usual case), and then all clients share one user: the quota row lock serialises one user's
 * reservations, so that case shows the cost of the lock. Limits are raised so that every request is
 * checked against them and none is refused.
 */

const CLIENT_COUNTS = [1, 8, 32] as const;

interface Scenario {
  clients: number;
  sharedUser: boolean;
}

interface ScenarioResult extends Scenario {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
}

const uploads: Benchmark = {
  name: 'uploads',
  title: 'POST /api/uploads throughput and latency with 1, 8 and 32 concurrent clients',
  needsBuild: true,
  async run(progress) {
    const settings = { seconds: intSetting('BENCH_UPLOADS_SECONDS', 8), declaredBytes: 3_500_000 };
    const stack = await startProductStack({
      label: 'uploads',
      env: {
        UPLOAD_RATE_LIMIT_PER_MINUTE: '100000',
        DEFAULT_IMAGE_LIMIT: '100000000',
        DEFAULT_STORAGE_LIMIT_BYTES: String(Number.MAX_SAFE_INTEGER),
      },
    });
    const client = new HttpClient(stack.baseUrl, Math.max(...CLIENT_COUNTS));
    try {
      const body = {
        fileName: 'holiday photo.jpg',
        contentType: 'image/jpeg',
        size: settings.declaredBytes,
        title: 'Holiday',
        tags: ['beach'],
      };
      const scenarios: Scenario[] = [
        ...CLIENT_COUNTS.map((clients) => ({ clients, sharedUser: false })),
        ...CLIENT_COUNTS.filter((clients) => clients > 1).map((clients) => ({ clients, sharedUser: true })),
      ];
      const results: ScenarioResult[] = [];
      for (const [index, scenario] of scenarios.entries()) {
        progress(`${scenario.clients} client(s), ${scenario.sharedUser ? 'one shared user' : 'one user each'}`);
        const tokens = await Promise.all(
          Array.from({ length: scenario.clients }, (_, client) =>
            stack.tokenFor(`bench-uploads-${index}-${scenario.sharedUser ? 0 : client}`),
          ),
        );
        // Not timed: the first request of a user creates it, and the first few warm the code paths.
        for (const token of tokens) for (let i = 0; i < 3; i++) await client.expect(201, 'POST', '/api/uploads', { token, json: body });

        const latencies: number[] = [];
        const started = performance.now();
        const end = started + settings.seconds * 1000;
        await Promise.all(
          tokens.map(async (token) => {
            while (performance.now() < end) {
              const response = await client.expect(201, 'POST', '/api/uploads', { token, json: body });
              latencies.push(response.ms);
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        results.push({
          ...scenario,
          requests: latencies.length,
          seconds,
          requestsPerSecond: latencies.length / seconds,
          latencyMs: summarizeLatencies(latencies),
        });
      }

      const rows: ResultRow[] = results.flatMap((result) => {
        const label = `${result.clients} client${result.clients > 1 ? 's' : ''}${result.sharedUser ? ', one shared user' : result.clients > 1 ? ', a user each' : ''}`;
        return [
          { metric: `${label}: throughput`, value: result.requestsPerSecond, unit: 'requests/s' },
          { metric: `${label}: p50`, value: result.latencyMs.p50, unit: 'ms' },
          { metric: `${label}: p95`, value: result.latencyMs.p95, unit: 'ms' },
        ];
      });
      return { parameters: { ...settings, clientCounts: CLIENT_COUNTS, app: stack.settings }, rows, details: { scenarios: results } };
    } finally {
      client.close();
      await stack.stop();
    }
  },
};

export default uploads;
