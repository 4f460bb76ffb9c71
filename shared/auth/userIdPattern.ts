const USER_ID_CHARACTERS = '[A-Za-z0-9._@|-]{1,128}';

/**
 * docs/api.md: a user id (the token's `sub`) is 1–128 characters of `[A-Za-z0-9._@|-]`, and not dots only: `.`
 * and `..` are path segments, and a user id is the first segment of every blob name.
 */
export const USER_ID_PATTERN = new RegExp(`^(?!\\.+$)${USER_ID_CHARACTERS}$`);

/** The same rule for a user id that starts a path (followed by `/`), for the blob name patterns. */
export const USER_ID_PATH_SEGMENT = `(?!\\.+/)${USER_ID_CHARACTERS}`;
