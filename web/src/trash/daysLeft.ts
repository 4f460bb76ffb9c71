const DAY_MS = 86_400_000;

/** How the trash tells when an image goes for good: whole days left, rounded up, as people count them. */
export function daysLeftLabel(purgeAt: string, now: Date): string {
  const days = Math.ceil((Date.parse(purgeAt) - now.getTime()) / DAY_MS);
  if (days <= 0) return 'Deleted for good soon';
  return days === 1 ? '1 day left' : `${days} days left`;
}
