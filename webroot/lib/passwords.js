/**
 * The password policy's one number the browser needs (issue 25, NIST 800-63B): the least length, so a form can say
 * it up front and refuse a short one without a round trip. The server holds the whole policy (account/Passwords.java,
 * MIN_CHARS; a unit test keeps the two equal) and gives its reason for anything else it refuses.
 */
export const MIN_PASSWORD_LENGTH = 10;
