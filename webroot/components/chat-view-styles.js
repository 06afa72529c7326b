import { css } from 'lit';

/**
 * The chat view's own styles: header, banner, timeline (messages, status entries, day separators, ticks), the
 * search-hit highlight and the small-screen layout. The composer and the close dialog style themselves.
 */
export const chatViewStyles = css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        min-width: 0;
        background: var(--hr-color-bg);
      }
      .presence-text {
        font-weight: 600;
        color: var(--hr-color-text-muted);
      }
      .presence-text.online {
        color: var(--hr-color-success);
      }
      header {
        flex: none;
        display: flex;
        align-items: center;
        gap: var(--hr-space-3);
        padding: var(--hr-space-3) var(--hr-space-5);
        border-bottom: 1px solid var(--hr-color-border);
        background: var(--hr-color-surface);
        min-height: 64px;
      }
      .title {
        flex: 1;
        min-width: 0;
        display: grid;
      }
      h2 {
        margin: 0;
        font-size: 16px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .subtitle {
        font-size: var(--hr-font-size-sm);
        color: var(--hr-color-text-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .history {
        position: relative;
        flex: 1;
        min-height: 0;
        display: flex;
        flex-direction: column;
      }
      .scroller {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        overscroll-behavior: contain;
        padding: var(--hr-space-4) var(--hr-space-5);
      }
      .scroller:focus-visible {
        box-shadow: inset var(--hr-focus-ring);
      }
      .loading-older {
        position: absolute;
        top: var(--hr-space-2);
        left: 50%;
        transform: translateX(-50%);
        padding: 2px 10px;
        border-radius: var(--hr-radius-pill);
        background: var(--hr-color-surface);
        box-shadow: var(--hr-shadow);
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      ol {
        list-style: none;
        margin: 0 auto;
        padding: 0;
        max-width: 860px;
        display: flex;
        flex-direction: column;
        gap: var(--hr-space-2);
      }
      .edge {
        text-align: center;
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
        padding: var(--hr-space-2) 0;
      }
      .day {
        display: flex;
        align-items: center;
        gap: var(--hr-space-3);
        margin: var(--hr-space-3) 0 var(--hr-space-1);
        font-size: var(--hr-font-size-xs);
        font-weight: 600;
        color: var(--hr-color-text-muted);
      }
      .day::before,
      .day::after {
        content: '';
        flex: 1;
        height: 1px;
        background: var(--hr-color-border);
      }
      .msg {
        display: flex;
        flex-direction: column;
        align-items: flex-start;
        max-width: min(640px, 80%);
        min-width: 0;
      }
      .msg.own {
        align-self: flex-end;
        align-items: flex-end;
      }
      .meta {
        display: flex;
        gap: var(--hr-space-2);
        align-items: baseline;
        padding: 0 var(--hr-space-1);
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .sender {
        font-weight: 600;
        color: var(--hr-color-text);
      }
      .bubble {
        margin-top: 2px;
        padding: var(--hr-space-2) var(--hr-space-3);
        border-radius: var(--hr-radius-lg);
        border-top-left-radius: var(--hr-radius-sm);
        background: var(--hr-color-surface);
        border: 1px solid var(--hr-color-border);
        box-shadow: var(--hr-shadow-sm);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        word-break: break-word;
        max-width: 100%;
      }
      .msg.own .bubble {
        background: var(--hr-color-primary);
        border-color: var(--hr-color-primary);
        color: var(--hr-color-primary-text);
        border-top-left-radius: var(--hr-radius-lg);
        border-top-right-radius: var(--hr-radius-sm);
      }
      /* A colleague's message (issue 27, point 5): on the staff side, in the second colour; the name says who. */
      .msg.own.colleague .bubble {
        background: var(--hr-color-primary-soft);
        border-color: var(--hr-color-colleague-border, #c5d3fa);
        color: var(--hr-color-text);
      }
      .msg.pending .bubble {
        opacity: 0.7;
      }
      .msg.failed .bubble {
        opacity: 1;
        background: var(--hr-color-danger-soft);
        border-color: var(--hr-color-danger);
        color: var(--hr-color-text);
      }
      .status {
        margin-top: 2px;
        padding: 0 var(--hr-space-1);
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .status.failed,
      .status.waiting,
      .status.queued {
        display: flex;
        flex-wrap: wrap;
        justify-content: flex-end;
        gap: var(--hr-space-2);
        align-items: center;
        color: var(--hr-color-danger);
      }
      .status.waiting {
        color: var(--hr-color-warning);
      }
      .status.queued {
        color: var(--hr-color-text-muted);
      }
      .gap-notice {
        margin: var(--hr-space-2) var(--hr-space-4) 0;
        padding: var(--hr-space-2) var(--hr-space-3);
        border-radius: var(--hr-radius);
        background: var(--hr-color-primary-soft);
        color: var(--hr-color-text);
        font-size: var(--hr-font-size-sm);
      }
      .empty {
        margin: auto;
        max-width: 40ch;
        padding: var(--hr-space-6) var(--hr-space-4);
        text-align: center;
        color: var(--hr-color-text-muted);
      }
      .empty strong {
        display: block;
        margin-bottom: var(--hr-space-1);
        color: var(--hr-color-text);
      }
      .error {
        color: var(--hr-color-danger);
      }
      .ticks {
        display: inline-flex;
        align-items: center;
        align-self: center;
        color: var(--hr-color-text-muted);
      }
      .ticks.read {
        color: var(--hr-color-primary);
      }
      .ticks svg {
        display: block;
        width: 20px;
        height: 14px;
      }
      .receipt-line {
        max-width: 100%;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .header-status {
        flex: none;
        display: flex;
        align-items: center;
        gap: var(--hr-space-2);
      }
      .badge.closed {
        background: var(--hr-color-warning-soft);
        color: var(--hr-color-warning);
        border-color: transparent;
      }
      .banner {
        flex: none;
        display: flex;
        align-items: flex-start;
        gap: var(--hr-space-2);
        margin: 0;
        padding: var(--hr-space-2) var(--hr-space-5);
        border-bottom: 1px solid var(--hr-color-border);
        background: var(--hr-color-warning-soft);
        color: var(--hr-color-text);
        font-size: var(--hr-font-size-sm);
        overflow-wrap: anywhere;
      }
      /* What went wrong (a reopen that failed) reads as an error, apart from the closed banner below it. */
      .banner.error {
        background: var(--hr-color-danger-soft);
        color: var(--hr-color-danger);
      }
      .banner svg {
        flex: none;
        margin-top: 2px;
        color: var(--hr-color-warning);
      }
      /* Timestamps (R6.1): the time shows; the full date and time is the accessible text and, on hover or
         keyboard focus, a tooltip. */
      .stamp {
        position: relative;
        border-radius: var(--hr-radius-sm);
        cursor: default;
        white-space: nowrap;
      }
      .stamp .tip {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip-path: inset(50%);
        white-space: nowrap;
      }
      .stamp:hover .tip,
      .stamp:focus-visible .tip {
        z-index: 5;
        top: calc(100% + 4px);
        left: 0;
        width: auto;
        height: auto;
        overflow: visible;
        clip-path: none;
        padding: 4px 8px;
        border-radius: var(--hr-radius-sm);
        background: var(--hr-color-text);
        color: var(--hr-color-surface);
        font-size: var(--hr-font-size-xs);
        font-weight: 500;
        box-shadow: var(--hr-shadow);
        pointer-events: none;
      }
      .msg.own .stamp:hover .tip,
      .msg.own .stamp:focus-visible .tip {
        left: auto;
        right: 0;
      }
      .system .stamp:hover .tip,
      .system .stamp:focus-visible .tip {
        left: 50%;
        transform: translateX(-50%);
      }
      /* Private notes (issue 27, point 3): staff only, a card across the timeline in a colour no message has. */
      .staff-note {
        align-self: stretch;
        margin: var(--hr-space-1) 0;
        padding: var(--hr-space-2) var(--hr-space-3);
        border: 1px dashed #c9a400;
        border-left: 4px solid #c9a400;
        border-radius: var(--hr-radius-sm);
        background: #fff8db;
        color: var(--hr-color-text);
      }
      .staff-note .meta {
        padding: 0;
      }
      .staff-note .note-label {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        font-weight: 700;
        color: #6b5400;
        text-transform: uppercase;
        letter-spacing: 0.03em;
      }
      .staff-note .note-body {
        margin-top: 2px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .system.staff-line {
        border-style: dashed;
      }
      /* Files in messages (issue 28, point 3): an image as a preview, anything else as a card. */
      .file-image {
        display: block;
        margin-top: var(--hr-space-1);
        max-width: min(320px, 70vw);
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius);
        overflow: hidden;
        background: var(--hr-color-surface);
      }
      .file-image img {
        display: block;
        width: 100%;
        max-height: 320px;
        object-fit: contain;
      }
      .file-card {
        display: inline-flex;
        align-items: center;
        gap: var(--hr-space-2);
        margin-top: var(--hr-space-1);
        padding: var(--hr-space-2) var(--hr-space-3);
        max-width: min(360px, 75vw);
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius);
        background: var(--hr-color-surface);
        color: var(--hr-color-text);
        text-decoration: none;
      }
      .file-card:hover {
        border-color: var(--hr-color-primary);
      }
      .file-icon {
        flex: none;
        display: grid;
        place-items: center;
        width: 36px;
        height: 44px;
        border-radius: 4px;
        background: var(--hr-color-danger-soft);
        color: var(--hr-color-danger);
        font-size: 11px;
        font-weight: 700;
      }
      .file-card[data-kind='document'] .file-icon {
        background: var(--hr-color-primary-soft);
        color: var(--hr-color-primary);
      }
      .file-meta {
        display: grid;
        min-width: 0;
      }
      .file-name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-weight: 600;
        font-size: var(--hr-font-size-sm);
      }
      .file-size {
        color: var(--hr-color-text-muted);
        font-size: var(--hr-font-size-xs);
      }
      /* The transcript export (issue 28, point 4): a small menu of download links under "Export". */
      .export {
        position: relative;
      }
      .export summary {
        list-style: none;
        cursor: pointer;
      }
      .export summary::-webkit-details-marker {
        display: none;
      }
      .export-menu {
        position: absolute;
        right: 0;
        top: calc(100% + 4px);
        z-index: 5;
        display: grid;
        min-width: 180px;
        padding: var(--hr-space-1) 0;
        border: 1px solid var(--hr-color-border);
        border-radius: var(--hr-radius);
        background: var(--hr-color-surface);
        box-shadow: var(--hr-shadow);
      }
      .export-menu a {
        padding: var(--hr-space-2) var(--hr-space-3);
        color: var(--hr-color-text);
        text-decoration: none;
        font-size: var(--hr-font-size-sm);
      }
      .export-menu a:hover,
      .export-menu a:focus-visible {
        background: var(--hr-color-surface-muted);
      }
      /* Announcements and acknowledgements (issue 28): a label on the copy, and the "I have read this" line under it. */
      .announce-label {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        padding: 0 6px;
        border-radius: var(--hr-radius-pill);
        background: var(--hr-color-primary-soft);
        color: var(--hr-color-primary);
        font-size: var(--hr-font-size-xs);
        font-weight: 600;
      }
      .ack {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--hr-space-2);
        margin-top: var(--hr-space-1);
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
      }
      .ack.ask {
        padding: var(--hr-space-2);
        border: 1px solid var(--hr-color-warning);
        border-radius: var(--hr-radius-sm);
        background: var(--hr-color-warning-soft);
        color: var(--hr-color-text);
      }
      .ack.done {
        color: var(--hr-color-success);
        font-weight: 600;
      }
      .ack .error {
        color: var(--hr-color-danger);
      }
      /* Status entries (R6.2, R6.3): centred system lines, not bubbles. */
      .system {
        align-self: center;
        max-width: min(640px, 100%);
        margin: var(--hr-space-2) 0;
        padding: 2px var(--hr-space-3);
        border-radius: var(--hr-radius-pill);
        background: var(--hr-color-surface-muted);
        border: 1px solid var(--hr-color-border);
        font-size: var(--hr-font-size-xs);
        color: var(--hr-color-text-muted);
        text-align: center;
        overflow-wrap: anywhere;
      }
      .system .action {
        font-weight: 600;
        color: var(--hr-color-text);
      }
      .system.closed .action::before {
        content: '';
        display: inline-block;
        width: 7px;
        height: 7px;
        margin-right: 6px;
        border-radius: 2px;
        background: var(--hr-color-warning);
        vertical-align: 1px;
      }
      .system.reopened .action::before {
        content: '';
        display: inline-block;
        width: 7px;
        height: 7px;
        margin-right: 6px;
        border-radius: 50%;
        background: var(--hr-color-success);
        vertical-align: 1px;
      }
      /* The opened search hit (R6.4): a highlight that fades; the outline stays while it has the focus. */
      .msg.hit,
      .system.hit {
        border-radius: var(--hr-radius-lg);
      }
      .msg.hit .bubble,
      .system.hit {
        animation: hr-hit 4s ease-out 0.2s both;
      }
      .msg:focus,
      .system:focus {
        outline: none;
      }
      .msg:focus-visible .bubble,
      .system:focus-visible {
        box-shadow: var(--hr-focus-ring);
      }
      @keyframes hr-hit {
        0%,
        40% {
          box-shadow: 0 0 0 4px var(--hr-color-hit);
        }
        100% {
          box-shadow: 0 0 0 4px transparent;
        }
      }
      .edge.end {
        padding-top: var(--hr-space-3);
      }
      .jump {
        position: absolute;
        bottom: var(--hr-space-3);
        left: 50%;
        transform: translateX(-50%);
        box-shadow: var(--hr-shadow-lg);
        z-index: 6;
      }
      @media (prefers-reduced-motion: reduce) {
        .msg.hit .bubble,
        .system.hit {
          animation: none;
          box-shadow: 0 0 0 3px var(--hr-color-hit);
        }
      }
      @media (max-width: 640px) {
        header,
        .scroller {
          padding-left: var(--hr-space-3);
          padding-right: var(--hr-space-3);
        }
        .msg {
          max-width: 90%;
        }
        .banner {
          padding-left: var(--hr-space-3);
          padding-right: var(--hr-space-3);
        }
      }
      @media (max-width: 480px) {
        header {
          gap: var(--hr-space-2);
        }
        header .avatar-wrap,
        header > .avatar {
          display: none;
        }
      }
          .bidi-control {
        display: inline-block;
        margin: 0 1px;
        padding: 0 3px;
        border: 1px dashed currentColor;
        border-radius: 3px;
        font-size: 0.75em;
        font-family: var(--hr-font-mono, monospace);
        unicode-bidi: isolate;
        direction: ltr;
      }
`;
