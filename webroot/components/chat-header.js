import { html, nothing } from 'lit';
import { initials } from '../lib/format.js';
import { statusLabel, latestStatusEntry, closedBanner } from '../lib/conversation-status.js';
import { transcriptPaths } from '../lib/download.js';

/*
 * The top of the chat view, rendered into the view's shadow root like the message list: the header (for admins the
 * student with their online status, for students the school's staff), the status badge with Close / Reopen for
 * admins (R6.2), and the banner of a closed conversation (R6.3). Close and Reopen go to the view's
 * `statusControl` (chat-status.js). Styles in chat-view-styles.js.
 */

/** The header of chat view `view` (its student, conversation status, signed-in user). */
function renderStatus(view) {
  const status = view.status;
  const badge = html`<span class="badge ${status}" data-testid="conversation-status" data-status=${status}
    ><span class="visually-hidden">Status: </span>${statusLabel(status)}</span
  >`;
  if (!view.isAdmin) return html`<div class="header-status">${badge}</div>`;
  const ready = Boolean(view.conversation) && Boolean(view.store);
  return html`<div class="header-status">
    ${badge}
    ${status === 'closed'
      ? html`<button class="btn small" type="button" data-testid="reopen-conversation" data-status-action
          ?disabled=${!ready || view.statusControl.busy} @click=${view.statusControl.reopen}>Reopen</button>`
      : html`<button class="btn small" type="button" data-testid="close-conversation" data-status-action
          ?disabled=${!ready || view.statusControl.busy} @click=${view.statusControl.openDialog} aria-haspopup="dialog">Close</button>`}
    ${view.conversation ? renderExport(view.conversation.id) : nothing}
  </div>`;
}

/** Staff: the conversation's transcript (issue 28, point 4), as a printable PDF or as CSV or JSON for the records. */
function renderExport(conversationId) {
  const link = (format, label) => html`<a href=${transcriptPaths.conversation(conversationId, format)} download
    data-testid="export-${format}">${label}</a>`;
  return html`<details class="export" data-testid="export-transcript">
    <summary class="btn small" title="Download this conversation's transcript">Export</summary>
    <div class="export-menu">
      ${link('pdf', 'Transcript (PDF)')}${link('csv', 'Spreadsheet (CSV)')}${link('json', 'Data (JSON)')}
    </div>
  </details>`;
}

export function renderChatHeader(view) {
  if (view.isAdmin) {
    const s = view.student;
    const online = s?.online;
    const known = typeof online === 'boolean';
    return html`<header data-testid="chat-header">
      <slot name="start"></slot>
      <span class="avatar-wrap">
        <span class="avatar" aria-hidden="true">${initials(s?.name ?? '')}</span>
        ${known ? html`<span class="presence-dot ${online ? 'online' : 'offline'}" aria-hidden="true"></span>` : nothing}
      </span>
      <div class="title">
        <h2 data-testid="chat-title">${s?.name ?? 'Loading…'}</h2>
        ${s
          ? html`<span class="subtitle">
              ${known
                ? html`<span class="presence-text ${online ? 'online' : ''}" data-testid="chat-presence" data-online=${online ? 'true' : 'false'}
                      >${online ? 'Online' : 'Offline'}</span
                    > · `
                : nothing}Class ${s.className} · Roll ${s.rollId} · ${s.email}
            </span>`
          : html`<span class="subtitle">&nbsp;</span>`}
      </div>
      ${renderStatus(view)}
    </header>`;
  }
  return html`<header data-testid="chat-header">
    <slot name="start"></slot>
    <span class="avatar" aria-hidden="true">HR</span>
    <div class="title">
      <h2 data-testid="chat-title">Your school's staff</h2>
      <span class="subtitle">${view.me?.name}${view.me?.className ? html` · Class ${view.me.className}` : nothing}</span>
    </div>
    ${renderStatus(view)}
  </header>`;
}

/** A closed conversation says who closed it, when, and why (admins), or that writing reopens it (students). */
export function renderClosedBanner(view) {
  const entry = latestStatusEntry(view.statusEvent, view.store?.messages ?? []);
  const text = closedBanner(view.status, entry, view.isAdmin ? 'admin' : 'student');
  const error = view.statusControl.reopenError
    ? html`<p class="banner error" role="alert" data-testid="reopen-error">Could not reopen it: ${view.statusControl.reopenError}</p>`
    : nothing;
  if (!text) return error;
  return html`${error}<p class="banner" data-testid="closed-banner">
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false"><rect x="3" y="7" width="10" height="7" rx="1.5" fill="currentColor"/><path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" stroke-width="1.6"/></svg>
    <span>${text}</span>
  </p>`;
}
