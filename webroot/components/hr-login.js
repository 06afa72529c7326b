import { LitElement, html, css } from 'lit';
import * as api from '../lib/api.js';
import { baseStyles, buttonStyles, formStyles, cardPageStyles } from './shared-styles.js';

/**
 * The sign-in form.
 *
 * @fires hr-signed-in - `detail: {user}` after a successful sign-in (bubbles, composed)
 */
export class HrLoginElement extends LitElement {
  static properties = {
    /** A notice shown above the form (e.g. "your session ended"). */
    notice: { type: String },
    busy: { state: true },
    error: { state: true },
    retryInSeconds: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    cardPageStyles,
  ];

  constructor() {
    super();
    this.notice = '';
    this.busy = false;
    this.error = '';
    this.retryInSeconds = 0;
    this.countdown = null;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.countdown);
  }

  firstUpdated() {
    this.renderRoot.querySelector('#email')?.focus();
  }

  async signIn(event) {
    event.preventDefault();
    if (this.busy || this.retryInSeconds > 0) return;
    const form = event.currentTarget;
    const email = form.email.value.trim();
    const password = form.password.value;
    if (!email || !password) {
      this.error = 'Enter your email and password.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const user = await api.login(email, password);
      this.dispatchEvent(new CustomEvent('hr-signed-in', { detail: { user }, bubbles: true, composed: true }));
    } catch (error) {
      this.showError(error);
      form.password.select();
    } finally {
      this.busy = false;
    }
  }

  showError(error) {
    if (error.status === 401) {
      this.error = 'That email and password do not match an account. Check them and try again.';
    } else if (error.status === 429) {
      this.startCountdown(error.retryAfter ?? 60);
    } else if (error.code === 'network') {
      this.error = error.message;
    } else {
      this.error = `Sign-in failed: ${error.message}`;
    }
  }

  startCountdown(seconds) {
    clearInterval(this.countdown);
    this.retryInSeconds = seconds;
    this.error = '';
    this.countdown = setInterval(() => {
      this.retryInSeconds = Math.max(0, this.retryInSeconds - 1);
      if (this.retryInSeconds === 0) clearInterval(this.countdown);
    }, 1000);
  }

  render() {
    const locked = this.retryInSeconds > 0;
    return html`
      <section class="card" aria-labelledby="sign-in-title">
        <div class="brand"><img src="/favicon.svg" alt="" />Homeroom</div>
        <h1 id="sign-in-title">Sign in</h1>
        <p class="lead">Use the email and password your school gave you.</p>
        <form @submit=${this.signIn} novalidate data-testid="login-form">
          ${this.notice && !this.error && !locked
            ? html`<div class="alert info" role="status">${this.notice}</div>`
            : null}
          ${this.error
            ? html`<div class="alert error" role="alert" data-testid="login-error">${this.error}</div>`
            : null}
          ${locked
            ? html`<div class="alert error" role="alert" data-testid="login-error">
                Too many failed attempts. You can try again in ${this.retryInSeconds}
                ${this.retryInSeconds === 1 ? 'second' : 'seconds'}.
              </div>`
            : null}
          <div class="field">
            <label for="email">Email</label>
            <input
              class="input"
              id="email"
              name="email"
              type="email"
              autocomplete="username"
              required
              data-testid="login-email"
              aria-invalid=${this.error ? 'true' : 'false'}
            />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input
              class="input"
              id="password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              data-testid="login-password"
              aria-invalid=${this.error ? 'true' : 'false'}
            />
          </div>
          <button class="btn primary" type="submit" ?disabled=${this.busy || locked} data-testid="login-submit">
            ${this.busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </section>
    `;
  }
}

customElements.define('hr-login', HrLoginElement);
