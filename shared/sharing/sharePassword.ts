import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Share-link passwords, stored as `scrypt$N$r$p$salt$hash` (base64url salt and hash): the parameters
 * travel with the hash, so stronger ones later still verify the old hashes. N = 2^15, r = 8, p = 1 is
 * the OWASP minimum for scrypt (32 MiB and ~50 ms per try), which makes an offline guess at a leaked
 * hash slow; online guesses are also capped per link (unlockShareLink.ts).
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // Node refuses more than 32 MiB by default; scrypt needs 128 * N * r bytes plus a little.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashSharePassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Made once per process: what an unknown link's "password" is checked against, so it costs the same time. */
let dummyHash: Promise<string> | undefined;

/**
 * Whether `password` opens a link with this stored hash. With no hash (an unknown link), the password is
 * still run through scrypt against a dummy hash and refused: the time taken does not tell the two apart.
 */
export async function verifySharePassword(storedHash: string | null, password: string): Promise<boolean> {
  dummyHash ??= hashSharePassword(randomBytes(16).toString('base64url'));
  const [scheme, n, r, p, salt, key, ...rest] = (storedHash ?? (await dummyHash)).split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key || rest.length > 0) throw new Error('Not a share password hash.');
  const expected = Buffer.from(key, 'base64url');
  const derived = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(derived, expected) && storedHash !== null;
}
