package app.homeroom.config;

import app.homeroom.config.HomeroomConfig.Push;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

import static app.homeroom.config.ConfigFields.blankToNull;
import static app.homeroom.config.ConfigFields.bool;
import static app.homeroom.config.ConfigFields.str;
import static app.homeroom.config.ConfigFields.strings;

/**
 * The {@code push} section (issue 31, point 3). Without a {@code subject}, push services are given the school's
 * {@code mail.from} address, else its {@code mail.publicUrl} when that is https, else a placeholder that says nothing.
 */
final class PushSettings {

  private PushSettings() {}

  static Push parse(JsonObject o, JsonObject mail) {
    Push d = Push.defaults();
    boolean enabled = o.getValue("enabled") == null ? d.enabled() : bool(o, "enabled");
    String subject = blankToNull(str(o, "subject"));
    if (subject != null && !subject.startsWith("mailto:") && !subject.startsWith("https://")) {
      throw new ConfigException("push.subject (HOMEROOM_PUSH_SUBJECT) must start with mailto: or https://, got '"
          + subject + "'");
    }
    if (subject == null) {
      subject = fallbackSubject(blankToNull(str(mail, "from")), blankToNull(str(mail, "publicUrl")), d.subject());
    }
    List<String> endpoints = o.getValue("allowedEndpoints") == null ? d.allowedEndpoints() : strings(o, "allowedEndpoints");
    for (String prefix : endpoints) {
      check(prefix);
    }
    return new Push(enabled, subject, List.copyOf(endpoints));
  }

  /** {@code mailto:} the address in {@code from} ("Homeroom <homeroom@school.org>" or a bare address), else the URL. */
  static String fallbackSubject(String from, String publicUrl, String otherwise) {
    if (from != null) {
      int lt = from.indexOf('<');
      int gt = from.indexOf('>', lt + 1);
      String address = (lt >= 0 && gt > lt ? from.substring(lt + 1, gt) : from).trim();
      if (address.matches("[^\\s@<>]+@[^\\s@<>]+")) {
        return "mailto:" + address;
      }
    }
    if (publicUrl != null && publicUrl.startsWith("https://")) {
      return publicUrl;
    }
    return otherwise;
  }

  private static void check(String prefix) {
    String name = "push.allowedEndpoints (HOMEROOM_PUSH_ALLOWED_ENDPOINTS)";
    try {
      URI uri = new URI(prefix.replace("://*.", "://wildcard."));
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
          || !prefix.endsWith("/")) {
        throw new URISyntaxException(prefix, "expected");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(name + ": each must be a URL prefix such as https://fcm.googleapis.com/ (ending in /),"
          + " got '" + prefix + "'");
    }
  }
}
