'use strict';
// Byte ranges for audio answered from Cache Storage. Loaded by sw.js with importScripts() and
// by the node tests in e2e/sw-range.test.mjs. Mirrors the server's parser in src/http/ranges.rs:
// one `bytes` range; `a-b`, `a-`, `-n`; the end clamped to size-1; a start past the end is 416;
// several ranges or a malformed header get the full body.

/**
 * What a Range header asks of a body of `size` bytes.
 * @returns {{kind: 'full'} | {kind: 'partial', start: number, end: number} | {kind: 'unsatisfiable'}}
 */
function parseRange(header, size) {
  const full = { kind: 'full' };
  if (typeof header !== 'string') return full;
  const value = header.trim();
  if (!value.startsWith('bytes=')) return full;
  const spec = value.slice(6).trim();
  if (spec.includes(',')) return full;
  const dash = spec.indexOf('-');
  if (dash < 0) return full;
  const first = spec.slice(0, dash).trim();
  const last = spec.slice(dash + 1).trim();
  const digits = /^[0-9]+$/;
  if (first === '') {
    if (!digits.test(last)) return full;
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  if (!digits.test(first)) return full;
  const start = Number(first);
  let end = size - 1;
  if (last !== '') {
    if (!digits.test(last)) return full;
    const wanted = Number(last);
    if (wanted < start) return full;
    end = Math.min(wanted, size - 1);
  }
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/**
 * Answers `request` from a complete cached 200 `response`: 206 with the slice, 416, or the
 * whole response. Slicing a Blob shares its storage, so no request copies the whole body.
 */
async function rangedResponse(request, response) {
  const header = request.headers.get('range');
  if (!header || response.status !== 200) return response;
  const blob = await response.blob();
  const size = blob.size;
  const type = response.headers.get('content-type') || blob.type || 'application/octet-stream';
  const range = parseRange(header, size);
  const base = {
    'Accept-Ranges': 'bytes',
    'Content-Type': type,
  };
  const etag = response.headers.get('etag');
  if (etag) base.ETag = etag;
  if (range.kind === 'unsatisfiable') {
    return new Response(null, {
      status: 416,
      statusText: 'Range Not Satisfiable',
      headers: { ...base, 'Content-Range': `bytes */${size}` },
    });
  }
  if (range.kind === 'full') {
    return new Response(blob, {
      status: 200,
      headers: { ...base, 'Content-Length': String(size) },
    });
  }
  const { start, end } = range;
  return new Response(blob.slice(start, end + 1, type), {
    status: 206,
    statusText: 'Partial Content',
    headers: {
      ...base,
      'Content-Range': `bytes ${start}-${end}/${size}`,
      'Content-Length': String(end - start + 1),
    },
  });
}

// One file, two worlds: a service worker global, or a CommonJS module in node's tests.
if (typeof module !== 'undefined' && module.exports) {
  module.exports = { parseRange, rangedResponse };
} else {
  self.SoundwaveRange = { parseRange, rangedResponse };
}
