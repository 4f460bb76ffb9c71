import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { postToReceiver } from './postToReceiver.js';
import { checkReceiver, isPublicAddress, ReceiverRefused } from './receiverAddress.js';

const production = { allowLocalReceivers: false };

describe('webhook receivers (SSRF)', () => {
  it('tells public addresses from loopback, private, link-local and reserved ones', () => {
    for (const address of ['8.8.8.8', '151.101.1.69', '2606:4700::1111']) expect(isPublicAddress(address), address).toBe(true);
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      'not an address',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it('refuses in production: http, credentials in the URL, private literals and names that resolve to them', async () => {
    for (const url of [
      'http://example.com/hook',
      'https://user:pass@example.com/hook',
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:10.0.0.1]/hook',
      'https://localhost/hook',
    ]) {
      await expect(checkReceiver(new URL(url), production), url).rejects.toBeInstanceOf(ReceiverRefused);
    }
  });

  it('allows a local receiver only when the setting does (development and tests)', async () => {
    await expect(checkReceiver(new URL('http://127.0.0.1:9/hook'), { allowLocalReceivers: true })).resolves.toBeUndefined();
  });

  it('does not connect to a name that resolves to loopback, and does not follow redirects', async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // The URL rules pass for an https name; the connection's own lookup refuses its loopback address.
      const refused = await postToReceiver(`https://localhost:${port}/hook`, '{}', {}, production);
      expect(refused).toMatchObject({ refused: true });
      expect(requests).toBe(0);
      const redirected = await postToReceiver(`http://localhost:${port}/hook`, '{}', {}, { allowLocalReceivers: true });
      expect(redirected).toEqual({ statusCode: 302 });
      expect(requests).toBe(1);
    } finally {
      server.close();
    }
  });
});
