import type { UploadTicket } from './apiTypes.js';

/** Blob Storage refused the upload, or the browser could not reach it (status 0). */
class BlobUploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'BlobUploadError';
  }
}

/** Blob Storage's XML error body: `<Error><Code>…</Code><Message>…</Message></Error>`. */
function storageErrorText(xml: string): string | undefined {
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1]?.split('\n')[0];
  if (!code) return undefined;
  return message ? `${code}: ${message}` : code;
}

/**
 * PUTs the file to the upload link of `POST /api/uploads` with the headers it names. XMLHttpRequest,
 * not fetch: only it reports upload progress. Resolves on Blob Storage's 201.
 */
export function putToBlobStorage(upload: UploadTicket['upload'], file: Blob, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers)) request.setRequestHeader(name, value);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      if (request.status === 201) {
        onProgress(1);
        resolve();
        return;
      }
      const reason = storageErrorText(request.responseText) ?? `status ${request.status}`;
      reject(new BlobUploadError(request.status, `Storage refused the file (${reason}).`));
    });
    request.addEventListener('error', () => {
      reject(
        new BlobUploadError(0, 'The file could not be sent to storage: the connection failed or storage does not admit this page (CORS).'),
      );
    });
    request.send(file);
  });
}
