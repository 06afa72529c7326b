/**
 * Tells the others that this user is typing (R4.1, R4.2): at most one `chat.typing` per conversation
 * every {@link TYPING_INTERVAL_MS} while keys are pressed, over the live channel only (typing is
 * ephemeral: when the channel is down nobody would see it in time, so nothing is sent, not even over HTTP).
 *
 * The receivers show it for 6 s after the last event, so one every 2 s keeps it on while typing goes on,
 * and it goes off by itself when typing stops. Sending the message ends it on their side; {@link reset}
 * then lets the next keystroke announce at once.
 */
import { systemClock } from './typing-tracker.js';

export const TYPING_INTERVAL_MS = 2 * 1000; // 2 seconds

export class TypingSignal {
  #send;
  #isLive;
  #clock;
  #intervalMs;
  /** conversationId -> when the last event went out */
  #lastSent = new Map();

  /**
   * @param {object} options
   * @param {(conversationId: number) => Promise<unknown>} options.send sends one `chat.typing`
   * @param {() => boolean} options.isLive whether the live channel is up
   * @param {{now: () => number}} [options.clock]
   * @param {number} [options.intervalMs]
   */
  constructor({ send, isLive, clock = systemClock, intervalMs = TYPING_INTERVAL_MS }) {
    this.#send = send;
    this.#isLive = isLive;
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  /**
   * The user typed in a conversation's composer.
   * @returns {boolean} whether an event went out
   */
  typed(conversationId) {
    if (conversationId == null || !this.#isLive()) return false;
    const now = this.#clock.now();
    const last = this.#lastSent.get(conversationId);
    if (last !== undefined && now - last < this.#intervalMs) return false;
    this.#lastSent.set(conversationId, now);
    Promise.resolve()
      .then(() => this.#send(conversationId))
      .catch((error) => console.debug('[typing] not sent', error)); // ephemeral: a lost one is no loss
    return true;
  }

  /** The message was sent (or the draft dropped): the next keystroke is a new start. */
  reset(conversationId) {
    this.#lastSent.delete(conversationId);
  }
}
