// Identifiers the client mints: UUIDv7 (RFC 9562), as service/ids.py does.
// 48 bits of Unix milliseconds, the version nibble 7, then random bits with the variant 0b10.
// Ids minted in one tab stay strictly increasing: within one millisecond, the random tail
// is replaced by the previous id's tail plus one.

let last = null;

function increment(bytes) {
  for (let i = 15; i >= 6; i--) {
    if (i === 8) { // keep the variant bits
      const low = (bytes[8] & 0x3f) + 1;
      bytes[8] = 0x80 | (low & 0x3f);
      if (low <= 0x3f) return;
      continue;
    }
    if (i === 6) { bytes[6] = 0x70 | ((bytes[6] + 1) & 0x0f); return; }
    bytes[i] = (bytes[i] + 1) & 0xff;
    if (bytes[i] !== 0) return;
  }
}

/** A new UUIDv7 string, time-ordered and unique within this page. */
export function uuidv7(now = Date.now()) {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let ms = Math.max(now, last?.ms ?? 0);
  if (last && ms === last.ms) {
    bytes.set(last.bytes.subarray(6), 6);
    increment(bytes);
  }
  const stamp = ms;
  for (let i = 5; i >= 0; i--) { bytes[i] = ms % 256; ms = Math.floor(ms / 256); }
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  last = { ms: stamp, bytes: bytes.slice() };
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
