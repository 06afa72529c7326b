package app.homeroom.digest;

import app.homeroom.common.Smtp;
import app.homeroom.config.HomeroomConfig;
import app.homeroom.presence.Presence;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One round of email digests (issue 31, point 1): claims the students due one (in the database, so every node may run
 * rounds and each digest still goes once), leaves out those with a connection open anywhere (they see it in Homeroom),
 * and mails each of the others one plain-text summary of what waits: who wrote, how many, the latest excerpt, and a
 * link that opens their chat after sign-in. A failed send is tried again later, a minute after the first failure and
 * twice as long after each next one (at most about an hour); nothing here ever waits on the chat or holds it up.
 */
public final class DigestWorker {

  private static final Logger LOG = LoggerFactory.getLogger(DigestWorker.class);

  /** Students claimed in one round at most. */
  static final int ROUND = 50;
  /** The wait before the first retry, in seconds (then doubled with each failure, up to 64 times it). */
  static final int RETRY_SECONDS = 60;
  static final int EXCERPT_CHARS = 300;

  private final Pool pool;
  private final MailClient mail;
  private final HomeroomConfig.Mail config;
  private final String nodeId;
  /** Which of some users are online anywhere (the node's presence view). */
  private final Function<List<Long>, Future<Set<Long>>> online;

  public DigestWorker(Vertx vertx, Pool pool, HomeroomConfig.Mail config, String nodeId) {
    this(pool, Smtp.client(vertx, config, "homeroom-digests"), config, nodeId, ids -> Presence.online(vertx, ids));
  }

  DigestWorker(Pool pool, MailClient mail, HomeroomConfig.Mail config, String nodeId,
               Function<List<Long>, Future<Set<Long>>> online) {
    this.pool = pool;
    this.mail = mail;
    this.config = config;
    this.nodeId = nodeId;
    this.online = online;
  }

  /** One round: answers how many digests went. */
  public Future<Integer> runOnce() {
    return pool.preparedQuery(DigestSql.CLAIM).execute(Tuple.of(nodeId, ROUND)).compose(rows -> {
      List<Long> claimed = new ArrayList<>();
      rows.forEach(r -> claimed.add(r.getLong("student_id")));
      if (claimed.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return online.apply(claimed).recover(err -> {
        LOG.warn("Presence unknown for a digest round ({}): no digest this round", err.toString());
        return Future.succeededFuture(Set.copyOf(claimed));
      }).compose(here -> {
        Future<Integer> sent = Future.succeededFuture(0);
        for (long student : claimed) {
          sent = sent.compose(n -> (here.contains(student) ? release(student) : digest(student)).map(ok -> n + (ok ? 1 : 0)));
        }
        return sent;
      });
    });
  }

  private Future<Boolean> release(long student) {
    return pool.preparedQuery(DigestSql.RELEASE).execute(Tuple.of(student, nodeId)).map(false);
  }

  /** Mails student {@code student} what waits for them, if anything still does. */
  private Future<Boolean> digest(long student) {
    return pool.preparedQuery(DigestSql.CONTENT).execute(Tuple.of(student)).compose(rows -> {
      Row row = rows.iterator().next();
      long count = row.getLong("messages");
      if (count == 0) {
        return release(student); // read (or covered) since it was found due
      }
      long upTo = row.getLong("up_to_seq");
      MailMessage message = message(row);
      return mail.sendMail(message)
          .compose(result -> pool.preparedQuery(DigestSql.SENT).execute(Tuple.of(student, upTo)).map(true))
          .recover(err -> {
            LOG.warn("Could not email a digest to student {} (tried again later): {}", student, err.getMessage());
            return pool.preparedQuery(DigestSql.FAILED)
                .execute(Tuple.of(student, String.valueOf(err.getMessage()), RETRY_SECONDS)).map(false);
          });
    });
  }

  /** The digest, in plain text: nothing in it is ever interpreted as markup. */
  MailMessage message(Row row) {
    String name = row.getString("student_name");
    String firstName = name.strip().split("\\s+")[0];
    long count = row.getLong("messages");
    String senders = row.getString("senders");
    String latest = row.getString("latest_body");
    String excerpt = app.homeroom.common.Text.clip(latest, EXCERPT_CHARS);
    String link = config.publicUrl() == null ? null : config.publicUrl().replaceAll("/+$", "") + "/student";
    String what = count == 1 ? "a message" : count + " messages";
    String subject = count == 1 ? "A message from " + row.getString("latest_sender") + " is waiting for you"
        : count + " messages from your school are waiting for you";
    StringBuilder text = new StringBuilder()
        .append("Hello ").append(firstName).append(",\n\n")
        .append(senders).append(count == 1 ? " sent you " : " sent you ").append(what)
        .append(" on Homeroom that you have not read yet. The latest, from ").append(row.getString("latest_sender"))
        .append(":\n\n");
    excerpt.lines().forEach(line -> text.append("    ").append(line).append('\n'));
    if (link != null) {
      text.append("\nRead and answer here (sign in first if asked):\n").append(link).append('\n');
    } else {
      text.append("\nSign in to Homeroom to read and answer.\n");
    }
    text.append("\nYou get this email because a message from your school waited while you were away. You can turn these")
        .append(" emails off in Homeroom, under your name at the top of the page.\n");
    return new MailMessage().setFrom(config.from()).setTo(Smtp.address(name, row.getString("email")))
        .setSubject(subject).setText(text.toString());
  }
}
