/**
 * What a benchmark started (databases, Azurite, the devhost) is undone even when the run is
 * interrupted: benchmarks register their undo steps here, and the runner runs what is left on Ctrl-C.
 */

const pending = new Set<() => Promise<void>>();

/** Runs `undo` when `release` is called, or on interruption if that comes first. */
export function onCleanup(undo: () => Promise<void>): () => Promise<void> {
  let done = false;
  const release = async () => {
    if (done) return;
    done = true;
    pending.delete(release);
    await undo();
  };
  pending.add(release);
  return release;
}

/** Undoes everything still registered, newest first. */
export async function cleanUpAll(): Promise<void> {
  for (const release of [...pending].reverse()) {
    await release().catch((error: unknown) => console.error('Clean-up failed:', error));
  }
}
