package app.homeroom.attachment;

import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.common.Text;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Attachments (issue 28, point 3): images, PDFs and office documents up to {@value #MAX_BYTES} bytes, sent by staff
 * and students into a conversation they may write to, kept in PostgreSQL with their metadata, read back only by the
 * conversation's participants (its student, and staff). The type is detected from the content ({@link FileTypes}); a
 * file whose bytes are not an accepted type is refused whatever its name. Per user: at most
 * {@value #MAX_UPLOADS_PER_HOUR} uploads an hour and {@value #MAX_BYTES_PER_DAY} bytes a day.
 *
 * <p>An upload only stores the file; it reaches the conversation as a message that names it (the send command's
 * {@code attachmentId}), so every guarantee of a message (once per clientMsgId, in order, live, caught up) holds for
 * it. An upload cut off half way never reaches this class: the body is read whole before it runs.
 */
public final class AttachmentService {

  public static final int MAX_BYTES = 10 * 1024 * 1024;
  static final int MAX_UPLOADS_PER_HOUR = 30;
  static final long MAX_BYTES_PER_DAY = 200L * 1024 * 1024;
  static final int MAX_NAME_CHARS = 200;

  /** A file to serve. */
  public record Content(String fileName, String contentType, String kind, Buffer bytes) {}

  private final Vertx vertx;
  private final Pool pool;

  public AttachmentService(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Stores an upload: 201's {@code {attachment}}. */
  public Future<JsonObject> upload(Identity actor, long conversationId, String fileName, Buffer body) {
    String name = cleanName(fileName);
    if (body == null || body.length() == 0) {
      return Future.failedFuture(ApiError.badRequest("The file is empty"));
    }
    if (body.length() > MAX_BYTES) {
      return Future.failedFuture(new ApiError(413, ApiError.codeFor(413), "A file can be at most 10 MB"));
    }
    return mayUse(actor, conversationId)
        .compose(v -> pool.preparedQuery(AttachmentSql.RECENT_UPLOADS).execute(Tuple.of(actor.userId())))
        .compose(rows -> {
          Row r = rows.iterator().next();
          if (r.getLong("last_hour") >= MAX_UPLOADS_PER_HOUR) {
            return Future.failedFuture(ApiError.tooManyRequests("At most " + MAX_UPLOADS_PER_HOUR
                + " files an hour; try again later"));
          }
          if (r.getLong("last_day_bytes") + body.length() > MAX_BYTES_PER_DAY) {
            return Future.failedFuture(ApiError.tooManyRequests("At most " + (MAX_BYTES_PER_DAY >> 20)
                + " MB of files a day; try again tomorrow"));
          }
          byte[] bytes = body.getBytes();
          // Detection and the hash read the whole file: off the event loop.
          return vertx.executeBlocking(() -> {
            FileTypes.Kind kind = FileTypes.detect(bytes, name);
            return kind == null ? null : new Object[] {kind, sha256(bytes)};
          }, false).compose(found -> {
            if (found == null) {
              return Future.failedFuture(new ApiError(415, ApiError.codeFor(415),
                  "Only images (PNG, JPEG, GIF, WebP), PDFs and office documents can be sent; this file is none of them"));
            }
            FileTypes.Kind kind = (FileTypes.Kind) found[0];
            return pool.preparedQuery(AttachmentSql.INSERT).execute(Tuple.of(conversationId, actor.userId(), name,
                kind.contentType(), kind.kind(), bytes.length, Buffer.buffer((byte[]) found[1]), Buffer.buffer(bytes)));
          });
        })
        .map(rows -> {
          Row row = rows.iterator().next();
          return new JsonObject().put("attachment", new JsonObject().put("id", row.getLong("id"))
              .put("name", row.getString("file_name")).put("contentType", row.getString("content_type"))
              .put("kind", row.getString("kind")).put("size", row.getInteger("size_bytes")));
        });
  }

  /** The file, for a participant of its conversation; 404 for anyone else (no probing). */
  public Future<Content> content(Identity actor, long id) {
    return pool.preparedQuery(AttachmentSql.CONTENT).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiError.notFound("No such file");
      }
      Row row = rows.iterator().next();
      if (!actor.isAdmin() && row.getLong("student_id") != actor.userId()) {
        throw ApiError.notFound("No such file");
      }
      return new Content(row.getString("file_name"), row.getString("content_type"), row.getString("kind"),
          row.getBuffer("content"));
    });
  }

  /** Staff may use any conversation; a student only their own (404 otherwise, as for a conversation that is not). */
  private Future<Void> mayUse(Identity actor, long conversationId) {
    return pool.preparedQuery(AttachmentSql.CONVERSATION).execute(Tuple.of(conversationId)).map(rows -> {
      if (rows.size() == 0 || (!actor.isAdmin() && rows.iterator().next().getLong("student_id") != actor.userId())) {
        throw ApiError.notFound("No such conversation");
      }
      return null;
    });
  }

  /** The name as shown and saved: its last path segment, one line, no control characters, at most 200 characters. */
  static String cleanName(String fileName) {
    if (fileName == null || fileName.isBlank()) {
      throw ApiError.badRequest("'name' (the file's name) is required");
    }
    String name = fileName.replace('\\', '/');
    name = name.substring(name.lastIndexOf('/') + 1).strip();
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      throw ApiError.badRequest("'name' must be a file name");
    }
    Text.rejectControlCharacters(name, "'name'");
    return Text.clip(name, MAX_NAME_CHARS);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
