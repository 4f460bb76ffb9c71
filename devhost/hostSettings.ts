import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DevhostError } from './errors.js';

/**
 * The parts of `host.json` and `local.settings.json` the devhost honours, with the real host's
 * defaults for anything the files leave out.
 */

export interface QueueSettings {
  batchSize: number;
  /** A new batch is fetched once no more than this many messages are still running. */
  newBatchThreshold: number;
  maxDequeueCount: number;
  /** How long a failed message stays invisible before its next try. */
  visibilityTimeoutMs: number;
  messageEncoding: 'base64' | 'none';
}

export interface HostSettings {
  routePrefix: string;
  queues: QueueSettings;
  durableHubName: string;
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

function positiveInteger(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new DevhostError(`host.json ${name} must be a non-negative integer.`);
  }
  return value;
}

export function readHostSettings(appRoot: string): HostSettings {
  const hostJson = readJson(path.join(appRoot, 'host.json')) ?? {};
  const extensions = objectAt(hostJson, 'extensions');
  const http = objectAt(extensions, 'http');
  const queues = objectAt(extensions, 'queues');
  const durableTask = objectAt(extensions, 'durableTask');

  // The queue service hands out at most 32 messages per call; the host caps batchSize the same way.
  const batchSize = Math.min(32, Math.max(1, positiveInteger(queues.batchSize, 16, 'extensions.queues.batchSize')));
  const encoding = queues.messageEncoding ?? 'base64';
  if (encoding !== 'base64' && encoding !== 'none') {
    throw new DevhostError('host.json extensions.queues.messageEncoding must be "base64" or "none".');
  }
  return {
    routePrefix: typeof http.routePrefix === 'string' ? http.routePrefix.replace(/^\/+|\/+$/g, '') : 'api',
    queues: {
      batchSize,
      newBatchThreshold: positiveInteger(queues.newBatchThreshold, Math.floor(batchSize / 2), 'extensions.queues.newBatchThreshold'),
      maxDequeueCount: Math.max(1, positiveInteger(queues.maxDequeueCount, 5, 'extensions.queues.maxDequeueCount')),
      visibilityTimeoutMs: typeof queues.visibilityTimeout === 'string' ? timeSpanToMilliseconds(queues.visibilityTimeout) : 0,
      messageEncoding: encoding,
    },
    durableHubName: typeof durableTask.hubName === 'string' && durableTask.hubName ? durableTask.hubName : 'DetourHub',
  };
}

export function readLocalSettings(appRoot: string): LocalSettings {
  const settings = readJson(path.join(appRoot, 'local.settings.json')) ?? {};
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(objectAt(settings, 'Values'))) {
    if (value !== null && value !== undefined) values[name] = String(value);
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
