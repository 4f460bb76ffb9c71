/**
 * The devhost's one error type: a function app the devhost cannot run as the real host would (a bad
 * host.json, an unknown binding, a missing connection setting). Thrown at start-up, with the name of
 * what to fix.
 */
export class DevhostError extends Error {
  override name = 'DevhostError';
}
