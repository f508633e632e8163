// VaxPass service worker: makes the portal load with no network after one visit.
//
// App shell: index.html and the files it names (hashed wasm, js, css) are cached at install
// and served cache-first; index.html itself is revalidated from the network when online.
// Trust lists are NOT handled here: the app checks their signatures and keeps the verified
// copy itself (Cache API "vaxpass-lists-v1"). Nothing about scanned certificates is ever
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

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  // The lists (trust lists, revocation filter) are kept by the app itself, checked, in its own
  // cache: never in the shell cache.
  if (url.pathname.startsWith('/trust-lists/') || url.pathname.startsWith('/.well-known/') ||
      url.pathname.startsWith('/revocation/') ||
      url.pathname === '/trust-anchor.pem' || url.pathname === '/healthz') return;
  if (req.mode === 'navigate') {
    // Network first for the page (new releases), the cached shell when offline.
    event.respondWith((async () => {
      try {
        const fresh = await fetch(req);
        if (fresh.ok) {
          const cache = await caches.open(SHELL);
          await cache.put('/', fresh.clone());
          // A new index names new hashed files: fetch them while online.
          const html = await fresh.clone().text();
          const missing = [];
          for (const m of html.matchAll(/(?:href|src)=["'](\/[^"'?#]+)["']|from ['"](\/[^'"]+)['"]|['"](\/[^'"\s]+\.wasm)['"]/g)) {
            const path = m[1] || m[2] || m[3];
            if (path && !(await cache.match(path))) missing.push(path);
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
  // Unhashed files (the scanner worker, icon, manifest): network first, cache when offline.
  if (!/-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/.test(url.pathname)) {
    event.respondWith((async () => {
      try {
        const fresh = await fetch(req);
        if (fresh.ok) {
          const cache = await caches.open(SHELL);
          event.waitUntil(cache.put(req, fresh.clone()));
        }
        return fresh;
      } catch (e) {
        const cached = await caches.match(req, { ignoreSearch: true });
        if (cached) return cached;
        throw e;
      }
    })());
    return;
  }
  // Hashed assets never change: cache first.
  event.respondWith((async () => {
    const cached = await caches.match(req, { ignoreSearch: true });
    if (cached) return cached;
    const fresh = await fetch(req);
    if (fresh.ok) {
      const cache = await caches.open(SHELL);
      event.waitUntil(cache.put(req, fresh.clone()));
    }
    return fresh;
  })());
});
