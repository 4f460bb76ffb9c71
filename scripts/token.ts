import { signLocalToken } from '../shared/auth/signLocalToken.js';
import { loadConfig } from '../shared/config.js';

/**
 * `npm run token -- <user> [hours]`: prints a local access token for that user, signed with
 * AUTH_JWT_SECRET (or the local development secret), for curl and scripts against `npm start`.
 */
const [userId, hours = '12'] = process.argv.slice(2);
if (!userId) {
  console.error('Usage: npm run token -- <user id> [hours]');
  process.exit(2);
}
const config = loadConfig();
if (!config.auth.jwtSecret) {
  console.error('No AUTH_JWT_SECRET: tokens of this deployment come from its identity provider.');
  process.exit(1);
}
console.log(
  await signLocalToken({
    userId,
    secret: config.auth.jwtSecret,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    expiresIn: `${Number(hours)}h`,
  }),
);
