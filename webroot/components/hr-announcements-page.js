import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { formatFull, formatRelativeShort } from '../lib/format.js';
import { listenAll } from '../lib/listeners.js';
import { SessionController } from '../lib/session-controller.js';
import { randomUUID } from '../lib/uuid.js';
import { baseStyles, buttonStyles, formStyles, alertStyles, sectionPageStyles } from './shared-styles.js';
import './hr-confirm-dialog.js';

/** Students of the chosen classes listed for picking, per class (the student list's largest page). */
const PICK_PAGE = 200;
/** Progress is fetched again at most this often while receipts and acknowledgements stream in. */
const REFRESH_MS = 600;

/**
 * Announcements (issue 28, points 1 and 2; admins, `/admin/announcements`). Write once to one or more classes, or to
 * students picked from them; each student gets it in their own conversation, so a reply stays private. Optionally ask
 * them to confirm they have read it. Each announcement shows its progress (delivered, read, acknowledged, of how
 * many), live as students open and acknowledge it; its details list who is behind, and "Nudge" reminds them.
 *
 * A send is idempotent on its client id, kept until it succeeds, so pressing Send again after a network error never
 * sends it twice.
 */
export class HrAnnouncementsPageElement extends LitElement {
  static properties = {
    session: { attribute: false },
    announcements: { state: true },
    classes: { state: true },
    loading: { state: true },
    error: { state: true },
    notice: { state: true },
    composing: { state: true },
    chosen: { state: true },
    picking: { state: true },
    pickable: { state: true },
    picked: { state: true },
    needsAck: { state: true },
    formError: { state: true },
    busy: { state: true },
    /** The announcement whose details are open: `{announcement, recipients}`, or null. */
    detail: { state: true },
    filter: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    alertStyles,
    sectionPageStyles,
    css`
      .page {
        max-width: 960px;
      }
      .intro {
        margin: 0 0 var(--hr-space-4);
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-sm);
      }
      .card {
        background: var(--hr-color-surface);
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius-lg);
        padding: var(--hr-space-3) var(--hr-space-4);
      }
      form.card {
        display: grid;
        gap: var(--hr-space-3);
        margin-bottom: var(--hr-space-4);
      }
      fieldset {
        border: 0;
        margin: 0;
        padding: 0;
        min-width: 0;
      }
      legend {
        font-weight: 600;
        margin-bottom: var(--hr-space-2);
      }
      .chips {
        display: flex;
        flex-wrap: wrap;
        gap: var(--hr-space-2);
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        padding: 4px 10px;
        border: 1px solid var(--hr-color-border-strong);
        border-radius: var(--hr-radius-pill);
        background: var(--hr-color-surface);
        font-size: var(--hr-font-size-sm);
        cursor: pointer;
      }
      .chip:has(input:checked) {
        background: var(--hr-color-primary-soft);
        border-color: var(--hr-color-primary);
      }
      .picker {
        max-height: 220px;
        overflow: auto;
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius);
        padding: var(--hr-space-2);
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
        gap: 2px var(--hr-space-3);
        font-size: var(--hr-font-size-sm);
      }
      textarea {
        min-height: 110px;
        resize: vertical;
      }
      .check {
        display: flex;
        align-items: center;
        gap: var(--hr-space-2);
        font-size: var(--hr-font-size-sm);
      }
      .actions {
        display: flex;
        gap: var(--hr-space-2);
        justify-content: flex-end;
        align-items: center;
      }
      .muted {
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-xs);
      }
      ul.list {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: var(--hr-space-3);
      }
      .text {
        margin: var(--hr-space-2) 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .head {
        display: flex;
        flex-wrap: wrap;
        gap: var(--hr-space-2);
        align-items: baseline;
      }
      .head .to {
        flex: 1;
        font-weight: 600;
      }
      .badge {
        padding: 0 8px;
        border-radius: var(--hr-radius-pill);
        background: var(--hr-color-warning-soft);
        font-size: var(--hr-font-size-xs);
        font-weight: 600;
      }
      .progress {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
        gap: var(--hr-space-2) var(--hr-space-4);
        margin: var(--hr-space-2) 0;
      }
      .meter {
        display: grid;
        gap: 4px;
        font-size: var(--hr-font-size-sm);
      }
      .bar {
        height: 8px;
        border-radius: 4px;
        background: var(--hr-color-surface-muted);
        border: 1px solid var(--hr-color-border);
        overflow: hidden;
      }
      .bar span {
        display: block;
        height: 100%;
        background: var(--hr-color-primary);
      }
      .bar.ack span {
        background: var(--hr-color-success);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: var(--hr-space-2);
        align-items: center;
      }
      .row .muted {
        flex: 1;
      }
      .filters {
        display: flex;
        gap: var(--hr-space-2);
        margin: var(--hr-space-3) 0 var(--hr-space-2);
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: var(--hr-font-size-sm);
      }
      th,
      td {
        text-align: left;
        padding: 6px 8px;
        border-bottom: 1px solid var(--hr-color-border);
      }
      th {
        color: var(--hr-color-text-muted);
        font-weight: 600;
      }
      .state {
        font-weight: 600;
      }
      .state.acknowledged {
        color: var(--hr-color-success);
      }
      .state.sent {
        color: var(--hr-color-danger);
      }
    `,
  ];

  constructor() {
    super();
    this.announcements = [];
    this.classes = [];
    this.loading = true;
    this.error = '';
    this.notice = '';
    this.composing = false;
    this.chosen = [];
    this.picking = false;
    this.pickable = [];
    this.picked = [];
    this.needsAck = false;
    this.formError = '';
    this.busy = false;
    this.detail = null;
    this.filter = 'behind';
    /** The client id of the announcement being written: kept across retries, new after a success. */
    this.clientId = randomUUID();
    this.refreshTimer = null;
    this.sessionBinding = new SessionController(this, (session) => listenAll([
      [session.events, 'announcement-changed', this.handleChange],
      [session.events, 'message-acknowledged', this.handleChange],
      [session.events, 'receipt', this.handleReceipt],
      [session.events, 'resync', this.handleChange],
    ]));
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
    api.listClasses().then((classes) => { this.classes = classes; }).catch(() => {});
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.refreshTimer);
  }

  async load() {
    try {
      const page = await api.listAnnouncements();
      this.announcements = page.announcements;
      if (this.detail) this.detail = await api.getAnnouncement(this.detail.announcement.id);
      this.error = '';
    } catch (error) {
      this.error = error.message;
    } finally {
      this.loading = false;
    }
  }

  /** Progress moved somewhere: fetch it again, once for a burst. */
  handleChange = () => {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.load();
    }, REFRESH_MS);
  };

  /** Only a student's own marks move an announcement's progress. */
  handleReceipt = (event) => {
    if (event.detail.role === 'student') this.handleChange();
  };

  compose(open) {
    this.composing = open;
    this.formError = '';
    this.notice = '';
    if (open) this.updateComplete.then(() => this.renderRoot.querySelector('[data-testid=announcement-class]')?.focus());
  }

  async toggleClass(name, on) {
    this.chosen = on ? [...this.chosen, name] : this.chosen.filter((c) => c !== name);
    if (this.picking) await this.loadPickable();
  }

  async togglePicking(on) {
    this.picking = on;
    this.picked = [];
    if (on) await this.loadPickable();
  }

  async loadPickable() {
    const pages = await Promise.all(this.chosen.map((className) => api.listStudents({ className, limit: PICK_PAGE })
      .then((page) => page.students).catch(() => [])));
    this.pickable = pages.flat().filter((s) => !s.disabled);
    const ids = new Set(this.pickable.map((s) => s.id));
    this.picked = this.picked.filter((id) => ids.has(id));
  }

  togglePicked(id, on) {
    this.picked = on ? [...this.picked, id] : this.picked.filter((p) => p !== id);
  }

  async send(event) {
    event.preventDefault();
    const body = event.target.elements.body.value;
    if (this.chosen.length === 0) {
      this.formError = 'Choose at least one class.';
      return;
    }
    if (this.picking && this.picked.length === 0) {
      this.formError = 'Pick at least one student, or send it to the whole class.';
      return;
    }
    if (!body.trim()) {
      this.formError = 'Write the announcement first.';
      return;
    }
    this.busy = true;
    this.formError = '';
    try {
      const result = await api.sendAnnouncement({
        clientId: this.clientId, body, needsAck: this.needsAck, classes: this.chosen,
        studentIds: this.picking ? this.picked : [],
      });
      this.clientId = randomUUID();
      const total = result.announcement.total;
      this.notice = `Sent to ${total} ${total === 1 ? 'student' : 'students'}, each in their own conversation.`;
      this.composing = false;
      this.chosen = [];
      this.picked = [];
      this.picking = false;
      this.needsAck = false;
      await this.load();
    } catch (error) {
      this.formError = error.message;
    } finally {
      this.busy = false;
    }
  }

  async open(announcement) {
    if (this.detail?.announcement.id === announcement.id) {
      this.detail = null;
      return;
    }
    try {
      this.detail = await api.getAnnouncement(announcement.id);
      this.filter = 'behind';
    } catch (error) {
      this.error = error.message;
    }
  }

  async nudge(announcement, behind) {
    const confirmed = await this.renderRoot.querySelector('hr-confirm-dialog').ask({
      heading: `Remind ${behind} ${behind === 1 ? 'student' : 'students'}?`,
      body: announcement.needsAck
        ? 'Each student who has not confirmed it yet gets a reminder in their conversation.'
        : 'Each student who has not read it yet gets a reminder in their conversation.',
      action: 'Send reminder',
    });
    if (!confirmed) return;
    try {
      const result = await api.nudgeAnnouncement(announcement.id);
      this.notice = `Reminded ${result.nudged} ${result.nudged === 1 ? 'student' : 'students'}.`;
      await this.load();
    } catch (error) {
      this.error = error.message;
    }
  }

  static audience(a) {
    const classes = a.audience?.classes ?? [];
    const picked = a.audience?.studentIds ?? [];
    if (picked.length > 0) {
      return `${picked.length} ${picked.length === 1 ? 'student' : 'students'}${classes.length ? ` of ${classes.join(', ')}` : ''}`;
    }
    return classes.length === 1 ? `Class ${classes[0]}` : `Classes ${classes.join(', ')}`;
  }

  static stateOf(r, needsAck) {
    if (r.acknowledgedAt) return { key: 'acknowledged', label: `Acknowledged ${formatRelativeShort(r.acknowledgedAt)}` };
    if (r.read) return { key: 'read', label: needsAck ? 'Read, not acknowledged' : 'Read' };
    if (r.delivered) return { key: 'delivered', label: 'Delivered, not read' };
    return { key: 'sent', label: 'Not opened yet' };
  }

  static isBehind(r, needsAck) {
    return needsAck ? !r.acknowledgedAt : !r.read;
  }

  renderMeter(label, count, total, testid, kind = '') {
    const percent = total > 0 ? Math.round((count / total) * 100) : 0;
    return html`<div class="meter" data-testid=${testid} data-count=${count} data-total=${total}>
      <span><strong>${label}</strong> ${count} of ${total}</span>
      <div class="bar ${kind}" role="progressbar" aria-label=${label} aria-valuemin="0" aria-valuemax=${total}
        aria-valuenow=${count}><span style="width: ${percent}%"></span></div>
    </div>`;
  }

  renderForm() {
    return html`<form class="card" @submit=${this.send} data-testid="announcement-form" aria-label="New announcement">
      <fieldset>
        <legend>To</legend>
        ${this.classes.length === 0
          ? html`<p class="muted">No classes yet: add students on the People page.</p>`
          : html`<div class="chips">${this.classes.map((c) => html`<label class="chip">
              <input type="checkbox" data-testid="announcement-class" .checked=${this.chosen.includes(c)}
                @change=${(e) => this.toggleClass(c, e.target.checked)} /> ${c}</label>`)}</div>`}
      </fieldset>
      <label class="check"><input type="checkbox" data-testid="announcement-pick" .checked=${this.picking}
        ?disabled=${this.chosen.length === 0} @change=${(e) => this.togglePicking(e.target.checked)} />
        Only some students of ${this.chosen.length ? this.chosen.join(', ') : 'these classes'}</label>
      ${this.picking
        ? html`<div class="picker" role="group" aria-label="Students">${this.pickable.map((s) => html`<label class="check">
            <input type="checkbox" data-testid="announcement-student" data-student-id=${s.id} .checked=${this.picked.includes(s.id)}
              @change=${(e) => this.togglePicked(s.id, e.target.checked)} /> ${s.name} <span class="muted">${s.className}</span></label>`)}
          </div>`
        : nothing}
      <label for="body">Announcement</label>
      <textarea id="body" name="body" class="textarea" maxlength="4000" required data-testid="announcement-body"
        placeholder="Each student gets it in their own conversation, so replies stay private."></textarea>
      <label class="check"><input type="checkbox" data-testid="announcement-needs-ack" .checked=${this.needsAck}
        @change=${(e) => { this.needsAck = e.target.checked; }} /> Ask students to confirm they have read it</label>
      ${this.formError ? html`<p class="alert error" role="alert" data-testid="announcement-error">${this.formError}</p>` : nothing}
      <div class="actions">
        <button class="btn ghost" type="button" @click=${() => this.compose(false)}>Cancel</button>
        <button class="btn primary" type="submit" ?disabled=${this.busy} data-testid="announcement-send"
          >${this.busy ? 'Sending…' : 'Send announcement'}</button>
      </div>
    </form>`;
  }

  renderDetail(a) {
    const recipients = this.detail.recipients;
    const behind = recipients.filter((r) => HrAnnouncementsPageElement.isBehind(r, a.needsAck));
    const shown = this.filter === 'behind' ? behind : recipients;
    return html`<div data-testid="announcement-detail">
      <div class="filters" role="group" aria-label="Show">
        <button class="btn small ${this.filter === 'behind' ? 'primary' : ''}" type="button" data-testid="announcement-filter-behind"
          aria-pressed=${this.filter === 'behind'} @click=${() => { this.filter = 'behind'; }}
          >${a.needsAck ? 'Not acknowledged' : 'Not read'} (${behind.length})</button>
        <button class="btn small ${this.filter === 'all' ? 'primary' : ''}" type="button" aria-pressed=${this.filter === 'all'}
          @click=${() => { this.filter = 'all'; }}>Everyone (${recipients.length})</button>
        <span style="flex: 1"></span>
        <button class="btn small" type="button" data-testid="announcement-nudge" ?disabled=${behind.length === 0}
          @click=${() => this.nudge(a, behind.length)}>Nudge ${behind.length}</button>
      </div>
      ${shown.length === 0
        ? html`<p class="muted" data-testid="announcement-all-done">${a.needsAck ? 'Everyone has acknowledged it.' : 'Everyone has read it.'}</p>`
        : html`<table data-testid="announcement-recipients">
            <thead><tr><th scope="col">Student</th><th scope="col">Class</th><th scope="col">State</th></tr></thead>
            <tbody>${shown.map((r) => {
              const state = HrAnnouncementsPageElement.stateOf(r, a.needsAck);
              return html`<tr data-testid="announcement-recipient" data-student-id=${r.studentId} data-state=${state.key}>
                <td><a href="/admin/students/${r.studentId}?seq=${r.seq}">${r.name}</a></td>
                <td>${r.className ?? ''}</td>
                <td class="state ${state.key}" title=${r.acknowledgedAt ? formatFull(r.acknowledgedAt) : ''}>${state.label}</td>
              </tr>`;
            })}</tbody>
          </table>`}
      ${a.nudgedAt ? html`<p class="muted">Last nudged ${formatRelativeShort(a.nudgedAt)} (${a.nudges} in all).</p>` : nothing}
    </div>`;
  }

  renderAnnouncement(a) {
    const open = this.detail?.announcement.id === a.id;
    const current = open ? this.detail.announcement : a;
    return html`<li><article class="card" data-testid="announcement" data-announcement-id=${a.id}>
      <div class="head">
        <span class="to" data-testid="announcement-audience">${HrAnnouncementsPageElement.audience(current)}</span>
        ${current.needsAck ? html`<span class="badge">Needs acknowledgement</span>` : nothing}
        <span class="muted" title=${formatFull(current.createdAt)}>${current.senderName}, ${formatRelativeShort(current.createdAt)}</span>
      </div>
      <p class="text">${current.body}</p>
      <div class="progress">
        ${this.renderMeter('Delivered', current.delivered, current.total, 'announcement-delivered')}
        ${this.renderMeter('Read', current.read, current.total, 'announcement-read')}
        ${current.needsAck ? this.renderMeter('Acknowledged', current.acknowledged, current.total, 'announcement-acknowledged', 'ack') : nothing}
      </div>
      <div class="row">
        <span class="muted">${current.total} ${current.total === 1 ? 'student' : 'students'}</span>
        <button class="btn small" type="button" data-testid="announcement-open" aria-expanded=${open}
          @click=${() => this.open(a)}>${open ? 'Hide details' : 'Who has read it'}</button>
      </div>
      ${open ? this.renderDetail(current) : nothing}
    </article></li>`;
  }

  render() {
    return html`<div class="page">
      <header>
        <h1>Announcements</h1>
        <button class="btn primary" type="button" data-testid="announcement-new" ?disabled=${this.composing}
          @click=${() => this.compose(true)}>New announcement</button>
      </header>
      <p class="intro">Write once to a class or to chosen students. Each student gets it in their own conversation, so
        their replies stay private; you see who has read it and, when you ask for it, who has confirmed it.</p>
      ${this.notice ? html`<p class="alert success" role="status" data-testid="announcement-notice">${this.notice}</p>` : nothing}
      ${this.error ? html`<p class="alert error" role="alert">${this.error}</p>` : nothing}
      ${this.composing ? this.renderForm() : nothing}
      ${this.loading && this.announcements.length === 0
        ? html`<p class="empty" aria-busy="true">Loading…</p>`
        : this.announcements.length === 0
          ? html`<p class="empty">No announcements yet.</p>`
          : html`<ul class="list" data-testid="announcement-list">${this.announcements.map((a) => this.renderAnnouncement(a))}</ul>`}
      <hr-confirm-dialog></hr-confirm-dialog>
    </div>`;
  }
}

customElements.define('hr-announcements-page', HrAnnouncementsPageElement);
