/**
 * Sign-in with the school's account (issue 26): where a provider's button goes, and what the sign-in page says when
 * the server sent someone back with `?sso=<code>` (a code from a fixed set: the words are ours, never the URL's).
 */

/** The address that starts a sign-in with provider `id`, coming back to `returnTo` (a path of ours) when given. */
export function startUrl(id, returnTo) {
  const back = typeof returnTo === 'string' && /^\/(?!\/)/.test(returnTo) ? `?returnTo=${encodeURIComponent(returnTo)}` : '';
  return `/api/sso/${encodeURIComponent(id)}/start${back}`;
}

const TRY_AGAIN = 'Sign-in with your school account did not work. Please try again; if it keeps failing, tell your school.';

const MESSAGES = Object.freeze({
  unknown_person: 'Your school account is not in Homeroom yet. Ask your school to add you.',
  unverified: 'Your account provider has not confirmed your email address, so Homeroom cannot tell who you are.',
  no_email: 'Your account provider did not say which email address is yours, so Homeroom cannot tell who you are.',
  wrong_domain: 'That account is not one of your school\u2019s. Sign in with the account your school gave you.',
  disabled: 'This account has been disabled; ask a member of staff.',
  denied: 'Sign-in was cancelled.',
  provider_down: 'Your school\u2019s sign-in service cannot be reached right now. Try again in a moment.',
  bad_state: 'That sign-in took too long or was already used. Please try again.',
  expired: 'That sign-in took too long or was already used. Please try again.',
});

/** The sentence for a `?sso=` code; anything unknown gets the general one. */
export function ssoMessage(code) {
  return Object.hasOwn(MESSAGES, code) ? MESSAGES[code] : TRY_AGAIN;
}
