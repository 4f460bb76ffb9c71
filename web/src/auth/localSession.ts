import { ApiError } from '../api/apiError.js';

/** Who is signed in on this tab, with the local token the devhost signed for them. */
export interface LocalSession {
  userId: string;
  token: string;
}

import { USER_ID_PATTERN } from '../../../shared/auth/userIdPattern.js';

const SESSION_KEY = 'detour.session';
const RECENT_USERS_KEY = 'detour.recentUsers';
const RECENT_USERS_KEPT = 6;

export function readSession(): LocalSession | null {
  const stored = sessionStorage.getItem(SESSION_KEY);
  if (!stored) return null;
  const session = JSON.parse(stored) as Partial<LocalSession>;
  return typeof session.userId === 'string' && typeof session.token === 'string' ? { userId: session.userId, token: session.token } : null;
}

export function saveSession(session: LocalSession): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  const others = recentUserIds().filter((userId) => userId !== session.userId);
  localStorage.setItem(RECENT_USERS_KEY, JSON.stringify([session.userId, ...others].slice(0, RECENT_USERS_KEPT)));
}

export function clearSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** The user names signed in with on this browser, most recent first. */
export function recentUserIds(): string[] {
  const stored: unknown = JSON.parse(localStorage.getItem(RECENT_USERS_KEY) ?? '[]');
  return Array.isArray(stored) ? stored.filter((entry): entry is string => typeof entry === 'string' && USER_ID_PATTERN.test(entry)) : [];
}

/**
 * Asks the devhost's dev-only `POST /dev/token` for a local token. That route exists only while the
 * devhost runs (`npm start`); production tokens come from the identity provider.
 */
export async function requestLocalToken(userId: string, baseUrl = ''): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ userId }),
    });
  } catch (cause) {
    throw ApiError.unreachable(cause);
  }
  if (response.status === 404) {
    throw new ApiError(404, 'not_found', 'This server has no local sign-in: it exists only when the devhost runs (npm start).');
  }
  if (!response.ok) throw await ApiError.fromResponse(response);
  const { token } = (await response.json()) as { token: string };
  return token;
}
