import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../shared/config.js';
import { uploadEventsSubscription } from './uploadEventsSubscription.js';

/**
 * Locally the relay delivers the upload events as the subscription of infra/app/blob-events.bicep does
 * on Azure: this reads the template and fails when the two drift apart.
 */

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
const template = read('infra/app/blob-events.bicep');

/** The text of `pattern`'s first group in `text`; fails the test when the template no longer has it. */
function declared(text: string, pattern: RegExp): string {
  const found = pattern.exec(text)?.[1];
  if (found === undefined)
    throw new Error(`The template no longer matches ${pattern}: update this test and dev/uploadEventsSubscription.ts`);
  return found;
}

describe('the local upload events subscription', () => {
  const subscription = uploadEventsSubscription({ hostUrl: 'http://localhost:7071', blobsExtensionKey: 'key/+=', maxUploadBytes: 1234 });
  const functionName = declared(template, /param functionName string = '([^']+)'/);
  const containerName = declared(template, /param containerName string = '([^']+)'/);

  it('posts to the webhook URL of the template, for its function, with the blobs_extension key', () => {
    const endpoint = declared(template, /endpointUrl: '([^']+)'/)
      .replace('https://${functionApp.properties.defaultHostName}', 'http://localhost:7071')
      .replace('${functionName}', functionName)
      .replace('${blobsExtensionKey}', encodeURIComponent('key/+='));
    expect(subscription.endpointUrl).toBe(endpoint);
  });

  it('filters event types and subjects as the template does', () => {
    expect(subscription.includedEventTypes).toEqual(
      declared(template, /includedEventTypes: \[([^\]]+)\]/)
        .split(',')
        .map((type) => type.trim().replace(/^'|'$/g, '')),
    );
    expect(subscription.subjectBeginsWith).toBe(
      declared(template, /subjectBeginsWith: '([^']+)'/).replace('${containerName}', containerName),
    );
  });

  it('leaves out blobs over the size limit, as the template does with MAX_UPLOAD_BYTES', () => {
    const filters = declared(template, /advancedFilters: \[([\s\S]*?)\n {6}\]/);
    expect([...filters.matchAll(/operatorType: '(\w+)'\s+key: '([^']+)'\s+value: (\w+)/g)].map((match) => match.slice(1))).toEqual([
      ['NumberLessThanOrEquals', 'data.contentLength', 'maxUploadBytes'],
    ]);
    expect(subscription.advancedFilters).toEqual([{ operatorType: 'NumberLessThanOrEquals', key: 'data.contentLength', value: 1234 }]);
    // On Azure the template's maxUploadBytes is the app's MAX_UPLOAD_BYTES: main.bicep's parameter, whose default is the app's.
    const main = read('infra/main.bicep');
    expect(main).toContain('MAX_UPLOAD_BYTES: string(maxUploadBytes)');
    expect(main).toContain('output MAX_UPLOAD_BYTES int = maxUploadBytes');
    expect(read('infra/scripts/subscribe-blob-events.sh')).toContain('maxUploadBytes="$MAX_UPLOAD_BYTES"');
    expect(Number(declared(main, /param maxUploadBytes int = (\d+)/))).toBe(loadConfig({}).limits.maxUploadBytes);
  });
});
