package app.homeroom.common;

import app.homeroom.config.HomeroomConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;

/** The school's SMTP server ({@code HOMEROOM_SMTP_*}) as Vert.x's non-blocking mail client: one way to make it for every feature that mails. */
public final class Smtp {

  private Smtp() {}

  /** A client shared by name on this Vert.x (one pool of SMTP connections per feature). */
  public static MailClient client(Vertx vertx, HomeroomConfig.Mail config, String name) {
    MailConfig mail = new MailConfig().setHostname(config.smtpHost()).setPort(config.smtpPort())
        .setSsl("tls".equals(config.smtpSecurity()))
        .setStarttls("starttls".equals(config.smtpSecurity()) ? StartTLSOptions.REQUIRED : StartTLSOptions.DISABLED)
        .setConnectTimeout(10_000);
    if (config.smtpUser() != null) {
      mail.setUsername(config.smtpUser()).setPassword(config.smtpPassword()).setLogin(LoginOption.REQUIRED);
    } else {
      mail.setLogin(LoginOption.DISABLED);
    }
    return MailClient.createShared(vertx, mail, name);
  }

  /** {@code "Sam Student" <sam@school.org>}, the name quoted so commas and the like in it stay part of it. */
  public static String address(String name, String email) {
    String safe = name.replaceAll("[\\r\\n\"\\\\<>]", " ").strip();
    return "\"" + safe + "\" <" + email + ">";
  }
}
