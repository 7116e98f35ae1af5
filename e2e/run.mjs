// Browser tests: the real release build of Soundwave driven in headless Chromium.
// Run with `node e2e/run.mjs` after scripts/build.sh (scripts/test.sh does both).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, check, eventually, makeTrack, newBrowser, newServer, runTests } from './harness.mjs';
import * as downloads from './downloads.mjs';

const PASSWORD = 'correct horse battery';
const server = await newServer();
const fixtures = join(server.home, 'fixtures');
mkdirSync(join(fixtures, 'Album One'), { recursive: true });
const songs = [
  { file: 'Album One/01 Morning Light.mp3', title: 'Morning Light', artist: 'The Testers', album: 'Album One', track: 1, freq: 330 },
  { file: 'Album One/02 Evening Tide.mp3', title: 'Évening Tide', artist: 'The Testers', album: 'Album One', track: 2, freq: 440 },
  { file: 'Album One/03 Night Drive.mp3', title: 'Night Drive', artist: 'The Testers', album: 'Album One', track: 3, freq: 550 },
  { file: 'Loose Song.opus', title: 'Loose Song', artist: 'Solo Artist', album: 'Singles', track: 1, freq: 660, codec: 'opus' },
];
for (const s of songs) makeTrack(join(fixtures, s.file), { ...s, seconds: 20 });

// Accounts and the library are made offline with the CLI, as an operator would.
server.cli(['user', 'add', 'alice', '--admin'], `${PASSWORD}\n`);
const imported = server.cli(['import', fixtures, '--user', 'alice']);
await server.start();
const browser = await newBrowser();
const page = browser.pages()[0] ?? await browser.newPage();
const consoleErrors = [];
page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
page.on('pageerror', (err) => consoleErrors.push(String(err)));

const audioState = () => page.evaluate(() => {
  const a = document.querySelector('audio');
  return a && { t: a.currentTime, paused: a.paused, d: a.duration, src: a.currentSrc };
});

/** Waits until the WASM has hydrated the page (the client marks <html> when it is ready). */
async function hydrated() {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true', null, { timeout: 15_000 });
}

/** Opens the playlist's "Rename" section, whether or not a re-render kept it open. */
async function openRename(tab) {
  await tab.$eval('details.rename', (d) => { d.open = true; });
}

const failed = await runTests([
  ['import reports every fixture', async () => {
    check(/4 added/.test(imported), `import output: ${imported}`);
  }],

  ['sign in through the form', async () => {
    await page.goto(`${server.base}/login`);
    await hydrated();
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL('**/library'), page.click('button[type=submit]')]);
    await hydrated();
    await page.waitForSelector('table.tracks tbody tr');
    const rows = await page.locator('table.tracks tbody tr').count();
    check(rows === songs.length, `expected ${songs.length} rows, saw ${rows}`);
  }],

  ['search finds a track by title without accents', async () => {
    await page.fill('input[name=q]', 'evening');
    await page.press('input[name=q]', 'Enter');
    await eventually(async () => (await page.locator('table.tracks tbody tr').count()) === 1,
      'search did not narrow the list to one row');
    const title = await page.locator('table.tracks tbody tr .title').first().textContent();
    check(title.includes('Évening Tide'), `found ${title}`);
    check(page.url().includes('q=evening'), `search is not in the URL: ${page.url()}`);
  }],

  ['a click starts playback within a second', async () => {
    await page.goto(`${server.base}/library`);
    await hydrated();
    const started = Date.now();
    await page.locator('table.tracks tbody tr .play-track').first().click();
    await eventually(async () => {
      const s = await audioState();
      return s && !s.paused && s.t > 0;
    }, 'audio did not start', 5_000);
    const latency = Date.now() - started;
    console.log(`     playback started ${latency} ms after the click`);
    check(latency < 1500, `playback took ${latency} ms to start`);
    const before = (await audioState()).t;
    await page.waitForTimeout(1200);
    const after = (await audioState()).t;
    check(after > before + 0.5, `currentTime did not advance: ${before} -> ${after}`);
  }],

  ['seeking to the middle continues from there', async () => {
    const { d } = await audioState();
    check(d > 10, `duration is ${d}`);
    const middle = d / 2;
    await page.evaluate((to) => {
      const bar = document.querySelector('.seek-bar');
      bar.value = String(to);
      bar.dispatchEvent(new Event('input', { bubbles: true }));
      bar.dispatchEvent(new Event('change', { bubbles: true }));
    }, middle);
    await eventually(async () => Math.abs((await audioState()).t - middle) < 1.5,
      'currentTime did not move to the middle');
    const at = (await audioState()).t;
    await page.waitForTimeout(1200);
    const later = await audioState();
    check(!later.paused && later.t > at + 0.5 && later.t < middle + 4,
      `playback did not continue from the middle: ${at} -> ${later.t}`);
  }],

  ['playback survives moving between pages', async () => {
    const src = (await audioState()).src;
    await page.click('nav >> text=Playlists');
    await page.waitForURL('**/playlists');
    const before = (await audioState()).t;
    await page.waitForTimeout(800);
    const after = await audioState();
    check(after.src === src && !after.paused && after.t > before, 'playback stopped on navigation');
  }],

  ['make a playlist and find it in the server-rendered HTML', async () => {
    await page.fill('input[name=title]', 'Road Trip');
    await page.locator('form:has(input[name=title]) button[type=submit]').click();
    await page.waitForSelector('text=Road Trip');
    // The raw HTML the server sends, before any WASM runs.
    const html = await (await page.context().request.get(`${server.base}/playlists`)).text();
    check(html.includes('Road Trip'), 'the playlist is not in the server-rendered page');
    await page.reload();
    await page.waitForSelector('text=Road Trip');
    await page.screenshot({ path: join(artifacts, 'playlists.png') });
  }],

  ['add a track to the playlist from the library', async () => {
    await page.goto(`${server.base}/library?q=night`);
    await hydrated();
    const row = page.locator('table.tracks tbody tr').first();
    await row.locator('form.add-to-playlist select').selectOption({ label: 'Road Trip' });
    await row.locator('form.add-to-playlist button').click();
    await row.locator('.feedback.success').waitFor();
    await page.click('nav >> text=Playlists');
    await page.click('text=Road Trip');
    await page.waitForSelector('text=Night Drive');
    await page.screenshot({ path: join(artifacts, 'playlist.png') });
    const html = await (await page.context().request.get(page.url())).text();
    check(html.includes('Night Drive'), 'the playlist item is not in the server-rendered page');
  }],

  ['an edit from a page showing an older version is refused, reloaded and explained', async () => {
    await page.goto(`${server.base}/playlists`);
    await hydrated();
    await page.click('text=Road Trip');
    await page.waitForSelector('h1.playlist-name');
    await hydrated();
    const here = page.url();
    const errorsBefore = consoleErrors.length;
    // Another tab renames the playlist; this page still shows the old version.
    const other = await page.context().newPage();
    await other.goto(here);
    await other.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
    await openRename(other);
    await other.fill('details.rename input[name=title]', 'Road Trip Renamed');
    await other.click('details.rename button[type=submit]');
    await other.waitForSelector('h1.playlist-name:has-text("Road Trip Renamed")');
    await other.close();

    await openRename(page);
    await page.fill('details.rename input[name=title]', 'Stale Name');
    await page.click('details.rename button[type=submit]');
    await page.waitForSelector('.conflict-note');
    await page.waitForSelector('h1.playlist-name:has-text("Road Trip Renamed")');
    await page.screenshot({ path: join(artifacts, 'playlist-conflict.png') });
    const names = await (await page.context().request.get(here)).text();
    check(!names.includes('Stale Name'), 'the stale rename reached the server');

    // The page now holds the newest version, so the next edit goes through and the note goes.
    await openRename(page);
    await page.fill('details.rename input[name=title]', 'Road Trip');
    await page.click('details.rename button[type=submit]');
    await page.waitForSelector('h1.playlist-name:text-is("Road Trip")');
    await eventually(async () => (await page.locator('.conflict-note').count()) === 0,
      'the conflict note stayed after a successful edit');
    // The refused call is the only thing the console may have complained about.
    const fresh = consoleErrors.splice(errorsBefore);
    check(fresh.every((e) => /409/.test(e)), `console errors:\n${fresh.join('\n')}`);
  }],

  ['the library page looks right', async () => {
    await page.goto(`${server.base}/library`);
    await hydrated();
    await page.screenshot({ path: join(artifacts, 'library.png') });
  }],

  ['no errors in the browser console', async () => {
    const real = consoleErrors.filter((e) => !/favicon/.test(e));
    check(real.length === 0, `console errors:\n${real.join('\n')}`);
  }],

  // The downloads page, with its own server and a local media host.
  ...downloads.suite(),
]);

await downloads.teardown();
await browser.cleanupProfile();
await server.cleanup();
process.exit(failed ? 1 : 0);
