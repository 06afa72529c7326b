import { LitElement, html, css, nothing } from 'lit';
import { MAX_NOTE_LENGTH } from '../lib/conversation-status.js';
import { baseStyles, buttonStyles, formStyles, dialogStyles } from './shared-styles.js';

/**
 * "Close this conversation?" (R6.2, R6.3): a modal dialog asking for an optional note (shown to the student too), at
 * most {@link MAX_NOTE_LENGTH} characters. It asks; the chat view closes: `hr-close-confirm` `{note}` (undefined
 * when blank), then the view calls {@link close} once the server has answered, or sets `error`. `hr-dialog-closed`
 * when it goes, however it went.
 */
export class HrCloseDialogElement extends LitElement {
  static properties = {
    /** Whose conversation, for the explanation. */
    studentName: { type: String, attribute: 'student-name' },
    /** A close request is running. */
    busy: { type: Boolean },
    /** Why the last close failed, or empty. */
    error: { type: String },
    note: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    dialogStyles,
    css`
      dialog {
        --hr-dialog-width: 480px;
      }
      dialog p {
        font-size: var(--hr-font-size-sm);
      }
      .textarea {
        width: 100%;
        margin-top: var(--hr-space-1);
        min-height: 96px;
        resize: vertical;
      }
      .counter {
        display: block;
        margin-top: var(--hr-space-1);
        text-align: right;
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .error {
        color: var(--hr-color-danger);
      }
    `,
  ];

  constructor() {
    super();
    this.studentName = '';
    this.busy = false;
    this.error = '';
    this.note = '';
  }

  get dialog() {
    return this.renderRoot?.querySelector('dialog');
  }

  /** Opens it empty, with the focus on the note. */
  async show() {
    this.note = '';
    await this.updateComplete;
    this.dialog?.showModal();
    this.renderRoot.querySelector('#close-note')?.focus();
  }

  close() {
    this.dialog?.close();
  }

  handleSubmit(event) {
    event.preventDefault();
    const note = this.note.trim();
    if (note.length > MAX_NOTE_LENGTH) return;
    this.dispatchEvent(new CustomEvent('hr-close-confirm', { detail: { note: note || undefined } }));
  }

  render() {
    const length = this.note.length;
    const who = this.studentName || 'The student';
    return html`<dialog data-testid="close-dialog" aria-labelledby="close-title" aria-describedby="close-help"
      @close=${() => this.dispatchEvent(new CustomEvent('hr-dialog-closed'))}>
      <form @submit=${this.handleSubmit}>
        <h2 id="close-title">Close this conversation?</h2>
        <p id="close-help">${who} can still read it. Writing a message, on either side, reopens it.</p>
        <label for="close-note">Note (optional, shown to the student too)</label>
        <textarea id="close-note" class="textarea" maxlength=${MAX_NOTE_LENGTH} data-testid="close-note"
          aria-describedby="close-note-counter" .value=${this.note}
          @input=${(e) => { this.note = e.target.value; }}></textarea>
        <span id="close-note-counter" class="counter" data-testid="close-note-counter">${length} / ${MAX_NOTE_LENGTH}</span>
        ${this.error ? html`<p class="error" role="alert" data-testid="close-error">Could not close it: ${this.error}</p>` : nothing}
        <div class="actions">
          <button class="btn" type="button" @click=${this.close}>Cancel</button>
          <button class="btn primary" type="submit" data-testid="confirm-close" ?disabled=${this.busy}>Close conversation</button>
        </div>
      </form>
    </dialog>`;
  }
}

customElements.define('hr-close-dialog', HrCloseDialogElement);
