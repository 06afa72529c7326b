import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { baseStyles, buttonStyles, formStyles, dialogStyles } from './shared-styles.js';

const LABELS = { name: 'the full name', email: 'the email', rollId: 'the roll ID', className: 'the class' };

/**
 * Adds a student, invites staff, or edits a person (issue 25, point 1): name, email and, for a student, roll ID and
 * class. The server checks every field (people/PersonFields.java) and says which one it refused; the dialog keeps
 * what was typed so only that one needs fixing.
 *
 * @fires hr-person-saved - `detail: {person, link?}`: the saved person, and a new account's sign-up link
 */
export class HrPersonDialogElement extends LitElement {
  static properties = {
    /** 'student' (add), 'admin' (invite) or 'edit'. */
    mode: { state: true },
    person: { state: true },
    busy: { state: true },
    error: { state: true },
    /** Offer to email the sign-up link (the server has SMTP). */
    emailEnabled: { type: Boolean },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    dialogStyles,
    css`
      dialog {
        --hr-dialog-width: 520px;
      }
      .field {
        display: grid;
        gap: var(--hr-space-1);
        margin-bottom: var(--hr-space-3);
      }
      .row {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: var(--hr-space-3);
      }
      .hint {
        margin: 0;
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .check {
        display: flex;
        gap: var(--hr-space-2);
        align-items: center;
        margin: 0 0 var(--hr-space-3);
      }
      .check label {
        font-weight: 400;
      }
      .error {
        color: var(--hr-color-danger);
        font-size: var(--hr-font-size-sm);
      }
    `,
  ];

  constructor() {
    super();
    this.mode = 'student';
    this.person = null;
    this.busy = false;
    this.error = '';
    this.emailEnabled = false;
  }

  get dialog() {
    return this.renderRoot?.querySelector('dialog');
  }

  /** Opens it to add a student ('student'), invite staff ('admin'), or edit `person` ('edit'). */
  async show(mode, person = null) {
    this.mode = mode;
    this.person = person;
    this.error = '';
    this.busy = false;
    await this.updateComplete;
    // The fields are filled here, not bound: a binding keeps what it last rendered, and the dialog is reused.
    const { elements } = this.renderRoot.querySelector('form');
    for (const key of ['name', 'email', 'rollId', 'className']) {
      const field = elements.namedItem(key);
      if (field) field.value = (mode === 'edit' ? person[key] : null) ?? '';
    }
    this.dialog.showModal();
    this.renderRoot.querySelector('#person-name').focus();
  }

  close() {
    this.dialog?.close();
  }

  get role() {
    return this.mode === 'edit' ? this.person.role : this.mode;
  }

  async submit(event) {
    event.preventDefault();
    if (this.busy) return;
    const form = event.currentTarget;
    const { elements } = form; // not form.name: that is the form's own name
    const fields = { name: elements.name.value.trim(), email: elements.email.value.trim() };
    if (this.role === 'student') {
      fields.rollId = elements.rollId.value.trim();
      fields.className = elements.className.value.trim();
    }
    const missing = Object.entries(fields).filter(([, value]) => !value).map(([key]) => LABELS[key]);
    if (missing.length) {
      this.error = `Fill in ${missing.join(', ')}.`;
      elements.namedItem(Object.keys(fields).find((key) => !fields[key]))?.focus();
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      let saved;
      if (this.mode === 'edit') {
        // Only what changed is sent: the audit entry then lists exactly the edits.
        const changes = Object.fromEntries(Object.entries(fields).filter(([key, value]) => value !== (this.person[key] ?? '')));
        saved = Object.keys(changes).length ? await api.updatePerson(this.person.id, changes) : { person: this.person };
      } else {
        const sendEmail = this.emailEnabled && Boolean(elements.namedItem('sendEmail')?.checked);
        saved = await api.createPerson({ role: this.mode, ...fields, ...(sendEmail ? { sendEmail } : {}) });
      }
      this.close();
      this.dispatchEvent(new CustomEvent('hr-person-saved', { detail: saved }));
    } catch (error) {
      this.error = error.message;
    } finally {
      this.busy = false;
    }
  }

  render() {
    const p = this.mode === 'edit' ? this.person ?? {} : {};
    const student = this.role === 'student';
    const title = this.mode === 'edit' ? `Edit ${p.name ?? ''}` : student ? 'Add a student' : 'Invite a staff member';
    const action = this.mode === 'edit' ? 'Save changes' : student ? 'Add student' : 'Invite';
    return html`<dialog data-testid="person-dialog" aria-labelledby="person-title">
      <form @submit=${this.submit} novalidate>
        <h2 id="person-title">${title}</h2>
        ${this.mode === 'edit'
          ? nothing
          : html`<p>${student ? 'They' : 'The new admin'} get a one-time sign-up link to choose a password; you can
              copy it next${student ? ', or print it on a sign-in slip' : ''}.</p>`}
        <div class="field">
          <label for="person-name">Full name</label>
          <input class="input" id="person-name" name="name" maxlength="200" autocomplete="off" required data-testid="person-name" />
        </div>
        <div class="field">
          <label for="person-email">Email</label>
          <input class="input" id="person-email" name="email" type="email" maxlength="320" autocomplete="off" required data-testid="person-email" />
        </div>
        ${student
          ? html`<div class="row">
              <div class="field">
                <label for="person-roll">Roll ID</label>
                <input class="input" id="person-roll" name="rollId" maxlength="64" autocomplete="off" required data-testid="person-roll" />
              </div>
              <div class="field">
                <label for="person-class">Class</label>
                <input class="input" id="person-class" name="className" maxlength="64" autocomplete="off" required data-testid="person-class" />
              </div>
            </div>
            <p class="hint">The roll ID is the one your school's information system uses; a roster import matches on it.</p>`
          : nothing}
        ${this.mode !== 'edit' && this.emailEnabled
          ? html`<p class="check"><input id="person-send-email" type="checkbox" name="sendEmail" checked
                data-testid="person-send-email" /><label for="person-send-email">Email the sign-up link to them</label></p>`
          : nothing}
        ${this.error ? html`<p class="error" role="alert" data-testid="person-error">${this.error}</p>` : nothing}
        <div class="actions">
          <button class="btn" type="button" @click=${this.close}>Cancel</button>
          <button class="btn primary" type="submit" ?disabled=${this.busy} data-testid="person-save">${action}</button>
        </div>
      </form>
    </dialog>`;
  }
}

customElements.define('hr-person-dialog', HrPersonDialogElement);
