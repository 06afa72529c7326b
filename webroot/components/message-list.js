import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { messageStatus } from '../lib/receipts.js';
import { bidiSegments, formatBytes } from '../lib/format.js';
import { withDaySeparators, timeLabel, fullLabel } from '../lib/local-time.js';
import { isStatusEntry, isChatMessage, describeStatusEntry } from '../lib/conversation-status.js';
import { interleaveStaffEntries, describeAssignment } from '../lib/team-inbox.js';

/*
 * The message list of a conversation: what the chat view's scrolling region shows (R3.2, R3.4, R4.3, R4.4, R6.1,
 * R6.3, R6.4): the loading, empty and error states, "Load earlier/newer messages", and the timeline of day
 * separators, messages (with their receipt ticks and outbox states) and status entries. Message bodies are only
 * ever rendered as text.
 *
 * It renders into the chat view's own shadow root, not an element of its own: the view anchors the scroll position
 * (history-scroll.js) by measuring these items in the same update that renders them, which a child
 * element, rendering a microtask later, would not allow. Its styles are in chat-view-styles.js.
 */

/**
 * The receipt marks: one tick (sent), two (delivered), two on a filled badge (read: a different shape, not
 * only a different colour). Decorative: the words are next to them, for screen readers and as a tooltip.
 */
const TICKS = {
  sent: html`<svg viewBox="0 0 20 14" aria-hidden="true" focusable="false"><path d="M4 7.5l3 3L14 3.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>`,
  delivered: html`<svg viewBox="0 0 20 14" aria-hidden="true" focusable="false"><path d="M2 7.5l3 3L12 3.5M9 10.5l0.2 0L16.2 3.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>`,
  read: html`<svg viewBox="0 0 20 14" aria-hidden="true" focusable="false"><rect x="0" y="0" width="20" height="14" rx="7" fill="currentColor"/><path d="M3.5 7.5l2.5 2.5L12 4M9 10l0.2 0L15.5 4" fill="none" stroke="#fff" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/></svg>`,
};

/**
 * The list for the chat view `view` (its store, the signed-in user, receipts, the highlighted search hit; its
 * history for loading pages, retryLoad, deliver and the outbox sender for the buttons).
 */
export function renderTimeline(view) {
  const store = view.store;
  const messages = store?.messages ?? [];
  if (view.loadError) {
    return html`<div class="empty" role="alert">
      <p class="error">Could not load the messages: ${view.loadError}</p>
      <button class="btn small" type="button" @click=${view.retryLoad}>Try again</button>
    </div>`;
  } else if (!store?.loaded && messages.length === 0) {
    return html`<div class="empty" aria-busy="true">Loading messages…</div>`;
  } else if (messages.length === 0 && !(view.teamView?.team?.entries.length > 0)) {
    return view.isAdmin
      ? html`<div class="empty" data-testid="chat-empty">
          <strong>No messages yet</strong>
          Write the first message below; ${view.student?.name ?? 'the student'} sees it as soon as it is sent.
        </div>`
      : html`<div class="empty" data-testid="chat-empty"><strong>No messages yet</strong>Your school's staff will write here.</div>`;
  } else {
    return html`
      ${store.hasMoreBefore
        ? html`<div class="edge">
            <button class="btn small ghost" type="button" @click=${() => view.history.loadOlder()} ?disabled=${store.loadingOlder}>
              Load earlier messages
            </button>
          </div>`
        : html`<div class="edge">Start of the conversation</div>`}
      <ol data-testid="message-list" @keydown=${(event) => moveTimeFocus(view, event)}>
        ${repeat(
          withRovingTime(view, timelineItems(view, messages)),
          (item) => item.key,
          (item) => renderItem(view, item),
        )}
      </ol>
      ${store.hasMoreAfter
        ? html`<div class="edge end">
            <button class="btn small ghost" type="button" data-testid="load-newer" @click=${() => view.history.loadNewer()} ?disabled=${store.loadingNewer}>
              ${store.loadingNewer ? 'Loading newer messages…' : 'Load newer messages'}
            </button>
          </div>`
        : nothing}
    `;
  }
}

/**
 * The list's items: day separators (by local calendar day, R6.1), messages with their receipt status, and
 * status entries. The status is spelled out under the newest message from this side (and, for an admin,
 * under the newest student message admins read); elsewhere ticks say it, with the words for screen readers
 * and in a tooltip. Status entries have no status.
 */
function timelineItems(view, messages) {
  const me = view.me;
  const statuses = new Map(messages.map((m) => [m, isChatMessage(m) ? messageStatus(m, view.receipts, me) : null]));
  const newest = (test) => {
    for (let i = messages.length - 1; i >= 0; i -= 1) {
      const m = messages[i];
      if (isChatMessage(m) && test(m, statuses.get(m))) return m;
    }
    return null;
  };
  const ownSide = (m) => ['me', 'colleague'].includes(authorOf(m, me));
  const spelledOut = new Set([newest((m, st) => !m.pending && st && ownSide(m))]);
  if (me?.role === 'admin') spelledOut.add(newest((m, st) => st && !ownSide(m)));
  // Staff only (issue 27): private notes and assignment changes between the messages they were written after.
  const team = view.teamView?.team;
  const timeline = team
    ? interleaveStaffEntries(messages, team.entries, { hasMoreBefore: view.store?.hasMoreBefore, hasMoreAfter: view.store?.hasMoreAfter })
    : messages;
  return withDaySeparators(timeline).map((item) => {
    if (item.type === 'day') return item;
    const message = item.entry;
    if (message.staffEntry) return { type: 'entry', key: `s:${message.id}`, message, status: null, spelledOut: false };
    // Keyed by sender and clientMsgId so the pending element becomes the stored one in place.
    const key = message.clientMsgId ? `c:${message.senderId}:${message.clientMsgId}` : `m:${message.id}`;
    return { type: 'entry', key, message, status: statuses.get(message), spelledOut: spelledOut.has(message) };
  });
}

/**
 * One tab stop for the whole timeline's times (issue 27, point 6): the times of the entries are reached with Tab
 * once, at the entry last focused (the newest at first), and the arrow keys, Home and End move between them; each
 * shows its full date and time when focused (R6.1). Marks the item whose time takes the Tab.
 */
function withRovingTime(view, items) {
  const entries = items.filter((item) => item.type === 'entry' && item.message.createdAt);
  const keys = new Set(entries.map((item) => item.key));
  const roving = keys.has(view.timeFocusKey) ? view.timeFocusKey : entries[entries.length - 1]?.key;
  return items.map((item) => (item.type === 'entry' ? { ...item, tabStop: item.key === roving } : item));
}

/** Arrow keys on a time: the previous or next entry's time takes the focus (and the Tab from then on). */
function moveTimeFocus(view, event) {
  const time = event.composedPath().find((el) => el?.dataset?.testid === 'message-time');
  if (!time || event.altKey || event.ctrlKey || event.metaKey) return;
  const times = [...event.currentTarget.querySelectorAll('[data-testid=message-time]')];
  const index = times.indexOf(time);
  const next = { ArrowUp: index - 1, ArrowDown: index + 1, Home: 0, End: times.length - 1 }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  const target = times[Math.max(0, Math.min(next, times.length - 1))];
  if (!target || target === time) return;
  time.tabIndex = -1;
  target.tabIndex = 0;
  view.timeFocusKey = target.closest('[data-key]')?.dataset.key ?? null;
  target.focus();
  target.scrollIntoView({ block: 'nearest' });
}

function renderItem(view, item) {
  if (item.type === 'day') return html`<li class="day" data-testid="day-separator" data-day=${item.day}>${item.label}</li>`;
  if (item.message.staffEntry) return renderStaffEntry(view, item.message, item.key, item.tabStop);
  if (isStatusEntry(item.message)) return renderStatusEntry(view, item.message, item.key, item.tabStop);
  return renderMessage(view, item.message, item.key, item.status, item.spelledOut, item.tabStop);
}

/**
 * The time (R6.1): focusable (one of them in the Tab order, see withRovingTime); the full date and time is its
 * accessible text and shows on hover and focus.
 */
function renderTime(createdAt, tabStop = false) {
  if (!createdAt) return nothing;
  return html`<time class="stamp" datetime=${createdAt} tabindex=${tabStop ? '0' : '-1'} data-testid="message-time"
    ><span aria-hidden="true" data-testid="time-short">${timeLabel(createdAt)}</span><span class="tip" data-testid="time-full">${fullLabel(createdAt)}</span></time
  >`;
}

/** A status entry (R6.2, R6.3): "Closed by Ada Admin · 14:02 · “note”", centred. */
function renderStatusEntry(view, entry, key, tabStop = false) {
  const { action, note } = describeStatusEntry(entry);
  const hit = entry.seq === view.hitSeq;
  return html`<li
    class="system ${entry.kind} ${hit ? 'hit' : ''}"
    data-testid="status-entry"
    data-kind=${entry.kind}
    data-key=${key}
    data-seq=${entry.seq}
    data-hit=${hit ? 'true' : 'false'}
    tabindex=${hit ? '-1' : nothing}
  >
    <span class="action" data-testid="status-entry-action">${action}</span> · ${renderTime(entry.createdAt, tabStop)}${note
      ? html` · <span data-testid="status-entry-note">“${note}”</span>`
      : nothing}
  </li>`;
}

/**
 * A staff-only entry (issue 27), never shown to a student (the server never sends them one): a private note, a card
 * in a colour of its own labelled as such, or an assignment change, a centred line like a status entry.
 */
function renderStaffEntry(view, entry, key, tabStop = false) {
  if (entry.kind !== 'note') {
    return html`<li class="system staff-line" data-testid="assignment-entry" data-kind=${entry.kind} data-key=${key}>
      <span class="action">${describeAssignment(entry, view.me)}</span> · ${renderTime(entry.createdAt, tabStop)}
    </li>`;
  }
  const mine = entry.author?.id === view.me?.id;
  return html`<li class="staff-note" data-testid="staff-note" data-key=${key} data-note-id=${entry.id} data-author=${mine ? 'me' : 'colleague'}>
    <div class="meta">
      <span class="note-label" data-testid="staff-note-label"><svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false"><rect x="3" y="7" width="10" height="7" rx="1.5" fill="currentColor"/><path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" stroke-width="1.6"/></svg>
        Private note · staff only</span>
      <span class="sender" data-testid="staff-note-author">${mine ? 'You' : entry.author?.name}</span>
      ${renderTime(entry.createdAt, tabStop)}
    </div>
    <div class="note-body" data-testid="staff-note-body">${renderBody(entry.body)}</div>
  </li>`;
}

/**
 * Who wrote a message, as the viewer sees it (issue 27, point 5): `me`; for staff, a `colleague` (another admin) or
 * the `student`; for a student, `staff`. Staff see every staff message on their side of the conversation, their own
 * in the main colour and colleagues' in a second one, each labelled with its writer's name.
 */
export function authorOf(m, me) {
  if (m.senderId === me?.id) return 'me';
  if (me?.role === 'admin') return m.senderRole === 'student' ? 'student' : 'colleague';
  return 'staff';
}

function renderMessage(view, m, key, status = null, spelledOut = false, tabStop = false) {
  const author = authorOf(m, view.me);
  const ourSide = author === 'me' || author === 'colleague';
  const stored = status && !m.pending;
  const hit = !m.pending && m.seq === view.hitSeq;
  const classes = ['msg', ourSide ? 'own' : 'theirs', author === 'colleague' ? 'colleague' : '', m.pending ? 'pending' : '',
    m.failed ? 'failed' : '', hit ? 'hit' : ''].join(' ');
  return html`<li
    class=${classes}
    data-testid="message"
    data-key=${key}
    data-seq=${m.seq ?? nothing}
    data-message-id=${m.id ?? nothing}
    data-sender-role=${m.senderRole ?? nothing}
    data-author=${author}
    data-side=${ourSide ? 'end' : 'start'}
    data-pending=${m.pending ? 'true' : 'false'}
    data-hit=${hit ? 'true' : 'false'}
    tabindex=${hit ? '-1' : nothing}
  >
    <div class="meta">
      <span class="sender" data-testid="message-sender">${m.senderName}</span>
      ${m.announcementId ? html`<span class="announce-label" data-testid="announcement-label">Announcement</span>` : nothing}
      ${renderTime(m.createdAt, tabStop)}
      ${stored
        ? html`<span class="ticks ${status.state}" data-testid="message-status" data-status=${status.state} title=${status.text}
            >${TICKS[status.state]}<span class="visually-hidden">${status.text}</span></span
          >`
        : nothing}
    </div>
    ${m.attachment && m.body === m.attachment.name
      ? html`<div class="visually-hidden" data-testid="message-body">${m.body}</div>`
      : html`<div class="bubble" data-testid="message-body">${renderBody(m.body)}</div>`}
    ${m.attachment ? renderFile(m.attachment) : nothing}
    ${m.needsAck && !m.pending ? renderAcknowledgement(view, m) : nothing}
    ${stored && spelledOut
      ? html`<div class="status receipt-line" aria-hidden="true" data-testid="receipt-line">${status.text}</div>`
      : nothing}
    ${m.failed
      ? html`<div class="status failed" role="alert" data-testid="message-status" data-status="failed">
          Not sent${m.error ? `: ${m.error}` : ''}
          <button class="btn small" type="button" data-testid="message-retry" @click=${() => view.deliver(m.clientMsgId)}>Retry</button>
          <button class="btn small ghost" type="button" data-testid="message-discard" @click=${() => view.sender?.discard(m.clientMsgId)}>Discard</button>
        </div>`
      : m.queued
        ? html`<div class="status queued" data-testid="message-status" data-status="queued">
            <span>Queued: it goes after the ones before it, in a moment.</span>
            <button class="btn small ghost" type="button" data-testid="message-discard" @click=${() => view.sender?.discard(m.clientMsgId)}>Discard</button>
          </div>`
      : m.waiting
        ? html`<div class="status waiting" data-testid="message-status" data-status="waiting">
            <span>Waiting to send: it goes as soon as the server can be reached.</span>
            <button class="btn small" type="button" data-testid="message-retry" @click=${() => view.deliver(m.clientMsgId)}>Send now</button>
            <button class="btn small ghost" type="button" data-testid="message-discard" @click=${() => view.sender?.discard(m.clientMsgId)}>Discard</button>
          </div>`
        : m.pending
          ? html`<div class="status" data-testid="message-status" data-status="sending">sending…</div>`
          : nothing}
  </li>`;
}

/**
 * A file sent with a message (issue 28, point 3): an image as a preview, anything else as a card; either downloads it.
 * The server serves them as attachments, an image inline only for the preview.
 */
function renderFile(a) {
  const href = `/api/attachments/${encodeURIComponent(a.id)}`;
  if (a.kind === 'image') {
    return html`<a class="file-image" href=${href} download data-testid="attachment-image" title="Download ${a.name}"
      ><img src="${href}?inline=1" alt=${a.name} loading="lazy" /></a>`;
  }
  return html`<a class="file-card" href=${href} download data-testid="attachment-file" data-kind=${a.kind}
    title="Download ${a.name}"><span class="file-icon" aria-hidden="true">${a.kind === 'pdf' ? 'PDF' : 'DOC'}</span
    ><span class="file-meta"><span class="file-name">${a.name}</span><span class="file-size">${formatBytes(a.size)} · Download</span></span></a>`;
}

/**
 * A message that asks to be acknowledged (issue 28, point 2). The student sees "I have read this" until they press it,
 * then when they did; staff see whether and when the student did.
 */
function renderAcknowledgement(view, m) {
  if (m.acknowledgedAt) {
    const who = view.isAdmin ? 'Acknowledged' : 'You confirmed you have read this';
    return html`<div class="ack done" data-testid="ack-state" data-state="acknowledged">✓ ${who} · ${fullLabel(m.acknowledgedAt)}</div>`;
  }
  if (view.isAdmin) {
    return html`<div class="ack" data-testid="ack-state" data-state="waiting">Waiting for the student to confirm they have read it</div>`;
  }
  const busy = view.acknowledging === m.id;
  return html`<div class="ack ask" data-testid="ack-state" data-state="asked">
    <span>Please confirm you have read this.</span>
    <button class="btn small primary" type="button" data-testid="ack-button" ?disabled=${busy} @click=${() => view.acknowledge(m)}
      >${busy ? 'Saving…' : 'I have read this'}</button>
    ${view.ackError && !busy ? html`<span class="error" role="alert">${view.ackError}</span>` : nothing}
  </div>`;
}

/**
 * A message's text, only ever as text; a bidirectional control is shown as its name in a marked box instead of being
 * obeyed, so it cannot reverse or disguise what follows it (issue 24, point 10).
 */
function renderBody(body) {
  const segments = bidiSegments(body ?? '');
  if (segments.length === 1 && segments[0].text !== undefined) return segments[0].text;
  return segments.map((s) => (s.control
    ? html`<span class="bidi-control" data-testid="bidi-control" title="Direction control ${s.code}">${s.control}</span>`
    : s.text));
}
