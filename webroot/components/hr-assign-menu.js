import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { baseStyles } from './shared-styles.js';
import { loadStaff } from './hr-team-bar.js';

/**
 * The student list's assignment menu (issue 27, point 1): opened on a row by right-click, the context-menu key or
 * Shift+F10, it assigns that student's conversation to oneself, to a colleague or to nobody. A menu of radio items
 * (the current assignee checked); arrow keys, Home and End move, Enter or Space chooses, Escape or Tab closes, and the
 * focus goes back to the row. Choosing assigns at once (starting the conversation first when there is none); a refusal
 * is said in the menu, which stays open.
 *
 * @fires hr-assigned - `detail: {student, conversation, assignee}`: assigned (`conversation` when it was started now)
 * @fires hr-menu-close - the menu closed without a change
 */
export class HrAssignMenuElement extends LitElement {
  static properties = {
    /** The row's student (with `assignee`), or null when closed. */
    student: { attribute: false },
    me: { attribute: false },
    /** Where to show it: `{x, y}` in viewport pixels. */
    at: { attribute: false },
    staff: { state: true },
    error: { state: true },
  };

  static styles = [
    baseStyles,
    css`
      [role='menu'] {
        position: fixed;
        z-index: 20;
        min-width: 220px;
        max-width: min(320px, calc(100vw - 16px));
        max-height: 320px;
        overflow: auto;
        margin: 0;
        padding: var(--hr-space-1) 0;
        background: var(--hr-color-surface);
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius, 8px);
        box-shadow: 0 8px 28px rgb(0 0 0 / 0.16);
      }
      .heading {
        padding: var(--hr-space-1) var(--hr-space-3);
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      button {
        display: flex;
        gap: var(--hr-space-2);
        width: 100%;
        padding: var(--hr-space-2) var(--hr-space-3);
        border: 0;
        background: none;
        font: inherit;
        font-size: var(--hr-font-size-sm);
        color: var(--hr-color-text);
        text-align: left;
        cursor: pointer;
      }
      button:hover,
      button:focus-visible {
        background: var(--hr-color-primary-soft, #e8efff);
        outline: none;
      }
      .check {
        width: 1em;
        flex: none;
        color: var(--hr-color-primary);
      }
    `,
  ];

  constructor() {
    super();
    this.student = null;
    this.me = null;
    this.at = { x: 0, y: 0 };
    this.staff = null;
    this.error = '';
  }

  connectedCallback() {
    super.connectedCallback();
    loadStaff()
      .then((staff) => {
        this.staff = staff;
      })
      .catch((error) => {
        this.error = error.message;
      });
    document.addEventListener('pointerdown', this.handleOutside, true);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener('pointerdown', this.handleOutside, true);
  }

  handleOutside = (event) => {
    if (!event.composedPath().includes(this)) this.close();
  };

  get items() {
    return [...(this.renderRoot?.querySelectorAll('[role=menuitemradio]') ?? [])];
  }

  updated(changed) {
    if ((changed.has('student') || changed.has('staff')) && this.student) {
      // The checked item takes the focus, else the first.
      const items = this.items;
      (items.find((el) => el.getAttribute('aria-checked') === 'true') ?? items[0])?.focus();
    }
  }

  close() {
    if (!this.student) return;
    this.dispatchEvent(new CustomEvent('hr-menu-close'));
  }

  async choose(assigneeId) {
    const student = this.student;
    this.error = '';
    try {
      let conversation = null;
      let conversationId = student.conversationId;
      if (conversationId == null) {
        conversation = (await api.openConversation(student.id)).conversation;
        conversationId = conversation.id;
      }
      const answer = await api.assignConversation(conversationId, assigneeId);
      this.dispatchEvent(new CustomEvent('hr-assigned', { detail: { student, conversation, assignee: answer.assignee ?? null } }));
    } catch (error) {
      this.error = `Could not assign it: ${error.message}`;
    }
  }

  handleKeydown(event) {
    const items = this.items;
    const index = items.indexOf(this.renderRoot.activeElement);
    const next = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: items.length - 1 }[event.key];
    if (next !== undefined) {
      event.preventDefault();
      items[(next + items.length) % items.length]?.focus();
    } else if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      this.close();
    }
  }

  render() {
    const student = this.student;
    if (!student) return nothing;
    const assignee = student.assignee?.id ?? null;
    const colleagues = (this.staff ?? []).filter((p) => p.id !== this.me?.id);
    const item = (id, label, testid) => html`<button type="button" role="menuitemradio" data-testid=${testid}
      aria-checked=${assignee === id ? 'true' : 'false'} tabindex="-1" @click=${() => this.choose(id)}
      ><span class="check" aria-hidden="true">${assignee === id ? '✓' : ''}</span>${label}</button>`;
    const left = Math.max(8, Math.min(this.at.x, window.innerWidth - 240));
    const top = Math.max(8, Math.min(this.at.y, window.innerHeight - 200));
    return html`<div role="menu" aria-label="Assign ${student.name}'s conversation" data-testid="assign-menu"
      style="left: ${left}px; top: ${top}px" @keydown=${this.handleKeydown}>
      <div class="heading" aria-hidden="true">Assign ${student.name}</div>
      ${item(this.me?.id, 'Me', 'assign-menu-me')}
      ${colleagues.map((p) => item(p.id, p.name, 'assign-menu-colleague'))}
      ${item(null, 'Nobody (unassigned)', 'assign-menu-none')}
      ${this.error ? html`<div class="heading" role="alert">${this.error}</div>` : nothing}
    </div>`;
  }
}

customElements.define('hr-assign-menu', HrAssignMenuElement);
