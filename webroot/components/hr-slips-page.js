import { LitElement, html, css, svg, nothing } from 'lit';
import * as api from '../lib/api.js';
import { dateTimeLabel } from '../lib/local-time.js';
import { baseStyles, buttonStyles, formStyles } from './shared-styles.js';

/**
 * Sign-in slips (issue 25, point 3b; admins, `/admin/people/slips`): choose a class, make its slips (each student
 * without a password gets a new one-time sign-up link; optionally those with one get a reset link), and print them:
 * eight to an A4 page, cut along the dashed lines, each with the student's name, class, roll ID, the address, the
 * link written out and as a QR code. The controls do not print.
 *
 * @fires hr-navigate - back to People (bubbles, composed)
 */
export class HrSlipsPageElement extends LitElement {
  static properties = {
    /** The class to open with, from `?className=`. */
    className: { type: String },
    classes: { state: true },
    includeActive: { state: true },
    result: { state: true },
    busy: { state: true },
    error: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    css`
      :host {
        display: block;
        overflow: auto;
        background: var(--hr-color-surface-muted);
      }
      .controls {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--hr-space-3);
        max-width: 210mm;
        margin: 0 auto;
        padding: var(--hr-space-4);
      }
      .controls h1 {
        flex-basis: 100%;
        margin: 0;
        font-size: 22px;
      }
      .controls .select {
        width: auto;
        min-width: 160px;
      }
      .controls p {
        flex-basis: 100%;
        margin: 0;
        font-size: var(--hr-font-size-sm);
        color: var(--hr-color-text-muted);
      }
      .check {
        display: flex;
        gap: var(--hr-space-2);
        align-items: center;
        font-size: var(--hr-font-size-sm);
      }
      .check label {
        font-weight: 400;
      }
      .error {
        flex-basis: 100%;
        color: var(--hr-color-danger);
        font-size: var(--hr-font-size-sm);
      }
      .sheet {
        display: grid;
        grid-template-columns: 1fr 1fr;
        width: 210mm;
        max-width: 100%;
        margin: 0 auto var(--hr-space-5);
        background: #fff;
        color: #000;
        box-shadow: var(--hr-shadow-lg);
      }
      .slip {
        display: grid;
        grid-template-columns: 1fr 30mm;
        gap: 4mm;
        height: 70mm;
        padding: 6mm;
        border: 1px dashed #888;
        break-inside: avoid;
        overflow: hidden;
      }
      .slip .school {
        font-size: 9pt;
        font-weight: 700;
        letter-spacing: 0.04em;
        text-transform: uppercase;
        color: #333;
      }
      .slip .name {
        margin: 2mm 0 0;
        font-size: 14pt;
        font-weight: 700;
        line-height: 1.15;
        overflow-wrap: anywhere;
      }
      .slip .meta {
        margin: 1mm 0 3mm;
        font-size: 10pt;
      }
      .slip .how {
        margin: 0;
        font-size: 8.5pt;
        line-height: 1.35;
      }
      .slip .url {
        display: block;
        margin-top: 1mm;
        font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
        font-size: 7pt;
        overflow-wrap: anywhere;
      }
      .slip svg {
        width: 30mm;
        height: 30mm;
        align-self: center;
      }
      .slip .valid {
        grid-column: 1 / -1;
        align-self: end;
        margin: 0;
        font-size: 7.5pt;
        color: #444;
      }
      .empty {
        max-width: 210mm;
        margin: 0 auto;
        padding: 0 var(--hr-space-4);
        color: var(--hr-color-text-muted);
      }
      @media print {
        :host {
          overflow: visible;
          background: #fff;
        }
        .controls,
        .empty {
          display: none;
        }
        .sheet {
          width: auto;
          margin: 0;
          box-shadow: none;
        }
      }
      @page {
        size: A4;
        margin: 8mm;
      }
    `,
  ];

  constructor() {
    super();
    this.className = '';
    this.classes = [];
    this.includeActive = false;
    this.result = null;
    this.busy = false;
    this.error = '';
  }

  async connectedCallback() {
    super.connectedCallback();
    try {
      this.classes = await api.listClasses();
    } catch (error) {
      this.error = `Could not load the classes: ${error.message}`;
    }
  }

  async make() {
    if (!this.className || this.busy) return;
    this.busy = true;
    this.error = '';
    try {
      this.result = await api.makeSlips(this.className, { includeActive: this.includeActive });
      history.replaceState(null, '', `/admin/people/slips?className=${encodeURIComponent(this.className)}`);
    } catch (error) {
      this.error = error.message;
    } finally {
      this.busy = false;
    }
  }

  back() {
    this.dispatchEvent(new CustomEvent('hr-navigate', { detail: { path: '/admin/people' }, bubbles: true, composed: true }));
  }

  render() {
    const slips = this.result?.slips ?? [];
    return html`
      <div class="controls">
        <h1>Sign-in slips</h1>
        <p>Each slip carries a new one-time link (valid 14 days); making them again retires the slips made before.
          Hand each student their own.</p>
        <select class="select" aria-label="Class" data-testid="slips-class" .value=${this.className}
          @change=${(e) => { this.className = e.target.value; this.result = null; }}>
          <option value="">Choose a class</option>
          ${this.classes.map((c) => html`<option value=${c} ?selected=${c === this.className}>${c}</option>`)}
        </select>
        <span class="check">
          <input id="include-active" type="checkbox" data-testid="slips-include-active" .checked=${this.includeActive}
            @change=${(e) => { this.includeActive = e.target.checked; this.result = null; }} />
          <label for="include-active">Also students who already have a password (a reset link)</label>
        </span>
        <button class="btn primary" type="button" data-testid="slips-make" ?disabled=${!this.className || this.busy}
          @click=${this.make}>${this.busy ? 'Making…' : 'Make slips'}</button>
        ${this.result && slips.length
          ? html`<button class="btn" type="button" data-testid="slips-print" @click=${() => window.print()}>Print ${slips.length}</button>`
          : nothing}
        <button class="btn ghost" type="button" @click=${this.back}>Back to People</button>
        ${this.error ? html`<p class="error" role="alert" data-testid="slips-error">${this.error}</p>` : nothing}
      </div>
      ${this.result && !slips.length
        ? html`<p class="empty" data-testid="slips-empty">Everyone in ${this.result.className} has signed up already.
            Tick "also students who already have a password" to print reset slips.</p>`
        : nothing}
      ${slips.length ? html`<div class="sheet" data-testid="slips-sheet">${slips.map((s) => this.renderSlip(s))}</div>` : nothing}`;
  }

  renderSlip(s) {
    const host = new URL(this.result.origin).host;
    return html`<article class="slip" data-testid="slip">
      <div>
        <div class="school">Homeroom</div>
        <p class="name">${s.name}</p>
        <p class="meta">Class ${s.className} · Roll ID ${s.rollId}</p>
        <p class="how">
          ${s.purpose === 'reset' ? 'Choose a new password' : 'Set up your account'}: scan the code with a phone's
          camera, or type this address into a browser:
          <span class="url" data-testid="slip-url">${s.url}</span>
        </p>
      </div>
      <svg viewBox="-2 -2 ${s.qr.size + 4} ${s.qr.size + 4}" role="img" aria-label="QR code of the link"
        shape-rendering="crispEdges">${svg`<rect x="-2" y="-2" width=${s.qr.size + 4} height=${s.qr.size + 4} fill="#fff"></rect>
        <path d=${s.qr.path} fill="#000"></path>`}</svg>
      <p class="valid">Works once, until ${dateTimeLabel(s.expiresAt)}. Then sign in at ${host} with your email.</p>
    </article>`;
  }
}

customElements.define('hr-slips-page', HrSlipsPageElement);
