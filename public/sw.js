// VaxPass service worker: makes the portal load with no network after one visit.
//
// App shell: index.html and the files it names (hashed wasm, js, css) are cached at install
// and served cache-first; index.html itself is revalidated from the network when online.
// Trust lists are NOT handled here: the app checks their signatures and keeps the verified
// copy itself (Cache API caches "vaxpass-lists-<sequence>-<time>"). Nothing about scanned certificates is ever
// seen here: verifying makes no request at all.
'use strict';

const SHELL = 'vaxpass-shell-v1';

async function shellFiles() {
  const res = await fetch('/', { cache: 'no-cache' });
  const html = await res.clone().text();
  // The QR scanner worker is not named in the page (the app starts it on first use).
  const files = new Set(['/', '/manifest.webmanifest', '/icon.svg',
    '/vaxpass-scanner_loader.js', '/vaxpass-scanner.js', '/vaxpass-scanner_bg.wasm']);
  for (const m of html.matchAll(/(?:href|src)=["'](\/[^"'?#]+)["']|from ['"](\/[^'"]+)['"]|['"](\/[^'"\s]+\.wasm)['"]/g)) {
    const path = m[1] || m[2] || m[3];
    if (path && !path.startsWith('//')) files.add(path);
  }
  return { res, files };
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    const { res, files } = await shellFiles();
    await cache.put('/', res);
    files.delete('/');
    await cache.addAll([...files]);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('vaxpass-shell-') && key !== SHELL) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

// The shell cache holds exactly what install precached and what a fresh start page names: a
// response is stored only under a path already there (an update of it), and the start page
// only from a navigation to '/'. So a visit to any other address (say /icon.svg opened as a
// page) can never replace the offline start page or add files of its own.
const NAMED = /(?:href|src)=["'](\/[^"'?#]+)["']|from ['"](\/[^'"]+)['"]|['"](\/[^'"\s]+\.wasm)['"]/g;

async function updateIfKept(cache, path, res) {
  if (res.ok && res.type === 'basic' && await cache.match(path)) await cache.put(path, res);
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  // The lists (trust lists, revocation filter) are kept by the app itself, checked, in its own
  // caches: never in the shell cache.
  if (url.pathname.startsWith('/trust-lists/') || url.pathname.startsWith('/.well-known/') ||
      url.pathname.startsWith('/revocation/') ||
      url.pathname === '/trust-anchor.pem' || url.pathname === '/healthz') return;
  if (req.mode === 'navigate' && url.pathname === '/') {
    // Network first for the start page (new releases), the cached shell when offline.
    event.respondWith((async () => {
      try {
        const fresh = await fetch(req);
        const type = fresh.headers.get('content-type') || '';
        if (fresh.ok && fresh.type === 'basic' && type.startsWith('text/html')) {
          const cache = await caches.open(SHELL);
          await cache.put('/', fresh.clone());
          // A new start page names new hashed files: fetch them while online.
          const html = await fresh.clone().text();
          const missing = [];
          for (const m of html.matchAll(NAMED)) {
            const path = m[1] || m[2] || m[3];
            if (path && !path.startsWith('//') && !(await cache.match(path))) missing.push(path);
          }
          event.waitUntil(cache.addAll(missing).catch(() => {}));
        }
        return fresh;
      } catch (e) {
        const cached = await caches.match('/', { ignoreSearch: true });
        if (cached) return cached;
        throw e;
      }
    })());
    return;
  }
  // Unhashed files (the scanner worker, icon, manifest), also opened as pages: network first,
  // the cached copy when offline; the cache is refreshed only for files it already holds.
  if (!/-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/.test(url.pathname)) {
    event.respondWith((async () => {
      try {
        const fresh = await fetch(req);
        const cache = await caches.open(SHELL);
        event.waitUntil(updateIfKept(cache, url.pathname, fresh.clone()));
        return fresh;
      } catch (e) {
        const cached = await caches.match(url.pathname);
        if (cached) return cached;
        throw e;
      }
    })());
    return;
  }
  // Hashed assets never change: cache first (they were stored when a start page named them).
  event.respondWith((async () => {
    const cached = await caches.match(url.pathname);
    return cached || fetch(req);
  })());
});
