import { LitElement, html, css, nothing } from 'lit';
import { formatBytes } from '../lib/format.js';
import * as api from '../lib/api.js';
import { fillPlaceholders, matchSavedReplies } from '../lib/team-inbox.js';
import { quietEndLabel } from '../lib/quiet-hours.js';
import { randomUUID } from '../lib/uuid.js';
import { baseStyles, buttonStyles, formStyles } from './shared-styles.js';

/** The longest message body the server accepts, in UTF-16 code units (String.length on both sides). */
export const MAX_BODY_LENGTH = 4000;
const COUNTER_WARNING_AT = 3800;
const COMPOSER_MAX_HEIGHT_PX = 200;
/** Saved replies offered at once after `/`. */
const MAX_SUGGESTIONS = 6;

/**
 * The message composer of a conversation (R3.1, R4.1): the draft, Enter to send and Shift+Enter for a new line, the
 * length counter, and under it who is typing or why sending works differently now (HTTP fallback, a closed
 * conversation). Keystrokes tell the session's TypingSignal; the draft goes to the chat view as a cancelable
 * `hr-send` event `{body}`: the draft is cleared unless the view refuses it (`preventDefault`).
 *
 * Staff (issue 27) also get:
 * - a "Private note" mode: the draft goes as a cancelable `hr-note` `{body, clientId}` instead, only staff see it, it
 *   sends no typing signal, and the view calls {@link noteStored} once it is kept (the draft stays until then);
 * - saved replies: a draft that starts with `/` lists the shared saved replies whose title or text has the words
 *   typed after it (a list box the textbox controls: arrow keys to choose, Enter or Tab to insert, Escape to close), and the chosen one replaces
 *   the draft with its placeholders filled in for this student.
 */
export class HrComposerElement extends LitElement {
  static properties = {
    /** The session (its typingSignal is told about keystrokes). */
    session: { attribute: false },
    conversationId: { type: Number, attribute: 'conversation-id' },
    /** Whether the conversation is loaded enough to send to. */
    ready: { type: Boolean },
    closed: { type: Boolean },
    admin: { type: Boolean },
    /** The live channel is down: messages go over HTTP. */
    down: { type: Boolean },
    /** "Grace is typing…", or empty. */
    typing: { type: String },
    /** Staff: the conversation's student and the signed-in admin, for a saved reply's placeholders. */
    student: { attribute: false },
    me: { attribute: false },
    noteBusy: { type: Boolean },
    /** Staff: when the school's quiet hours end, while they last (issue 31, point 2). */
    quietUntil: { attribute: false },
    noteError: { type: String },
    draft: { state: true },
    /** Staff: 'reply' (to the student) or 'note' (staff only). */
    mode: { state: true },
    /** Staff: the next reply asks the student to confirm they have read it (issue 28, point 2). */
    needsAck: { state: true },
    /** A file being uploaded (issue 28, point 3): `{name, size, sent, abort}`, or null. */
    uploading: { state: true },
    /** The uploaded file the next message carries: `{id, name, kind, contentType, size}`, or null. */
    attachment: { state: true },
    uploadError: { state: true },
    savedReplies: { state: true },
    activeSuggestion: { state: true },
    suggestionsClosed: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    css`
      :host {
        display: block;
        flex: none;
      }
      form {
        padding: var(--hr-space-3) var(--hr-space-5) var(--hr-space-4);
        border-top: 1px solid var(--hr-color-border);
        background: var(--hr-color-surface);
      }
      .composer {
        display: flex;
        gap: var(--hr-space-2);
        align-items: flex-end;
        max-width: 860px;
        margin: 0 auto;
      }
      .textarea {
        flex: 1;
        resize: none;
        min-height: 42px;
        max-height: ${COMPOSER_MAX_HEIGHT_PX}px;
        line-height: 1.4;
      }
      .btn.primary {
        min-height: 42px;
      }
      .hints {
        display: flex;
        justify-content: space-between;
        gap: var(--hr-space-3);
        max-width: 860px;
        margin: var(--hr-space-1) auto 0;
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .counter {
        flex: none;
        white-space: nowrap;
      }
      .counter.warn {
        color: var(--hr-color-warning);
        font-weight: 600;
      }
      .fallback {
        color: var(--hr-color-warning);
      }
      .reopen-hint {
        color: var(--hr-color-warning);
        font-weight: 600;
      }
      .typing {
        display: inline-flex;
        align-items: center;
        gap: var(--hr-space-2);
        min-width: 0;
        font-style: italic;
        color: var(--hr-color-text);
      }
      .dots {
        display: inline-flex;
        gap: 3px;
      }
      .dots span {
        width: 5px;
        height: 5px;
        border-radius: 50%;
        background: var(--hr-color-text-muted);
        animation: hr-typing 1.2s infinite ease-in-out;
      }
      .dots span:nth-child(2) {
        animation-delay: 0.15s;
      }
      .dots span:nth-child(3) {
        animation-delay: 0.3s;
      }
      @keyframes hr-typing {
        0%,
        60%,
        100% {
          opacity: 0.35;
          transform: translateY(0);
        }
        30% {
          opacity: 1;
          transform: translateY(-2px);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .dots span {
          animation: none;
        }
      }
      .modes {
        display: flex;
        gap: var(--hr-space-1);
        max-width: 860px;
        margin: 0 auto var(--hr-space-2);
      }
      .mode {
        border: 1px solid var(--hr-color-border);
        background: var(--hr-color-surface);
        border-radius: 999px;
        padding: 2px var(--hr-space-3);
        font: inherit;
        font-size: var(--hr-font-size-sm);
        color: var(--hr-color-text);
        cursor: pointer;
      }
      .mode[aria-pressed='true'] {
        background: var(--hr-color-primary);
        border-color: var(--hr-color-primary);
        color: #fff;
      }
      .attach {
        align-self: stretch;
        padding: 0 10px;
      }
      .attach-row {
        display: flex;
        align-items: center;
        gap: var(--hr-space-2);
        max-width: 860px;
        margin: var(--hr-space-2) auto 0;
        font-size: var(--hr-font-size-sm);
      }
      .attach-row.error {
        color: var(--hr-color-danger);
      }
      .attach-row progress {
        flex: 1;
        max-width: 260px;
      }
      .attach-name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        max-width: 50%;
      }
      .attach-size {
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-xs);
      }
      .mode.ack {
        margin-left: auto;
      }
      .mode.ack[aria-pressed='true'] {
        background: var(--hr-color-success);
        border-color: var(--hr-color-success);
      }
      .mode.note[aria-pressed='true'] {
        background: #8a6d00;
        border-color: #8a6d00;
      }
      form.note .textarea {
        background: #fff8db;
        border-color: #d9b600;
      }
      .quiet-hint {
        color: var(--hr-color-text);
        font-weight: 600;
      }
      .note-hint {
        color: #6b5400;
        font-weight: 600;
      }
      .error {
        color: var(--hr-color-danger);
      }
      .field {
        position: relative;
        flex: 1;
        display: flex;
      }
      .suggestions {
        position: absolute;
        left: 0;
        right: 0;
        bottom: calc(100% + 4px);
        margin: 0;
        padding: var(--hr-space-1) 0;
        list-style: none;
        background: var(--hr-color-surface);
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius, 8px);
        box-shadow: 0 6px 24px rgb(0 0 0 / 0.12);
        max-height: 260px;
        overflow: auto;
        z-index: 5;
      }
      .suggestions li {
        padding: var(--hr-space-2) var(--hr-space-3);
        cursor: pointer;
      }
      .suggestions li[aria-selected='true'] {
        background: var(--hr-color-primary-soft, #e8efff);
      }
      .suggestions .title {
        font-weight: 600;
        display: block;
      }
      .suggestions .preview {
        display: block;
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-sm);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .suggestions .none {
        color: var(--hr-color-text-muted);
        cursor: default;
      }
      @media (max-width: 640px) {
        form {
          padding-left: var(--hr-space-3);
          padding-right: var(--hr-space-3);
        }
        .keys {
          display: none;
        }
      }
    `,
  ];

  constructor() {
    super();
    this.session = null;
    this.conversationId = null;
    this.ready = false;
    this.closed = false;
    this.admin = false;
    this.down = false;
    this.typing = '';
    this.student = null;
    this.me = null;
    this.noteBusy = false;
    this.quietUntil = null;
    this.noteError = '';
    this.draft = '';
    this.mode = 'reply';
    this.needsAck = false;
    this.uploading = null;
    this.attachment = null;
    this.uploadError = '';
    this.savedReplies = null;
    this.activeSuggestion = 0;
    this.suggestionsClosed = false;
    /** The note being stored: its client id, so a retry of the same draft is stored once. */
    this.pendingNote = null;
  }

  willUpdate(changed) {
    // A draft belongs to its conversation.
    if (changed.has('conversationId')) {
      this.draft = '';
      this.mode = 'reply';
      this.needsAck = false;
      this.uploading?.abort();
      this.uploading = null;
      this.attachment = null;
      this.uploadError = '';
      this.noteError = '';
      this.pendingNote = null;
    }
  }

  /** Staff: what `/` is filtering saved replies by, or null when the draft is not a `/` command. */
  get slashQuery() {
    if (!this.admin || this.suggestionsClosed) return null;
    const match = /^\/([^\n]*)$/.exec(this.draft);
    return match ? match[1] : null;
  }

  get suggestions() {
    const query = this.slashQuery;
    if (query == null || !this.savedReplies) return [];
    return matchSavedReplies(this.savedReplies, query).slice(0, MAX_SUGGESTIONS);
  }

  /** The saved replies, fetched when `/` is typed (so a colleague's new one is there). */
  loadSavedReplies() {
    api.listSavedReplies()
      .then((replies) => {
        this.savedReplies = replies;
      })
      .catch((error) => {
        console.warn('[composer] cannot load the saved replies', error);
        this.savedReplies ??= [];
      });
  }

  /** Replaces the draft with a saved reply, its placeholders filled in for this student. */
  insertSavedReply(reply) {
    this.draft = fillPlaceholders(reply.body, { student: this.student, me: this.me });
    this.suggestionsClosed = false;
    this.activeSuggestion = 0;
    this.updateComplete.then(() => {
      const el = this.textarea;
      if (!el) return;
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
      this.fit();
    });
  }

  setMode(mode) {
    this.mode = mode;
    this.noteError = '';
    this.updateComplete.then(() => this.textarea?.focus());
  }

  /** The view kept the note: the draft goes, unless the admin started another one meanwhile. */
  noteStored(clientId) {
    if (this.pendingNote?.clientId !== clientId) return;
    if (this.draft.trim() === this.pendingNote.body) this.draft = '';
    this.pendingNote = null;
    this.updateComplete.then(() => this.fit());
  }

  get textarea() {
    return this.renderRoot?.querySelector('#composer');
  }

  /** Puts the cursor in the draft, except on touch screens (no phone keyboard popping up uninvited). */
  focusInput() {
    if (window.matchMedia?.('(pointer: coarse)').matches) return;
    this.textarea?.focus();
  }

  handleInput(event) {
    const wasSlash = this.slashQuery != null;
    this.draft = event.target.value;
    if (!this.draft.startsWith('/')) this.suggestionsClosed = false;
    if (this.slashQuery != null) {
      if (!wasSlash) this.loadSavedReplies();
      this.activeSuggestion = 0;
    }
    this.fit();
    // A note or a saved-reply search is not a reply being typed: the student is not told.
    if (this.draft.trim() && this.ready && this.mode === 'reply' && this.slashQuery == null) {
      this.session?.typingSignal?.typed(this.conversationId);
    }
  }

  handleKeydown(event) {
    const suggestions = this.slashQuery != null ? this.suggestions : [];
    if (this.slashQuery != null && !event.isComposing) {
      const count = suggestions.length;
      if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && count > 0) {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.activeSuggestion = (this.activeSuggestion + step + count) % count;
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        this.suggestionsClosed = true;
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && count > 0) {
        event.preventDefault();
        this.insertSavedReply(suggestions[Math.min(this.activeSuggestion, count - 1)]);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.send();
    }
  }

  handleSubmit(event) {
    event.preventDefault();
    this.send();
  }

  /** Grows the textarea with its text, up to a limit. */
  fit() {
    const el = this.textarea;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight + 2, COMPOSER_MAX_HEIGHT_PX)}px`;
  }

  /** Issue 28, point 3: the chosen file goes up at once, with progress; the next message carries it. */
  chooseFile() {
    this.renderRoot.querySelector('input[type=file]')?.click();
  }

  async handleFile(event) {
    const input = event.target;
    const file = input.files?.[0];
    input.value = '';
    if (!file || !this.conversationId) return;
    this.uploadError = '';
    if (file.size > api.MAX_ATTACHMENT_BYTES) {
      this.uploadError = `“${file.name}” is larger than 10 MB.`;
      return;
    }
    this.uploading?.abort();
    const upload = api.uploadAttachment(this.conversationId, file, {
      onProgress: (sent, total) => {
        if (this.uploading?.upload === upload) this.uploading = { ...this.uploading, sent, total };
      },
    });
    this.uploading = { name: file.name, sent: 0, total: file.size, upload, abort: upload.abort };
    try {
      const { attachment } = await upload.done;
      if (this.uploading?.upload !== upload) return;
      this.attachment = attachment;
      this.focusInput?.();
    } catch (error) {
      if (this.uploading?.upload === upload && error?.name !== 'AbortError') this.uploadError = error.message;
    } finally {
      if (this.uploading?.upload === upload) this.uploading = null;
    }
  }

  cancelUpload() {
    this.uploading?.abort();
    this.uploading = null;
  }

  removeAttachment() {
    this.attachment = null;
  }

  renderAttachment() {
    if (this.uploading) {
      const percent = this.uploading.total ? Math.round((this.uploading.sent / this.uploading.total) * 100) : 0;
      return html`<div class="attach-row" data-testid="upload-progress" data-percent=${percent}>
        <span class="attach-name">${this.uploading.name}</span>
        <progress max="100" value=${percent} aria-label="Uploading ${this.uploading.name}"></progress>
        <span class="attach-size">${percent}%</span>
        <button class="btn small ghost" type="button" data-testid="upload-cancel" @click=${this.cancelUpload}>Cancel</button>
      </div>`;
    }
    if (this.attachment) {
      return html`<div class="attach-row" data-testid="attachment-ready">
        <span class="attach-name">📎 ${this.attachment.name}</span>
        <span class="attach-size">${formatBytes(this.attachment.size)}</span>
        <button class="btn small ghost" type="button" data-testid="attachment-remove" aria-label="Remove ${this.attachment.name}"
          @click=${this.removeAttachment}>Remove</button>
      </div>`;
    }
    if (this.uploadError) return html`<div class="attach-row error" role="alert" data-testid="upload-error">${this.uploadError}</div>`;
    return nothing;
  }

  send() {
    const attachment = this.mode === 'reply' ? this.attachment : null;
    const body = this.draft.trim() || attachment?.name || '';
    if (!body || body.length > MAX_BODY_LENGTH || !this.ready) return;
    if (this.admin && this.mode === 'note') {
      if (this.noteBusy) return;
      // The same draft sent again (after a failure) keeps its client id: stored once whatever happened to the first.
      if (this.pendingNote?.body !== body) this.pendingNote = { clientId: randomUUID(), body };
      this.dispatchEvent(new CustomEvent('hr-note', { detail: { body, clientId: this.pendingNote.clientId }, cancelable: true }));
      return;
    }
    const needsAck = this.admin && this.needsAck;
    const accepted = this.dispatchEvent(new CustomEvent('hr-send', { detail: { body, needsAck, attachment }, cancelable: true }));
    if (!accepted) return;
    this.draft = '';
    this.needsAck = false;
    this.attachment = null;
    this.updateComplete.then(() => this.fit());
  }

  renderModes() {
    if (!this.admin) return nothing;
    const mode = (name, label, testid) => html`<button type="button" class="mode ${name}" aria-pressed=${this.mode === name ? 'true' : 'false'}
      data-testid=${testid} @click=${() => this.setMode(name)}>${label}</button>`;
    return html`<div class="modes" role="group" aria-label="Write">
      ${mode('reply', 'Reply', 'mode-reply')}${mode('note', 'Private note', 'mode-note')}
      ${this.mode === 'reply'
        ? html`<button type="button" class="mode ack" aria-pressed=${this.needsAck ? 'true' : 'false'} data-testid="mode-needs-ack"
            title="The student is asked to confirm they have read this message" @click=${() => { this.needsAck = !this.needsAck; }}
            >${this.needsAck ? '✓ ' : ''}Ask to confirm reading</button>`
        : nothing}
    </div>`;
  }

  renderSuggestions() {
    const query = this.slashQuery;
    if (query == null || !this.savedReplies) return nothing;
    const list = this.suggestions;
    if (list.length === 0) {
      return html`<ul class="suggestions" id="suggestions" role="listbox" aria-label="Saved replies" data-testid="saved-reply-suggestions">
        <li class="none" role="option" aria-disabled="true" aria-selected="false">${this.savedReplies.length
          ? 'No saved reply matches'
          : 'No saved replies yet: add them on the Replies page'}</li>
      </ul>`;
    }
    const active = Math.min(this.activeSuggestion, list.length - 1);
    return html`<ul class="suggestions" id="suggestions" role="listbox" aria-label="Saved replies" data-testid="saved-reply-suggestions">
      ${list.map((reply, i) => html`<li id="suggestion-${i}" role="option" aria-selected=${i === active ? 'true' : 'false'}
          data-testid="saved-reply-option" @mousedown=${(e) => e.preventDefault()} @click=${() => this.insertSavedReply(reply)}>
          <span class="title">${reply.title}</span><span class="preview">${reply.body}</span></li>`)}
    </ul>`;
  }

  render() {
    const length = this.draft.length;
    const note = this.admin && this.mode === 'note';
    const canSend = (this.draft.trim().length > 0 || (!note && Boolean(this.attachment))) && length <= MAX_BODY_LENGTH
      && this.ready && !(note && this.noteBusy) && !(this.uploading && !note);
    const closed = this.closed && !note;
    const slash = this.slashQuery != null && Boolean(this.savedReplies);
    const suggestionCount = slash ? this.suggestions.length : 0;
    let hint;
    if (this.noteError && note) hint = html`<span class="error" role="alert" data-testid="note-error">${this.noteError}</span>`;
    else if (note) hint = html`<span class="note-hint" data-testid="note-hint">Only staff see notes: the student never does.</span>`;
    else if (this.typing) hint = nothing;
    else if (this.down) hint = html`<span class="fallback" data-testid="http-fallback">Live connection down: messages are sent over HTTP and new ones checked for every few seconds.</span>`;
    else if (closed && this.admin) hint = html`<span class="reopen-hint" data-testid="reopen-hint">Closed: sending a message reopens it.</span>`;
    else if (this.admin && this.quietUntil) hint = html`<span class="quiet-hint" data-testid="quiet-hint">Quiet hours: ${this.student?.name ?? 'the student'} is
      notified ${this.quietUntil.getTime() > 8e15 ? 'when they end' : `at ${quietEndLabel(this.quietUntil)}`}, not now.</span>`;
    else if (this.admin) hint = html`<span class="keys">Enter to send · Shift+Enter for a new line · / for saved replies</span>`;
    else hint = html`<span class="keys">Enter to send · Shift+Enter for a new line</span>`;
    const label = note ? 'Private note (only staff see it)' : closed ? 'Message (sending reopens the conversation)' : 'Message';
    const placeholder = note ? 'Write a note only staff see…' : closed ? 'Write a message to reopen…' : 'Write a message…';
    return html`<form @submit=${this.handleSubmit} data-testid="composer-form" data-mode=${note ? 'note' : 'reply'} class=${note ? 'note' : ''}>
      ${this.renderModes()}
      <div class="composer">
        <label class="visually-hidden" for="composer">${label}</label>
        <div class="field">
          ${this.renderSuggestions()}
          <textarea
            id="composer"
            class="textarea"
            rows="1"
            maxlength=${MAX_BODY_LENGTH}
            placeholder=${placeholder}
            aria-describedby="counter"
            aria-autocomplete=${this.admin ? 'list' : nothing}
            aria-controls=${slash ? 'suggestions' : nothing}
            aria-activedescendant=${suggestionCount > 0 ? `suggestion-${Math.min(this.activeSuggestion, suggestionCount - 1)}` : nothing}
            .value=${this.draft}
            @input=${this.handleInput}
            @keydown=${this.handleKeydown}
            data-testid="composer"
          ></textarea>
        </div>
        ${note
          ? nothing
          : html`<input type="file" hidden data-testid="attach-input" @change=${this.handleFile}
                accept="image/png,image/jpeg,image/gif,image/webp,application/pdf,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp" />
              <button class="btn attach" type="button" data-testid="attach-button" title="Attach a file (images, PDFs, documents; up to 10 MB)"
                aria-label="Attach a file" ?disabled=${!this.ready || Boolean(this.uploading)} @click=${this.chooseFile}
                ><svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.5 3.5 0 0 1 5 5l-8.6 8.6a2 2 0 0 1-2.8-2.8l7.9-7.9" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg></button>`}
        <button class="btn primary" type="submit" ?disabled=${!canSend} data-testid="send-button">${note ? 'Add note' : 'Send'}</button>
      </div>
      ${note ? nothing : this.renderAttachment()}
      <div class="hints">
        <span>
          <span class="typing" aria-live="polite" data-testid="typing-indicator"
            >${this.typing ? html`<span class="dots" aria-hidden="true"><span></span><span></span><span></span></span>${this.typing}` : nothing}</span
          >
          ${hint}
        </span>
        <span
          id="counter"
          class="counter ${length >= COUNTER_WARNING_AT ? 'warn' : ''}"
          data-testid="char-counter"
          aria-live=${length >= COUNTER_WARNING_AT ? 'polite' : 'off'}
          >${length} / ${MAX_BODY_LENGTH}</span
        >
      </div>
    </form>`;
  }
}

customElements.define('hr-composer', HrComposerElement);
