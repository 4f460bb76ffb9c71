import { SignJWT } from 'jose';

export interface SignLocalTokenOptions {
  userId: string;
  secret: string;
  email?: string;
  name?: string;
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
}

/** An HS256 token for local use and tests (production tokens come from the identity provider). */
export function signLocalToken(options: SignLocalTokenOptions): Promise<string> {
  const jwt = new SignJWT({ email: options.email, name: options.name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userId)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt.setIssuer(options.issuer);
  if (options.audience) jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
