import { LitElement, html, css, nothing } from 'lit';
import * as api from '../lib/api.js';
import { baseStyles, buttonStyles, formStyles, dialogStyles, badgeStyles, visuallyHidden } from './shared-styles.js';

/** The fields a roster maps, in the order the mapping shows them. */
const FIELDS = [
  { key: 'name', label: 'Name' },
  { key: 'email', label: 'Email' },
  { key: 'rollId', label: 'Roll ID' },
  { key: 'className', label: 'Class' },
];
const FIELD_LABELS = { name: 'Name', email: 'Email', rollId: 'Roll ID', className: 'Class' };
/** The name made of a first-name and a last-name column, as the server recognised it. */
const SPLIT_NAME = 'split';

/**
 * Roster import (issue 25, point 2): choose a CSV file, see what it would do (created, updated, unchanged, disabled,
 * and each invalid row with its line and reason) before anything is written, fix the column mapping when the header
 * was not recognised, then apply it, all or nothing. The server reads the file every time (the preview and the apply
 * are the same request but for `dryRun`), so what is applied is what the database holds at that moment.
 *
 * @fires hr-roster-imported - `detail: {report}` once a file is applied
 */
export class HrImportDialogElement extends LitElement {
  static properties = {
    file: { state: true },
    disableMissing: { state: true },
    columns: { state: true },
    report: { state: true },
    problem: { state: true },
    busy: { state: true },
    applied: { state: true },
  };

  static styles = [
    baseStyles,
    buttonStyles,
    formStyles,
    dialogStyles,
    badgeStyles,
    css`
      dialog {
        --hr-dialog-width: 760px;
        max-height: calc(100vh - 2 * var(--hr-space-4));
      }
      .drop {
        display: grid;
        gap: var(--hr-space-2);
        padding: var(--hr-space-4);
        border: 2px dashed var(--hr-color-border-strong);
        border-radius: var(--hr-radius-lg);
        background: var(--hr-color-surface-muted);
      }
      .drop .btn {
        justify-self: start;
      }
      .file-input {
        ${visuallyHidden}
      }
      .file-input:focus-visible + label {
        outline: 2px solid var(--hr-color-primary);
        outline-offset: 2px;
      }
      .drop.over {
        border-color: var(--hr-color-primary);
      }
      .hint {
        margin: 0;
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .option {
        display: flex;
        gap: var(--hr-space-2);
        align-items: flex-start;
        margin-top: var(--hr-space-3);
        font-size: var(--hr-font-size-sm);
      }
      .option label {
        font-weight: 400;
      }
      .counts {
        display: grid;
        grid-template-columns: repeat(5, minmax(0, 1fr));
        gap: var(--hr-space-2);
        margin: var(--hr-space-3) 0;
      }
      .count {
        padding: var(--hr-space-2) var(--hr-space-3);
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius);
      }
      .count strong {
        display: block;
        font-size: 20px;
      }
      .count span {
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .count.bad {
        border-color: var(--hr-color-danger);
        background: var(--hr-color-danger-soft);
      }
      .count.bad strong {
        color: var(--hr-color-danger);
      }
      .mapping {
        display: grid;
        grid-template-columns: repeat(4, minmax(0, 1fr));
        gap: var(--hr-space-2);
        margin-bottom: var(--hr-space-3);
      }
      .mapping label {
        display: grid;
        gap: 2px;
        font-size: var(--hr-font-size-xs);
      }
      h3 {
        margin: var(--hr-space-3) 0 var(--hr-space-2);
        font-size: var(--hr-font-size-sm);
      }
      .list {
        max-height: 180px;
        overflow: auto;
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius);
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: var(--hr-font-size-xs);
      }
      td,
      th {
        padding: 4px var(--hr-space-2);
        border-bottom: 1px solid var(--hr-color-border);
        text-align: left;
        vertical-align: top;
      }
      th {
        position: sticky;
        top: 0;
        background: var(--hr-color-surface-muted);
      }
      .line {
        width: 4em;
        color: var(--hr-color-text-muted);
        font-variant-numeric: tabular-nums;
      }
      .more {
        margin: 4px 0 0;
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .error {
        color: var(--hr-color-danger);
        font-size: var(--hr-font-size-sm);
      }
      .done {
        color: var(--hr-color-success);
      }
      @media (max-width: 640px) {
        .counts,
        .mapping {
          grid-template-columns: repeat(2, minmax(0, 1fr));
        }
      }
    `,
  ];

  constructor() {
    super();
    this.reset();
  }

  reset() {
    this.file = null;
    this.disableMissing = false;
    this.columns = {};
    this.report = null;
    this.problem = null;
    this.busy = false;
    this.applied = null;
  }

  async show() {
    this.reset();
    await this.updateComplete;
    const input = this.renderRoot.querySelector('input[type=file]');
    if (input) input.value = '';
    this.renderRoot.querySelector('dialog').showModal();
  }

  close() {
    this.renderRoot.querySelector('dialog')?.close();
  }

  choose(file) {
    if (!file) return;
    this.file = file;
    this.columns = {};
    this.applied = null;
    this.preview();
  }

  /** The input is emptied once read, so choosing the same file again after fixing it reads it again. */
  handleFileChange(event) {
    const file = event.target.files[0];
    event.target.value = '';
    this.choose(file);
  }

  async preview() {
    await this.run(true);
  }

  async apply() {
    await this.run(false);
    if (this.applied) this.dispatchEvent(new CustomEvent('hr-roster-imported', { detail: { report: this.applied } }));
  }

  async run(dryRun) {
    if (!this.file || this.busy) return;
    this.busy = true;
    this.problem = null;
    try {
      const report = await api.importRoster(this.file, { dryRun, disableMissing: this.disableMissing, columns: this.columns });
      if (dryRun) this.report = report;
      else this.applied = report;
    } catch (error) {
      // Invalid rows (the apply checks again) come back as the whole report; unusable columns as the columns found.
      const details = error.details;
      this.report = details?.invalidRows ? details : null;
      this.problem = { message: error.message, columns: details?.columns && !details.invalidRows ? details : null };
    } finally {
      this.busy = false;
    }
  }

  /** The file's columns and which one each field reads, from the last answer. */
  get fileInfo() {
    return this.problem?.columns ?? this.report?.file ?? null;
  }

  /** The column number (from 1) a field reads, or '' for none. */
  columnOf(info, field) {
    const chosen = this.columns[field];
    if (chosen) return String(chosen);
    const label = info.mapping?.[field];
    if (field === 'name' && !label && info.mapping?.firstName) return SPLIT_NAME;
    const index = label ? info.columns.indexOf(label) : -1;
    return index >= 0 ? String(index + 1) : '';
  }

  remap(field, value) {
    const info = this.fileInfo;
    const columns = {};
    // Every field named explicitly from now on, so one change does not undo another's recognition.
    for (const { key } of FIELDS) {
      const current = key === field ? value : this.columnOf(info, key);
      if (current === SPLIT_NAME) {
        for (const part of ['firstName', 'lastName']) {
          const index = info.columns.indexOf(info.mapping[part]);
          if (index >= 0) columns[part] = String(index + 1);
        }
      } else if (current) {
        columns[key] = current;
      }
    }
    this.columns = columns;
    this.preview();
  }

  render() {
    return html`<dialog data-testid="import-dialog" aria-labelledby="import-title" @close=${() => this.reset()}>
      <h2 id="import-title">Import students from a file</h2>
      ${this.applied ? this.renderApplied() : this.renderSteps()}
    </dialog>`;
  }

  renderSteps() {
    const report = this.report;
    const info = this.fileInfo;
    const changes = report ? report.create + report.update + report.disable : 0;
    return html`
      <p>A CSV file from your school's information system: one student per row with name (or first and last name),
        email, roll ID and class. Students are matched by roll ID, else by email; nothing is written until you
        import.</p>
      <div class="drop" @dragover=${this.dragOver} @dragleave=${this.dragLeave} @drop=${this.drop}>
        <input id="import-file" class="file-input" type="file" accept=".csv,.txt,text/csv" data-testid="import-file"
          @change=${this.handleFileChange} />
        <label for="import-file" class="btn">${this.file ? 'Choose another file…' : 'Choose a CSV file…'}</label>
        <p class="hint">Or drop it here. Up to 5 MB; UTF-8 ("CSV UTF-8" in Excel), comma or semicolon separated.</p>
        ${this.file ? html`<p class="hint" data-testid="import-file-name">${this.file.name}${report ? ` · ${report.rows.toLocaleString()} ${report.rows === 1 ? 'row' : 'rows'}` : ''}</p>` : nothing}
      </div>
      <div class="option">
        <input id="disable-missing" type="checkbox" data-testid="import-disable-missing" .checked=${this.disableMissing}
          @change=${(e) => { this.disableMissing = e.target.checked; this.preview(); }} />
        <label for="disable-missing">Disable students not in this file (the end-of-year sync). They are signed out
          and cannot sign in; their conversations are kept.</label>
      </div>
      ${this.busy ? html`<p class="hint" role="status">Reading the file…</p>` : nothing}
      ${this.problem ? html`<p class="error" role="alert" data-testid="import-error">${this.problem.message}</p>` : nothing}
      ${info ? this.renderMapping(info) : nothing}
      ${report ? this.renderReport(report) : nothing}
      <div class="actions">
        <button class="btn" type="button" @click=${this.close}>Cancel</button>
        <button class="btn primary" type="button" data-testid="import-apply" @click=${this.apply}
          ?disabled=${!report || this.busy || report.invalid > 0 || changes === 0}>
          ${!report || report.invalid > 0 ? 'Import' : changes === 0 ? 'Nothing to change' : `Import ${changes} ${changes === 1 ? 'change' : 'changes'}`}
        </button>
      </div>`;
  }

  renderMapping(info) {
    return html`<h3>Columns</h3>
      <div class="mapping" data-testid="import-mapping">
        ${FIELDS.map(({ key, label }) => {
          const value = this.columnOf(info, key);
          return html`<label>${label}
            <select class="select" data-testid="import-column-${key}" @change=${(e) => this.remap(key, e.target.value)}>
              <option value="" ?selected=${value === ''}>Choose a column</option>
              ${key === 'name' && info.mapping?.firstName
                ? html`<option value=${SPLIT_NAME} ?selected=${value === SPLIT_NAME}>${info.mapping.firstName} + ${info.mapping.lastName ?? ''}</option>`
                : nothing}
              ${info.columns.map((column, i) => html`<option value=${String(i + 1)} ?selected=${value === String(i + 1)}>${column}</option>`)}
            </select>
          </label>`;
        })}
      </div>`;
  }

  renderReport(r) {
    const count = (n, label, testid, bad = false) => html`<div class="count ${bad && n > 0 ? 'bad' : ''}" data-testid=${testid}>
      <strong>${n.toLocaleString()}</strong><span>${label}</span></div>`;
    return html`
      <div class="counts" data-testid="import-counts">
        ${count(r.create, 'to add', 'import-create')}
        ${count(r.update, 'to update', 'import-update')}
        ${count(r.unchanged, 'unchanged', 'import-unchanged')}
        ${count(r.disable, 'to disable', 'import-disable', true)}
        ${count(r.invalid, r.invalid === 1 ? 'invalid row' : 'invalid rows', 'import-invalid', true)}
      </div>
      ${r.invalid > 0
        ? html`<h3>Fix these rows in the file, then choose it again</h3>
            ${this.table(['Line', 'Problem'], r.invalidRows.map((i) => [i.line, i.reason]), r.invalid, 'import-invalid-rows')}`
        : nothing}
      ${r.disable > 0
        ? html`<h3>Students not in the file, to be disabled</h3>
            ${this.table(['Name', 'Class'], r.disables.map((p) => [p.name, p.className ?? '']), r.disable, 'import-disables', false)}`
        : nothing}
      ${r.update > 0
        ? html`<h3>Changes</h3>
            ${this.table(['Line', 'Student', 'Change'], r.updates.map((u) => [u.line, u.name, describeChanges(u.changes)]), r.update, 'import-updates')}`
        : nothing}
      ${r.create > 0
        ? html`<h3>New students</h3>
            ${this.table(['Line', 'Name', 'Class'], r.creates.map((c) => [c.line, c.name, c.className]), r.create, 'import-creates')}`
        : nothing}`;
  }

  table(headings, rows, total, testid, numbered = true) {
    return html`<div class="list"><table data-testid=${testid}>
        <thead><tr>${headings.map((h, i) => html`<th class=${i === 0 && numbered ? 'line' : ''}>${h}</th>`)}</tr></thead>
        <tbody>${rows.map((cells) => html`<tr>${cells.map((c, i) => html`<td class=${i === 0 && numbered ? 'line' : ''}>${c}</td>`)}</tr>`)}</tbody>
      </table></div>
      ${total > rows.length ? html`<p class="more">and ${(total - rows.length).toLocaleString()} more</p>` : nothing}`;
  }

  renderApplied() {
    const a = this.applied;
    const parts = [
      a.create ? `${a.create} added` : '',
      a.update ? `${a.update} updated` : '',
      a.disable ? `${a.disable} disabled` : '',
    ].filter(Boolean);
    return html`<p class="done" role="status" data-testid="import-done">Imported: ${parts.join(', ') || 'nothing changed'}
        (${a.unchanged} unchanged).</p>
      <p>New students are invited: print their sign-in slips, or copy their sign-up links from the People table.</p>
      <div class="actions"><button class="btn primary" type="button" @click=${this.close}>Done</button></div>`;
  }

  dragOver(event) {
    event.preventDefault();
    event.currentTarget.classList.add('over');
  }

  dragLeave(event) {
    event.currentTarget.classList.remove('over');
  }

  drop(event) {
    event.preventDefault();
    event.currentTarget.classList.remove('over');
    this.choose(event.dataTransfer?.files?.[0]);
  }
}

/** "Class: 7B → 8B; Email: a@x → b@x" */
function describeChanges(changes) {
  return Object.entries(changes ?? {})
    .map(([field, { from, to }]) => `${FIELD_LABELS[field] ?? field}: ${from ?? '—'} → ${to ?? '—'}`)
    .join('; ');
}

customElements.define('hr-import-dialog', HrImportDialogElement);
