/**
 * Random RFC 4122 version-4 UUIDs.
 *
 * `crypto.randomUUID()` exists only in secure contexts (HTTPS or localhost); a school that serves
 * Homeroom over plain HTTP on its LAN still needs client message ids, so fall back to
 * `crypto.getRandomValues()`, which is available everywhere.
 */
export function randomUUID() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') {
    try {
      return c.randomUUID();
    } catch {
      // Insecure context in some browsers: fall through.
    }
  }
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
