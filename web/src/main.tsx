import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { SharePage } from './share/SharePage.js';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
// `/s/{token}` is a share link's page, for anyone; every other path is the signed-in gallery.
const shareToken = /^\/s\/([A-Za-z0-9_-]+)\/?$/.exec(window.location.pathname)?.[1];
createRoot(root).render(
  <StrictMode>{shareToken ? <SharePage token={shareToken} apiBaseUrl={import.meta.env.VITE_API_BASE_URL ?? ''} /> : <App />}</StrictMode>,
);
