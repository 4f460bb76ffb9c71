/** docs/api.md: a user id (the token's `sub`) is 1–128 characters of `[A-Za-z0-9._@|-]`. */
export const USER_ID_PATTERN = /^[A-Za-z0-9._@|-]{1,128}$/;
