package app.homeroom.config;

/** A configuration mistake the operator must fix; its message is the one line printed at start-up. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
