import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DevhostError } from './errors.js';

/**
 * `host.json` and `local.settings.json`. Every host.json key the devhost meets is either applied with
 * the meaning the real host gives it (its defaults for what the file leaves out) or refused at
 * start-up with its path: a setting that would change behaviour on Azure is never silently ignored.
 */

export interface QueueSettings {
  batchSize: number;
  /** A new batch is fetched once no more than this many messages are still running. */
  newBatchThreshold: number;
  maxDequeueCount: number;
  /** How long a failed message stays invisible before its next try. */
  visibilityTimeoutMs: number;
  /** The longest wait between polls of an empty queue (the wait doubles while the queue stays empty). */
  maxPollingIntervalMs: number;
  messageEncoding: 'base64' | 'none';
}

interface BlobSettings {
  /** Blob-triggered invocations running at once, across all blob triggers of the app. */
  maxDegreeOfParallelism: number;
  /** Tries of one blob before it is reported on the poison queue. */
  poisonBlobThreshold: number;
}

interface DurableSettings {
  hubName: string;
  maxConcurrentActivityFunctions: number;
  maxConcurrentOrchestratorFunctions: number;
}

export interface HostSettings {
  routePrefix: string;
  queues: QueueSettings;
  blobs: BlobSettings;
  durableTask: DurableSettings;
  /** Invocations are failed past this; undefined when host.json sets none or -1 (no limit). */
  functionTimeoutMs?: number;
}

export interface LocalSettings {
  values: Record<string, string>;
  /** `Host.CORS`: origins allowed to call the HTTP functions from a browser. */
  corsOrigins: string[];
  localHttpPort?: number;
}

const TIME_SPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

/** `[d.]hh:mm:ss[.fffffff]`, the .NET TimeSpan format host.json uses, to milliseconds. */
export function timeSpanToMilliseconds(value: string): number {
  const match = TIME_SPAN.exec(value);
  if (!match) throw new DevhostError(`"${value}" is not a time span ([d.]hh:mm:ss[.fff]).`);
  const [, days = '0', hours, minutes, seconds, fraction = '0'] = match;
  const wholeSeconds = Number(days) * 86_400 + Number(hours) * 3_600 + Number(minutes) * 60 + Number(seconds);
  return wholeSeconds * 1000 + Math.round(Number(`0.${fraction}`) * 1000);
}

/** Milliseconds as the host prints a TimeSpan (`hh:mm:ss[.fff]`). */
export function formatTimeSpan(milliseconds: number): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const seconds = Math.floor(milliseconds / 1000);
  const fraction = milliseconds % 1000 ? `.${String(milliseconds % 1000).padStart(3, '0')}` : '';
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}${fraction}`;
}

function readJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new DevhostError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function objectAt(value: unknown, key: string): Record<string, unknown> {
  const child = (value as Record<string, unknown> | undefined)?.[key];
  return child && typeof child === 'object' ? (child as Record<string, unknown>) : {};
}

const timeSpan = z.string().refine((value) => TIME_SPAN.test(value), 'must be a time span ([d.]hh:mm:ss[.fff])');
const count = (min: number) => z.number().int().min(min);

/**
 * The host.json the devhost runs: these keys and no others. `logging.applicationInsights` and
 * `extensionBundle` are accepted because they change nothing an app can observe locally (there is no
 * Application Insights here, and the devhost carries its own extensions).
 */
const hostJsonSchema = z.strictObject({
  version: z.literal('2.0', { error: 'must be "2.0" (the Functions runtime 2.x and later schema)' }),
  functionTimeout: z.union([timeSpan, z.literal('-1'), z.literal(-1)]).optional(),
  logging: z.strictObject({ applicationInsights: z.record(z.string(), z.unknown()).optional() }).optional(),
  extensionBundle: z.strictObject({ id: z.literal('Microsoft.Azure.Functions.ExtensionBundle'), version: z.string() }).optional(),
  extensions: z
    .strictObject({
      http: z.strictObject({ routePrefix: z.string().optional() }).optional(),
      queues: z
        .strictObject({
          batchSize: count(1).max(32).optional(),
          newBatchThreshold: count(0).optional(),
          maxDequeueCount: count(1).optional(),
          visibilityTimeout: timeSpan.optional(),
          maxPollingInterval: timeSpan.optional(),
          messageEncoding: z.enum(['base64', 'none']).optional(),
        })
        .optional(),
      blobs: z.strictObject({ maxDegreeOfParallelism: count(1).optional(), poisonBlobThreshold: count(1).optional() }).optional(),
      durableTask: z
        .strictObject({
          hubName: z
            .string()
            .regex(/^[a-zA-Z][a-zA-Z0-9]{2,44}$/, 'must be 3–45 letters and digits, starting with a letter')
            .optional(),
          maxConcurrentActivityFunctions: count(1).optional(),
          maxConcurrentOrchestratorFunctions: count(1).optional(),
        })
        .optional(),
    })
    .optional(),
});

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => (at ? `${at}.${key}` : key));
    return `${keys.join(', ')}: the devhost does not apply ${keys.length === 1 ? 'this setting' : 'these settings'}, so the app would behave differently on Azure; remove ${keys.length === 1 ? 'it' : 'them'} or teach the devhost (devhost/README.md lists what it applies)`;
  }
  return `${at || '(root)'}: ${issue.message}`;
}

/** The host's defaults scale with the instance's cores; the devhost's instance is this machine. */
const CORES = os.availableParallelism();

export function readHostSettings(appRoot: string): HostSettings {
  const file = path.join(appRoot, 'host.json');
  const parsed = hostJsonSchema.safeParse(readJson(file) ?? { version: '2.0' });
  if (!parsed.success) throw new DevhostError(`${file}:\n  ${parsed.error.issues.map(describeIssue).join('\n  ')}`);
  const { functionTimeout, extensions = {} } = parsed.data;
  const { http = {}, queues = {}, blobs = {}, durableTask = {} } = extensions;
  const batchSize = queues.batchSize ?? 16;
  return {
    routePrefix: (http.routePrefix ?? 'api').replace(/^\/+|\/+$/g, ''),
    queues: {
      batchSize,
      newBatchThreshold: queues.newBatchThreshold ?? Math.floor(batchSize / 2),
      maxDequeueCount: queues.maxDequeueCount ?? 5,
      visibilityTimeoutMs: queues.visibilityTimeout ? timeSpanToMilliseconds(queues.visibilityTimeout) : 0,
      maxPollingIntervalMs: queues.maxPollingInterval ? Math.max(100, timeSpanToMilliseconds(queues.maxPollingInterval)) : 60_000,
      messageEncoding: queues.messageEncoding ?? 'base64',
    },
    blobs: {
      maxDegreeOfParallelism: blobs.maxDegreeOfParallelism ?? 8 * CORES,
      poisonBlobThreshold: blobs.poisonBlobThreshold ?? 5,
    },
    durableTask: {
      // The extension's name for a hub nobody named (locally; on Azure it defaults to the site name).
      hubName: durableTask.hubName ?? 'TestHubName',
      maxConcurrentActivityFunctions: durableTask.maxConcurrentActivityFunctions ?? 10 * CORES,
      maxConcurrentOrchestratorFunctions: durableTask.maxConcurrentOrchestratorFunctions ?? 10 * CORES,
    },
    functionTimeoutMs:
      functionTimeout === undefined || functionTimeout === -1 || functionTimeout === '-1'
        ? undefined
        : timeSpanToMilliseconds(functionTimeout),
  };
}

export function readLocalSettings(appRoot: string): LocalSettings {
  const settings = readJson(path.join(appRoot, 'local.settings.json')) ?? {};
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(objectAt(settings, 'Values'))) {
    if (value !== null && value !== undefined) values[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const host = objectAt(settings, 'Host');
  const corsOrigins =
    typeof host.CORS === 'string'
      ? host.CORS.split(',')
          .map((origin) => origin.trim())
          .filter(Boolean)
      : [];
  const localHttpPort = typeof host.LocalHttpPort === 'number' ? host.LocalHttpPort : undefined;
  return { values, corsOrigins, localHttpPort };
}
