const DAY_MS = 86_400_000;

/**
 * The retention rule of the trash, in one place: an image trashed at `trashedAt` is deleted for good
 * `retentionDays` (TRASH_RETENTION_DAYS) later. The listing shows this date; the clean-up timer purges
 * what is past it.
 */
export function purgeAtOf(trashedAt: Date, retentionDays: number): Date {
  return new Date(trashedAt.getTime() + retentionDays * DAY_MS);
}

/** Images trashed before this instant are past their retention at `now`. */
export function expiredTrashCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}
