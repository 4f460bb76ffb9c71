/**
 * The scope a trash cursor is signed for (`encodeGalleryCursor`): the trash has no filters or sort, so
 * the user alone. A gallery scope key (`galleryScopeKey`) is a JSON array of eight entries, this one of
 * two, so a cursor of one listing is never accepted by the other.
 */
export function trashScopeKey(userId: string): string {
  return JSON.stringify(['trash', userId]);
}
