// Browser tests for the offline PWA: caching playlists, playing and seeking with no network,
// shared tracks, per-user isolation, the cache limit, service-worker updates and offline plays.
// Run with `node e2e/offline.mjs` after scripts/build.sh (scripts/test.sh does both).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, check, eventually, makeTrack, newBrowser, newServer, root, runTests } from './harness.mjs';

const PASSWORD = 'correct horse battery';
const server = await newServer();
// The server reads the site from a copy, so a test can deploy a "new build" while a page is open.
const site = join(server.home, 'site');
cpSync(join(root, 'target/site'), site, { recursive: true });
server.env.LEPTOS_SITE_ROOT = site;

const fixtures = join(server.home, 'fixtures');
mkdirSync(join(fixtures, 'bench'), { recursive: true });
const songs = ['Alpha', 'Bravo', 'Charlie', 'Delta'];
songs.forEach((title, i) => makeTrack(join(fixtures, `${title}.mp3`),
  { title, artist: 'Offline Band', album: 'Cached', track: i + 1, freq: 300 + 60 * i, seconds: 20 }));
for (let i = 0; i < 20; i += 1) {
  makeTrack(join(fixtures, 'bench', `Bench ${String(i).padStart(2, '0')}.mp3`),
    { title: `Bench ${String(i).padStart(2, '0')}`, artist: 'Bench', album: 'Bench', freq: 200 + 20 * i, seconds: 12 });
}
// Tracks nothing else caches, for a job still running when another tab removes the data.
const late = ['Late One', 'Late Two', 'Late Three'];
late.forEach((title, i) => makeTrack(join(fixtures, `${title}.mp3`),
  { title, artist: 'Late Band', album: 'Late', track: i + 1, freq: 700 + 40 * i, seconds: 20 }));
server.cli(['user', 'add', 'alice', '--admin'], `${PASSWORD}\n`);
server.cli(['user', 'add', 'bob'], `${PASSWORD}\n`);
server.cli(['import', fixtures, '--user', 'alice']);
server.cli(['import', fixtures, '--user', 'bob']);
await server.start();

const browser = await newBrowser();
const page = browser.pages()[0] ?? await browser.newPage();
const streamResponses = [];
page.on('response', (r) => {
  if (/\/api\/audio\/\d+\/stream/.test(r.url())) {
    streamResponses.push({ url: r.url(), status: r.status(), sw: r.fromServiceWorker() });
  }
});
const failedAssets = [];
page.on('response', (r) => {
  if (r.status() >= 400 && /\/(pkg|sw)/.test(new URL(r.url()).pathname)) failedAssets.push(`${r.status()} ${r.url()}`);
});
page.on('requestfailed', (r) => {
  if (/\/pkg\//.test(r.url())) failedAssets.push(`failed ${r.url()}`);
});

const hydrated = () => page.waitForFunction(
  () => document.documentElement.dataset.hydrated === 'true', null, { timeout: 20_000 });
const audioState = () => page.evaluate(() => {
  const a = document.querySelector('audio');
  return a && { t: a.currentTime, paused: a.paused, d: a.duration, src: a.currentSrc };
});

async function signIn(name) {
  await page.goto(`${server.base}/login`);
  await hydrated();
  await page.fill('input[name=username]', name);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForURL('**/library'), page.click('button[type=submit]')]);
  await hydrated();
}

/** JSON from the REST API with the page's session cookie. */
const api = (path, method = 'GET', body) => page.evaluate(async ([path, method, body]) => {
  const res = await fetch(path, {
    method, headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}, [path, method, body]);

async function trackIds(titles) {
  const { body } = await api('/api/audio/?page_size=100');
  return titles.map((t) => {
    const track = body.data.find((x) => x.title === t);
    check(track, `no track ${t}`);
    return track.id;
  });
}

async function makePlaylist(title, ids) {
  const created = await api('/api/playlist/', 'POST', { title });
  check(created.status === 201, `create playlist: ${created.status}`);
  for (const id of ids) {
    const added = await api(`/api/playlist/${created.body.id}/items/`, 'POST', { track_id: id });
    check(added.status === 201, `add item: ${added.status}`);
  }
  return created.body.id;
}

/** Paths held in the user's audio cache, read by the page. */
const cachedPaths = (user) => page.evaluate(async (name) => {
  if (!(await caches.has(name))) return [];
  const keys = await (await caches.open(name)).keys();
  return keys.map((k) => new URL(k.url).pathname).sort();
}, `soundwave-audio-u${user}`);

const swVersion = () => page.evaluate(() => new Promise((resolve) => {
  navigator.serviceWorker.addEventListener('message', function once(e) {
    if (e.data && e.data.type === 'VERSION') {
      navigator.serviceWorker.removeEventListener('message', once);
      resolve(e.data.version);
    }
  });
  navigator.serviceWorker.controller.postMessage({ type: 'GET_VERSION' });
}));

async function makeOffline(id) {
  await page.goto(`${server.base}/playlists/${id}`);
  await hydrated();
  await page.click(`.offline-toggle[data-playlist="${id}"] .offline-make`);
}

const offlineDone = (id) => page.waitForSelector(
  `.offline-toggle[data-playlist="${id}"] .status-synced`, { timeout: 60_000 });

async function seek(to) {
  await page.evaluate((to) => {
    const bar = document.querySelector('.seek-bar');
    bar.value = String(to);
    bar.dispatchEvent(new Event('input', { bubbles: true }));
    bar.dispatchEvent(new Event('change', { bubbles: true }));
  }, to);
}

const adminTotals = async () => (await page.evaluate(async () => {
  const res = await fetch('/sfn/offline_totals', { method: 'POST' });
  return res.json();
}));

let alice;
let bob;
let ids;
let roadTrip;
let shared;
let pendingOffline = 0;

/** Saves the cache limit and waits until the page shows it saved: the stored settings load
 * asynchronously and may overwrite a value typed before they arrived. */
async function setCacheLimit(value) {
  await eventually(async () => {
    await page.fill('.cache-limit input[name=limit]', value);
    await page.click('.cache-limit button[type=submit]');
    await page.waitForTimeout(300);
    return (await page.inputValue('.cache-limit input[name=limit]')) === value;
  }, `the cache limit ${JSON.stringify(value)} was not saved`);
}

/** Puts a play in the user's queue in IndexedDB, as the client does for a play it could not
 * send yet (same record shape as the client's PlayReport). */
const queuePlay = (user, track, clientId = null) => page.evaluate(async ([name, track, clientId]) => new Promise((resolve, reject) => {
  const open = indexedDB.open(name);
  open.onsuccess = () => {
    const tx = open.result.transaction('pending_plays', 'readwrite');
    tx.objectStore('pending_plays').put({ client_id: clientId ?? crypto.randomUUID(), track_id: track,
      played_at: Math.floor(Date.now() / 1000), seconds: 42, offline: true });
    tx.oncomplete = () => { open.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
}), [`soundwave-u${user}`, track, clientId]);

/** The offline playlists that claim a track, from the user's IndexedDB track index. */
const trackClaims = (user, track) => page.evaluate(async ([name, track]) => new Promise((resolve) => {
  const open = indexedDB.open(name);
  open.onsuccess = () => {
    const req = open.result.transaction('tracks').objectStore('tracks').get(track);
    req.onsuccess = () => { open.result.close(); resolve(req.result ? req.result.playlists : null); };
  };
}), [`soundwave-u${user}`, track]);

/** How many plays wait in the user's queue in IndexedDB. */
const queuedPlays = (user) => page.evaluate(async (name) => new Promise((resolve) => {
  const open = indexedDB.open(name);
  open.onsuccess = () => {
    const req = open.result.transaction('pending_plays').objectStore('pending_plays').count();
    req.onsuccess = () => { open.result.close(); resolve(req.result); };
  };
}), `soundwave-u${user}`);

/** Fires a Background Sync event at this site's worker, as the browser does when the network
 * comes back (DevTools protocol, so the test does not wait on the browser's own schedule). */
async function dispatchSync(tag) {
  const cdp = await page.context().newCDPSession(page);
  const registration = new Promise((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((r) => !r.isDeleted && r.scopeURL.startsWith(server.base));
      if (ours) resolve(ours.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  const registrationId = await registration;
  await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: server.base, registrationId, tag, lastChance: false });
  await cdp.detach();
}

const failed = await runTests([
  ['sign in; the service worker takes control of the page', async () => {
    await signIn('alice');
    alice = (await api('/api/user/account/')).body.id;
    // The state of the registration is the answer when this fails: `false` alone says nothing.
    await eventually(() => page.evaluate(async () => {
      if (navigator.serviceWorker.controller !== null) return true;
      const r = await navigator.serviceWorker.getRegistration();
      const state = (w) => (w ? w.state : '-');
      throw new Error(r ? `installing ${state(r.installing)}, waiting ${state(r.waiting)}, active ${state(r.active)}`
        : 'not registered');
    }), 'no service worker controls the page', 15_000);
    ids = await trackIds(songs);
  }],

  ['the manifest is linked and everything it names exists', async () => {
    const href = await page.getAttribute('link[rel=manifest]', 'href');
    check(href === '/manifest.webmanifest', `manifest link: ${href}`);
    const manifest = (await api(href)).body;
    check(manifest.id && manifest.start_url && manifest.display === 'standalone', 'manifest fields');
    const files = [...manifest.icons, ...manifest.screenshots].map((i) => i.src);
    check(manifest.icons.some((i) => i.purpose === 'maskable'), 'no maskable icon');
    for (const src of [...files, '/apple-touch-icon.png']) {
      const status = await page.evaluate(async (src) => (await fetch(src)).status, src);
      check(status === 200, `${src}: ${status}`);
    }
  }],

  ['Chromium finds the app installable', async () => {
    const cdp = await page.context().newCDPSession(page);
    try {
      const { errors } = await cdp.send('Page.getAppManifest');
      check(errors.length === 0, `manifest errors: ${JSON.stringify(errors)}`);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      check(installabilityErrors.length === 0, `not installable: ${JSON.stringify(installabilityErrors)}`);
    } finally {
      await cdp.detach();
    }
  }],

  ['make a playlist available offline; progress reaches 100 %', async () => {
    roadTrip = await makePlaylist('Road Trip', ids.slice(0, 3));
    // A slow network, so the progress bar can be seen moving.
    const cdp = await browser.newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions',
      { offline: false, latency: 150, downloadThroughput: 250_000, uploadThroughput: 250_000 });
    await makeOffline(roadTrip);
    await page.waitForSelector('.offline-percent');
    // Every value the bar shows, recorded in the page so no short-lived one is missed.
    await page.evaluate(() => {
      window.seenProgress = new Set();
      const note = () => document.querySelectorAll('.offline-percent')
        .forEach((el) => window.seenProgress.add(el.textContent.trim()));
      note();
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.screenshot({ path: join(artifacts, 'offline-caching.png') });
    await offlineDone(roadTrip);
    const seen = await page.evaluate(() => [...window.seenProgress]);
    await cdp.send('Network.emulateNetworkConditions',
      { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.detach();
    console.log(`     progress seen: ${seen.join(', ')}`);
    check(seen.some((p) => p !== '0 %' && p !== '100 %'), `no intermediate progress: ${seen}`);
    const bar = await page.locator(`.offline-toggle[data-playlist="${roadTrip}"] .offline-state`).textContent();
    check(/on this device/.test(bar), `state after caching: ${bar}`);
    const paths = await cachedPaths(alice);
    check(paths.length === 3, `cached: ${paths}`);
  }],

  ['offline: reload opens the offline view, plays, seeks from the cache, next track plays', async () => {
    await browser.setOffline(true);
    await page.reload();
    await page.waitForSelector(`.offline-card[data-playlist="${roadTrip}"]`, { timeout: 20_000 });
    check(await page.locator('.offline-shell').count() === 1, 'not the offline shell');
    await page.screenshot({ path: join(artifacts, 'offline-view.png') });
    streamResponses.length = 0;
    await page.click(`.offline-card[data-playlist="${roadTrip}"] .offline-play`);
    await eventually(async () => { const s = await audioState(); return s && !s.paused && s.t > 0.3; },
      'offline playback did not start', 10_000);
    const first = (await audioState()).src;
    const { d } = await audioState();
    await seek(d / 2);
    await eventually(async () => Math.abs((await audioState()).t - d / 2) < 1.5, 'seek to the middle failed');
    const mid = (await audioState()).t;
    await page.waitForTimeout(1000);
    check((await audioState()).t > mid + 0.3, 'playback did not go on after the seek');
    await seek(d - 1.5);
    await eventually(async () => (await audioState()).src !== first, 'the next track did not start', 10_000);
    await eventually(async () => { const s = await audioState(); return !s.paused && s.t > 0.3; },
      'the next track is not playing', 10_000);
    check(streamResponses.length > 0 && streamResponses.every((r) => r.sw), `not all from the worker: ${JSON.stringify(streamResponses)}`);
    check(streamResponses.some((r) => r.status === 206), `no 206: ${JSON.stringify(streamResponses)}`);
    // A page-side probe of exact ranges from the cache.
    const probe = await page.evaluate(async (id) => {
      const r = await fetch(`/api/audio/${id}/stream`, { headers: { Range: 'bytes=100-199' } });
      const tail = await fetch(`/api/audio/${id}/stream`, { headers: { Range: 'bytes=-10' } });
      const past = await fetch(`/api/audio/${id}/stream`, { headers: { Range: 'bytes=99999999-' } });
      return { status: r.status, range: r.headers.get('content-range'), len: (await r.arrayBuffer()).byteLength,
        tail: tail.status, tailLen: (await tail.arrayBuffer()).byteLength, past: past.status };
    }, ids[0]);
    check(probe.status === 206 && probe.len === 100 && /^bytes 100-199\/\d+$/.test(probe.range), `probe ${JSON.stringify(probe)}`);
    check(probe.tail === 206 && probe.tailLen === 10 && probe.past === 416, `probe ${JSON.stringify(probe)}`);
    await page.evaluate(() => document.querySelector('audio').pause());
    pendingOffline = await page.evaluate(async (name) => new Promise((resolve) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => {
        const req = open.result.transaction('pending_plays').objectStore('pending_plays').getAll();
        req.onsuccess = () => { resolve(req.result.filter((p) => p.offline).length); open.result.close(); };
      };
    }), `soundwave-u${alice}`);
    check(pendingOffline >= 1, 'no offline play was queued');
  }],

  ['plays made offline reach the server once after reconnecting', async () => {
    await browser.setOffline(false);
    await eventually(async () => (await adminTotals()).offline_plays === pendingOffline,
      'the queued plays did not arrive', 15_000);
    // Another reconnect sends nothing twice.
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForTimeout(1500);
    const totals = await adminTotals();
    check(totals.offline_plays === pendingOffline, `counted twice: ${JSON.stringify(totals)}`);
    check(totals.cache_hits >= 1, `no cache hits: ${JSON.stringify(totals)}`);
  }],

  ['a Background Sync event sends waiting plays, with no page sending them', async () => {
    const before = (await adminTotals()).offline_plays;
    await queuePlay(alice, ids[2]);
    check(await queuedPlays(alice) === 1, 'the play was not queued');
    await dispatchSync('soundwave-plays');
    await eventually(async () => (await queuedPlays(alice)) === 0, 'the worker did not send the queued play', 15_000);
    check((await adminTotals()).offline_plays === before + 1, 'the worker\'s batch was not counted');
  }],

  ['two offline playlists share a track; removing one keeps it playable offline', async () => {
    shared = await makePlaylist('Shared', [ids[0], ids[3]]);
    await makeOffline(shared);
    await offlineDone(shared);
    check((await cachedPaths(alice)).length === 4, 'shared track stored twice or missing');
    await page.goto(`${server.base}/offline`);
    await hydrated();
    await page.click(`.offline-card[data-playlist="${roadTrip}"] .offline-remove`);
    await page.waitForSelector(`.offline-card[data-playlist="${roadTrip}"]`, { state: 'detached' });
    const paths = await cachedPaths(alice);
    check(paths.length === 2 && paths.includes(`/api/audio/${ids[0]}/stream`), `left: ${paths}`);
    await browser.setOffline(true);
    await page.reload();
    await page.waitForSelector(`.offline-card[data-playlist="${shared}"]`, { timeout: 20_000 });
    streamResponses.length = 0;
    await page.click(`.offline-card[data-playlist="${shared}"] .offline-play`);
    await eventually(async () => { const s = await audioState(); return s && !s.paused && s.t > 0.3; },
      'the shared track did not play offline', 10_000);
    check(streamResponses.every((r) => r.sw), 'shared track not from the worker');
    await page.evaluate(() => document.querySelector('audio').pause());
    await browser.setOffline(false);
  }],

  ['a playlist larger than the cache limit fails cleanly and names the space needed', async () => {
    const bench = await trackIds(Array.from({ length: 20 }, (_, i) => `Bench ${String(i).padStart(2, '0')}`));
    // It shares a track with Road Trip, which is already on the device.
    const big = await makePlaylist('Too Big', [ids[0], ...bench]);
    await page.goto(`${server.base}/offline`);
    await hydrated();
    await setCacheLimit('1');
    const before = await cachedPaths(alice);
    await makeOffline(big);
    const error = await page.waitForSelector(`.offline-toggle[data-playlist="${big}"] .offline-error`);
    const text = await error.textContent();
    check(/more needed/.test(text), `message: ${text}`);
    check((await page.locator('.offline-free').count()) === 1, 'no clean-up offered');
    check(JSON.stringify(await cachedPaths(alice)) === JSON.stringify(before), 'partial entries left behind');
    const claims = await trackClaims(alice, ids[0]);
    check(!claims.includes(big), `the refused playlist still claims a shared track: ${claims}`);
    await page.goto(`${server.base}/offline`);
    await hydrated();
    check(await page.locator(`.offline-card[data-playlist="${big}"]`).count() === 0, 'half record left');
    await setCacheLimit('');
    globalThis.benchPlaylist = { big, bench };
  }],

  ['out of real browser quota: refused up front, or stopped half-way with nothing left behind', async () => {
    const { bench } = globalThis.benchPlaylist;
    const tight = await makePlaylist('Tight Quota', [ids[0], ...bench]);
    const cdp = await page.context().newCDPSession(page);
    const setQuota = (quotaSize) => cdp.send('Storage.overrideQuotaForOrigin',
      quotaSize === undefined ? { origin: server.base } : { origin: server.base, quotaSize });
    const usage = () => page.evaluate(async () => (await navigator.storage.estimate()).usage);
    const toggle = `.offline-toggle[data-playlist="${tight}"]`;
    const before = await cachedPaths(alice);
    try {
      // Up front: the browser's estimate already says the playlist cannot fit.
      await setQuota(Math.ceil(await usage()) + 100_000);
      await makeOffline(tight);
      const early = await page.waitForSelector(`${toggle} .offline-error`);
      check(/more needed/.test(await early.textContent()), `message: ${await early.textContent()}`);
      check((await page.locator('.offline-free').count()) === 1, 'no clean-up offered');
      check(JSON.stringify(await cachedPaths(alice)) === JSON.stringify(before), 'entries stored up front');

      // Half-way: the job starts with room, then the browser runs out (QuotaExceededError).
      // A slow network keeps the job running long enough to pull the space from under it.
      await setQuota(10 * 1024 ** 3);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions',
        { offline: false, latency: 0, downloadThroughput: 300_000, uploadThroughput: -1 });
      await makeOffline(tight);
      await eventually(async () => (await cachedPaths(alice)).length > before.length,
        'no track was cached before the quota shrank', 30_000);
      await setQuota(Math.ceil(await usage()));
      const late = await page.waitForSelector(`${toggle} .offline-error`, { timeout: 60_000 });
      check(/more needed/.test(await late.textContent()), `message: ${await late.textContent()}`);
      await page.screenshot({ path: join(artifacts, 'offline-quota.png') });
      check((await page.locator('.offline-free').count()) === 1, 'no clean-up offered');
      check(JSON.stringify(await cachedPaths(alice)) === JSON.stringify(before), 'partial entries left behind');
      await page.goto(`${server.base}/offline`);
      await hydrated();
      check(await page.locator(`.offline-card[data-playlist="${tight}"]`).count() === 0, 'half record left');
      const claims = await trackClaims(alice, ids[0]);
      check(!claims.includes(tight), `the failed playlist still claims a shared track: ${claims}`);
    } finally {
      await cdp.send('Network.emulateNetworkConditions',
        { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 }).catch(() => {});
      await setQuota(undefined).catch(() => {});
      await cdp.detach().catch(() => {});
    }
  }],

  ['measure: caching a 20-track playlist against a plain fetch loop', async () => {
    const { big, bench } = globalThis.benchPlaylist;
    const loopMs = await page.evaluate(async (ids) => {
      const started = performance.now();
      for (const id of ids) {
        const r = await fetch(`/api/audio/${id}/stream`, { cache: 'no-store' });
        await r.arrayBuffer();
      }
      return performance.now() - started;
    }, bench);
    await page.goto(`${server.base}/playlists/${big}`);
    await hydrated();
    const started = Date.now();
    await page.click(`.offline-toggle[data-playlist="${big}"] .offline-make`);
    await offlineDone(big);
    const cacheMs = Date.now() - started;
    console.log(`     20 tracks: cached in ${cacheMs} ms, plain loop ${loopMs.toFixed(0)} ms, ratio ${(cacheMs / loopMs).toFixed(2)}`);
    check((await cachedPaths(alice)).length === 22, 'not every bench track cached');
  }],

  ['after a switch to another user nothing of the first is visible or served', async () => {
    await page.goto(`${server.base}/offline`);
    await hydrated();
    await page.click('nav .sign-out');
    await page.waitForTimeout(1000);
    await signIn('bob');
    bob = (await api('/api/user/account/')).body.id;
    await page.goto(`${server.base}/offline`);
    await hydrated();
    await page.waitForSelector('.offline-playlists');
    check(await page.locator('.offline-card').count() === 0, 'bob sees offline playlists');
    streamResponses.length = 0;
    await page.evaluate(async (id) => { await (await fetch(`/api/audio/${id}/stream`, { headers: { Range: 'bytes=0-9' } })).arrayBuffer(); }, ids[0]);
    check(streamResponses.length === 1 && !streamResponses[0].sw, `served from a cache: ${JSON.stringify(streamResponses)}`);
    await browser.setOffline(true);
    await page.reload();
    await page.waitForSelector('.offline-playlists', { timeout: 20_000 });
    check(await page.locator('.offline-card').count() === 0, 'bob sees offline playlists offline');
    const audioByBob = await page.evaluate(async (id) => {
      try { return (await fetch(`/api/audio/${id}/stream`)).status; } catch { return 'network error'; }
    }, ids[0]);
    check(audioByBob === 'network error', `A's audio answered for B: ${audioByBob}`);
    await browser.setOffline(false);
    // A's data is still on the device: signing out never deletes it.
    const dbs = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    check(dbs.includes(`soundwave-u${alice}`), `A's database was deleted: ${dbs}`);
  }],

  ['a new build shows "update available" and loads without missing assets after applying', async () => {
    await page.goto(`${server.base}/library`);
    await hydrated();
    const old = await swVersion();
    const swPath = join(site, 'sw.js');
    writeFileSync(swPath, readFileSync(swPath, 'utf8').replace(/^const VERSION = '[^']*';$/m, "const VERSION = 'e2e-next';"));
    writeFileSync(join(site, 'pkg/app.css'), `${readFileSync(join(site, 'pkg/app.css'), 'utf8')}\n/* next build */\n`);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await page.waitForSelector('.apply-update', { timeout: 20_000 });
    await page.screenshot({ path: join(artifacts, 'update-available.png') });
    failedAssets.length = 0;
    await Promise.all([page.waitForEvent('load', { timeout: 20_000 }), page.click('.apply-update')]);
    await hydrated();
    const now = await swVersion();
    check(old !== now && now === 'e2e-next', `worker version ${old} -> ${now}`);
    check(failedAssets.length === 0, `missing assets: ${failedAssets}`);
    const css = await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('soundwave-shell-')));
    check(css.length === 1 && css[0] === 'soundwave-shell-e2e-next', `shell caches: ${css}`);
  }],

  ['screenshots for the manifest', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.base}/library`);
    await hydrated();
    await page.screenshot({ path: join(artifacts, 'manifest-wide.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.base}/playlists`);
    await hydrated();
    await page.screenshot({ path: join(artifacts, 'manifest-narrow.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
  }],

  ['"sign out and remove offline music" sends queued plays first, then leaves nothing behind', async () => {
    await page.goto(`${server.base}/library`);
    await hydrated();
    await page.click('nav .sign-out');
    await page.waitForURL('**/login');
    await signIn('alice');
    await page.goto(`${server.base}/offline`);
    await hydrated();
    await page.waitForSelector('.offline-card');
    const before = (await adminTotals()).offline_plays;
    const dbName = `soundwave-u${alice}`;
    const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));

    // Offline, nothing can be sent, so nothing is removed and the user is told why.
    await browser.setOffline(true);
    await page.click('nav .forget-device-ask');
    await page.screenshot({ path: join(artifacts, 'sign-out-choice.png') });
    await page.click('nav .confirm-forget-device');
    await page.waitForSelector('nav .forget-device .error');
    check(/offline/.test(await page.textContent('nav .forget-device .error')), 'no reason given offline');
    check((await databases()).includes(dbName), 'data removed while offline');
    check((await cachedPaths(alice)).length > 0, 'audio removed while offline');
    await browser.setOffline(false);
    // Let the reconnect sync settle, then queue a play it has not seen, as a play made offline
    // whose batch has not gone out yet.
    await page.waitForTimeout(1500);
    await queuePlay(alice, ids[1]);
    // A damaged record (no UUID) must neither be sent nor hold back the good play.
    await queuePlay(alice, ids[2], 'not-a-uuid');

    // A second tab of the same user holds the database open, with a slow caching job still
    // running: it must let go, stop the job, and not bring the database back.
    const lateList = await makePlaylist('Late', await trackIds(late));
    const other = await page.context().newPage();
    await other.goto(`${server.base}/playlists/${lateList}`);
    await other.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    const slow = await page.context().newCDPSession(other);
    await slow.send('Network.enable');
    await slow.send('Network.emulateNetworkConditions',
      { offline: false, latency: 0, downloadThroughput: 20_000, uploadThroughput: -1 });
    await other.click(`.offline-toggle[data-playlist="${lateList}"] .offline-make`);
    await other.waitForSelector(`.offline-toggle[data-playlist="${lateList}"] progress`);
    await Promise.all([page.waitForURL('**/login', { timeout: 20_000 }), page.click('nav .confirm-forget-device')]);
    check(!(await databases()).includes(dbName), `the database is still there: ${await databases()}`);
    check((await cachedPaths(alice)).length === 0, 'audio is still cached');
    await other.waitForSelector('.offline-notice:has-text("removed from this device in another tab")');
    await page.waitForTimeout(3000);
    check(!(await databases()).includes(dbName), 'the job in the other tab brought the database back');
    check(!/storage error/.test(await other.textContent('body')), 'the other tab shows a raw storage error');
    await slow.detach();
    await other.close();
    await signIn('alice');
    await page.goto(`${server.base}/offline`);
    await hydrated();
    await page.waitForSelector('.offline-playlists');
    check(await page.locator('.offline-card').count() === 0, 'offline playlists came back');
    const after = (await adminTotals()).offline_plays;
    check(after === before + 1, `the queued play was not sent first: ${before} -> ${after}`);
  }],
]);

await browser.cleanupProfile();
await server.cleanup();
process.exit(failed ? 1 : 0);
