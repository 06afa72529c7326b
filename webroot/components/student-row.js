import { html, css, nothing } from 'lit';
import { formatRelativeShort, formatFull, initials } from '../lib/format.js';
import { statusLabel } from '../lib/conversation-status.js';

/*
 * One row of the admin's student list (R2.1-R2.4, R6.2; issue 27's assignee): the student, online or not, the last
 * activity, who is typing, unread count, assignee, and the conversation's status. Rendered into the list's own
 * shadow root (the list's keyboard handling finds the rows there); its styles are {@link studentRowStyles}.
 */

/** Row `student` of list element `list`; `current` when it is the row Tab lands on. */
export function renderStudentRow(list, student, current) {
  const selected = student.id === list.selectedStudentId;
  const unread = student.unread ?? 0;
  const isNew = student.conversationId == null;
  const online = Boolean(student.online);
  const typing = list.typingHint(student);
  return html`
    <li
      id="student-${student.id}"
      class="row ${unread ? 'unread' : ''}"
      role="option"
      tabindex=${current ? '0' : '-1'}
      aria-selected=${selected ? 'true' : 'false'}
      data-testid="student-row"
      data-student-id=${student.id}
      aria-keyshortcuts="Shift+F10"
      data-unread=${unread}
      data-last-seq=${student.lastSeq ?? 0}
      @click=${() => list.openStudent(student)}
      @contextmenu=${(event) => {
        event.preventDefault();
        list.openAssignMenu(student, { x: event.clientX, y: event.clientY });
      }}
      @focus=${() => list.handleRowFocus(student)}
    >
      <span class="avatar-wrap">
        <span class="avatar" aria-hidden="true">${initials(student.name)}</span>
        <span
          class="presence-dot ${online ? 'online' : 'offline'}"
          data-testid="presence"
          data-online=${online ? 'true' : 'false'}
          title=${online ? 'Online' : 'Offline'}
        ></span>
      </span>
      <span class="main">
        <span class="line">
          <span class="name" data-testid="student-name">${student.name}</span>
          <span class="visually-hidden">, ${online ? 'online' : 'offline'}</span>
          ${student.lastMessageAt
            ? html`<time class="time" datetime=${student.lastMessageAt} title=${formatFull(student.lastMessageAt)}>
                ${formatRelativeShort(student.lastMessageAt)}
              </time>`
            : nothing}
        </span>
        ${typing
          ? html`<span class="email typing-hint" data-testid="typing-hint">${typing}</span>`
          : html`<span class="email">${student.email}</span>`}
        <span class="line">
          <span class="meta">Roll ${student.rollId} · Class ${student.className}</span>
          ${unread
            ? html`<span class="badge count" data-testid="unread-count" aria-hidden="true">${unread}</span>
                <span class="visually-hidden">, ${unread} unread</span>`
            : nothing}
          ${student.assignee
            ? html`<span class="assignee" data-testid="student-assignee" data-assignee-id=${student.assignee.id}
                title="Assigned to ${student.assignee.name}"><span class="visually-hidden">, assigned to </span>${student.assignee.id === list.session?.user.id
                  ? 'You'
                  : student.assignee.name}</span>`
            : nothing}
          ${student.disabled
            ? html`<span class="badge disabled" data-testid="student-disabled" title="Account disabled: cannot sign in">Disabled</span>`
            : nothing}
          ${isNew
            ? html`<span class="badge new" data-testid="student-status" title="No conversation yet">New</span>`
            : html`<span class="badge ${student.conversationStatus ?? 'active'}" data-testid="student-status"
                data-status=${student.conversationStatus ?? 'active'}>${statusLabel(student.conversationStatus)}</span>`}
        </span>
      </span>
    </li>
  `;
}

export const studentRowStyles = css`
      .assignee {
        flex: none;
        max-width: 9em;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .assignee::before {
        content: '→ ';
      }
      .row {
        position: relative;
        display: flex;
        gap: var(--hr-space-3);
        align-items: flex-start;
        padding: var(--hr-space-3) var(--hr-space-4);
        border-left: 3px solid transparent;
        border-bottom: 1px solid var(--hr-color-border);
        cursor: pointer;
        /* Rows far off screen cost no layout or paint, so thousands of loaded rows stay smooth. */
        content-visibility: auto;
        contain-intrinsic-size: auto 92px;
      }
      .row:hover {
        background: var(--hr-color-surface-muted);
      }
      .row[aria-selected='true'] {
        background: var(--hr-color-selected);
        border-left-color: var(--hr-color-primary);
      }
      .row:focus-visible {
        outline: none;
        box-shadow: inset var(--hr-focus-ring);
      }
      .main {
        flex: 1;
        min-width: 0;
        display: grid;
        gap: 2px;
      }
      .line {
        display: flex;
        align-items: center;
        gap: var(--hr-space-2);
        min-width: 0;
      }
      .name {
        flex: 1;
        min-width: 0;
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .row.unread .name {
        font-weight: 800;
      }
      .time {
        flex: none;
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .row.unread .time {
        color: var(--hr-color-primary);
        font-weight: 700;
      }
      .email,
      .meta {
        font-size: var(--hr-font-size-sm);
        color: var(--hr-color-text-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .typing-hint {
        font-style: italic;
        color: var(--hr-color-primary);
      }
      .meta {
        flex: 1;
        min-width: 0;
        font-size: var(--hr-font-size-xs);
      }
`;
