import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { formatFull } from '../lib/format.js';
import { baseStyles, buttonStyles, formStyles, alertStyles, sectionPageStyles } from './shared-styles.js';

/**
 * The school's settings (admins, `/admin/settings`): email digests (issue 31, point 1): whether students away from
 * Homeroom are emailed the staff messages waiting for them, and after how long; and quiet hours (point 2), in the
 * school's time zone. Students can turn them on
 * or off for themselves from their account menu; every change here is an audit entry.
 */
export class HrSettingsPageElement extends LitElement {
  static properties = {
    settings: { state: true },
    error: { state: true },
    notice: { state: true },
    busy: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    alertStyles,
    sectionPageStyles,
    css`
      .page {
        max-width: 760px;
      }
      form {
        display: grid;
        gap: var(--hr-space-3);
        background: var(--hr-color-surface);
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius-lg);
        padding: var(--hr-space-4);
      }
      h2 {
        margin: 0;
        font-size: var(--hr-font-size-lg, 18px);
      }
      .check {
        display: flex;
        gap: var(--hr-space-2);
        align-items: flex-start;
      }
      .check input {
        margin-top: 3px;
      }
      .delay {
        display: flex;
        align-items: center;
        gap: var(--hr-space-2);
      }
      .delay input {
        width: 7em;
      }
      .delay input[type='time'] {
        width: 10em;
      }
      .delay select {
        width: auto;
      }
      .muted {
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-sm);
        margin: 0;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
      }
    `,
  ];

  constructor() {
    super();
    this.settings = null;
    this.error = '';
    this.notice = '';
    this.busy = false;
  }

  connectedCallback() {
    super.connectedCallback();
    api.notificationSettings()
      .then((settings) => {
        this.settings = settings;
      })
      .catch((error) => {
        this.error = error.message;
      });
  }

  async save(event) {
    event.preventDefault();
    const form = event.target;
    const delay = Number(form.elements.delay.value);
    if (!Number.isInteger(delay) || delay < 0 || delay > 1440) {
      this.error = 'The delay is a whole number of minutes from 0 to 1440.';
      return;
    }
    this.busy = true;
    this.error = '';
    this.notice = '';
    try {
      this.settings = await api.setNotificationSettings({
        digestsEnabled: form.elements.enabled.checked,
        digestDelayMinutes: delay,
        quietHoursEnabled: form.elements.quiet.checked,
        quietStart: form.elements.quietStart.value,
        quietEnd: form.elements.quietEnd.value,
        quietWeekends: form.elements.weekends.checked,
        timeZone: form.elements.timeZone.value,
        pushEnabled: form.elements.push.checked,
      });
      this.notice = 'Saved.';
    } catch (error) {
      this.error = error.message;
    } finally {
      this.busy = false;
    }
  }

  render() {
    const s = this.settings;
    return html`<div class="page">
      <header><h1>Settings</h1></header>
      ${this.error ? html`<p class="alert error" role="alert" data-testid="settings-error">${this.error}</p>` : nothing}
      ${!s
        ? html`<p class="muted" aria-busy="true">Loading…</p>`
        : html`<form @submit=${this.save} data-testid="notification-settings" aria-labelledby="digests-title">
            <h2 id="digests-title">Email digests</h2>
            ${s.emailConfigured
              ? nothing
              : html`<p class="alert info" data-testid="email-not-configured">Email is not set up on this server
                  (HOMEROOM_SMTP_HOST), so no digest is sent until it is.</p>`}
            <label class="check">
              <input type="checkbox" name="enabled" ?checked=${s.digestsEnabled} data-testid="digests-enabled" />
              <span>Email students the staff messages they have not read while they are away from Homeroom: one short
                email for what waits, never one per message. Students can turn it off (or on) for themselves.</span>
            </label>
            <div class="delay">
              <label for="delay">Send after</label>
              <input id="delay" name="delay" class="input" type="number" min="0" max="1440" step="1" required
                .value=${String(s.digestDelayMinutes)} data-testid="digest-delay" />
              <span>minutes unread</span>
            </div>
            <h2 id="push-title">Browser notifications</h2>
            <label class="check">
              <input type="checkbox" name="push" ?checked=${s.pushEnabled} data-testid="push-enabled" />
              <span>Let students who turn on notifications be notified of a staff message on their computer or phone
                while Homeroom is closed (Web Push). It waits for the end of quiet hours too.</span>
            </label>
            <h2 id="quiet-title">Quiet hours</h2>
            <label class="check">
              <input type="checkbox" name="quiet" ?checked=${s.quietHoursEnabled} data-testid="quiet-enabled" />
              <span>In these hours students get no email, toast or system notification for staff messages: the messages
                arrive as usual, and they are told once the quiet hours end. Staff writing then see a notice.</span>
            </label>
            <div class="delay">
              <label for="quiet-start">From</label>
              <input id="quiet-start" name="quietStart" class="input" type="time" required .value=${s.quietStart} data-testid="quiet-start" />
              <label for="quiet-end">to</label>
              <input id="quiet-end" name="quietEnd" class="input" type="time" required .value=${s.quietEnd} data-testid="quiet-end" />
            </div>
            <label class="check">
              <input type="checkbox" name="weekends" ?checked=${s.quietWeekends} data-testid="quiet-weekends" />
              <span>All of Saturday and Sunday too</span>
            </label>
            <div class="delay">
              <label for="time-zone">School time zone</label>
              <select id="time-zone" name="timeZone" class="select" data-testid="time-zone">
                ${timeZones(s.timeZone).map((zone) => html`<option value=${zone} ?selected=${zone === s.timeZone}>${zone}</option>`)}
              </select>
            </div>
            ${s.quietNow
              ? html`<p class="alert info" data-testid="quiet-now">Quiet hours now${s.quietUntil ? `, until ${formatFull(s.quietUntil)}` : ''}.</p>`
              : nothing}
            <p class="muted">${s.updatedBy ? html`Last changed by ${s.updatedBy}, ${formatFull(s.updatedAt)}.` : nothing}</p>
            ${this.notice ? html`<p class="alert success" role="status" data-testid="settings-notice">${this.notice}</p>` : nothing}
            <div class="actions">
              <button class="btn primary" type="submit" ?disabled=${this.busy} data-testid="settings-save">Save</button>
            </div>
          </form>`}
    </div>`;
  }
}

/** The time zones this browser knows (the school's first, should the browser not know it). */
function timeZones(current) {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zones = known.includes('UTC') ? known : ['UTC', ...known];
  return zones.includes(current) ? zones : [current, ...zones];
}

customElements.define('hr-settings-page', HrSettingsPageElement);
