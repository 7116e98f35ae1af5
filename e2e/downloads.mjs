// Browser tests of the downloads page: an admin pastes a direct audio link served by a small
// local HTTP server, watches the job's bar reach 100 % without reloading, then plays the new
// track from the library. Run by e2e/run.mjs; `suite()` sets up its own Soundwave server lazily.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, check, eventually, makeTrack, newBrowser, newServer, root } from './harness.mjs';

const PASSWORD = 'correct horse battery';
const FILE_PATH = '/files/harbour-lights.mp3';
const state = { server: null, browser: null, page: null, media: null, mediaBase: '', errors: [] };

/** Serves `bytes` at FILE_PATH with a Content-Length, in small slices so progress is visible. */
function mediaServer(bytes) {
  return createServer((req, res) => {
    if (req.url !== FILE_PATH) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'audio/mpeg', 'Content-Length': bytes.length });
    if (req.method === 'HEAD') { res.end(); return; }
    let sent = 0;
    const timer = setInterval(() => {
      const slice = bytes.subarray(sent, sent + 16 * 1024);
      sent += slice.length;
      if (sent >= bytes.length) { clearInterval(timer); res.end(slice); } else res.write(slice);
    }, 40);
    res.on('close', () => clearInterval(timer));
  });
}

export async function setup() {
  const server = await newServer();
  state.server = server;
  // The project's own yt-dlp; the test fails (tools notice, failed job) if it is missing.
  server.env.YTDLP_PATH = join(root, '.venv/bin/yt-dlp');
  const file = join(server.home, 'fixture.mp3');
  makeTrack(file, { title: 'Harbour Lights', artist: 'Download Band', album: 'Fetched', seconds: 20, freq: 520 });
  state.media = mediaServer(readFileSync(file));
  await new Promise((ok) => state.media.listen(0, '127.0.0.1', ok));
  state.mediaBase = `http://127.0.0.1:${state.media.address().port}`;
  server.cli(['user', 'add', 'dora', '--admin'], `${PASSWORD}\n`);
  await server.start();
  state.browser = await newBrowser();
  state.page = state.browser.pages()[0] ?? await state.browser.newPage();
  state.page.on('console', (msg) => { if (msg.type() === 'error') state.errors.push(msg.text()); });
  state.page.on('pageerror', (err) => state.errors.push(String(err)));
}

export async function teardown() {
  if (state.browser) await state.browser.cleanupProfile();
  if (state.server) await state.server.cleanup();
  if (state.media) await new Promise((ok) => state.media.close(ok));
  Object.assign(state, { server: null, browser: null, media: null, page: null });
}

async function hydrated() {
  await state.page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true', null, { timeout: 15_000 });
}

const jobState = () => state.page.evaluate(() => {
  const row = document.querySelector('.jobs .job');
  const bar = row && row.querySelector('[role=progressbar]');
  return row && { status: row.dataset.status, percent: Number(bar.getAttribute('aria-valuenow')),
    text: row.textContent };
});

export const tests = [
  ['downloads: an admin signs in and sees the queue', async () => {
    const { page, server } = state;
    await page.goto(`${server.base}/login?next=/downloads`);
    await hydrated();
    await page.fill('input[name=username]', 'dora');
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL('**/downloads'), page.click('button[type=submit]')]);
    await hydrated();
    await page.waitForSelector('textarea[name=urls]');
    check(await page.locator('nav >> text=Channels').count() === 1, 'admins should see Channels in the nav');
    check(await page.locator('.tools-missing').count() === 0,
      `the page says a tool is missing: ${await page.locator('.tools-missing').textContent().catch(() => '')}`);
  }],

  ['downloads: a pasted link downloads and its bar reaches 100 % live', async () => {
    const { page, server } = state;
    const url = `${state.mediaBase}${FILE_PATH}`;
    const seen = [];
    await page.fill('textarea[name=urls]', `${url}\n`);
    await page.click('form:has(textarea[name=urls]) button[type=submit]');
    await page.waitForSelector('.jobs .job');
    const started = page.url();
    const done = await eventually(async () => {
      const s = await jobState();
      if (s) seen.push(`${s.status}:${s.percent}`);
      return s && s.status === 'completed' && s.percent === 100 && s;
    }, 'the job did not reach completed / 100 %', 60_000);
    check(page.url() === started, 'the page navigated instead of updating live');
    check(/100 %/.test(done.text), `the bar text lacks 100 %: ${done.text}`);
    console.log(`     states seen: ${[...new Set(seen)].join(' ')}`);
    await page.screenshot({ path: join(artifacts, 'downloads.png'), fullPage: true });
    // Readable before any WASM: the server renders the queue with the job in it.
    const html = await (await page.context().request.get(`${server.base}/downloads`)).text();
    check(html.includes(url) && html.includes('status-completed'), 'the job is not in the server-rendered page');
  }],

  ['downloads: the downloaded track plays from the library', async () => {
    const { page, server } = state;
    await page.goto(`${server.base}/library`);
    await hydrated();
    const row = page.locator('table.tracks tbody tr').first();
    await row.waitFor();
    const text = await row.textContent();
    check(/Harbour Lights|harbour-lights/i.test(text), `the library row is ${text}`);
    await row.locator('.play-track').click();
    const audio = () => page.evaluate(() => {
      const a = document.querySelector('audio');
      return a && { t: a.currentTime, paused: a.paused };
    });
    await eventually(async () => { const a = await audio(); return a && !a.paused && a.t > 0; },
      'the downloaded track did not start', 5_000);
    const before = (await audio()).t;
    await page.waitForTimeout(1200);
    const after = (await audio()).t;
    check(after > before + 0.5, `currentTime did not advance: ${before} -> ${after}`);
  }],

  ['downloads: the channels page offers the subscribe form to admins', async () => {
    const { page, server } = state;
    await page.goto(`${server.base}/channels`);
    await hydrated();
    await page.waitForSelector('form.subscribe-form input[name=url]');
    check(await page.locator('.empty >> text=No subscriptions yet').count() === 1, 'expected an empty list');
    await page.screenshot({ path: join(artifacts, 'channels.png'), fullPage: true });
  }],

  ['downloads: no errors in the browser console', async () => {
    const real = state.errors.filter((e) => !/favicon/.test(e));
    check(real.length === 0, `console errors:\n${real.join('\n')}`);
  }],
];

/** The tests, each starting the suite's servers first if no earlier test has. */
export function suite() {
  let ready = null;
  return tests.map(([name, fn]) => [name, async () => {
    ready ??= setup();
    await ready;
    await fn();
  }]);
}
