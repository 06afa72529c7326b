import { LitElement, html, css } from 'lit';
import { baseStyles } from './shared-styles.js';

/**
 * Which conversations the admin's list shows (issue 27, point 1): Mine, Unassigned or All, as three toggle buttons
 * (one pressed).
 *
 * @fires hr-assigned-change - `detail: {value}`: 'mine', 'none' or '' (all)
 */
export class HrAssignedFilterElement extends LitElement {
  static properties = {
    value: { type: String },
  };

  static styles = [
    baseStyles,
    css`
      :host {
        display: flex;
        gap: var(--hr-space-1);
        padding: var(--hr-space-3) var(--hr-space-3) 0;
      }
      button {
        flex: 1;
        border: 1px solid var(--hr-color-border);
        background: var(--hr-color-surface);
        border-radius: var(--hr-radius-pill, 999px);
        padding: 4px var(--hr-space-2);
        font: inherit;
        font-size: var(--hr-font-size-sm);
        color: var(--hr-color-text);
        cursor: pointer;
      }
      button[aria-pressed='true'] {
        background: var(--hr-color-primary);
        border-color: var(--hr-color-primary);
        color: var(--hr-color-primary-text, #fff);
        font-weight: 600;
      }
    `,
  ];

  constructor() {
    super();
    this.value = '';
  }

  connectedCallback() {
    super.connectedCallback();
    this.setAttribute('role', 'group');
    this.setAttribute('aria-label', 'Conversations to show');
  }

  choose(value) {
    if (value === this.value) return;
    this.dispatchEvent(new CustomEvent('hr-assigned-change', { detail: { value } }));
  }

  render() {
    const view = (value, label) => html`<button type="button" aria-pressed=${this.value === value ? 'true' : 'false'}
      data-testid="assigned-filter-${value || 'all'}" @click=${() => this.choose(value)}>${label}</button>`;
    return html`${view('mine', 'Mine')}${view('none', 'Unassigned')}${view('', 'All')}`;
  }
}

customElements.define('hr-assigned-filter', HrAssignedFilterElement);
