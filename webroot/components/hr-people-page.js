import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { formatRelativeShort, formatFull } from '../lib/format.js';
import { baseStyles, buttonStyles, formStyles, badgeStyles, alertStyles, sectionPageStyles } from './shared-styles.js';
import './hr-person-dialog.js';
import './hr-link-dialog.js';
import './hr-confirm-dialog.js';
import './hr-import-dialog.js';
import './hr-tokens-dialog.js';

const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;

/**
 * The People section (issue 25, point 1; admins, `/admin/people`): students and staff in one table, searched by name,
 * email or roll ID and filtered by role, status and class, a page of 50 at a time with the total. From here an admin
 * adds a student, invites staff, edits, disables and enables, hands out a one-time sign-up or reset link, and opens
 * a student's chat. The server enforces every rule (never yourself, never the last active admin); this page shows
 * its reason when it refuses.
 *
 * @fires hr-navigate - `detail: {path}` to open a student's conversation (bubbles, composed)
 */
export class HrPeoplePageElement extends LitElement {
  static properties = {
    /** The signed-in admin (their own row cannot be disabled). */
    user: { attribute: false },
    people: { state: true },
    total: { state: true },
    classes: { state: true },
    filters: { state: true },
    offset: { state: true },
    loading: { state: true },
    error: { state: true },
    notice: { state: true },
    /** The server can email sign-up links (SMTP configured). */
    emailEnabled: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    badgeStyles,
    alertStyles,
    sectionPageStyles,
    css`
      .filters {
        display: flex;
        flex-wrap: wrap;
        gap: var(--hr-space-2);
        margin-bottom: var(--hr-space-3);
      }
      .filters .input {
        flex: 1 1 260px;
        width: auto;
      }
      .filters .select {
        flex: 0 1 170px;
        width: auto;
      }
      .table-wrap {
        overflow-x: auto;
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius-lg);
        background: var(--hr-color-surface);
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: var(--hr-font-size-sm);
      }
      th,
      td {
        padding: var(--hr-space-2) var(--hr-space-3);
        text-align: left;
        border-bottom: 1px solid var(--hr-color-border);
        vertical-align: middle;
      }
      th {
        font-size: var(--hr-font-size-xs);
        font-weight: 600;
        color: var(--hr-color-text-muted);
        text-transform: uppercase;
        letter-spacing: 0.03em;
        background: var(--hr-color-surface-muted);
        white-space: nowrap;
      }
      th.end {
        text-align: right;
      }
      tbody tr:last-child td {
        border-bottom: none;
      }
      tbody tr:hover {
        background: var(--hr-color-surface-muted);
      }
      .name {
        font-weight: 600;
      }
      .email {
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-xs);
        overflow-wrap: anywhere;
      }
      .muted {
        color: var(--hr-color-text-muted);
      }
      .actions {
        display: flex;
        gap: var(--hr-space-1, 4px);
        justify-content: flex-end;
        flex-wrap: wrap;
      }
      .pager {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: var(--hr-space-3);
        margin-top: var(--hr-space-3);
        font-size: var(--hr-font-size-sm);
        color: var(--hr-color-text-muted);
      }
      .pager .buttons {
        display: flex;
        gap: var(--hr-space-2);
      }
      .empty {
        /* Inside the list's own frame: the text alone, without the section page's dashed box. */
        background: none;
        border: 0;
      }
      .alert {
        margin-bottom: var(--hr-space-3);
        padding: var(--hr-space-2) var(--hr-space-3);
      }
      @media (max-width: 760px) {
        .page {
          padding: var(--hr-space-3) var(--hr-space-2);
        }
        .hide-narrow {
          display: none;
        }
        /* A phone: each person is a card (name and status, the actions below), no table to scroll sideways. */
        thead {
          display: none;
        }
        tbody tr {
          display: grid;
          grid-template-columns: minmax(0, 1fr) auto;
          align-items: center;
          border-bottom: 1px solid var(--hr-color-border);
        }
        tbody tr:last-child {
          border-bottom: none;
        }
        td {
          border-bottom: none;
        }
        td.actions-cell {
          grid-column: 1 / -1;
          padding-top: 0;
        }
        .actions {
          justify-content: flex-start;
        }
      }
    `,
  ];

  constructor() {
    super();
    this.user = null;
    this.people = [];
    this.total = 0;
    this.classes = [];
    this.filters = { q: '', role: '', status: '', className: '' };
    this.offset = 0;
    this.loading = false;
    this.error = '';
    this.notice = '';
    this.emailEnabled = false;
    this.searchTimer = null;
    this.request = null;
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
    this.loadClasses();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.searchTimer);
    this.request?.abort();
  }

  async load() {
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    this.loading = true;
    try {
      const page = await api.listPeople({ ...this.filters, limit: PAGE_SIZE, offset: this.offset }, { signal: request.signal });
      if (this.request !== request) return;
      this.people = page.people;
      this.total = page.total;
      this.emailEnabled = Boolean(page.emailEnabled);
      this.error = '';
    } catch (error) {
      if (error.name === 'AbortError' || this.request !== request) return;
      this.error = `Could not load people: ${error.message}`;
    } finally {
      if (this.request === request) this.loading = false;
    }
  }

  async loadClasses() {
    try {
      this.classes = await api.listClasses();
    } catch (error) {
      console.warn('[people] classes not loaded', error);
    }
  }

  setFilter(name, value, { delay = 0 } = {}) {
    this.filters = { ...this.filters, [name]: value };
    this.offset = 0;
    clearTimeout(this.searchTimer);
    if (delay) this.searchTimer = setTimeout(() => this.load(), delay);
    else this.load();
  }

  page(direction) {
    this.offset = Math.max(0, this.offset + direction * PAGE_SIZE);
    this.load();
  }

  get personDialog() {
    return this.renderRoot.querySelector('hr-person-dialog');
  }

  get linkDialog() {
    return this.renderRoot.querySelector('hr-link-dialog');
  }

  get confirmDialog() {
    return this.renderRoot.querySelector('hr-confirm-dialog');
  }

  handleSaved = (event) => {
    const { person, link, emailed, emailError } = event.detail;
    this.notice = emailed ? `Added ${person.name} and emailed them their sign-up link.` : link ? '' : `Saved ${person.name}.`;
    this.load();
    this.loadClasses();
    if (link && !emailed) this.linkDialog.show(person, link, { emailError });
  };

  handleImported = () => {
    this.load();
    this.loadClasses();
  };

  async issueLink(person) {
    const reset = person.status !== 'invited';
    if (reset) {
      const yes = await this.confirmDialog.ask({
        heading: `Reset ${person.name}'s password?`,
        body: 'You get a one-time link to hand them. Their password keeps working until they use it; then their other sessions end.',
        action: 'Create reset link',
      });
      if (!yes) return;
    }
    try {
      const { link } = await api.issuePersonLink(person.id);
      this.linkDialog.show(person, link);
    } catch (error) {
      this.error = `Could not create a link for ${person.name}: ${error.message}`;
    }
  }

  async toggleDisabled(person) {
    const disable = person.status !== 'disabled';
    if (disable) {
      const yes = await this.confirmDialog.ask({
        heading: `Disable ${person.name}'s account?`,
        body: `They are signed out everywhere at once and cannot sign in until the account is enabled again. Their conversations are kept.`,
        action: 'Disable account',
        danger: true,
      });
      if (!yes) return;
    }
    try {
      await api.setPersonDisabled(person.id, disable);
      this.error = '';
      this.notice = `${person.name}'s account is ${disable ? 'disabled' : 'enabled again'}.`;
      this.load();
    } catch (error) {
      this.notice = '';
      this.error = `Could not ${disable ? 'disable' : 'enable'} ${person.name}'s account: ${error.message}`;
    }
  }

  openSlips() {
    const query = this.filters.className ? `?className=${encodeURIComponent(this.filters.className)}` : '';
    this.dispatchEvent(new CustomEvent('hr-navigate', {
      detail: { path: `/admin/people/slips${query}` }, bubbles: true, composed: true,
    }));
  }

  openChat(person) {
    this.dispatchEvent(new CustomEvent('hr-navigate', {
      detail: { path: `/admin/students/${person.id}` }, bubbles: true, composed: true,
    }));
  }

  render() {
    const { q, role, status, className } = this.filters;
    return html`<div class="page">
      <header>
        <h1>People</h1>
        <button class="btn ghost" type="button" data-testid="tokens-open" aria-haspopup="dialog"
          @click=${() => this.renderRoot.querySelector('hr-tokens-dialog').show()}>API tokens</button>
        <button class="btn" type="button" data-testid="slips-open" @click=${this.openSlips}>Sign-in slips</button>
        <button class="btn" type="button" data-testid="import-open" aria-haspopup="dialog"
          @click=${() => this.renderRoot.querySelector('hr-import-dialog').show()}>Import file</button>
        <button class="btn" type="button" data-testid="invite-staff" @click=${() => this.personDialog.show('admin')}>
          Invite staff
        </button>
        <button class="btn primary" type="button" data-testid="add-student" @click=${() => this.personDialog.show('student')}>
          Add student
        </button>
      </header>
      <div class="filters" role="search">
        <input class="input" type="search" placeholder="Search name, email or roll ID" aria-label="Search people"
          data-testid="people-search" .value=${q}
          @input=${(e) => this.setFilter('q', e.target.value.trim(), { delay: SEARCH_DELAY_MS })} />
        <select class="select" aria-label="Role" data-testid="people-role" .value=${role}
          @change=${(e) => this.setFilter('role', e.target.value)}>
          <option value="">Students and staff</option>
          <option value="student">Students</option>
          <option value="admin">Staff</option>
        </select>
        <select class="select" aria-label="Status" data-testid="people-status" .value=${status}
          @change=${(e) => this.setFilter('status', e.target.value)}>
          <option value="">Any status</option>
          <option value="invited">Invited</option>
          <option value="active">Active</option>
          <option value="disabled">Disabled</option>
        </select>
        <select class="select" aria-label="Class" data-testid="people-class" .value=${className}
          @change=${(e) => this.setFilter('className', e.target.value)}>
          <option value="">All classes</option>
          ${this.classes.map((c) => html`<option value=${c} ?selected=${c === className}>${c}</option>`)}
        </select>
      </div>
      ${this.error ? html`<div class="alert error" role="alert" data-testid="people-error">${this.error}</div>` : nothing}
      ${this.notice && !this.error ? html`<div class="alert success" role="status" data-testid="people-notice">${this.notice}</div>` : nothing}
      <div class="table-wrap">
        <table data-testid="people-table" aria-busy=${this.loading ? 'true' : 'false'}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" class="hide-narrow">Roll ID</th>
              <th scope="col" class="hide-narrow">Class</th>
              <th scope="col" class="hide-narrow">Role</th>
              <th scope="col">Status</th>
              <th scope="col" class="hide-narrow">Last sign-in</th>
              <th scope="col" class="end">Actions</th>
            </tr>
          </thead>
          <tbody>
            ${this.people.map((p) => this.renderRow(p))}
          </tbody>
        </table>
        ${!this.loading && this.people.length === 0
          ? html`<div class="empty" data-testid="people-empty">No one matches these filters.</div>`
          : nothing}
      </div>
      ${this.renderPager()}
      <hr-person-dialog .emailEnabled=${this.emailEnabled} @hr-person-saved=${this.handleSaved}></hr-person-dialog>
      <hr-link-dialog .emailEnabled=${this.emailEnabled}></hr-link-dialog>
      <hr-confirm-dialog></hr-confirm-dialog>
      <hr-import-dialog @hr-roster-imported=${this.handleImported}></hr-import-dialog>
      <hr-tokens-dialog></hr-tokens-dialog>
    </div>`;
  }

  renderRow(p) {
    const self = p.id === this.user?.id;
    const student = p.role === 'student';
    return html`<tr data-testid="person-row" data-person-id=${p.id}>
      <td>
        <div class="name" data-testid="person-name-cell">${p.name}${self ? html` <span class="muted">(you)</span>` : nothing}</div>
        <div class="email">${p.email}</div>
      </td>
      <td class="hide-narrow">${p.rollId ?? html`<span class="muted">—</span>`}</td>
      <td class="hide-narrow">${p.className ?? html`<span class="muted">—</span>`}</td>
      <td class="hide-narrow">${student ? 'Student' : 'Staff'}</td>
      <td><span class="badge ${p.status}" data-testid="person-status">${statusLabel(p.status)}</span></td>
      <td class="hide-narrow" title=${p.lastSignInAt ? formatFull(p.lastSignInAt) : ''}>
        ${p.lastSignInAt ? formatRelativeShort(p.lastSignInAt) : html`<span class="muted">Never</span>`}
      </td>
      <td class="actions-cell">
        <div class="actions">
          ${student
            ? html`<button class="btn small" type="button" data-testid="person-message" @click=${() => this.openChat(p)}>Message</button>`
            : nothing}
          <button class="btn small ghost" type="button" data-testid="person-edit" aria-label="Edit ${p.name}"
            @click=${() => this.personDialog.show('edit', p)}>Edit</button>
          ${p.status === 'disabled' || self // your own password changes from the account menu
            ? nothing
            : html`<button class="btn small ghost" type="button" data-testid="person-link"
                aria-label="${p.status === 'invited' ? 'Sign-up link' : 'Reset password'} for ${p.name}"
                @click=${() => this.issueLink(p)}>${p.status === 'invited' ? 'Sign-up link' : 'Reset password'}</button>`}
          ${self
            ? nothing
            : html`<button class="btn small ${p.status === 'disabled' ? '' : 'danger'}" type="button"
                data-testid=${p.status === 'disabled' ? 'person-enable' : 'person-disable'}
                aria-label="${p.status === 'disabled' ? 'Enable' : 'Disable'} ${p.name}"
                @click=${() => this.toggleDisabled(p)}>${p.status === 'disabled' ? 'Enable' : 'Disable'}</button>`}
        </div>
      </td>
    </tr>`;
  }

  renderPager() {
    if (this.total === 0) return nothing;
    const first = this.offset + 1;
    const last = this.offset + this.people.length;
    return html`<div class="pager">
      <span data-testid="people-count">${first}–${last} of ${this.total.toLocaleString()}</span>
      <span class="buttons">
        <button class="btn small" type="button" ?disabled=${this.offset === 0} @click=${() => this.page(-1)}>Previous</button>
        <button class="btn small" type="button" ?disabled=${last >= this.total} data-testid="people-next"
          @click=${() => this.page(1)}>Next</button>
      </span>
    </div>`;
  }
}

function statusLabel(status) {
  return { invited: 'Invited', active: 'Active', disabled: 'Disabled' }[status] ?? status;
}

customElements.define('hr-people-page', HrPeoplePageElement);
