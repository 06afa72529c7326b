/**
 * A conversation's status (R6.2, R6.3) as the client shows it: "Active" / "Closed", the audit entries in the
 * timeline ("Closed by Ada Admin · 14:02 · “note”", "Reopened by Sam Student · 14:05"), and the banner of a
 * closed conversation.
 *
 * Status entries are Messages with `kind` "closed" or "reopened" (docs/API.md): they take a `seq` and arrive as
 * `chat.message.created` like messages, but they are not something someone wrote. They never count as unread,
 * never notify, get no delivered/read ticks and do not call for a read mark: {@link isChatMessage} is the test
 * every consumer of `message-created` applies.
 *
 * Pure: no DOM.
 */
import { timeLabel, dateTimeLabel } from './local-time.js';

/** The longest note the server accepts when closing (docs/API.md). */
export const MAX_NOTE_LENGTH = 500;

/** Whether a Message is a status entry ("closed" / "reopened"). */
export function isStatusEntry(message) {
  return message?.kind === 'closed' || message?.kind === 'reopened';
}

/** Whether a Message is something someone wrote (kind "message"; older servers send no kind). */
export function isChatMessage(message) {
  return Boolean(message) && !isStatusEntry(message);
}

/** "Active" / "Closed" for a status ("active" | "closed"); an unknown or missing one reads as "Active". */
export function statusLabel(status) {
  return status === 'closed' ? 'Closed' : 'Active';
}

/**
 * The timeline line of a status entry, in parts: `{action: "Closed by Ada Admin", time: "14:02", note}`
 * (`note` null when none). The view joins them with " · " and quotes the note.
 */
export function describeStatusEntry(entry, { timeZone, locale } = {}) {
  const who = entry?.senderName || 'someone';
  const action = entry?.kind === 'closed' ? `Closed by ${who}` : `Reopened by ${who}`;
  const note = entry?.kind === 'closed' && typeof entry.note === 'string' && entry.note.trim() ? entry.note.trim() : null;
  return { action, time: timeLabel(entry?.createdAt, { timeZone, locale }), note };
}

/** The line as one string: "Closed by Ada Admin · 14:02 · “Sorted, thanks”" (also what is read out). */
export function statusEntryText(entry, options = {}) {
  const { action, time, note } = describeStatusEntry(entry, options);
  return [action, time, note ? `“${note}”` : null].filter(Boolean).join(' · ');
}

/**
 * The newest status entry known: the later (by `seq`) of the conversation's `statusEvent` and the status
 * entries among `messages`. Null when none.
 */
export function latestStatusEntry(statusEvent, messages = []) {
  let latest = isStatusEntry(statusEvent) ? statusEvent : null;
  for (const m of messages) {
    if (isStatusEntry(m) && (!latest || m.seq > latest.seq)) latest = m;
  }
  return latest;
}

/**
 * What a closed conversation's banner says, or null when it is not closed.
 *
 * - admins: "Closed by Ada Admin on 12 Mar 2024, 14:02 · “note”" (who, when, the note);
 * - students: "This conversation was closed by Ada Admin. Writing a message reopens it."
 *
 * @param {string} status the conversation's status
 * @param {object|null} entry the latest "closed" entry (see {@link latestStatusEntry}); may be unknown yet
 * @param {'admin'|'student'} role the viewer's
 */
export function closedBanner(status, entry, role, { timeZone, locale } = {}) {
  if (status !== 'closed') return null;
  const closed = entry?.kind === 'closed' ? entry : null;
  const who = closed?.senderName;
  if (role !== 'admin') {
    return who
      ? `This conversation was closed by ${who}. Writing a message reopens it.`
      : 'This conversation was closed. Writing a message reopens it.';
  }
  if (!closed) return 'Closed';
  const note = closed.note && closed.note.trim() ? ` · “${closed.note.trim()}”` : '';
  return `Closed by ${who || 'someone'} on ${dateTimeLabel(closed.createdAt, { timeZone, locale })}${note}`;
}

/** A spoken sentence for a status entry that arrived live: "Ada Admin closed the conversation: “note”". */
export function announceStatusEntry(entry) {
  const who = entry?.senderName || 'Someone';
  if (entry?.kind === 'closed') {
    return entry.note && entry.note.trim()
      ? `${who} closed the conversation: “${entry.note.trim()}”`
      : `${who} closed the conversation`;
  }
  return `${who} reopened the conversation`;
}
