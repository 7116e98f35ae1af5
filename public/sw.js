'use strict';
// Soundwave's service worker. Hand-written, no build step: scripts/build.sh only stamps the
// build version below, so each build installs as a new worker with its own precache.
//
// Strategy per request kind:
// - Navigations (HTML pages): network first with a 3 s timeout. Pages are never stored: they
//   carry the signed-in user's data. Offline (or too slow), the answer is the precached
//   /offline.html shell, which holds no user data; the WASM then renders the playlists kept
//   on this device from IndexedDB.
// - Build assets (/pkg/app.js, app.wasm, app.css and the shell's static files): network first,
//   falling back to THIS build's precache. The server always has the current build, and the
//   precache always holds one complete build, so HTML, JS and WASM never come from two builds.
// - Audio (/api/audio/{id}/stream): answered from the signed-in user's audio cache with exact
//   byte ranges (206/416, see sw-range.js). Audio that is not cached passes straight through to
//   the network: the worker does not call respondWith for it.
// - Everything else (REST and server-function JSON, artwork, sign-in): not intercepted, never
//   stored.
//
// Background Sync (where the browser has it): plays made offline wait in the user's IndexedDB.
// When one could not be sent, the page asks for a `soundwave-plays` sync, and the browser wakes
// this worker once the network is back, even if no page is open; see sendWaitingPlays below.
//
// Updates: a new worker waits. The page shows "Update available" and posts SKIP_WAITING when
// the user clicks it (and only while nothing is playing); activation removes old shells.
//
// Cache names are defined here and once in Rust, in app/src/client/offline/names.rs; keep the
// two in step.

importScripts('/sw-range.js');

const VERSION = 'dev';
const SHELL_PREFIX = 'soundwave-shell-';
const SHELL_CACHE = `${SHELL_PREFIX}${VERSION}`;
const AUDIO_PREFIX = 'soundwave-audio-u';
const STATE_CACHE = 'soundwave-sw-state';
const STATE_USER_KEY = '/__soundwave/sw-user';
const SHELL_URL = '/offline.html';
const NAVIGATION_TIMEOUT_MS = 3000;
const PRECACHE = [
  SHELL_URL,
  '/pkg/app.js',
  '/pkg/app.wasm',
  '/pkg/app.css',
  '/sw-range.js',
  '/manifest.webmanifest',
  '/favicon.svg',
  '/icons/icon-192.png',
];
const AUDIO_PATH = /^\/api(?:\/v1)?\/audio\/[0-9]+\/stream$/;
// IndexedDB names from app/src/client/offline/{names,idb}.rs; keep them in step too.
const DATABASE_PREFIX = 'soundwave-u';
const PENDING_PLAYS = 'pending_plays';
const PLAYS_SYNC_TAG = 'soundwave-plays';

// The signed-in user (whose audio cache answers) and the paths in that cache. The user is also
// kept in Cache Storage, because the browser stops idle workers and memory does not survive.
let currentUser = null;
let audioIndex = null;
const stateReady = loadState().catch(() => { audioIndex = new Set(); });

async function loadState() {
  const cache = await caches.open(STATE_CACHE);
  const saved = await cache.match(STATE_USER_KEY);
  const body = saved ? await saved.json() : null;
  currentUser = body && Number.isInteger(body.user) ? body.user : null;
  await refreshIndex();
}

async function refreshIndex() {
  const name = currentUser === null ? null : `${AUDIO_PREFIX}${currentUser}`;
  if (name === null || !(await caches.has(name))) {
    audioIndex = new Set();
    return;
  }
  const keys = await (await caches.open(name)).keys();
  audioIndex = new Set(keys.map((request) => new URL(request.url).pathname));
}

async function setUser(user) {
  currentUser = Number.isInteger(user) ? user : null;
  const cache = await caches.open(STATE_CACHE);
  await cache.put(STATE_USER_KEY, new Response(JSON.stringify({ user: currentUser }), {
    headers: { 'Content-Type': 'application/json' },
  }));
  await refreshIndex();
}

self.addEventListener('install', (event) => {
  // `reload` skips the HTTP cache, so the precache is exactly what the server has now.
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) =>
    cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith(SHELL_PREFIX) && name !== SHELL_CACHE)
      .map((name) => caches.delete(name)));
    if (self.registration.navigationPreload) {
      await self.registration.navigationPreload.enable();
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  const reply = (message) => {
    if (event.source && event.source.postMessage) event.source.postMessage(message);
  };
  switch (data.type) {
    case 'SKIP_WAITING':
      self.skipWaiting();
      break;
    case 'SET_USER':
      event.waitUntil(setUser(data.user).then(() => reply({ type: 'USER_SET', user: currentUser })));
      break;
    case 'AUDIO_CHANGED':
      event.waitUntil(stateReady.then(refreshIndex).then(() => reply({ type: 'AUDIO_INDEXED' })));
      break;
    case 'PLAYS_WAITING':
      if (self.registration.sync) {
        event.waitUntil(self.registration.sync.register(PLAYS_SYNC_TAG).catch(() => {}));
      }
      break;
    case 'GET_VERSION':
      reply({ type: 'VERSION', version: VERSION });
      break;
    default:
      break;
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === 'navigate') {
    event.respondWith(navigation(event));
    return;
  }
  if (AUDIO_PATH.test(url.pathname)) {
    // Known not to be cached: leave the request alone, Range header and all.
    if (audioIndex !== null && !audioIndex.has(url.pathname)) return;
    event.respondWith(audio(request, url));
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(asset(request, url));
  }
});

async function navigation(event) {
  const network = (async () => {
    const preloaded = await event.preloadResponse;
    return preloaded || fetch(event.request);
  })();
  network.catch(() => {}); // a late failure after the timeout is not an error
  const timeout = new Promise((resolve) => setTimeout(resolve, NAVIGATION_TIMEOUT_MS, null));
  try {
    const response = await Promise.race([network, timeout]);
    if (response) return response;
  } catch (_) {
    // Offline: fall through to the shell.
  }
  const shell = await caches.match(SHELL_URL, { cacheName: SHELL_CACHE });
  return shell || network;
}

async function asset(request, url) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(url.pathname, { cacheName: SHELL_CACHE });
    if (cached) return cached;
    throw error;
  }
}

async function audio(request, url) {
  await stateReady;
  if (currentUser !== null) {
    const name = `${AUDIO_PREFIX}${currentUser}`;
    if (await caches.has(name)) {
      const cache = await caches.open(name);
      const hit = await cache.match(url.origin + url.pathname);
      if (hit) return self.SoundwaveRange.rangedResponse(request, hit);
    }
  }
  return fetch(request);
}

self.addEventListener('sync', (event) => {
  if (event.tag === PLAYS_SYNC_TAG) event.waitUntil(sendWaitingPlays());
});

// Posts the signed-in user's waiting plays in one batch and forgets them once the server has
// them. The batch gets a new id and no cache counters: the server counts each play once by its
// own UUID, so a page sending the same plays at the same moment double-counts nothing, and the
// counters stay for the page's next batch. A rejected promise makes the browser retry later.
async function sendWaitingPlays() {
  await stateReady;
  if (currentUser === null) return;
  const db = await openUserDatabase(currentUser);
  if (db === null) return;
  try {
    const plays = await requestDone(db.transaction(PENDING_PLAYS).objectStore(PENDING_PLAYS).getAll());
    if (plays.length === 0) return;
    const response = await fetch('/api/plays/', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_id: self.crypto.randomUUID(), plays, cache_hits: 0, cache_misses: 0 }),
    });
    // Signed out, or a batch the server refuses: retrying would not help. The plays stay
    // queued for the page, which shows the reason when it sends them.
    if (response.status >= 400 && response.status < 500) return;
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    const tx = db.transaction(PENDING_PLAYS, 'readwrite');
    const store = tx.objectStore(PENDING_PLAYS);
    for (const play of plays) store.delete(play.client_id);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

// Opens the user's database if the page has created it; never creates one, since only the
// page knows its stores (an empty database would stop the page from ever adding them).
function openUserDatabase(user) {
  return new Promise((resolve) => {
    const request = indexedDB.open(`${DATABASE_PREFIX}${user}`);
    request.onupgradeneeded = () => request.transaction.abort();
    request.onerror = (event) => {
      event.preventDefault();
      resolve(null);
    };
    request.onsuccess = () => {
      const db = request.result;
      if (db.objectStoreNames.contains(PENDING_PLAYS)) {
        resolve(db);
      } else {
        db.close();
        resolve(null);
      }
    };
  });
}

function requestDone(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
