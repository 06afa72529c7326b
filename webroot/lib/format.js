/**
 * Display helpers for the student list's times and for names (local time zone, the browser's locale). The
 * timeline's times and days are lib/local-time.js's (zone and clock injectable, R6.1).
 */

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

function toDate(value) {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** "Tuesday, 12 March 2024 at 14:03:07", for `title` attributes. */
export function formatFull(value) {
  const date = toDate(value);
  return date ? fullFormat.format(date) : '';
}

/** "14:03" today, "12 Mar" before: compact times in lists. */
export function formatRelativeShort(value, now = new Date()) {
  const date = toDate(value);
  if (!date) return '';
  return startOfDay(date) === startOfDay(now) ? timeFormat.format(date) : shortDateFormat.format(date);
}

/** "Ada Lovelace" -> "AL" */
export function initials(name = '') {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = parts[0][0] ?? '';
  const last = parts.length > 1 ? parts[parts.length - 1][0] : '';
  return (first + last).toUpperCase();
}

/** Unicode's bidirectional embedding, override and isolate controls, by what they are called. */
const BIDI_CONTROLS = new Map([
  ['\u202A', 'LRE'], ['\u202B', 'RLE'], ['\u202C', 'PDF'], ['\u202D', 'LRO'], ['\u202E', 'RLO'],
  ['\u2066', 'LRI'], ['\u2067', 'RLI'], ['\u2068', 'FSI'], ['\u2069', 'PDI'],
]);
const BIDI_PATTERN = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * A message's text as segments to render, with each bidirectional control shown as what it is (issue 24, point 10):
 * `[{text}, {control: 'RLO', code: 'U+202E'}, …]`. Rendered as text, an override reverses what follows it, so
 * "invoice‮fdp.exe" reads as "invoiceexe.pdf"; shown, it cannot disguise anything. Everything else is kept as written
 * (right-to-left scripts need no controls to show correctly).
 */
export function bidiSegments(text = '') {
  const segments = [];
  let last = 0;
  for (const match of text.matchAll(BIDI_PATTERN)) {
    if (match.index > last) segments.push({ text: text.slice(last, match.index) });
    const ch = match[0];
    segments.push({ control: BIDI_CONTROLS.get(ch), code: `U+${ch.codePointAt(0).toString(16).toUpperCase()}` });
    last = match.index + ch.length;
  }
  if (last < text.length || segments.length === 0) segments.push({ text: text.slice(last) });
  return segments;
}

/** A file's size for people: "820 B", "14 KB", "2.4 MB" (issue 28, point 3). */
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
