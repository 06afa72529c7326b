package app.homeroom.transcript;

import app.homeroom.bus.Identity;
import app.homeroom.chat.ChatJson;
import app.homeroom.common.ApiError;
import app.homeroom.common.Text;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Transcript exports (issue 28, point 4): one conversation, or every conversation of a class as a zip, with every
 * message and status entry, the receipts (who had each message delivered and read) and the acknowledgements, as a
 * printable PDF or as JSON or CSV for the records. Staff export any; a student only their own. Each export is an audit
 * entry ({@code transcript.exported}). Reading is non-blocking; rendering (PDF, CSV, the zip) runs on a worker thread.
 */
public final class TranscriptService {

  /** The most entries one transcript holds; a conversation beyond it is refused (413) rather than cut silently. */
  static final int MAX_ENTRIES = 50_000;
  /** The most conversations one class export holds. */
  static final int MAX_CONVERSATIONS = 300;

  /** A file to download: its bytes, type and name. */
  public record Export(byte[] bytes, String contentType, String fileName) {}

  private final Vertx vertx;
  private final Pool pool;

  public TranscriptService(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** One conversation's transcript: staff any (404 when there is none), a student only their own (404 otherwise). */
  public Future<Export> conversation(Identity actor, long conversationId, TranscriptFormat format) {
    return load(actor, conversationId)
        .compose(t -> audit(TranscriptSql.AUDIT_ONE, Tuple.of(actor.userId(), conversationId, new JsonObject()
            .put("studentId", t.getJsonObject("student").getLong("id")).put("format", format.wire())
            .put("entries", t.getJsonArray("entries").size()))).map(v -> t))
        .compose(t -> vertx.executeBlocking(() -> format.render(t), false)
            .map(bytes -> new Export(bytes, format.contentType(), fileName(t, format.extension()))));
  }

  /** The signed-in student's own transcript (404 when they have no conversation yet). */
  public Future<Export> mine(Identity actor, TranscriptFormat format) {
    return pool.preparedQuery(TranscriptSql.OF_STUDENT).execute(Tuple.of(actor.userId())).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ApiError.notFound("You have no conversation yet"));
      }
      return conversation(actor, rows.iterator().next().getLong("id"), format);
    });
  }

  /** Every conversation of a class, one file each, in one zip; staff only. 404 for a class nobody is in. */
  public Future<Export> ofClass(Identity actor, String className, TranscriptFormat format) {
    if (!actor.isAdmin()) {
      return Future.failedFuture(ApiError.forbidden("Only staff export a class's transcripts"));
    }
    Text.rejectControlCharacters(className, "'className'");
    return pool.preparedQuery(TranscriptSql.CLASS_EXISTS).execute(Tuple.of(className)).compose(exists -> {
      if (exists.size() == 0) {
        return Future.failedFuture(ApiError.notFound("No students in class " + className));
      }
      return pool.preparedQuery(TranscriptSql.OF_CLASS).execute(Tuple.of(className));
    }).compose(rows -> {
      if (rows.size() > MAX_CONVERSATIONS) {
        return Future.failedFuture(ApiError.badRequest("Class " + className + " has " + rows.size()
            + " conversations; export at most " + MAX_CONVERSATIONS + " at once"));
      }
      List<Long> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getLong("id")));
      // One after another: a class's transcripts are read without taking the pool's every connection.
      Future<List<JsonObject>> all = Future.succeededFuture(new ArrayList<>());
      for (long id : ids) {
        all = all.compose(list -> load(actor, id).map(t -> {
          list.add(t);
          return list;
        }));
      }
      return all;
    }).compose(list -> audit(TranscriptSql.AUDIT_CLASS, Tuple.of(actor.userId(), new JsonObject()
            .put("className", className).put("format", format.wire()).put("conversations", list.size())))
        .map(v -> list))
        .compose(list -> vertx.executeBlocking(() -> zip(list, format), false)
            .map(bytes -> new Export(bytes, "application/zip",
                "homeroom-transcripts-" + slug(className) + "-" + today() + ".zip")));
  }

  private Future<Void> audit(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).mapEmpty();
  }

  /** The transcript as data: the JSON export is exactly this. */
  Future<JsonObject> load(Identity actor, long conversationId) {
    return pool.preparedQuery(TranscriptSql.HEAD).execute(Tuple.of(conversationId)).compose(head -> {
      if (head.size() == 0) {
        return Future.failedFuture(ApiError.notFound("No such conversation"));
      }
      Row h = head.iterator().next();
      long studentId = h.getLong("student_id");
      if (!actor.isAdmin() && studentId != actor.userId()) {
        return Future.failedFuture(ApiError.notFound("No such conversation"));
      }
      Future<JsonArray> receipts = pool.preparedQuery(TranscriptSql.RECEIPTS).execute(Tuple.of(conversationId)).map(rows -> {
        JsonArray list = new JsonArray();
        for (Row r : rows) {
          list.add(new JsonObject().put("userId", r.getLong("user_id")).put("name", r.getString("name"))
              .put("role", r.getString("role")).put("deliveredSeq", r.getLong("delivered_seq"))
              .put("readSeq", r.getLong("read_seq")).put("updatedAt", Text.iso(r.getOffsetDateTime("updated_at"))));
        }
        return list;
      });
      Future<JsonArray> entries = pool.preparedQuery(TranscriptSql.ENTRIES).execute(Tuple.of(conversationId, MAX_ENTRIES + 1))
          .compose(rows -> {
            if (rows.size() > MAX_ENTRIES) {
              return Future.failedFuture(new ApiError(413, ApiError.codeFor(413), "This conversation has more than "
                  + MAX_ENTRIES + " entries, too many for one export"));
            }
            // Up to 50,000 rows made JSON: on a worker, not the event loop.
            return vertx.executeBlocking(() -> {
              JsonArray list = new JsonArray();
              rows.forEach(r -> list.add(ChatJson.message(r)));
              return list;
            }, false);
          });
      return Future.all(receipts, entries).map(done -> {
        JsonObject student = new JsonObject().put("id", studentId).put("name", h.getString("name"))
            .put("email", h.getString("email")).put("rollId", h.getString("roll_id"))
            .put("className", h.getString("class_name"));
        JsonObject conversation = new JsonObject().put("id", conversationId).put("status", h.getString("status"))
            .put("createdAt", Text.iso(h.getOffsetDateTime("created_at"))).put("startedBy", h.getString("started_by"))
            .put("lastSeq", h.getLong("last_seq"));
        return withReceipts(new JsonObject()
            .put("exportedAt", Instant.now().toString())
            .put("exportedBy", new JsonObject().put("id", actor.userId()).put("name", actor.name())
                .put("role", actor.role().wire()))
            .put("conversation", conversation)
            .put("student", student)
            .put("receipts", receipts.result())
            .put("entries", entries.result()));
      });
    });
  }

  /**
   * Each message marked with what the receipts say of it: for a staff message, whether it was delivered to and read by
   * the student; for a student's, which staff read it. (Marks are watermarks: everything up to {@code readSeq} was read.)
   */
  static JsonObject withReceipts(JsonObject t) {
    long studentId = t.getJsonObject("student").getLong("id");
    long studentDelivered = 0;
    long studentRead = 0;
    List<JsonObject> staff = new ArrayList<>();
    for (Object o : t.getJsonArray("receipts")) {
      JsonObject r = (JsonObject) o;
      if (r.getLong("userId") == studentId) {
        studentDelivered = r.getLong("deliveredSeq");
        studentRead = r.getLong("readSeq");
      } else if ("admin".equals(r.getString("role"))) {
        staff.add(r);
      }
    }
    for (Object o : t.getJsonArray("entries")) {
      JsonObject m = (JsonObject) o;
      if (!"message".equals(m.getString("kind"))) {
        continue;
      }
      long seq = m.getLong("seq");
      if (m.getLong("senderId") == studentId) {
        JsonArray readBy = new JsonArray();
        for (JsonObject r : staff) {
          if (r.getLong("readSeq") >= seq) {
            readBy.add(r.getString("name"));
          }
        }
        m.put("readByStaff", readBy);
      } else {
        m.put("deliveredToStudent", studentDelivered >= seq).put("readByStudent", studentRead >= seq);
      }
    }
    return t;
  }

  private static byte[] zip(List<JsonObject> transcripts, TranscriptFormat format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      Set<String> names = new HashSet<>();
      for (JsonObject t : transcripts) {
        String name = fileName(t, format.extension());
        // Two students of one name: the second file names its roll ID.
        if (!names.add(name)) {
          name = name.replace("." + format.extension(), "-" + slug(t.getJsonObject("student").getString("rollId"))
              + "." + format.extension());
          names.add(name);
        }
        zip.putNextEntry(new ZipEntry(name));
        zip.write(format.render(t));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String fileName(JsonObject t, String extension) {
    return "homeroom-transcript-" + slug(t.getJsonObject("student").getString("name")) + "-" + today() + "." + extension;
  }

  private static String today() {
    return java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
  }

  /** A name as a file name: letters and digits (any script), the rest as single dashes. */
  static String slug(String s) {
    String slug = (s == null ? "" : s).trim().toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N}]+", "-").replaceAll("^-+|-+$", "");
    return slug.isEmpty() ? "student" : slug.length() > 60 ? slug.substring(0, 60) : slug;
  }
}
