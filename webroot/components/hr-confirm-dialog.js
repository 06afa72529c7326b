import { LitElement, html, css, nothing } from 'lit';
import { baseStyles, buttonStyles, dialogStyles } from './shared-styles.js';

/**
 * A yes-or-no question in a modal dialog, for actions that are easy to regret (disabling an account). `ask()`
 * resolves true when confirmed, false when cancelled or dismissed with Escape.
 */
export class HrConfirmDialogElement extends LitElement {
  static properties = {
    heading: { state: true },
    body: { state: true },
    action: { state: true },
    danger: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    dialogStyles,
    css`
      dialog p {
        font-size: var(--hr-font-size-sm);
      }
    `,
  ];

  constructor() {
    super();
    this.heading = '';
    this.body = '';
    this.action = 'OK';
    this.danger = false;
    this.answer = null;
  }

  /** @returns {Promise<boolean>} */
  async ask({ heading, body, action, danger = false }) {
    Object.assign(this, { heading, body, action, danger });
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector('dialog');
    dialog.returnValue = '';
    dialog.showModal();
    this.renderRoot.querySelector('[data-testid=confirm-cancel]').focus();
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
    });
  }

  render() {
    return html`<dialog data-testid="confirm-dialog" aria-labelledby="confirm-title">
      <form method="dialog">
        <h2 id="confirm-title">${this.heading}</h2>
        ${this.body ? html`<p>${this.body}</p>` : nothing}
        <div class="actions">
          <button class="btn" value="no" data-testid="confirm-cancel">Cancel</button>
          <button class="btn ${this.danger ? 'danger' : 'primary'}" value="yes" data-testid="confirm-yes">${this.action}</button>
        </div>
      </form>
    </dialog>`;
  }
}

customElements.define('hr-confirm-dialog', HrConfirmDialogElement);
