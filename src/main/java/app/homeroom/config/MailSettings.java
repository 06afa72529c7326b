package app.homeroom.config;

import app.homeroom.config.HomeroomConfig.Mail;
import io.vertx.core.json.JsonObject;

import java.util.List;

import static app.homeroom.config.ConfigFields.blankToNull;
import static app.homeroom.config.ConfigFields.checkOrigin;
import static app.homeroom.config.ConfigFields.port;
import static app.homeroom.config.ConfigFields.str;

/** The {@code mail} section (issue 25, point 3): the public address for links, and the SMTP server. */
final class MailSettings {

  private MailSettings() {}

  static Mail parse(JsonObject o) {
    String publicUrl = blankToNull(str(o, "publicUrl"));
    if (publicUrl != null) {
      checkOrigin(publicUrl, "mail.publicUrl (HOMEROOM_PUBLIC_URL)");
    }
    String host = blankToNull(str(o, "smtpHost"));
    String security = blankToNull(str(o, "smtpSecurity"));
    security = security == null ? "starttls" : security.toLowerCase(java.util.Locale.ROOT);
    if (!List.of("starttls", "tls", "none").contains(security)) {
      throw new ConfigException("mail.smtpSecurity (HOMEROOM_SMTP_SECURITY) must be starttls, tls or none, got '"
          + security + "'");
    }
    String from = blankToNull(str(o, "from"));
    if (host != null && from == null) {
      throw new ConfigException("mail.from (HOMEROOM_SMTP_FROM) must be set when mail.smtpHost is: the address"
          + " emails come from, as \"Homeroom <homeroom@school.org>\"");
    }
    if (host != null && publicUrl == null) {
      throw new ConfigException("mail.publicUrl (HOMEROOM_PUBLIC_URL) must be set when mail.smtpHost is: emailed"
          + " links need the address people reach Homeroom at");
    }
    int port = o.getValue("smtpPort") == null ? 587 : port(o, "smtpPort", "mail.smtpPort (HOMEROOM_SMTP_PORT)", false);
    return new Mail(publicUrl, host, port, blankToNull(str(o, "smtpUser")), blankToNull(str(o, "smtpPassword")), from,
        security);
  }
}
