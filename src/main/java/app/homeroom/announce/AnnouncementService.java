package app.homeroom.announce;

import app.homeroom.bus.Address;
import app.homeroom.bus.BusCodec;
import app.homeroom.bus.Event;
import app.homeroom.bus.Events;
import app.homeroom.bus.Identity;
import app.homeroom.chat.ChatJson;
import app.homeroom.chat.ChatService;
import app.homeroom.chat.MessageEvents;
import app.homeroom.common.ApiError;
import app.homeroom.common.Params;
import app.homeroom.common.Text;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Class announcements and acknowledgements (issue 28, points 1 and 2).
 *
 * <p>An admin writes once to classes, to hand-picked students, or to hand-picked students of some classes; each
 * recipient gets it as a message in their own one-to-one conversation (created when there is none), so a reply stays
 * private. All of it is one transaction: the announcement, the conversations it creates, a message in each (reopening
 * closed ones, as any message does), the audit entry. Then the events go out, a slice at a time, so a thousand of them
 * never hold this event loop for long: {@code chat.conversation.created} and {@code chat.message.created} to each
 * student and the admin inbox as for any message, the student's notification, a Web Push for those away, and
 * {@code announcement.changed} to the admin inbox.
 *
 * <p>Besides {@code ChatVerticle}, this is the one other writer of messages. Both take a conversation's next
 * sequence under its row lock, and both lock a set of conversations in the order of their ids, so they never wait
 * for each other in a cycle.
 *
 * <p>A message or announcement may ask for an acknowledgement: the student presses "I have read this", which stores an
 * immutable record (a second press answers the first) and tells the admins ({@code chat.message.acknowledged}).
 */
public final class AnnouncementService {

  private static final Logger LOG = LoggerFactory.getLogger(AnnouncementService.class);

  /** The most students one announcement reaches (a large school's whole year groups). */
  public static final int MAX_RECIPIENTS = 5_000;
  public static final int MAX_CLASSES = 100;
  static final int PAGE = 50;
  /** Students whose events go out together while an announcement fans out, then a pause of {@link #FAN_OUT_PAUSE_MS}. */
  static final int FAN_OUT_SLICE = 50;
  /**
   * The pause between slices: a thousand students' events (each copy to the student and every admin socket, and the
   * student's notification) spread over about half a second instead of one burst, so the other users' sends are not
   * held behind them (issue 28, point 1's budget: the last recipient within 2 s, the others' p99 unchanged).
   */
  static final long FAN_OUT_PAUSE_MS = 20;
  /** A nudge of the same announcement at most this often (seconds): each one is a message to every student behind. */
  public static final int NUDGE_INTERVAL_SECONDS = 600;

  private final Vertx vertx;
  private final Pool pool;
  private final boolean pushes;

  /** @param pushes whether this node pushes to students who are away (then each delivered copy is told to it) */
  public AnnouncementService(Vertx vertx, Pool pool, boolean pushes) {
    this.vertx = vertx;
    this.pool = pool;
    this.pushes = pushes;
  }

  /** What an admin asked for: the text, whether it needs acknowledging, and who it is for. */
  public record Draft(UUID clientId, String body, boolean needsAck, List<String> classes, List<Long> studentIds) {

    public static Draft from(JsonObject json) {
      UUID clientId = Params.requireUuid(json, "clientId");
      String body = Params.requireString(json, "body");
      Object ack = json.getValue("needsAck");
      if (ack != null && !(ack instanceof Boolean)) {
        throw ApiError.badRequest("'needsAck' must be true or false");
      }
      return new Draft(clientId, body, Boolean.TRUE.equals(ack), strings(json, "classes"), ids(json, "studentIds"));
    }

    private static List<String> strings(JsonObject json, String field) {
      JsonArray array = array(json, field);
      Set<String> out = new LinkedHashSet<>();
      for (Object v : array) {
        if (!(v instanceof String s) || s.isBlank()) {
          throw ApiError.badRequest("'" + field + "' must be a list of class names");
        }
        out.add(s.trim());
      }
      return List.copyOf(out);
    }

    private static List<Long> ids(JsonObject json, String field) {
      JsonArray array = array(json, field);
      Set<Long> out = new LinkedHashSet<>();
      for (Object v : array) {
        if (!(v instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1) {
          throw ApiError.badRequest("'" + field + "' must be a list of student ids");
        }
        out.add(n.longValue());
      }
      return List.copyOf(out);
    }

    private static JsonArray array(JsonObject json, String field) {
      Object v = json.getValue(field);
      if (v == null) {
        return new JsonArray();
      }
      if (!(v instanceof JsonArray a)) {
        throw ApiError.badRequest("'" + field + "' must be a list");
      }
      return a;
    }
  }

  /**
   * Sends an announcement: {@code {announcement, duplicate}}, the announcement as {@link #one} shows it; a retry with
   * the same client id answers the stored one ({@code duplicate} true) and stores nothing.
   */
  public Future<JsonObject> send(Identity actor, Draft draft) {
    staffOnly(actor);
    Text.requireWritten(draft.body(), "An announcement", ChatService.MAX_BODY_CHARS);
    if (draft.classes().isEmpty() && draft.studentIds().isEmpty()) {
      throw ApiError.badRequest("Choose at least one class or student");
    }
    if (draft.classes().size() > MAX_CLASSES) {
      throw ApiError.badRequest("At most " + MAX_CLASSES + " classes at once");
    }
    if (draft.studentIds().size() > MAX_RECIPIENTS) {
      throw ApiError.badRequest("At most " + MAX_RECIPIENTS + " students at once");
    }
    String[] classes = draft.classes().toArray(String[]::new);
    Long[] picked = draft.studentIds().toArray(Long[]::new);
    return pool.preparedQuery(AnnouncementSql.BY_CLIENT_ID).execute(Tuple.of(actor.userId(), draft.clientId()))
        .compose(existing -> {
          if (existing.size() > 0) {
            return one(actor, existing.iterator().next().getLong("id")).map(a -> result(a, true));
          }
          return pool.withTransaction(conn -> store(conn, actor, draft, classes, picked))
              .compose(stored -> {
                if (stored == null) {
                  // Another request with this client id committed first.
                  return pool.preparedQuery(AnnouncementSql.BY_CLIENT_ID).execute(Tuple.of(actor.userId(), draft.clientId()))
                      .compose(rows -> one(actor, rows.iterator().next().getLong("id")))
                      .map(a -> result(a, true));
                }
                fanOut(stored);
                return one(actor, stored.announcementId()).map(a -> {
                  Events.publish(vertx.eventBus(), BusCodec.encode(new Event.AnnouncementChanged(a)),
                      Address.ADMIN_INBOX.address());
                  return result(a, false);
                });
              });
        });
  }

  private static JsonObject result(JsonObject announcement, boolean duplicate) {
    return new JsonObject().put("announcement", announcement).put("duplicate", duplicate);
  }

  /** What one transaction stored: the conversations it opened and each entry it wrote, with its student. */
  private record Stored(long announcementId, List<JsonObject> opened, List<Delivered> entries) {}

  /** An entry written to a student's conversation, and for a message, the student's notification as it stands. */
  private record Delivered(long studentId, JsonObject entry, Long studentUnread, String startedBy) {}

  /** The whole announcement in the transaction of {@code conn}; null when its client id was taken meanwhile. */
  private Future<Stored> store(SqlConnection conn, Identity actor, Draft draft, String[] classes, Long[] picked) {
    Future<Void> known = classes.length == 0 ? Future.succeededFuture()
        : conn.preparedQuery(AnnouncementSql.UNKNOWN_CLASSES).execute(Tuple.tuple().addValue(classes)).map(rows -> {
          if (rows.size() > 0) {
            List<String> unknown = new ArrayList<>();
            rows.forEach(r -> unknown.add(r.getString(0)));
            throw ApiError.badRequest("No students in " + (unknown.size() == 1 ? "class " : "classes ")
                + String.join(", ", unknown));
          }
          return null;
        });
    return known.compose(v -> conn.preparedQuery(AnnouncementSql.RECIPIENTS).execute(Tuple.tuple().addValue(classes).addValue(picked)))
        .compose(rows -> {
          List<Long> students = new ArrayList<>();
          List<String> outside = new ArrayList<>();
          for (Row row : rows) {
            if (row.getBoolean("in_scope")) {
              students.add(row.getLong("id"));
            } else {
              outside.add(row.getString("name") == null ? "#" + row.getLong("id") : row.getString("name"));
            }
          }
          if (!outside.isEmpty()) {
            throw ApiError.badRequest((classes.length == 0 ? "Not an enabled student: " : "Not a student of "
                + String.join(", ", classes) + ": ") + String.join(", ", outside.subList(0, Math.min(10, outside.size())))
                + (outside.size() > 10 ? " and " + (outside.size() - 10) + " more" : ""));
          }
          if (students.isEmpty()) {
            throw ApiError.badRequest("Nobody to send it to");
          }
          if (students.size() > MAX_RECIPIENTS) {
            throw ApiError.badRequest("At most " + MAX_RECIPIENTS + " students at once; this reaches " + students.size());
          }
          JsonObject audience = new JsonObject().put("classes", new JsonArray(List.of(classes)))
              .put("studentIds", new JsonArray(List.of(picked)));
          return conn.preparedQuery(AnnouncementSql.CREATE).execute(Tuple.of(actor.userId(), draft.clientId(),
                  draft.body(), draft.needsAck(), audience, students.size()))
              .compose(created -> {
                if (created.size() == 0) {
                  return Future.succeededFuture(null);
                }
                long id = created.iterator().next().getLong("id");
                Long[] ids = students.toArray(Long[]::new);
                return deliver(conn, actor, id, true, ids, draft.body(), draft.needsAck())
                    .compose(stored -> conn.preparedQuery(AnnouncementSql.AUDIT_SENT).execute(Tuple.of(actor.userId(), id,
                            new JsonObject().put("recipients", ids.length).put("needsAck", draft.needsAck())
                                .put("classes", audience.getJsonArray("classes"))
                                .put("excerpt", Text.oneLine(draft.body(), 140))))
                        .map(done -> stored));
              });
        });
  }

  /**
   * A message from {@code actor} in each student's conversation, opening those that do not exist: a copy of the
   * announcement ({@code copy}), or a reminder about it, which does not count in its progress.
   */
  private Future<Stored> deliver(SqlConnection conn, Identity actor, long announcementId, boolean copy, Long[] students,
                                 String body, boolean needsAck) {
    return conn.preparedQuery(AnnouncementSql.OPEN_MISSING_CONVERSATIONS).execute(Tuple.of(students, actor.userId()))
        .compose(opened -> {
          List<JsonObject> conversations = new ArrayList<>();
          opened.forEach(row -> conversations.add(ChatJson.conversation(row)));
          return conn.preparedQuery(AnnouncementSql.DELIVER)
              .execute(Tuple.of(students, actor.userId(), body, copy ? announcementId : null, needsAck, announcementId))
              .map(rows -> {
                List<Delivered> entries = new ArrayList<>(rows.size());
                for (Row row : rows) {
                  entries.add(new Delivered(row.getLong("student_id"), ChatJson.message(row), row.getLong("student_unread"),
                      row.getString("started_by")));
                }
                return new Stored(announcementId, conversations, entries);
              });
        });
  }

  /**
   * After commit, best effort like every event (a browser that misses one catches up from the database): a slice of
   * {@value #FAN_OUT_SLICE} students, then a pause of {@value #FAN_OUT_PAUSE_MS} ms, so other requests are served in
   * between.
   */
  private void fanOut(Stored stored) {
    List<Runnable> work = new ArrayList<>(stored.opened().size() + stored.entries().size());
    for (JsonObject conversation : stored.opened()) {
      long studentId = conversation.getLong("studentId");
      work.add(() -> publishToParticipants(studentId, new Event.ConversationCreated(conversation)));
    }
    for (Delivered d : stored.entries()) {
      work.add(() -> {
        publishToParticipants(d.studentId(), new Event.MessageCreated(d.studentId(), d.entry(), ChatService.STATUS_ACTIVE));
        if (d.studentUnread() != null) {
          MessageEvents.afterStaffMessage(vertx.eventBus(), d.studentId(), d.entry(), d.studentUnread(), d.startedBy(),
              pushes);
        }
      });
    }
    publishSlices(work, 0);
  }

  private void publishSlices(List<Runnable> work, int from) {
    int to = Math.min(work.size(), from + FAN_OUT_SLICE);
    for (int i = from; i < to; i++) {
      try {
        work.get(i).run();
      } catch (RuntimeException e) {
        LOG.warn("An announcement's event could not be published: {}", e.toString());
      }
    }
    if (to < work.size()) {
      vertx.setTimer(FAN_OUT_PAUSE_MS, t -> publishSlices(work, to));
    }
  }

  private void publishToParticipants(long studentId, Event event) {
    MessageEvents.toParticipants(vertx.eventBus(), studentId, event);
  }

  /** The newest announcements, {@value #PAGE} before {@code before} (null: the newest), with their progress. */
  public Future<JsonObject> list(Identity actor, Long before) {
    staffOnly(actor);
    return pool.preparedQuery(AnnouncementSql.LIST).execute(Tuple.of(before, PAGE + 1)).map(rows -> {
      JsonArray list = new JsonArray();
      for (Row row : rows) {
        if (list.size() < PAGE) {
          list.add(announcement(row));
        }
      }
      return new JsonObject().put("announcements", list)
          .put("nextBefore", rows.size() > PAGE ? list.getJsonObject(PAGE - 1).getLong("id") : null);
    });
  }

  /** One announcement with its progress; 404 when there is none. */
  public Future<JsonObject> one(Identity actor, long id) {
    staffOnly(actor);
    return pool.preparedQuery(AnnouncementSql.ONE).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiError.notFound("No such announcement");
      }
      return announcement(rows.iterator().next());
    });
  }

  /** The announcement and where each recipient's copy stands: {@code {announcement, recipients: [...]}}. */
  public Future<JsonObject> recipients(Identity actor, long id) {
    return one(actor, id).compose(a -> pool.preparedQuery(AnnouncementSql.RECIPIENT_STATUS).execute(Tuple.of(id))
        .map(rows -> {
          JsonArray list = new JsonArray();
          for (Row row : rows) {
            list.add(new JsonObject().put("studentId", row.getLong("student_id")).put("name", row.getString("name"))
                .put("className", row.getString("class_name")).put("messageId", row.getLong("message_id"))
                .put("conversationId", row.getLong("conversation_id")).put("seq", row.getLong("seq"))
                .put("delivered", row.getBoolean("delivered")).put("read", row.getBoolean("read"))
                .put("acknowledgedAt", Text.iso(row.getOffsetDateTime("acknowledged_at"))));
          }
          return new JsonObject().put("announcement", a).put("recipients", list);
        }));
  }

  /**
   * Reminds the students who are behind: those who have not acknowledged it (when it asks for that) or not read it.
   * Each gets a message in their conversation quoting it; at most once every {@value #NUDGE_INTERVAL_SECONDS} s per
   * announcement (409 sooner), audited. Answers {@code {nudged, announcement}}; nobody behind: 0, nothing written.
   */
  public Future<JsonObject> nudge(Identity actor, long id) {
    return recipients(actor, id).compose(status -> {
      JsonObject a = status.getJsonObject("announcement");
      boolean ack = a.getBoolean("needsAck");
      List<Long> behind = new ArrayList<>();
      for (Object o : status.getJsonArray("recipients")) {
        JsonObject r = (JsonObject) o;
        if (ack ? r.getString("acknowledgedAt") == null : !r.getBoolean("read")) {
          behind.add(r.getLong("studentId"));
        }
      }
      if (behind.isEmpty()) {
        return Future.succeededFuture(new JsonObject().put("nudged", 0).put("announcement", a));
      }
      String body = (ack ? "Reminder: please read and acknowledge this announcement: " : "Reminder: please read this announcement: ")
          + "“" + Text.oneLine(a.getString("body"), 300) + "”";
      Long[] ids = behind.toArray(Long[]::new);
      return pool.withTransaction(conn -> conn.preparedQuery(AnnouncementSql.CLAIM_NUDGE)
              .execute(Tuple.of(id, NUDGE_INTERVAL_SECONDS))
              .compose(claimed -> {
                if (claimed.size() == 0) {
                  throw ApiError.conflict("This announcement was nudged less than "
                      + (NUDGE_INTERVAL_SECONDS / 60) + " minutes ago");
                }
                return deliver(conn, actor, id, false, ids, body, false);
              })
              .compose(stored -> conn.preparedQuery(AnnouncementSql.AUDIT_NUDGED).execute(Tuple.of(actor.userId(), id,
                  new JsonObject().put("students", ids.length))).map(v -> stored)))
          .compose(stored -> {
            fanOut(stored);
            return one(actor, id).map(now -> {
              Events.publish(vertx.eventBus(), BusCodec.encode(new Event.AnnouncementChanged(now)),
                  Address.ADMIN_INBOX.address());
              return new JsonObject().put("nudged", ids.length).put("announcement", now);
            });
          });
    });
  }

  /**
   * "I have read this" (issue 28, point 2): the conversation's student only, of a message that asks for it (else
   * 404, or 400 when it does not ask). Stored once, never changed; a second press answers the first time.
   */
  public Future<JsonObject> acknowledge(Identity actor, long messageId) {
    if (actor.isAdmin()) {
      return Future.failedFuture(ApiError.forbidden("Only the student acknowledges their messages"));
    }
    return pool.preparedQuery(AnnouncementSql.ACKNOWLEDGE).execute(Tuple.of(messageId, actor.userId())).map(rows -> {
      if (rows.size() == 0) {
        throw ApiError.notFound("No such message");
      }
      Row row = rows.iterator().next();
      if (!row.getBoolean("needs_ack")) {
        throw ApiError.badRequest("This message does not ask for an acknowledgement");
      }
      Event.MessageAcknowledged event = new Event.MessageAcknowledged(row.getLong("conversation_id"),
          row.getLong("student_id"), messageId, row.getLong("seq"), row.getLong("announcement_id"),
          Text.iso(row.getOffsetDateTime("acknowledged_at")));
      if (row.getBoolean("stored")) {
        publishToParticipants(actor.userId(), event);
      }
      return new JsonObject().put("messageId", messageId).put("conversationId", event.conversationId())
          .put("seq", event.seq()).put("announcementId", event.announcementId())
          .put("acknowledgedAt", event.acknowledgedAt()).put("duplicate", !row.getBoolean("stored"));
    });
  }

  private static JsonObject announcement(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("senderId", row.getLong("sender_id"))
        .put("senderName", row.getString("sender_name"))
        .put("clientId", row.getUUID("client_id").toString())
        .put("body", row.getString("body"))
        .put("needsAck", row.getBoolean("needs_ack"))
        .put("audience", row.getJsonObject("audience"))
        .put("createdAt", Text.iso(row.getOffsetDateTime("created_at")))
        .put("nudgedAt", Text.iso(row.getOffsetDateTime("nudged_at")))
        .put("nudges", row.getInteger("nudges"))
        .put("total", row.getInteger("recipients"))
        .put("delivered", row.getLong("delivered"))
        .put("read", row.getLong("read"))
        .put("acknowledged", row.getLong("acknowledged"));
  }

  private static void staffOnly(Identity actor) {
    if (!actor.isAdmin()) {
      throw ApiError.forbidden("Only staff can send and follow announcements");
    }
  }
}
