import { LitElement, html, css, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import * as api from '../lib/api.js';
import { describeViewers } from '../lib/team-inbox.js';
import { describeTypists } from '../lib/typing-tracker.js';
import { baseStyles, buttonStyles, formStyles } from './shared-styles.js';

/** The staff (for the assignment menu), loaded once per page and shared by every team bar. */
let staffDirectory = null;

/** The enabled staff accounts, by name; a failed load is tried again next time. */
export function loadStaff() {
  staffDirectory ??= api.listPeople({ role: 'admin', limit: 200 }).then(
    (page) => (page.people ?? []).filter((p) => !p.disabledAt).sort((a, b) => a.name.localeCompare(b.name)),
    (error) => {
      staffDirectory = null;
      throw error;
    },
  );
  return staffDirectory;
}

/**
 * The team line under an admin's chat header (issue 27, points 1 and 2): who the conversation is assigned to, with
 * a menu to assign it to oneself, to a colleague, or to nobody, and which colleagues are viewing it or typing in it
 * now (a polite live region). Staff only: the chat view renders it for admins.
 *
 * @fires hr-assign - `detail: {assigneeId}` (null: unassign): the admin chose an assignment
 */
export class HrTeamBarElement extends LitElement {
  static properties = {
    /** The conversation's {@link TeamInbox}. */
    team: { attribute: false },
    me: { attribute: false },
    /** The colleagues typing in the conversation now (the session's typing tracker, staff only). */
    typists: { attribute: false },
    busy: { type: Boolean },
    error: { type: String },
    staff: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    css`
      :host {
        display: block;
        flex: none;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--hr-space-2) var(--hr-space-4);
        padding: var(--hr-space-2) var(--hr-space-5);
        border-bottom: 1px solid var(--hr-color-border);
        background: var(--hr-color-surface-muted, #f6f7f9);
        font-size: var(--hr-font-size-sm);
      }
      .assign {
        display: flex;
        align-items: center;
        gap: var(--hr-space-2);
      }
      select {
        width: auto;
        min-height: 32px;
        padding-top: 2px;
        padding-bottom: 2px;
      }
      .presence {
        display: inline-flex;
        align-items: center;
        gap: var(--hr-space-2);
        color: var(--hr-color-text);
      }
      .presence:empty {
        display: none;
      }
      .eye {
        color: var(--hr-color-primary);
      }
      .typing {
        font-style: italic;
      }
      .error {
        color: var(--hr-color-danger);
      }
    `,
  ];

  constructor() {
    super();
    this.team = null;
    this.me = null;
    this.typists = [];
    this.busy = false;
    this.error = '';
    this.staff = null;
  }

  connectedCallback() {
    super.connectedCallback();
    loadStaff()
      .then((staff) => {
        this.staff = staff;
      })
      .catch((error) => console.warn('[team] cannot load the staff', error));
  }

  handleChange(event) {
    const value = event.target.value;
    this.dispatchEvent(new CustomEvent('hr-assign', { detail: { assigneeId: value === '' ? null : Number(value) } }));
  }

  render() {
    const team = this.team;
    const assignee = team?.assignee;
    const known = assignee !== undefined;
    const staff = this.staff ?? [];
    // The assignee may be missing from the directory (not loaded yet, or disabled since): still an option.
    const options = assignee && !staff.some((p) => p.id === assignee.id) ? [...staff, assignee] : staff;
    const viewers = describeViewers(team?.viewers ?? []);
    const typing = describeTypists(this.typists ?? []);
    return html`<div class="bar" data-testid="team-bar">
      <div class="assign">
        <label for="assignee">Assigned to</label>
        <select id="assignee" data-testid="assignee-select" ?disabled=${!known || this.busy}
          data-assignee=${assignee?.id ?? ''} .value=${live(String(assignee?.id ?? ''))} @change=${this.handleChange}>
          <option value="" ?selected=${!assignee}>Nobody (unassigned)</option>
          ${options.map((p) => html`<option value=${p.id} ?selected=${assignee?.id === p.id}>
            ${p.id === this.me?.id ? `Me (${p.name})` : p.name}</option>`)}
        </select>
        ${known && assignee?.id !== this.me?.id
          ? html`<button class="btn small" type="button" data-testid="assign-to-me" ?disabled=${this.busy}
              @click=${() => this.dispatchEvent(new CustomEvent('hr-assign', { detail: { assigneeId: this.me.id } }))}>Assign to me</button>`
          : nothing}
        ${this.error ? html`<span class="error" role="alert" data-testid="assign-error">${this.error}</span>` : nothing}
      </div>
      <div class="presence" aria-live="polite" data-testid="team-presence"
        >${viewers ? html`<span data-testid="team-viewers"><span class="eye" aria-hidden="true">●</span> ${viewers}</span>` : nothing}${typing
          ? html`<span class="typing" data-testid="team-typing">${typing}</span>`
          : nothing}</div>
    </div>`;
  }
}

customElements.define('hr-team-bar', HrTeamBarElement);
