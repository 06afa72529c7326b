package app.homeroom.audit;

import app.homeroom.common.Text;


import app.homeroom.common.ApiError;
import app.homeroom.common.Params;
import app.homeroom.bus.Identity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.Set;
import java.util.function.Function;

/**
 * Issue 8, point 5: reading the audit trail ({@code audit_events}, V9), admins only, newest first, paged by keyset
 * ({@code before} = the last id of the previous page). The entries themselves are written by the statements that make
 * the changes ({@code account.AccountService}, {@code chat.ChatSql}); nothing in the product edits or deletes them, and the
 * database refuses it.
 */
public final class AuditLog {

  public static final Set<String> ACTIONS = Set.of("student.created", "student.disabled", "student.enabled",
      "conversation.closed", "conversation.reopened", "user.signed_out_everywhere", "student.updated",
      "student.link_issued", "staff.created", "staff.updated", "staff.disabled", "staff.enabled", "staff.link_issued",
      "user.password_set", "user.password_changed", "roster.imported", "apitoken.created", "apitoken.revoked",
      "conversation.assigned", "conversation.unassigned", "saved_reply.created", "saved_reply.updated",
      "saved_reply.deleted", "settings.notifications_changed", "user.digests_changed", "announcement.sent",
      "announcement.nudged", "transcript.exported");

  /** One page of the trail; {@code studentId} matches entries about that student or their conversation. */
  public record Query(Long before, String action, Long actorId, Long studentId, int limit) {}

  private static final String PAGE = """
      select a.id, a.at, a.action, a.target_type, a.target_id, a.details,
             a.actor_id, actor.name as actor_name, actor.role as actor_role,
             coalesce(target_user.name, conversation_student.name) as target_name, c.student_id as conversation_student_id
        from audit_events a
        join users actor on actor.id = a.actor_id
        left join users target_user on a.target_type in ('student', 'user') and target_user.id = a.target_id
        left join conversations c on a.target_type = 'conversation' and c.id = a.target_id
        left join users conversation_student on conversation_student.id = c.student_id
       where ($1::bigint is null or a.id < $1)
         and ($2::text is null or a.action = $2)
         and ($3::bigint is null or a.actor_id = $3)
         and ($4::bigint is null or (a.target_type = 'student' and a.target_id = $4) or c.student_id = $4)
       order by a.id desc
       limit $5""";

  private final Pool pool;

  public AuditLog(Pool pool) {
    this.pool = pool;
  }

  /** Parses the query string ({@code before, action, actorId, studentId, limit}); 400 on anything malformed. */
  public static Query parse(Function<String, String> param) {
    String action = blankToNull(param.apply("action"));
    if (action != null && !ACTIONS.contains(action)) {
      throw ApiError.badRequest("'action' must be one of " + String.join(", ", ACTIONS.stream().sorted().toList()));
    }
    return new Query(id(param, "before"), action, id(param, "actorId"), id(param, "studentId"),
        Params.limit(id(param, "limit"), 50, 200));
  }

  /** {@code {events: [...], nextBefore: id|null}}. Admins only. */
  public Future<JsonObject> page(Identity who, Query q) {
    if (!who.isAdmin()) {
      return Future.failedFuture(ApiError.forbidden("Only staff can read the audit trail"));
    }
    return pool.preparedQuery(PAGE).execute(Tuple.of(q.before(), q.action(), q.actorId(), q.studentId(), q.limit() + 1))
        .map(rows -> {
          JsonArray events = new JsonArray();
          Long last = null;
          int n = 0;
          for (Row r : rows) {
            if (n++ == q.limit()) {
              break;
            }
            events.add(json(r));
            last = r.getLong("id");
          }
          return new JsonObject().put("events", events).put("nextBefore", rows.size() > q.limit() ? last : null);
        });
  }

  private static JsonObject json(Row r) {
    Object details = r.getValue("details");
    JsonObject target = new JsonObject().put("type", r.getString("target_type")).put("id", r.getLong("target_id"))
        .put("name", r.getString("target_name"));
    if (r.getLong("conversation_student_id") != null) {
      target.put("studentId", r.getLong("conversation_student_id"));
    }
    return new JsonObject().put("id", r.getLong("id")).put("at", Text.iso(r.getOffsetDateTime("at")))
        .put("action", r.getString("action"))
        .put("actor", new JsonObject().put("id", r.getLong("actor_id")).put("name", r.getString("actor_name"))
            .put("role", r.getString("actor_role")))
        .put("target", target)
        .put("details", details instanceof JsonObject o ? o : new JsonObject(String.valueOf(details)));
  }

  private static Long id(Function<String, String> param, String name) {
    String v = blankToNull(param.apply(name));
    return v == null ? null : Params.parseId(v, name);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
