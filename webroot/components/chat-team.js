import { html, nothing } from 'lit';
import * as api from '../lib/api.js';
import { listenAll } from '../lib/listeners.js';
import { TeamInbox } from '../lib/team-inbox.js';
import { QuietState } from '../lib/quiet-hours.js';
import './hr-team-bar.js';

/** The school's quiet hours (issue 31, point 2), asked once a minute at most for the whole page. */
let staffQuiet = null;

/**
 * What an admin's chat view adds for the team (issues 27 and 31), kept out of the view: the open conversation's
 * {@link TeamInbox} (assignee, staff-only entries, colleagues viewing, "I am viewing" sent), the assignment and the
 * private note the view's team bar and composer ask for, and whether the school's quiet hours hold the student's
 * notifications now. A Lit reactive controller: the view re-renders when any of it changes.
 */
export class ChatTeamController {
  constructor(host) {
    this.host = host;
    host.addController(this);
    /** The open conversation's team inbox, or null (students, nothing open). */
    this.team = null;
    this.busy = false;
    this.error = '';
    /** When the quiet hours end, while they last (a far date: no end known), else null. */
    this.quietUntil = null;
    this.unlisten = null;
  }

  hostDisconnected() {
    this.close();
  }

  /** Starts following conversation `id` for the signed-in admin of `session`. */
  open(session, id) {
    this.close();
    const team = new TeamInbox({
      conversationId: id,
      me: session.user,
      fetchPage: (before) => api.conversationTeam(id, { before }),
      sendViewing: (state) => session.chat.viewing(id, state),
    });
    this.team = team;
    this.unlisten = listenAll([
      [team, 'change', this.changed],
      [session.events, 'staff-entry-created', (event) => team.receive(event.detail.entry, event.detail.assignee)],
      [session.events, 'staff-viewing', (event) => team.viewing(event.detail)],
      [document, 'visibilitychange', () => {
        if (document.visibilityState === 'visible') team.renewViewing();
      }],
    ]);
    team.load();
    team.startViewing(() => document.visibilityState === 'visible' && this.host.active);
    staffQuiet ??= new QuietState({ fetch: () => api.notificationSettings() });
    staffQuiet.current().then(({ quiet, until }) => {
      if (this.team === team) {
        this.quietUntil = quiet ? until ?? new Date(8.64e15) : null;
        this.changed();
      }
    });
  }

  /** Stops following: "left" goes to the colleagues at once. */
  close() {
    this.unlisten?.();
    this.unlisten = null;
    this.team?.stop();
    this.team = null;
    this.error = '';
    this.quietUntil = null;
  }

  changed = () => {
    this.host.requestUpdate();
  };

  /** Assigns the conversation (issue 27, point 1); the list follows from the answer, even without the live channel. */
  assign = async (event) => {
    const team = this.team;
    if (!team || this.busy) return;
    this.busy = true;
    this.error = '';
    this.changed();
    try {
      const answer = await api.assignConversation(team.conversationId, event.detail.assigneeId);
      if (answer.entry) team.receive(answer.entry, answer.assignee ?? null);
      else team.setAssignee(answer.assignee ?? null);
      this.host.dispatchEvent(new CustomEvent('hr-assignment-changed', {
        detail: { conversationId: team.conversationId, studentId: answer.studentId, assignee: answer.assignee ?? null },
        bubbles: true, composed: true,
      }));
    } catch (error) {
      this.error = error.message;
      team.setAssignee(team.assignee); // the menu shows what is true again
    } finally {
      this.busy = false;
      this.changed();
    }
  };

  /**
   * A private note from the composer (issue 27, point 3): stored over HTTP, then in the timeline; the draft stays if
   * it fails. Answers true once stored.
   */
  note = async (event) => {
    const team = this.team;
    event.preventDefault(); // the composer clears the draft itself once stored
    if (!team) return false;
    const composer = event.target;
    composer.noteBusy = true;
    composer.noteError = '';
    try {
      const { entry } = await api.addNote(team.conversationId, { clientId: event.detail.clientId, body: event.detail.body });
      team.receive(entry, undefined);
      composer.noteStored(event.detail.clientId);
      return true;
    } catch (error) {
      composer.noteError = `Note not saved: ${error.message}`;
      return false;
    } finally {
      composer.noteBusy = false;
    }
  };

  /** The team bar under the header: the assignment, and the colleagues viewing or typing (`typists`, staff only). */
  renderBar(me, typists) {
    if (!this.team) return nothing;
    return html`<hr-team-bar .team=${this.team} .me=${me} .typists=${typists} ?busy=${this.busy}
      .error=${this.error || this.team.error} @hr-assign=${this.assign}></hr-team-bar>`;
  }
}
