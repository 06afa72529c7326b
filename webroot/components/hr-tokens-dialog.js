import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { dateTimeLabel } from '../lib/local-time.js';
import { baseStyles, buttonStyles, formStyles, dialogStyles, badgeStyles } from './shared-styles.js';

const SCOPE_LABELS = { 'roster:read': 'Read the roster', 'roster:write': 'Change the roster' };

/**
 * API tokens for the school's information system (issue 25, point 5): the list (name, what it may do, who made it,
 * when it was last used), a form to make one (its secret is shown once, to copy into the other system), and revoking.
 * docs/API.md shows what a token can call, with curl examples.
 */
export class HrTokensDialogElement extends LitElement {
  static properties = {
    tokens: { state: true },
    secret: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    dialogStyles,
    badgeStyles,
    css`
      dialog {
        --hr-dialog-width: 720px;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: var(--hr-font-size-sm);
        margin-bottom: var(--hr-space-3);
      }
      th,
      td {
        padding: 6px var(--hr-space-2);
        border-bottom: 1px solid var(--hr-color-border);
        text-align: left;
      }
      th {
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      tr.revoked td {
        color: var(--hr-color-text-muted);
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: var(--hr-space-2);
        align-items: center;
      }
      form .input {
        flex: 1 1 200px;
        width: auto;
      }
      form label {
        font-weight: 400;
        display: flex;
        gap: 4px;
        align-items: center;
      }
      .secret {
        margin: var(--hr-space-3) 0;
        padding: var(--hr-space-3);
        border-radius: var(--hr-radius);
        background: var(--hr-color-success-soft);
        font-size: var(--hr-font-size-sm);
      }
      .secret code {
        display: block;
        margin-top: var(--hr-space-2);
        font-size: var(--hr-font-size-xs);
        overflow-wrap: anywhere;
        user-select: all;
      }
      .error {
        color: var(--hr-color-danger);
        font-size: var(--hr-font-size-sm);
      }
      .muted {
        color: var(--hr-color-text-muted);
      }
    `,
  ];

  constructor() {
    super();
    this.tokens = [];
    this.secret = null;
    this.error = '';
    this.busy = false;
  }

  async show() {
    this.secret = null;
    this.error = '';
    await this.updateComplete;
    this.renderRoot.querySelector('dialog').showModal();
    this.load();
  }

  async load() {
    try {
      this.tokens = await api.listApiTokens();
    } catch (error) {
      this.error = error.message;
    }
  }

  async create(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = form.elements.namedItem('tokenName').value.trim();
    const scopes = ['roster:read', 'roster:write'].filter((s) => form.elements.namedItem(s).checked);
    if (!name || scopes.length === 0) {
      this.error = 'Name the token and choose what it may do.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const { token, secret } = await api.createApiToken(name, scopes);
      this.secret = { name: token.name, value: secret };
      form.reset();
      this.load();
    } catch (error) {
      this.error = error.message;
    } finally {
      this.busy = false;
    }
  }

  async revoke(token) {
    try {
      await api.revokeApiToken(token.id);
      this.load();
    } catch (error) {
      this.error = error.message;
    }
  }

  render() {
    return html`<dialog data-testid="tokens-dialog" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p>Let your school's information system read and update the roster without a browser. A token acts for the
        admin who made it, until it is revoked.</p>
      ${this.tokens.length
        ? html`<table>
            <thead><tr><th>Name</th><th>May</th><th>Made by</th><th>Last used</th><th></th></tr></thead>
            <tbody>
              ${this.tokens.map((t) => html`<tr class=${t.revokedAt ? 'revoked' : ''} data-testid="token-row">
                <td>${t.name}</td>
                <td>${t.scopes.map((s) => SCOPE_LABELS[s] ?? s).join(', ')}</td>
                <td>${t.createdBy.name}<br /><span class="muted">${dateTimeLabel(t.createdAt)}</span></td>
                <td>${t.lastUsedAt ? dateTimeLabel(t.lastUsedAt) : html`<span class="muted">Never</span>`}</td>
                <td>${t.revokedAt
                  ? html`<span class="badge">Revoked</span>`
                  : html`<button class="btn small danger" type="button" data-testid="token-revoke"
                      @click=${() => this.revoke(t)}>Revoke</button>`}</td>
              </tr>`)}
            </tbody>
          </table>`
        : html`<p class="muted">No tokens yet.</p>`}
      ${this.secret
        ? html`<div class="secret" role="status" data-testid="token-secret">
            Copy the token for <strong>${this.secret.name}</strong> now: it is shown only this once.
            <code>${this.secret.value}</code>
          </div>`
        : nothing}
      <form @submit=${this.create}>
        <input class="input" name="tokenName" maxlength="100" placeholder="Name, e.g. SIS nightly sync" aria-label="Token name"
          data-testid="token-name" />
        <label><input type="checkbox" name="roster:read" checked /> Read</label>
        <label><input type="checkbox" name="roster:write" data-testid="token-write" /> Change</label>
        <button class="btn primary" type="submit" ?disabled=${this.busy} data-testid="token-create">Make token</button>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="actions"><button class="btn" type="button" @click=${() => this.renderRoot.querySelector('dialog').close()}>Done</button></div>
    </dialog>`;
  }
}

customElements.define('hr-tokens-dialog', HrTokensDialogElement);
