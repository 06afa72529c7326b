package app.homeroom.sso;

/**
 * Why a sign-in with a provider did not end in a session (issue 26): {@code code} is one of a fixed set the sign-in
 * page turns into words (never text from the provider or the request), the message is for the log.
 */
final class SsoException extends RuntimeException {

  final String code;

  SsoException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }
}
