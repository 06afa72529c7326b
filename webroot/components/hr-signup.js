import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { MIN_PASSWORD_LENGTH } from '../lib/passwords.js';
import { baseStyles, buttonStyles, formStyles, cardPageStyles } from './shared-styles.js';

/**
 * The page behind a one-time link (`/signup/:token`, issue 25): a new account's sign-up, or a password reset issued
 * by staff. It says whose account it is, takes the new password twice, and on success the person is signed in.
 * The server holds the policy (at least ten characters, not a common password or the person's own name); the page
 * says it up front and shows the server's reason when it refuses one.
 *
 * @fires hr-signed-in - `detail: {user}` once the password is set (bubbles, composed)
 */
export class HrSignupElement extends LitElement {
  static properties = {
    /** The token from the URL. */
    token: { type: String },
    link: { state: true },
    loadError: { state: true },
    busy: { state: true },
    error: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    cardPageStyles,
    css`
      .hint {
        margin: 0;
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-xs);
      }
      .who {
        margin: 0 0 var(--hr-space-4);
        font-size: var(--hr-font-size-sm);
      }
    `,
  ];

  constructor() {
    super();
    this.token = '';
    this.link = null;
    this.loadError = '';
    this.busy = false;
    this.error = '';
  }

  willUpdate(changed) {
    if (changed.has('token') && this.token) this.load();
  }

  async load() {
    this.link = null;
    this.loadError = '';
    try {
      this.link = (await api.signupLink(this.token)).link;
    } catch (error) {
      this.loadError = error.message;
    }
  }

  async submit(event) {
    event.preventDefault();
    if (this.busy) return;
    const form = event.currentTarget;
    const password = form.password.value;
    if (password.length < MIN_PASSWORD_LENGTH) {
      this.error = `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
      form.password.focus();
      return;
    }
    if (password !== form.confirm.value) {
      this.error = 'The two passwords are not the same.';
      form.confirm.select();
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const user = await api.setPasswordWithLink(this.token, password);
      this.dispatchEvent(new CustomEvent('hr-signed-in', { detail: { user }, bubbles: true, composed: true }));
    } catch (error) {
      this.error = error.message;
      if (error.status === 410 || error.status === 404) this.loadError = error.message;
      else form.password.select();
    } finally {
      this.busy = false;
    }
  }

  render() {
    const reset = this.link?.purpose === 'reset';
    return html`<section class="card" aria-labelledby="signup-title" aria-busy=${this.link || this.loadError ? 'false' : 'true'}>
      <div class="brand"><img src="/favicon.svg" alt="" />Homeroom</div>
      <h1 id="signup-title">${reset ? 'Choose a new password' : 'Welcome to Homeroom'}</h1>
      ${this.loadError
        ? html`<div class="alert error" role="alert" data-testid="signup-error">${this.loadError}</div>
            <p class="lead"><a href="/login">Go to sign-in</a></p>`
        : this.link
          ? this.renderForm(reset)
          : html`<p class="lead">Checking your link…</p>`}
    </section>`;
  }

  renderForm(reset) {
    return html`
      <p class="who" data-testid="signup-who">
        ${reset ? 'For' : 'Set a password for'} <strong>${this.link.name}</strong> (${this.link.email}).
        ${reset ? 'Your other sessions end once it is set.' : nothing}
      </p>
      <form @submit=${this.submit} novalidate data-testid="signup-form">
        ${this.error ? html`<div class="alert error" role="alert" data-testid="signup-form-error">${this.error}</div>` : nothing}
        <input type="email" name="username" autocomplete="username" .value=${this.link.email} hidden />
        <div class="field">
          <label for="password">New password</label>
          <input class="input" id="password" name="password" type="password" autocomplete="new-password" required
            minlength=${MIN_PASSWORD_LENGTH} aria-describedby="password-hint" data-testid="signup-password" />
          <p class="hint" id="password-hint">At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a
            strong password that is easy to remember; common passwords and your own name are refused.</p>
        </div>
        <div class="field">
          <label for="confirm">Type it again</label>
          <input class="input" id="confirm" name="confirm" type="password" autocomplete="new-password" required
            data-testid="signup-confirm" />
        </div>
        <button class="btn primary" type="submit" ?disabled=${this.busy} data-testid="signup-submit">
          ${this.busy ? 'Saving…' : reset ? 'Set password and sign in' : 'Create my account'}
        </button>
      </form>`;
  }
}

customElements.define('hr-signup', HrSignupElement);
