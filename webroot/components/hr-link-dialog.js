import { LitElement, html, css, nothing } from 'lit';
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
  }

  get url() {
    return this.link ? new URL(this.link.path, location.origin).href : '';
  }

  async show(person, link) {
    this.person = person;
    this.link = link;
    this.copied = false;
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
      <div class="actions">
        <button class="btn" type="button" @click=${this.close} data-testid="link-close">Done</button>
      </div>
    </dialog>`;
  }
}

customElements.define('hr-link-dialog', HrLinkDialogElement);
