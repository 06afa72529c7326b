import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { MIN_PASSWORD_LENGTH } from '../lib/passwords.js';
import { baseStyles, buttonStyles, formStyles, dialogStyles } from './shared-styles.js';

/**
 * "Change password" (issue 25, point 4), for anyone signed in: the current password, then the new one twice. On
 * success every other session of the user ends (their other devices are signed out); this one continues.
 */
export class HrPasswordDialogElement extends LitElement {
  static properties = {
    busy: { state: true },
    error: { state: true },
    done: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    dialogStyles,
    css`
      .field {
        display: grid;
        gap: var(--hr-space-1);
        margin-bottom: var(--hr-space-3);
      }
      .hint {
        margin: 0;
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .error {
        color: var(--hr-color-danger);
        font-size: var(--hr-font-size-sm);
      }
      .done {
        color: var(--hr-color-success);
      }
    `,
  ];

  constructor() {
    super();
    this.busy = false;
    this.error = '';
    this.done = false;
  }

  async show() {
    this.error = '';
    this.done = false;
    await this.updateComplete;
    this.renderRoot.querySelector('form')?.reset();
    this.renderRoot.querySelector('dialog').showModal();
    this.renderRoot.querySelector('#current-password')?.focus();
  }

  close() {
    this.renderRoot.querySelector('dialog')?.close();
  }

  async submit(event) {
    event.preventDefault();
    if (this.busy) return;
    const form = event.currentTarget;
    const current = form.current.value;
    const next = form.next.value;
    if (!current) {
      this.error = 'Enter your current password.';
      return;
    }
    if (next.length < MIN_PASSWORD_LENGTH) {
      this.error = `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
      return;
    }
    if (next !== form.confirm.value) {
      this.error = 'The two new passwords are not the same.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      await api.changePassword(current, next);
      this.done = true;
    } catch (error) {
      this.error = error.message;
    } finally {
      this.busy = false;
    }
  }

  render() {
    return html`<dialog data-testid="password-dialog" aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      ${this.done
        ? html`<p class="done" role="status" data-testid="password-changed">Your password is changed. Your other
              sessions have ended; this one goes on.</p>
            <div class="actions"><button class="btn primary" type="button" @click=${this.close}>Done</button></div>`
        : html`<form @submit=${this.submit} novalidate>
            <p>Your other sessions, on other devices, end when it is changed.</p>
            <input type="text" name="username" autocomplete="username" hidden />
            <div class="field">
              <label for="current-password">Current password</label>
              <input class="input" id="current-password" name="current" type="password" autocomplete="current-password"
                data-testid="current-password" />
            </div>
            <div class="field">
              <label for="new-password">New password</label>
              <input class="input" id="new-password" name="next" type="password" autocomplete="new-password"
                minlength=${MIN_PASSWORD_LENGTH} aria-describedby="new-password-hint" data-testid="new-password" />
              <p class="hint" id="new-password-hint">At least ${MIN_PASSWORD_LENGTH} characters; common passwords and your
                own name are refused.</p>
            </div>
            <div class="field">
              <label for="confirm-password">Type it again</label>
              <input class="input" id="confirm-password" name="confirm" type="password" autocomplete="new-password"
                data-testid="confirm-password" />
            </div>
            ${this.error ? html`<p class="error" role="alert" data-testid="password-error">${this.error}</p>` : nothing}
            <div class="actions">
              <button class="btn" type="button" @click=${this.close}>Cancel</button>
              <button class="btn primary" type="submit" ?disabled=${this.busy} data-testid="password-save">Change password</button>
            </div>
          </form>`}
    </dialog>`;
  }
}

customElements.define('hr-password-dialog', HrPasswordDialogElement);
