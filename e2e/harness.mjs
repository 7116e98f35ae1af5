// Test harness for the browser tests: fixture audio made with ffmpeg, a real Soundwave server
// on a free loopback port with its own data directories, headless Chromium, and a tiny runner
// that prints `e2e: N passed, M failed`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const bin = join(root, 'target/release/soundwave');
export const artifacts = join(root, 'e2e/artifacts');

/** Runs a command to completion; throws with its stderr when it fails. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (result.error) throw new Error(`${cmd}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  }
  return result.stdout;
}

/** A sine tone with tags, made by ffmpeg. */
export function makeTrack(path, { seconds = 8, freq = 440, title, artist, album, track, codec = 'mp3' }) {
  const tags = [];
  if (title) tags.push('-metadata', `title=${title}`);
  if (artist) tags.push('-metadata', `artist=${artist}`);
  if (album) tags.push('-metadata', `album=${album}`);
  if (track) tags.push('-metadata', `track=${track}`);
  const enc = codec === 'opus' ? ['-c:a', 'libopus', '-b:a', '48k'] : ['-c:a', 'libmp3lame', '-b:a', '96k'];
  run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${freq}:duration=${seconds}`,
    '-ac', '2', ...enc, ...tags, path]);
}

async function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/** A fresh server home: data, media and cache directories in a temp folder. */
export async function newServer() {
  const home = mkdtempSync(join(tmpdir(), 'soundwave-e2e-'));
  const port = await freePort();
  const env = {
    ...process.env,
    DATA_DIR: join(home, 'data'),
    MEDIA_ROOT: join(home, 'audio'),
    CACHE_DIR: join(home, 'cache'),
    SOUNDWAVE_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: join(root, 'target/site'),
    RUST_LOG: 'warn',
  };
  const server = { home, port, env, base: `http://127.0.0.1:${port}`, child: null, log: '' };
  server.cli = (args, input) => run(bin, args, { env, input, cwd: root });
  server.start = async () => {
    server.child = spawn(bin, ['serve'], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    server.child.stdout.on('data', (d) => { server.log += d; });
    server.child.stderr.on('data', (d) => { server.log += d; });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`${server.base}/login`);
        if (res.ok) return;
      } catch { /* not listening yet */ }
      if (server.child.exitCode !== null) throw new Error(`server exited: ${server.log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not answer in 20 s: ${server.log}`);
  };
  server.stop = async () => {
    if (!server.child || server.child.exitCode !== null) return;
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGTERM');
    await exited;
  };
  server.cleanup = async () => {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  };
  return server;
}

/** Headless Chromium from Debian with a fresh profile. */
export async function newBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'soundwave-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required'],
  });
  context.cleanupProfile = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return context;
}

/** Fails the current test unless `cond` holds. */
export function check(cond, message) {
  if (!cond) throw new Error(message);
}

/** Waits until `fn` returns something truthy (polled), or fails with `message`. */
export async function eventually(fn, message, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${message} (last: ${last})`);
}

/** Runs tests in order; a failure is reported and the next test still runs. */
export async function runTests(tests) {
  mkdirSync(artifacts, { recursive: true });
  let passed = 0;
  let failed = 0;
  for (const [name, fn] of tests) {
    const started = Date.now();
    try {
      await fn();
      passed += 1;
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
    }
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed;
}
