/**
 * Styles shared by the components' shadow roots (tokens come from /styles/app.css).
 */
import { css } from 'lit';

/**
 * Hides an element from sight but not from screen readers. Components use it inside their media queries (a label
 * that only a phone hides); elsewhere the `.visually-hidden` class does the same.
 */
export const visuallyHidden = css`
  position: absolute;
  width: 1px;
  height: 1px;
  padding: 0;
  margin: -1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
  border: 0;
`;

export const baseStyles = css`
  :host {
    box-sizing: border-box;
    font-family: var(--hr-font-sans);
    color: var(--hr-color-text);
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
  }
  .visually-hidden {
    ${visuallyHidden}
  }
  :focus-visible {
    outline: none;
    box-shadow: var(--hr-focus-ring);
  }
`;

/**
 * A confirm dialog (`<dialog>` with an h2, a p and `.actions`), as the close dialog and the account dialog use.
 * A component sets its own width with `--hr-dialog-width`.
 */
export const dialogStyles = css`
  dialog {
    width: min(var(--hr-dialog-width, 440px), calc(100vw - 2 * var(--hr-space-4)));
    padding: var(--hr-space-5);
    border: 1px solid var(--hr-color-border);
    border-radius: var(--hr-radius-lg);
    background: var(--hr-color-surface);
    color: var(--hr-color-text);
    box-shadow: var(--hr-shadow-lg);
  }
  dialog::backdrop {
    background: rgba(16, 24, 40, 0.45);
  }
  dialog h2 {
    margin: 0 0 var(--hr-space-2);
    font-size: 17px;
    white-space: normal;
  }
  dialog p {
    margin: 0 0 var(--hr-space-3);
    color: var(--hr-color-text-muted);
  }
  dialog .actions {
    display: flex;
    justify-content: flex-end;
    gap: var(--hr-space-2);
    margin-top: var(--hr-space-4);
  }
`;

export const buttonStyles = css`
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--hr-space-2);
    min-height: 36px;
    padding: 0 var(--hr-space-4);
    border: 1px solid var(--hr-color-border-strong);
    border-radius: var(--hr-radius);
    background: var(--hr-color-surface);
    color: var(--hr-color-text);
    font: inherit;
    font-size: var(--hr-font-size-sm);
    font-weight: 600;
    cursor: pointer;
    white-space: nowrap;
    transition: background-color 120ms ease, border-color 120ms ease;
  }
  .btn:hover {
    background: var(--hr-color-surface-muted);
  }
  .btn:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .btn.primary {
    background: var(--hr-color-primary);
    border-color: var(--hr-color-primary);
    color: var(--hr-color-primary-text);
  }
  .btn.primary:hover:not(:disabled) {
    background: var(--hr-color-primary-hover);
    border-color: var(--hr-color-primary-hover);
  }
  .btn.small {
    min-height: 28px;
    padding: 0 var(--hr-space-3);
    font-size: var(--hr-font-size-xs);
  }
  .btn.ghost {
    border-color: transparent;
    background: transparent;
  }
  .btn.ghost:hover {
    background: var(--hr-color-surface-muted);
  }
  .btn.danger {
    color: var(--hr-color-danger);
    border-color: var(--hr-color-danger);
  }
  .btn.primary.danger,
  .btn.primary.danger:hover:not(:disabled) {
    background: var(--hr-color-danger);
    border-color: var(--hr-color-danger);
    color: #fff;
  }
`;

export const formStyles = css`
  .input,
  .select,
  .textarea {
    width: 100%;
    min-height: 38px;
    padding: var(--hr-space-2) var(--hr-space-3);
    border: 1px solid var(--hr-color-border-strong);
    border-radius: var(--hr-radius);
    background: var(--hr-color-surface);
    color: var(--hr-color-text);
    font: inherit;
  }
  .input::placeholder,
  .textarea::placeholder {
    color: var(--hr-color-placeholder);
  }
  .input:focus-visible,
  .select:focus-visible,
  .textarea:focus-visible {
    border-color: var(--hr-color-primary);
  }
  label {
    font-size: var(--hr-font-size-sm);
    font-weight: 600;
  }
`;

export const badgeStyles = css`
  .badge {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 1px 8px;
    border-radius: var(--hr-radius-pill);
    font-size: var(--hr-font-size-xs);
    font-weight: 600;
    line-height: 18px;
    white-space: nowrap;
    background: var(--hr-color-surface-muted);
    color: var(--hr-color-text-muted);
    border: 1px solid var(--hr-color-border);
  }
  .badge.new {
    background: var(--hr-color-new-soft);
    color: var(--hr-color-new);
    border-color: transparent;
  }
  .badge.active {
    background: var(--hr-color-success-soft);
    color: var(--hr-color-success);
    border-color: transparent;
  }
  .badge.closed {
    background: var(--hr-color-surface-muted);
    color: var(--hr-color-text-muted);
  }
  .badge.disabled {
    background: var(--hr-color-surface);
    color: var(--hr-color-danger);
    border-color: var(--hr-color-danger);
  }
  .badge.invited {
    background: var(--hr-color-new-soft);
    color: var(--hr-color-new);
    border-color: transparent;
  }
  .badge.count {
    min-width: 20px;
    justify-content: center;
    background: var(--hr-color-primary);
    color: var(--hr-color-primary-text);
    border-color: transparent;
  }
`;

export const avatarStyles = css`
  .avatar {
    flex: none;
    display: inline-grid;
    place-items: center;
    width: 36px;
    height: 36px;
    border-radius: 50%;
    background: var(--hr-color-primary-soft);
    color: var(--hr-color-primary-hover);
    font-size: var(--hr-font-size-sm);
    font-weight: 700;
    letter-spacing: 0.02em;
  }
`;

/**
 * Online status: a dot on the avatar's corner, filled green when online, a grey ring when offline (the
 * shape differs too, not only the colour). Pair it with text for screen readers.
 */
export const presenceStyles = css`
  .avatar-wrap {
    position: relative;
    flex: none;
    display: inline-flex;
  }
  .presence-dot {
    position: absolute;
    right: -1px;
    bottom: -1px;
    width: 12px;
    height: 12px;
    border-radius: 50%;
    border: 2px solid var(--hr-color-surface);
    background: var(--hr-color-surface);
    box-shadow: inset 0 0 0 2px var(--hr-color-offline);
  }
  .presence-dot.online {
    background: var(--hr-color-online);
    box-shadow: none;
  }
`;

/** A page that is one centred card: sign-in, and setting a password from a link (issue 25). */
/** A notice above a form or table: `.alert.error` (role="alert"), `.alert.info`, `.alert.success` (role="status"). */
export const alertStyles = css`
  .alert {
    padding: var(--hr-space-3);
    border-radius: var(--hr-radius);
    font-size: var(--hr-font-size-sm);
  }
  .alert.error {
    background: var(--hr-color-danger-soft);
    color: var(--hr-color-danger);
  }
  .alert.info {
    background: var(--hr-color-primary-soft);
    color: var(--hr-color-primary-hover);
  }
  .alert.success {
    background: var(--hr-color-success-soft);
    color: var(--hr-color-success);
  }
`;

export const cardPageStyles = css`
  :host {
    display: grid;
    place-items: center;
    min-height: 100%;
    padding: var(--hr-space-5);
  }
  .card {
    width: min(100%, 400px);
    padding: var(--hr-space-6);
    border: 1px solid var(--hr-color-border);
    border-radius: var(--hr-radius-lg);
    background: var(--hr-color-surface);
    box-shadow: var(--hr-shadow-lg);
  }
  .brand {
    display: flex;
    align-items: center;
    gap: var(--hr-space-2);
    margin-bottom: var(--hr-space-5);
    font-size: 18px;
    font-weight: 700;
  }
  .brand img {
    width: 28px;
    height: 28px;
  }
  h1 {
    margin: 0 0 var(--hr-space-1);
    font-size: 22px;
  }
  .lead {
    margin: 0 0 var(--hr-space-5);
    color: var(--hr-color-text-muted);
    font-size: var(--hr-font-size-sm);
  }
  form {
    display: grid;
    gap: var(--hr-space-4);
  }
  .field {
    display: grid;
    gap: 6px;
  }
  .btn.primary {
    width: 100%;
    min-height: 42px;
    font-size: var(--hr-font-size);
  }
  ${alertStyles}
`;

/** A section page of its own under the top bar (People, Saved replies): scrolls, centred, a header with its h1. */
export const sectionPageStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    overflow: auto;
    background: var(--hr-color-bg, var(--hr-color-surface-muted));
  }
  .page {
    width: 100%;
    max-width: 1200px;
    margin: 0 auto;
    padding: var(--hr-space-5) var(--hr-space-4);
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--hr-space-3);
    margin-bottom: var(--hr-space-4);
  }
  h1 {
    margin: 0;
    font-size: 22px;
    flex: 1;
  }
  /* The page's list while it loads or when it has nothing yet. */
  .empty {
    padding: var(--hr-space-5);
    text-align: center;
    color: var(--hr-color-text-muted);
    background: var(--hr-color-surface);
    border: 1px dashed var(--hr-color-border);
    border-radius: var(--hr-radius-lg);
  }
`;
