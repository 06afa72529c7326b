import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { formatFull, formatRelativeShort } from '../lib/format.js';
import { baseStyles, buttonStyles, formStyles, alertStyles, sectionPageStyles } from './shared-styles.js';
import './hr-confirm-dialog.js';

const PLACEHOLDERS = ['{student.first_name}', '{student.name}', '{student.class}', '{student.roll_id}', '{me.name}'];

/**
 * Saved replies (issue 27, point 4; admins, `/admin/replies`): the texts the staff share, each a title and a text with
 * placeholders filled in for the student when inserted (type `/` in a chat's composer). Add, change and remove; each
 * change is an audit entry on the server, which also checks every rule (a title unique whatever its case, lengths).
 */
export class HrSavedRepliesPageElement extends LitElement {
  static properties = {
    replies: { state: true },
    loading: { state: true },
    error: { state: true },
    notice: { state: true },
    /** The reply being edited (its id), 'new' for the add form, or null. */
    editing: { state: true },
    formError: { state: true },
    busy: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    alertStyles,
    sectionPageStyles,
    css`
      .page {
        max-width: 860px;
      }
      header {
        margin-bottom: var(--hr-space-2);
      }
      .intro {
        margin: 0 0 var(--hr-space-4);
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-sm);
      }
      code {
        font-size: 0.95em;
        background: var(--hr-color-surface);
        border: 1px solid var(--hr-color-border);
        border-radius: 4px;
        padding: 0 3px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: var(--hr-space-3);
      }
      .card {
        background: var(--hr-color-surface);
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius-lg);
        padding: var(--hr-space-3) var(--hr-space-4);
      }
      .card h2 {
        margin: 0;
        font-size: var(--hr-font-size-base, 16px);
      }
      .card .text {
        margin: var(--hr-space-2) 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .card .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--hr-space-2);
      }
      .muted {
        flex: 1;
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-xs);
      }
      form {
        display: grid;
        gap: var(--hr-space-2);
        margin-bottom: var(--hr-space-3);
      }
      textarea {
        min-height: 110px;
        resize: vertical;
      }
      .actions {
        display: flex;
        gap: var(--hr-space-2);
        justify-content: flex-end;
      }
    `,
  ];

  constructor() {
    super();
    this.replies = [];
    this.loading = true;
    this.error = '';
    this.notice = '';
    this.editing = null;
    this.formError = '';
    this.busy = false;
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  async load() {
    this.loading = true;
    try {
      this.replies = await api.listSavedReplies();
      this.error = '';
    } catch (error) {
      this.error = error.message;
    } finally {
      this.loading = false;
    }
  }

  edit(id) {
    this.editing = id;
    this.formError = '';
    this.notice = '';
    this.updateComplete.then(() => this.renderRoot.querySelector('[data-testid=saved-reply-title]')?.focus());
  }

  async save(event) {
    event.preventDefault();
    const form = event.target;
    const title = form.elements.title.value.trim();
    const body = form.elements.body.value;
    if (!title || !body.trim()) {
      this.formError = 'A saved reply needs a title and a text.';
      return;
    }
    this.busy = true;
    this.formError = '';
    try {
      const id = this.editing;
      if (id === 'new') await api.createSavedReply({ title, body });
      else await api.updateSavedReply(id, { title, body });
      this.notice = id === 'new' ? `Saved “${title}”.` : `Changed “${title}”.`;
      this.editing = null;
      await this.load();
    } catch (error) {
      this.formError = error.message;
    } finally {
      this.busy = false;
    }
  }

  async remove(reply) {
    const confirmed = await this.renderRoot.querySelector('hr-confirm-dialog').ask({
      heading: `Remove “${reply.title}”?`,
      body: 'It is removed for all staff. Messages already sent with it stay as they are.',
      action: 'Remove',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await api.deleteSavedReply(reply.id);
      this.notice = `Removed “${reply.title}”.`;
      await this.load();
    } catch (error) {
      this.error = error.message;
    }
  }

  renderForm(reply) {
    const isNew = reply == null;
    return html`<form class="card" @submit=${this.save} data-testid="saved-reply-form" aria-label=${isNew ? 'New saved reply' : `Change ${reply.title}`}>
      <label for="title">Title</label>
      <input id="title" name="title" class="input" maxlength="100" required .value=${reply?.title ?? ''} data-testid="saved-reply-title" />
      <label for="body">Text</label>
      <textarea id="body" name="body" class="textarea" maxlength="4000" required .value=${reply?.body ?? ''}
        aria-describedby="placeholders" data-testid="saved-reply-body"></textarea>
      <p id="placeholders" class="muted">Placeholders: ${PLACEHOLDERS.map((p, i) => html`${i ? ', ' : ''}<code>${p}</code>`)}</p>
      ${this.formError ? html`<p class="alert error" role="alert" data-testid="saved-reply-error">${this.formError}</p>` : nothing}
      <div class="actions">
        <button class="btn ghost" type="button" @click=${() => this.edit(null)}>Cancel</button>
        <button class="btn primary" type="submit" ?disabled=${this.busy} data-testid="saved-reply-save">${isNew ? 'Add' : 'Save'}</button>
      </div>
    </form>`;
  }

  render() {
    return html`<div class="page">
      <header>
        <h1>Saved replies</h1>
        <button class="btn primary" type="button" data-testid="saved-reply-add" ?disabled=${this.editing === 'new'}
          @click=${() => this.edit('new')}>New saved reply</button>
      </header>
      <p class="intro">Shared by all staff. In a conversation, type <code>/</code> in the message box to insert one; its
        placeholders are filled in for the student.</p>
      ${this.notice ? html`<p class="alert success" role="status" data-testid="saved-reply-notice">${this.notice}</p>` : nothing}
      ${this.error ? html`<p class="alert error" role="alert">${this.error}</p>` : nothing}
      ${this.editing === 'new' ? this.renderForm(null) : nothing}
      ${this.loading && this.replies.length === 0
        ? html`<p class="empty" aria-busy="true">Loading…</p>`
        : this.replies.length === 0 && this.editing !== 'new'
          ? html`<p class="empty">No saved replies yet.</p>`
          : html`<ul data-testid="saved-reply-list">
              ${this.replies.map((reply) => html`<li>${this.editing === reply.id
                ? this.renderForm(reply)
                : html`<article class="card" data-testid="saved-reply" data-reply-id=${reply.id}>
                    <h2 data-testid="saved-reply-heading">${reply.title}</h2>
                    <p class="text">${reply.body}</p>
                    <div class="row">
                      <span class="muted" title=${formatFull(reply.updatedAt)}>Last changed by ${reply.updatedBy?.name ?? 'someone'},
                        ${formatRelativeShort(reply.updatedAt)}</span>
                      <button class="btn small" type="button" data-testid="saved-reply-edit" @click=${() => this.edit(reply.id)}
                        aria-label="Change ${reply.title}">Change</button>
                      <button class="btn small ghost" type="button" data-testid="saved-reply-remove" @click=${() => this.remove(reply)}
                        aria-label="Remove ${reply.title}">Remove</button>
                    </div>
                  </article>`}</li>`)}
            </ul>`}
      <hr-confirm-dialog></hr-confirm-dialog>
    </div>`;
  }
}

customElements.define('hr-saved-replies-page', HrSavedRepliesPageElement);
