import { lazy, Suspense, useMemo, useState } from 'react';
import { createApiClient } from './api/apiClient.js';
import { NO_FILTERS, type GalleryFilters } from './api/galleryQuery.js';
import { LocalSignIn } from './auth/LocalSignIn.js';
import { clearSession, readSession, saveSession, type LocalSession } from './auth/localSession.js';
import { ExportsView } from './exports/ExportsView.js';
import { Gallery } from './gallery/Gallery.js';
import { ApiKeysPanel } from './keys/ApiKeysPanel.js';
import { SharedLinksView } from './share/SharedLinksView.js';
import { TrashView } from './trash/TrashView.js';

const VIEWS = { gallery: 'Gallery', shares: 'Shared links', trash: 'Recently deleted', exports: 'Exports', usage: 'Usage' } as const;
type View = keyof typeof VIEWS;

// The charts' library is loaded with the Usage view, not with the gallery.
const UsageView = lazy(async () => ({ default: (await import('./usage/UsageView.js')).UsageView }));

/** The page served at `/` and `/gallery`: local sign-in, then the signed-in person's gallery, share links, recently deleted images, exports or usage. */
export function App() {
  const [session, setSession] = useState<LocalSession | null>(readSession);
  const [view, setView] = useState<View>('gallery');
  const [notice, setNotice] = useState<string | null>(null);
  const [showKeys, setShowKeys] = useState(false);
  // The gallery's filters as it left them, which the Exports view can export.
  const [galleryFilters, setGalleryFilters] = useState<GalleryFilters>(NO_FILTERS);

  const api = useMemo(
    () =>
      session &&
      createApiClient({
        // Empty: the API is at the page's own origin (the devhost, the Vite dev server's proxy).
        baseUrl: import.meta.env.VITE_API_BASE_URL ?? '',
        getToken: () => session.token,
        onUnauthorized: (error) => {
          clearSession();
          setSession(null);
          setNotice(`${error.message} Sign in again to go on.`);
        },
      }),
    [session],
  );

  if (!session || !api) {
    return (
      <LocalSignIn
        notice={notice}
        onSignedIn={(signedIn) => {
          saveSession(signedIn);
          setNotice(null);
          setGalleryFilters(NO_FILTERS);
          setSession(signedIn);
        }}
      />
    );
  }

  return (
    <>
      <header className="app-header">
        <h1>detour</h1>
        <nav aria-label="Views" className="app-views">
          {(Object.keys(VIEWS) as View[]).map((name) => (
            <button key={name} type="button" aria-pressed={view === name} onClick={() => setView(name)}>
              {VIEWS[name]}
            </button>
          ))}
        </nav>
        <p>
          Signed in as <strong>{session.userId}</strong>
        </p>
        <button type="button" aria-expanded={showKeys} onClick={() => setShowKeys((shown) => !shown)}>
          API keys
        </button>
        <button
          type="button"
          onClick={() => {
            clearSession();
            setSession(null);
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        {showKeys && <ApiKeysPanel key={session.userId} api={api} />}
        {view === 'gallery' && <Gallery key={session.userId} api={api} onFiltersChange={setGalleryFilters} />}
        {view === 'shares' && <SharedLinksView key={session.userId} api={api} />}
        {view === 'trash' && <TrashView key={session.userId} api={api} />}
        {view === 'exports' && <ExportsView key={session.userId} api={api} filters={galleryFilters} />}
        {view === 'usage' && (
          <Suspense fallback={<p aria-busy="true">Loading the usage charts…</p>}>
            <UsageView key={session.userId} api={api} />
          </Suspense>
        )}
      </main>
    </>
  );
}
