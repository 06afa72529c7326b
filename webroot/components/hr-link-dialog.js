import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { dateTimeLabel } from '../lib/local-time.js';
import { baseStyles, buttonStyles, formStyles, dialogStyles } from './shared-styles.js';

/**
 * Shows a person's one-time sign-up or reset link (issue 25, point 3a) as a full address to copy and hand over. The
 * link is shown once: the server keeps only its hash, and issuing another retires this one.
 */
export class HrLinkDialogElement extends LitElement {
  static properties = {
    person: { state: true },
    link: { state: true },
    copied: { state: true },
    /** Offer "Email a new link instead" (the server has SMTP). */
    emailEnabled: { type: Boolean },
    emailNote: { state: true },
    busy: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    dialogStyles,
    css`
      dialog {
        --hr-dialog-width: 560px;
      }
      .copy {
        display: flex;
        gap: var(--hr-space-2);
      }
      .input {
        font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
        font-size: var(--hr-font-size-sm);
      }
      .note {
        margin-top: var(--hr-space-2);
        font-size: var(--hr-font-size-xs);
      }
    `,
  ];

  constructor() {
    super();
    this.person = null;
    this.link = null;
    this.copied = false;
    this.emailEnabled = false;
    this.emailNote = '';
    this.busy = false;
  }

  get url() {
    return this.link ? new URL(this.link.path, location.origin).href : '';
  }

  /** `emailError`: the server made the link but could not email it (shown, so the link is copied instead). */
  async show(person, link, { emailError = '' } = {}) {
    this.person = person;
    this.link = link;
    this.copied = false;
    this.emailNote = emailError;
    await this.updateComplete;
    this.renderRoot.querySelector('dialog').showModal();
    this.renderRoot.querySelector('#link-url').select();
  }

  close() {
    this.renderRoot.querySelector('dialog')?.close();
  }

  async copy() {
    const field = this.renderRoot.querySelector('#link-url');
    try {
      await navigator.clipboard.writeText(this.url);
    } catch {
      // No clipboard permission (or not a secure context): select it for Ctrl+C, which always works.
      field.select();
      document.execCommand?.('copy');
    }
    this.copied = true;
  }

  /** A new link by email: the one shown is retired by it. */
  async emailInstead() {
    if (this.busy) return;
    this.busy = true;
    try {
      const out = await api.issuePersonLink(this.person.id, { sendEmail: true });
      this.link = out.link;
      this.emailNote = out.emailed
        ? `Emailed a new link to ${this.person.email}. The one below is that same new link.`
        : out.emailError;
    } catch (error) {
      this.emailNote = error.message;
    } finally {
      this.busy = false;
    }
  }

  render() {
    const reset = this.link?.purpose === 'reset';
    return html`<dialog data-testid="link-dialog" aria-labelledby="link-title">
      <h2 id="link-title">${reset ? 'Password reset link' : 'Sign-up link'} for ${this.person?.name ?? ''}</h2>
      <p>
        ${reset
          ? 'With it they choose a new password; their other sessions end when they do.'
          : 'With it they choose their password and are signed in.'}
        It works once, until ${this.link ? dateTimeLabel(this.link.expiresAt) : ''}. Hand it to them only: whoever has
        it can use it.
      </p>
      <div class="copy">
        <input class="input" id="link-url" readonly .value=${this.url} aria-label="Link" data-testid="link-url"
          @focus=${(e) => e.target.select()} />
        <button class="btn primary" type="button" @click=${this.copy} data-testid="link-copy">
          ${this.copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      ${this.copied ? html`<p class="note" role="status">Copied to the clipboard.</p>` : nothing}
      <p class="note">Homeroom keeps only a fingerprint of it, so it cannot show it again; a new link retires this one.</p>
      ${this.emailNote ? html`<p class="note" role="status" data-testid="link-email-note">${this.emailNote}</p>` : nothing}
      <div class="actions">
        ${this.emailEnabled
          ? html`<button class="btn" type="button" ?disabled=${this.busy} @click=${this.emailInstead} data-testid="link-email">
              Email a new link to ${this.person?.email ?? ''}</button>`
          : nothing}
        <button class="btn" type="button" @click=${this.close} data-testid="link-close">Done</button>
      </div>
    </dialog>`;
  }
}

customElements.define('hr-link-dialog', HrLinkDialogElement);
