/** Display helpers for times and names (local time zone, the browser's locale). */

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const dayWithYearFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

function toDate(value) {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** "14:03" */
export function formatTime(value) {
  const date = toDate(value);
  return date ? timeFormat.format(date) : '';
}

/** "Tuesday, 12 March 2024 at 14:03:07", for `title` attributes. */
export function formatFull(value) {
  const date = toDate(value);
  return date ? fullFormat.format(date) : '';
}

/** "Today", "Yesterday", "Monday 11 March" or "11 March 2023": day separators in a conversation. */
export function formatDay(value, now = new Date()) {
  const date = toDate(value);
  if (!date) return '';
  const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (date.getFullYear() === now.getFullYear()) return dayFormat.format(date);
  return dayWithYearFormat.format(date);
}

/** The local calendar day of a timestamp, for grouping. */
export function dayKey(value) {
  const date = toDate(value);
  return date ? `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}` : '';
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
