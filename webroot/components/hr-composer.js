import { LitElement, html, css, nothing } from 'lit';
import { baseStyles, buttonStyles, formStyles } from './shared-styles.js';

/** The longest message body the server accepts, in UTF-16 code units (String.length on both sides). */
export const MAX_BODY_LENGTH = 4000;
const COUNTER_WARNING_AT = 3800;
const COMPOSER_MAX_HEIGHT_PX = 200;

/**
 * The message composer of a conversation (R3.1, R4.1): the draft, Enter to send and Shift+Enter for a new line, the
 * length counter, and under it who is typing or why sending works differently now (HTTP fallback, a closed
 * conversation). Keystrokes tell the session's TypingSignal; the draft goes to the chat view as a cancelable
 * `hr-send` event `{body}`: the draft is cleared unless the view refuses it (`preventDefault`).
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
    draft: { state: true },
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
    this.draft = '';
  }

  willUpdate(changed) {
    // A draft belongs to its conversation.
    if (changed.has('conversationId')) this.draft = '';
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
    this.draft = event.target.value;
    this.fit();
    if (this.draft.trim() && this.ready) this.session?.typingSignal?.typed(this.conversationId);
  }

  handleKeydown(event) {
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

  send() {
    const body = this.draft.trim();
    if (!body || body.length > MAX_BODY_LENGTH || !this.ready) return;
    const accepted = this.dispatchEvent(new CustomEvent('hr-send', { detail: { body }, cancelable: true }));
    if (!accepted) return;
    this.draft = '';
    this.updateComplete.then(() => this.fit());
  }

  render() {
    const length = this.draft.length;
    const canSend = this.draft.trim().length > 0 && length <= MAX_BODY_LENGTH && this.ready;
    const closed = this.closed;
    let hint;
    if (this.typing) hint = nothing;
    else if (this.down) hint = html`<span class="fallback" data-testid="http-fallback">Live connection down: messages are sent over HTTP and new ones checked for every few seconds.</span>`;
    else if (closed && this.admin) hint = html`<span class="reopen-hint" data-testid="reopen-hint">Closed: sending a message reopens it.</span>`;
    else hint = html`<span class="keys">Enter to send · Shift+Enter for a new line</span>`;
    return html`<form @submit=${this.handleSubmit} data-testid="composer-form">
      <div class="composer">
        <label class="visually-hidden" for="composer">${closed ? 'Message (sending reopens the conversation)' : 'Message'}</label>
        <textarea
          id="composer"
          class="textarea"
          rows="1"
          maxlength=${MAX_BODY_LENGTH}
          placeholder=${closed ? 'Write a message to reopen…' : 'Write a message…'}
          aria-describedby="counter"
          .value=${this.draft}
          @input=${this.handleInput}
          @keydown=${this.handleKeydown}
          data-testid="composer"
        ></textarea>
        <button class="btn primary" type="submit" ?disabled=${!canSend} data-testid="send-button">Send</button>
      </div>
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
