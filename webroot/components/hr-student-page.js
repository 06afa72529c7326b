import { LitElement, html, css } from 'lit';
import * as api from '../lib/api.js';
import { baseStyles, buttonStyles } from './shared-styles.js';
import './hr-chat-view.js';

/**
 * The student's page: their one conversation with the school's staff (`GET /api/me/conversation`).
 * Before any admin has opened it, a friendly empty state; it appears live when the
 * `conversation-created` event arrives (R5.1 groundwork), or when a message of a conversation
 * this page does not know yet arrives (the creation event may have been lost).
 */
export class HrStudentPageElement extends LitElement {
  static properties = {
    /** {user, bus, events, chat, attention, typing, typingSignal, acks} (see hr-app) */
    session: { attribute: false },
    conversation: { state: true },
    loading: { state: true },
    error: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        height: 100%;
      }
      hr-chat-view {
        flex: 1;
        min-height: 0;
      }
      .empty {
        flex: 1;
        display: grid;
        place-items: center;
        padding: var(--hr-space-6);
        text-align: center;
      }
      .card {
        max-width: 420px;
        padding: var(--hr-space-6);
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius-lg);
        background: var(--hr-color-surface);
        box-shadow: var(--hr-shadow);
      }
      .icon {
        display: inline-grid;
        place-items: center;
        width: 56px;
        height: 56px;
        margin-bottom: var(--hr-space-3);
        border-radius: 50%;
        background: var(--hr-color-primary-soft);
        color: var(--hr-color-primary);
        font-size: 26px;
      }
      h2 {
        margin: 0 0 var(--hr-space-2);
        font-size: 18px;
      }
      p {
        margin: 0;
        color: var(--hr-color-text-muted);
      }
      .error {
        color: var(--hr-color-danger);
      }
    `,
  ];

  constructor() {
    super();
    this.session = null;
    this.conversation = null;
    this.loading = true;
    this.error = '';
    this.bound = null;
  }

  connectedCallback() {
    super.connectedCallback();
    this.bindTo(this.session);
    this.load();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.bindTo(null);
  }

  willUpdate(changed) {
    if (changed.has('session') && this.isConnected) this.bindTo(this.session);
  }

  bindTo(session) {
    if (this.bound === session) return;
    if (this.bound) {
      this.bound.events.removeEventListener('conversation-created', this.handleConversationCreated);
      this.bound.events.removeEventListener('message-created', this.handleMessageCreated);
      this.bound.events.removeEventListener('resync', this.handleResync);
    }
    this.bound = session;
    if (session) {
      session.events.addEventListener('conversation-created', this.handleConversationCreated);
      session.events.addEventListener('message-created', this.handleMessageCreated);
      session.events.addEventListener('resync', this.handleResync);
    }
  }

  async load() {
    this.error = '';
    try {
      const conversation = await api.myConversation();
      if (conversation || !this.conversation) this.conversation = conversation;
    } catch (error) {
      this.error = error.message;
    } finally {
      this.loading = false;
    }
  }

  handleConversationCreated = (event) => {
    const conversation = event.detail;
    if (conversation.studentId === this.session?.user.id && !this.conversation) this.conversation = conversation;
  };

  handleMessageCreated = (event) => {
    if (!this.conversation && !this.loading) this.load();
    else if (this.conversation && event.detail.conversationId !== this.conversation.id) this.load();
  };

  handleResync = () => {
    if (!this.conversation) this.load();
  };

  render() {
    if (this.loading) return html`<div class="empty" aria-busy="true">Loading…</div>`;
    if (this.error && !this.conversation) {
      return html`<div class="empty" role="alert">
        <div class="card">
          <p class="error">Could not load your messages: ${this.error}</p>
          <p><button class="btn small" type="button" @click=${this.load}>Try again</button></p>
        </div>
      </div>`;
    }
    if (!this.conversation) {
      return html`<div class="empty" data-testid="no-conversation">
        <div class="card">
          <div class="icon" aria-hidden="true">✉</div>
          <h2>No messages yet</h2>
          <p>
            When someone from your school's staff writes to you, their message appears here straight away: no need
            to refresh. You can reply from this page.
          </p>
        </div>
      </div>`;
    }
    return html`<hr-chat-view .session=${this.session} .conversationId=${this.conversation.id}></hr-chat-view>`;
  }
}

customElements.define('hr-student-page', HrStudentPageElement);
