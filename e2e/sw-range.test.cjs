// Unit tests of the service worker's range slicing (public/sw-range.js), run with node's test
// runner: `node --test e2e/`.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { parseRange, rangedResponse } = require('../public/sw-range.js');

const SIZE = 1000;
const body = new Uint8Array(SIZE).map((_, i) => i % 251);
const cached = () => new Response(new Blob([body], { type: 'audio/mpeg' }), {
  status: 200,
  headers: { 'Content-Type': 'audio/mpeg', 'Content-Length': String(SIZE), ETag: '"v1"' },
});
const ask = (range) => new Request('http://127.0.0.1/api/audio/1/stream',
  { headers: range === undefined ? {} : { Range: range } });

async function expectSlice(range, start, end) {
  const res = await rangedResponse(ask(range), cached());
  assert.equal(res.status, 206);
  assert.equal(res.headers.get('content-range'), `bytes ${start}-${end}/${SIZE}`);
  assert.equal(res.headers.get('content-length'), String(end - start + 1));
  assert.equal(res.headers.get('content-type'), 'audio/mpeg');
  assert.equal(res.headers.get('accept-ranges'), 'bytes');
  const got = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual(got, body.slice(start, end + 1));
}

test('safari probe bytes=0-1 answers two bytes', () => expectSlice('bytes=0-1', 0, 1));
test('bytes=0-0 answers one byte', () => expectSlice('bytes=0-0', 0, 0));
test('open range bytes=100- runs to the end', () => expectSlice('bytes=100-', 100, SIZE - 1));
test('suffix range bytes=-100 answers the last 100 bytes', () => expectSlice('bytes=-100', 900, 999));
test('suffix longer than the body answers all of it', () => expectSlice('bytes=-5000', 0, 999));
test('an end past the size is clamped', () => expectSlice('bytes=990-5000', 990, 999));

test('a start past the size is 416 with bytes */size', async () => {
  const res = await rangedResponse(ask('bytes=1000-'), cached());
  assert.equal(res.status, 416);
  assert.equal(res.headers.get('content-range'), `bytes */${SIZE}`);
  assert.equal((await res.arrayBuffer()).byteLength, 0);
});

test('several ranges get the whole body with 200', async () => {
  const res = await rangedResponse(ask('bytes=0-1,5-6'), cached());
  assert.equal(res.status, 200);
  assert.equal((await res.arrayBuffer()).byteLength, SIZE);
});

test('no Range header passes the cached response through', async () => {
  const original = cached();
  const res = await rangedResponse(ask(undefined), original);
  assert.equal(res, original);
});

test('malformed ranges are read as no range', () => {
  for (const value of ['items=0-1', 'bytes=5-1', 'bytes=a-b', 'bytes=-', 'bytes=+1-2']) {
    assert.deepEqual(parseRange(value, SIZE), { kind: 'full' }, value);
  }
  assert.deepEqual(parseRange('bytes=-0', SIZE), { kind: 'unsatisfiable' });
});
