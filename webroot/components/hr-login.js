import { LitElement, html, css } from 'lit';
import * as api from '../lib/api.js';
import { startUrl, ssoMessage } from '../lib/sso.js';
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
    /** Why a sign-in with the school's account came back refused (a `?sso=` code), or empty. */
    ssoError: { type: String, attribute: false },
    /** Where to go after signing in (a path of ours), carried through a provider's sign-in too. */
    returnTo: { type: String, attribute: false },
    /** The user just signed out: offer to sign out of the school's account provider too. */
    signedOut: { type: Boolean, attribute: false },
    providers: { state: true },
    passwordRoles: { state: true },
    busy: { state: true },
    error: { state: true },
    retryInSeconds: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    cardPageStyles,
    css`
      .card > .alert {
        margin-bottom: var(--hr-space-3);
      }
      .providers {
        display: grid;
        gap: var(--hr-space-2);
        margin-bottom: var(--hr-space-3);
      }
      .providers .btn {
        width: 100%;
        min-height: 42px;
        text-decoration: none;
      }
      .or {
        display: flex;
        align-items: center;
        gap: var(--hr-space-2);
        margin: var(--hr-space-3) 0;
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-xs);
      }
      .or::before,
      .or::after {
        content: '';
        flex: 1;
        border-top: 1px solid var(--hr-color-border);
      }
      .hint {
        margin: var(--hr-space-2) 0 0;
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-xs);
      }
      form .btn {
        width: 100%;
        min-height: 42px;
      }
    `,
  ];

  constructor() {
    super();
    this.notice = '';
    this.ssoError = '';
    this.returnTo = '';
    this.signedOut = false;
    this.providers = [];
    this.passwordRoles = ['admin', 'student'];
    this.busy = false;
    this.error = '';
    this.retryInSeconds = 0;
    this.countdown = null;
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.countdown);
  }

  connectedCallback() {
    super.connectedCallback();
    this.loadProviders();
  }

  async loadProviders() {
    try {
      const { providers, passwordSignIn } = await api.ssoProviders();
      this.providers = providers ?? [];
      this.passwordRoles = passwordSignIn ?? this.passwordRoles;
    } catch (error) {
      console.warn('[login] sign-in providers not loaded', error);
    }
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
    } else if (error.status === 403) {
      this.error = error.message;
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
        <p class="lead">${this.providers.length
          ? 'Use your school account, or the email and password your school gave you.'
          : 'Use the email and password your school gave you.'}</p>
        ${this.ssoError ? html`<div class="alert error" role="alert" data-testid="sso-error">${ssoMessage(this.ssoError)}</div>` : null}
        ${this.providers.length
          ? html`<div class="providers">
              ${this.providers.map((p) => html`<a class="btn primary" href=${startUrl(p.id, this.returnTo)}
                data-testid="sso-${p.id}">Sign in with ${p.name}</a>`)}
            </div>
            ${this.signedOut
              ? this.providers.filter((p) => p.endSessionUrl).map((p) => html`<p class="hint"><a href=${p.endSessionUrl}
                  data-testid="sso-end-session">Also sign out of ${p.name}</a> (on a shared computer)</p>`)
              : null}
            <div class="or" aria-hidden="true"><span>or with a password</span></div>`
          : null}
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
          <button class="btn ${this.providers.length ? '' : 'primary'}" type="submit" ?disabled=${this.busy || locked}
            data-testid="login-submit">${this.busy ? 'Signing in…' : 'Sign in'}</button>
          ${this.providers.length && !this.passwordRoles.includes('student')
            ? html`<p class="hint">Students sign in with the button above.</p>`
            : null}
        </form>
      </section>
    `;
  }
}

customElements.define('hr-login', HrLoginElement);
