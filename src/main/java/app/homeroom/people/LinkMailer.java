package app.homeroom.people;

import app.homeroom.config.HomeroomConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import app.homeroom.common.Smtp;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Emails a person their one-time sign-up or reset link (issue 25, point 3c) through the school's SMTP server
 * ({@code HOMEROOM_SMTP_*}) with Vert.x's non-blocking mail client: plain text, the full link on a line of its own,
 * when it expires and that it works once. Only made when SMTP is configured; the link is never logged.
 */
public final class LinkMailer {

  private final MailClient client;
  private final HomeroomConfig.Mail config;

  private LinkMailer(Vertx vertx, HomeroomConfig.Mail config) {
    this.config = config;
    this.client = Smtp.client(vertx, config, "homeroom-links");
  }

  /** A mailer when SMTP is configured, else null: the People routes then say that email is not set up. */
  public static LinkMailer of(Vertx vertx, HomeroomConfig.Mail config) {
    return config.smtpEnabled() ? new LinkMailer(vertx, config) : null;
  }

  /** Sends {@code path}'s link to {@code name <email>}; {@code purpose} signup or reset. */
  public Future<Void> send(String name, String email, String path, String purpose, OffsetDateTime expiresAt) {
    String url = config.publicUrl().replaceAll("/+$", "") + path;
    boolean reset = "reset".equals(purpose);
    String until = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
        .format(expiresAt.withOffsetSameInstant(java.time.ZoneOffset.UTC));
    String text = reset
        ? "Hello " + name + ",\n\nA password reset was requested for your Homeroom account. Choose a new password here:\n\n"
          + url + "\n\nThe link works once, until " + until + ". When you set the new password, your other sessions"
          + " end. If you did not expect this, ask your school; your current password keeps working until then.\n"
        : "Hello " + name + ",\n\nYour school has made you a Homeroom account, to chat with your teachers. Choose your"
          + " password here:\n\n" + url + "\n\nThe link works once, until " + until + ". Your email address, "
          + email + ", is how you sign in from then on.\n";
    MailMessage message = new MailMessage().setFrom(config.from()).setTo(Smtp.address(name, email))
        .setSubject(reset ? "Reset your Homeroom password" : "Your Homeroom account").setText(text);
    return client.sendMail(message).mapEmpty();
  }

}
