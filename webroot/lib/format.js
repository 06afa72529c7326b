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
