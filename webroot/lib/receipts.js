/**
 * Delivered and read marks (R4.3, R4.4): each participant's watermarks in one conversation, and what
 * they mean for one message.
 *
 * A `Receipt` is `{userId, name, role, deliveredSeq, readSeq}`: every message with `seq <= deliveredSeq`
 * reached one of that user's clients, every one with `seq <= readSeq` was shown to them. The marks come
 * from `GET /api/conversations/:id` (`receipts`, so a reload shows them) and then from `chat.receipt`
 * events; both are merged forward only, so an event that overtakes the fetch, or arrives twice, changes
 * nothing it should not.
 *
 * Whose marks count: for a staff member's message, the student's; for the student's message, any
 * admin's (and admins see which admins read it). Status entries ("closed"/"reopened", R6.2) get no ticks.
 * No DOM: the chat view renders what {@link messageStatus} returns.
 */
import { isStatusEntry } from './conversation-status.js';

export class Receipts {
  /** @type {Map<number, {userId: number, name: string, role: string, deliveredSeq: number, readSeq: number}>} */
  #byUser = new Map();

  constructor(receipts = []) {
    this.merge(receipts);
  }

  /** Every participant's marks, as held. */
  get list() {
    return [...this.#byUser.values()];
  }

  /**
   * Merges receipts (a fetched list, or one `chat.receipt` event each). Marks only move forward, and
   * read implies delivered.
   * @returns {boolean} whether anything changed
   */
  merge(receipts = []) {
    let changed = false;
    for (const r of receipts) {
      if (!r || r.userId == null) continue;
      const known = this.#byUser.get(r.userId);
      const readSeq = Math.max(known?.readSeq ?? 0, seqOf(r.readSeq));
      const deliveredSeq = Math.max(known?.deliveredSeq ?? 0, seqOf(r.deliveredSeq), readSeq);
      const name = r.name || known?.name || '';
      const role = r.role ?? known?.role ?? null;
      if (known && known.readSeq === readSeq && known.deliveredSeq === deliveredSeq && known.name === name && known.role === role) {
        continue;
      }
      this.#byUser.set(r.userId, { userId: r.userId, name, role, deliveredSeq, readSeq });
      changed = true;
    }
    return changed;
  }
}

/**
 * What to show for a message, as `viewer` sees it:
 *
 * - a message still being sent: `sending` (or `failed`);
 * - a message from the viewer's side (their own; for an admin, any staff message): `sent` (stored),
 *   `delivered`, or `read`, by the other side's marks;
 * - for an admin, a student's message that admins have read: `read`, with the readers' names;
 * - otherwise null (nothing to show), and always for a status entry ("closed"/"reopened": not a message).
 *
 * @param {object} message a Message (or a pending one, with `pending` and `failed`)
 * @param {Receipts|object[]} receipts
 * @param {{id: number, role: string}} viewer the signed-in user
 * @returns {{state: 'sending'|'failed'|'sent'|'delivered'|'read', readers: string[], text: string}|null}
 */
export function messageStatus(message, receipts, viewer) {
  if (!message || !viewer || isStatusEntry(message)) return null;
  if (message.pending) {
    return message.failed
      ? { state: 'failed', readers: [], text: 'Not sent' }
      : { state: 'sending', readers: [], text: 'sending…' };
  }
  const list = Array.isArray(receipts) ? receipts : receipts?.list ?? [];
  const fromStudent = message.senderRole === 'student';
  // The other side: the student for a staff message, the admins for the student's.
  const counterparts = list.filter(
    (r) => r.userId !== message.senderId && (fromStudent ? r.role === 'admin' : r.role === 'student'),
  );
  const readers = counterparts
    .filter((r) => seqOf(r.readSeq) >= message.seq)
    .map((r) => r.name)
    .sort((a, b) => a.localeCompare(b));
  const ownSide = viewer.role === 'admin' ? !fromStudent : message.senderId === viewer.id;
  if (!ownSide) {
    // Admins see which of them read the student's message (no two answering unaware).
    if (viewer.role === 'admin' && fromStudent && readers.length > 0) {
      return { state: 'read', readers, text: `Read by ${joinNames(readers)}` };
    }
    return null;
  }
  if (readers.length > 0) return { state: 'read', readers, text: 'Read' };
  const delivered = counterparts.some((r) => Math.max(seqOf(r.deliveredSeq), seqOf(r.readSeq)) >= message.seq);
  return delivered ? { state: 'delivered', readers, text: 'Delivered' } : { state: 'sent', readers, text: 'Sent' };
}

/** "Ada", "Ada and Grace", "Ada, Grace and Sam". */
export function joinNames(names) {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function seqOf(value) {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
