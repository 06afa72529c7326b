/**
 * Times as the viewer sees them (R6.1): in their time zone and locale, with the zone, the locale and "now"
 * injectable so the logic runs in Node tests for any zone.
 *
 * - {@link dayKeyIn}: the local calendar day of an instant, `YYYY-MM-DD` (grouping messages by day);
 * - {@link dayLabel}: "Today", "Yesterday", otherwise the weekday and date ("Monday 11 March", with the year
 *   when it is not this year's): the timeline's day separators;
 * - {@link timeLabel} "14:03", {@link fullLabel} "Tuesday, 12 March 2024 at 14:03:07", {@link dateTimeLabel}
 *   "12 Mar 2024, 14:03";
 * - {@link startOfLocalDay}: the instant a local calendar day starts (search date filters: a day's first
 *   instant, also where midnight does not exist because clocks jump forward at 00:00);
 * - {@link withDaySeparators}: a timeline's items with a separator before each new local day.
 *
 * Pure: no DOM; `Intl` only.
 */

let zone = null;
let zoneReadAt = 0;
/** How long the zone read from the system is reused (a laptop carried across zones shows the new one after this). */
const ZONE_REUSE_MS = 60 * 1000;

/**
 * The browser's (or Node's) time zone, e.g. "Europe/Paris". Read again at most once a minute: every timestamp of
 * every render asks, and each read builds an `Intl.DateTimeFormat` (two seconds of a flush of 100 messages, when
 * the page read it each time).
 */
export function viewerTimeZone() {
  const now = Date.now();
  if (zone === null || now - zoneReadAt >= ZONE_REUSE_MS || now < zoneReadAt) {
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    } catch {
      zone = 'UTC';
    }
    zoneReadAt = now;
  }
  return zone;
}

const formatters = new Map();

/**
 * Labels already made, by kind, locale, zone and instant. A conversation's view renders every message's time (and
 * its full date for the tooltip) on every change, and formatting is the costly part of a render: a message's labels
 * are made once. Cleared when full (a long session scrolling far back).
 */
const labels = new Map();
const LABELS_MAX = 20_000;

function remembered(kind, locale, timeZone, date, make) {
  const key = `${kind}|${locale ?? ''}|${timeZone ?? ''}|${date.getTime()}`;
  let label = labels.get(key);
  if (label === undefined) {
    if (labels.size >= LABELS_MAX) labels.clear();
    label = make();
    labels.set(key, label);
  }
  return label;
}

/** One cached Intl.DateTimeFormat per (locale, zone, options). */
function formatter(locale, timeZone, options) {
  const key = `${locale ?? ''}|${timeZone ?? ''}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** A Date for an ISO string, a number or a Date; null when it is not a valid time. */
export function toDate(value) {
  if (value == null || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The wall-clock fields of an instant in a zone: {year, month (1-12), day, hour, minute, second}. */
export function zonedParts(value, timeZone = viewerTimeZone()) {
  const date = toDate(value);
  if (!date) return null;
  const parts = {};
  for (const p of formatter('en-US', timeZone, {
    year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(date)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour % 24, minute: parts.minute, second: parts.second };
}

function pad(n, width = 2) {
  return String(n).padStart(width, '0');
}

/** The local calendar day of an instant in a zone, as `YYYY-MM-DD`; '' for an invalid time. */
export function dayKeyIn(value, timeZone = viewerTimeZone()) {
  const date = toDate(value);
  if (!date) return '';
  return remembered('day', null, timeZone, date, () => {
    const p = zonedParts(date, timeZone);
    return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
  });
}

function parseDayKey(key) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(key ?? ''));
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return { year, month, day };
}

/** Whether `key` is a real calendar day written `YYYY-MM-DD` (what `<input type="date">` gives). */
export function isDayKey(key) {
  return parseDayKey(key) !== null;
}

/** The calendar day `days` after `key` ('2024-02-28' + 1 = '2024-02-29'); null for a bad key. */
export function addDays(key, days) {
  const d = parseDayKey(key);
  if (!d) return null;
  const date = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** Whole calendar days from day `a` to day `b` (`b` - `a`). */
function daysBetween(a, b) {
  const da = parseDayKey(a);
  const db = parseDayKey(b);
  return Math.round((Date.UTC(db.year, db.month - 1, db.day) - Date.UTC(da.year, da.month - 1, da.day)) / 86_400_000);
}

/** The zone's offset from UTC at an instant, in ms (east positive). */
function offsetAt(ms, timeZone) {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = zonedParts(whole, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/**
 * The first instant of a local calendar day (`YYYY-MM-DD`) in a zone, as a Date; null for a bad key. Usually
 * local midnight; where the clocks jump forward at midnight (there is no 00:00 that day), the jump's instant.
 */
export function startOfLocalDay(key, timeZone = viewerTimeZone()) {
  const d = parseDayKey(key);
  if (!d) return null;
  const utcMidnight = Date.UTC(d.year, d.month - 1, d.day);
  const first = offsetAt(utcMidnight, timeZone);
  let guess = utcMidnight - first;
  const second = offsetAt(guess, timeZone);
  if (second !== first) guess = utcMidnight - second;
  if (dayKeyIn(guess, timeZone) === key) {
    // Midnight exists (or guess is already past a jump): step back while the day has earlier instants.
    while (dayKeyIn(guess - 60_000, timeZone) === key) guess -= 60_000;
    return new Date(guess);
  }
  // In a gap (local time 23:xx of the day before): find the first minute that belongs to the day.
  let low = guess;
  let high = guess + 3 * 3_600_000;
  while (dayKeyIn(high, timeZone) < key) high += 3_600_000;
  while (high - low > 60_000) {
    const mid = low + Math.floor((high - low) / 120_000) * 60_000;
    if (dayKeyIn(mid, timeZone) < key) low = mid;
    else high = mid;
  }
  return new Date(high);
}

/**
 * The label of a day separator: "Today", "Yesterday", otherwise the weekday and the date in the viewer's locale
 * ("Monday 11 March"; "Saturday 11 March 2023" in another year). Days are calendar days in `timeZone`.
 */
export function dayLabel(value, { now = new Date(), timeZone = viewerTimeZone(), locale } = {}) {
  const date = toDate(value);
  if (!date) return '';
  const day = dayKeyIn(date, timeZone);
  const today = dayKeyIn(now, timeZone);
  const diff = daysBetween(day, today);
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Yesterday';
  const sameYear = day.slice(0, 4) === today.slice(0, 4);
  const options = sameYear
    ? { weekday: 'long', day: 'numeric', month: 'long' }
    : { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };
  return formatter(locale, timeZone, options).format(date);
}

/** "14:03" (or "2:03 PM", by locale). */
export function timeLabel(value, { timeZone = viewerTimeZone(), locale } = {}) {
  const date = toDate(value);
  return date ? remembered('time', locale, timeZone, date,
    () => formatter(locale, timeZone, { hour: '2-digit', minute: '2-digit' }).format(date)) : '';
}

/** "Tuesday, 12 March 2024 at 14:03:07": the full date and time, for tooltips and screen readers. */
export function fullLabel(value, { timeZone = viewerTimeZone(), locale } = {}) {
  const date = toDate(value);
  return date ? remembered('full', locale, timeZone, date,
    () => formatter(locale, timeZone, { dateStyle: 'full', timeStyle: 'medium' }).format(date)) : '';
}

/** "12 Mar 2024, 14:03": a compact date and time (search results, the closed banner). */
export function dateTimeLabel(value, { timeZone = viewerTimeZone(), locale } = {}) {
  const date = toDate(value);
  return date ? remembered('dateTime', locale, timeZone, date,
    () => formatter(locale, timeZone, { dateStyle: 'medium', timeStyle: 'short' }).format(date)) : '';
}

/**
 * A timeline's items: `{type: 'day', key: 'day:YYYY-MM-DD', day, label}` before the first entry of each local
 * day, then `{type: 'entry', entry}` for each entry (in the order given). Entries without a valid `createdAt`
 * join the day before them.
 *
 * @param {object[]} entries messages and status entries, in order, each with `createdAt`
 */
export function withDaySeparators(entries, { now = new Date(), timeZone = viewerTimeZone(), locale } = {}) {
  const items = [];
  let lastDay = null;
  for (const entry of entries) {
    const day = dayKeyIn(entry?.createdAt, timeZone);
    if (day && day !== lastDay) {
      items.push({ type: 'day', key: `day:${day}`, day, label: dayLabel(entry.createdAt, { now, timeZone, locale }) });
      lastDay = day;
    }
    items.push({ type: 'entry', entry });
  }
  return items;
}
