import { html, nothing } from 'lit';
import './hr-close-dialog.js';

/**
 * An admin closing and reopening the open conversation (R6.2, R6.3), kept out of the chat view: the header's Close
 * and Reopen buttons (chat-header.js) call it, the close dialog asks for the optional note, and what went wrong is
 * shown in the dialog (closing) or above the closed banner (reopening). The answer's status entry goes into the
 * view's timeline (`host.applyStatus`), and the student list follows it even when the live channel is down
 * (`hr-conversation-status`). A Lit reactive controller: the view re-renders when any of it changes.
 */
export class ChatStatusController {
  constructor(host) {
    this.host = host;
    host.addController(this);
    /** A close or reopen is on its way. */
    this.busy = false;
    /** Why closing failed, shown in the dialog. */
    this.error = '';
    /** Why reopening failed, shown above the closed banner. */
    this.reopenError = '';
  }

  /** Another conversation opened: nothing of the last one's failures stays. */
  reset() {
    this.error = '';
    this.reopenError = '';
  }

  get dialog() {
    return this.host.renderRoot?.querySelector('hr-close-dialog');
  }

  openDialog = () => {
    this.error = '';
    this.dialog?.show();
  };

  dialogClosed = () => {
    this.error = '';
    this.host.requestUpdate();
    // The focus goes back to what opened the dialog (or what replaced it: Reopen, once closed).
    this.host.updateComplete.then(() => this.host.renderRoot.querySelector('[data-status-action]')?.focus());
  };

  confirmClose = async (event) => {
    const { note } = event.detail;
    const host = this.host;
    const ok = await this.change(() => host.session.chat.closeConversation(host.conversationId, note));
    if (ok) this.dialog?.close();
  };

  reopen = async () => {
    const host = this.host;
    this.reopenError = '';
    const ok = await this.change(() => host.session.chat.reopenConversation(host.conversationId));
    if (!ok && this.error) {
      this.reopenError = this.error;
      this.error = '';
      host.requestUpdate();
    }
    await host.updateComplete;
    host.renderRoot.querySelector('[data-status-action]')?.focus();
  };

  /** Closes or reopens; the answer's entry goes in the timeline and the list follows (even over HTTP). */
  async change(request) {
    const host = this.host;
    const store = host.store;
    if (!store || this.busy) return false;
    this.busy = true;
    this.error = '';
    host.requestUpdate();
    try {
      const { conversation, event } = await request();
      if (host.store !== store) return false;
      if (event) store.merge([event]);
      host.applyStatus(conversation, event, Math.max(conversation?.lastSeq ?? 0, event?.seq ?? 0));
      host.dispatchEvent(
        new CustomEvent('hr-conversation-status', { detail: { conversation, event }, bubbles: true, composed: true }),
      );
      return true;
    } catch (error) {
      console.warn('[chat] cannot change the conversation status', error);
      this.error = error.message;
      return false;
    } finally {
      this.busy = false;
      host.requestUpdate();
    }
  }

  /** Closing asks for an optional note (R6.3). Admins only. */
  renderDialog() {
    const host = this.host;
    if (!host.isAdmin) return nothing;
    return html`<hr-close-dialog .studentName=${host.student?.name ?? ''} ?busy=${this.busy} .error=${this.error}
      @hr-close-confirm=${this.confirmClose} @hr-dialog-closed=${this.dialogClosed}></hr-close-dialog>`;
  }
}
