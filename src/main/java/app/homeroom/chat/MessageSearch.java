package app.homeroom.chat;

import app.homeroom.ApiError;
import app.homeroom.bus.Identity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.function.Function;

/**
 * Full-text search over all chat history (R6.4): PostgreSQL's {@code websearch_to_tsquery} with English stemming
 * against the stored {@code messages.search_tsv} (GIN-indexed, V6), ranked by {@code ts_rank_cd} or by date,
 * filtered by student, class, sender role, status and time, paged by keyset (an opaque cursor) so there is no page
 * cap and no deep OFFSET. Snippets come from {@code ts_headline} and are returned as plain-text segments, never
 * HTML. A student's search is always confined to their own conversation.
 */
public final class MessageSearch {

  public static final int MAX_QUERY_CHARS = 200;
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 50;
  /** The text-search configuration; the same as the generated column's in V6__status_entries_and_search.sql. */
  static final String CONFIG = "english";

  /** Match markers inside ts_headline's output: control characters that message text may not contain. */
  static final char START = '\u0002';
  static final char STOP = '\u0003';
  private static final String HEADLINE_OPTIONS = "StartSel=\"" + START + "\", StopSel=\"" + STOP + "\", "
      + "MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=\" … \"";

  public enum Sort {
    RELEVANCE, DATE;

    static Sort parse(String value) {
      if (value == null || value.isBlank() || value.equals("relevance")) {
        return RELEVANCE;
      }
      if (value.equals("date")) {
        return DATE;
      }
      throw ApiError.badRequest("'sort' must be 'relevance' or 'date'");
    }
  }

  /** A validated search request; {@link #parse} builds one from request parameters. */
  public record Query(String text, Long studentId, String className, String senderRole, String status,
                      OffsetDateTime from, OffsetDateTime to, Sort sort, int limit, Cursor cursor) {}

  /** Where the previous page ended: its last hit's sort key and id. */
  record Cursor(Sort sort, float rank, long createdAtMicros, long id) {

    String encode() {
      String raw = sort == Sort.RELEVANCE
          ? "r:" + Float.floatToIntBits(rank) + ":" + id
          : "d:" + createdAtMicros + ":" + id;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    static Cursor decode(String value, Sort expected) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.US_ASCII);
        String[] parts = raw.split(":");
        if (parts.length != 3) {
          throw new IllegalArgumentException(raw);
        }
        Sort sort = parts[0].equals("r") ? Sort.RELEVANCE : parts[0].equals("d") ? Sort.DATE : null;
        if (sort == null) {
          throw new IllegalArgumentException(raw);
        }
        if (sort != expected) {
          throw ApiError.badRequest("This 'cursor' belongs to a search with another 'sort'");
        }
        long id = Long.parseLong(parts[2]);
        return sort == Sort.RELEVANCE
            ? new Cursor(sort, Float.intBitsToFloat(Integer.parseInt(parts[1])), 0, id)
            : new Cursor(sort, 0, Long.parseLong(parts[1]), id);
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest("'cursor' is not one this server gave out");
      }
    }
  }

  /** Reads and checks the request parameters (every problem is a 400 naming the parameter). */
  public static Query parse(Function<String, String> param) {
    String text = param.apply("q");
    if (text == null || text.isBlank()) {
      throw ApiError.badRequest("'q' is required: what to search for");
    }
    text = text.strip();
    if (text.codePointCount(0, text.length()) > MAX_QUERY_CHARS) {
      throw ApiError.badRequest("'q' can be at most " + MAX_QUERY_CHARS + " characters");
    }
    ChatService.rejectControlCharacters(text, "'q'");
    Long studentId = optionalId(param.apply("studentId"), "studentId");
    String className = blankToNull(param.apply("className"));
    if (className != null && className.length() > 64) {
      throw ApiError.badRequest("'className' can be at most 64 characters");
    }
    String senderRole = oneOf(param.apply("senderRole"), "senderRole", "admin", "student");
    String status = oneOf(param.apply("status"), "status", ChatService.STATUS_ACTIVE, ChatService.STATUS_CLOSED);
    OffsetDateTime from = optionalInstant(param.apply("from"), "from");
    OffsetDateTime to = optionalInstant(param.apply("to"), "to");
    if (from != null && to != null && !from.isBefore(to)) {
      throw ApiError.badRequest("'from' must be before 'to'");
    }
    Sort sort = Sort.parse(param.apply("sort"));
    int limit = DEFAULT_LIMIT;
    String limitParam = blankToNull(param.apply("limit"));
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ApiError.badRequest("'limit' must be a number from 1 to " + MAX_LIMIT);
      }
    }
    String cursorParam = blankToNull(param.apply("cursor"));
    Cursor cursor = cursorParam == null ? null : Cursor.decode(cursorParam, sort);
    return new Query(text, studentId, className, senderRole, status, from, to, sort, limit, cursor);
  }

  private static final String SELECT = """
      select p.*, ts_headline('%1$s', p.body, q.query, $12) as headline
        from (
          select m.id, m.conversation_id, m.seq, m.kind, m.sender_id, m.client_msg_id, m.body, m.note, m.created_at,
                 u.name as sender_name, u.role as sender_role, c.student_id, c.status as conversation_status,
                 s.name as student_name, s.roll_id, s.class_name,
                 ts_rank_cd(m.search_tsv, q.query) as rank
            from messages m
            join conversations c on c.id = m.conversation_id
            join users s on s.id = c.student_id
            join users u on u.id = m.sender_id
            cross join websearch_to_tsquery('%1$s', $1) q (query)
           where m.search_tsv @@ q.query
             and ($2::bigint is null or c.student_id = $2)
             and ($3::bigint is null or c.student_id = $3)
             and ($4::text is null or s.class_name = $4)
             and ($5::text is null or u.role = $5)
             and ($6::text is null or c.status = $6)
             and ($7::timestamptz is null or m.created_at >= $7)
             and ($8::timestamptz is null or m.created_at < $8)
             and %2$s
           order by %3$s
           limit $11
        ) p
        cross join websearch_to_tsquery('%1$s', $1) q (query)
       order by %3$s
      """;

  private static final String RELEVANCE_ORDER = "rank desc, id desc";
  private static final String DATE_ORDER = "created_at desc, id desc";
  /** The statements as they run (one per sort, with and without a cursor); the benchmark explains them. */
  public static final String BY_RELEVANCE = SELECT.formatted(CONFIG, "($9::real is null and $10::bigint is null)", RELEVANCE_ORDER);
  public static final String BY_RELEVANCE_AFTER = SELECT.formatted(CONFIG,
      "(ts_rank_cd(m.search_tsv, q.query) < $9::real or (ts_rank_cd(m.search_tsv, q.query) = $9::real and m.id < $10))",
      RELEVANCE_ORDER);
  public static final String BY_DATE = SELECT.formatted(CONFIG, "($9::timestamptz is null and $10::bigint is null)", DATE_ORDER);
  public static final String BY_DATE_AFTER = SELECT.formatted(CONFIG,
      "(m.created_at, m.id) < ($9::timestamptz, $10::bigint)", DATE_ORDER);

  private final Pool pool;

  public MessageSearch(Pool pool) {
    this.pool = pool;
  }

  /** One page of hits: {@code {results: [SearchHit], nextCursor}} (docs/API.md). */
  public Future<JsonObject> search(Identity actor, Query query) {
    Long scope = actor.isAdmin() ? null : actor.userId();
    Cursor cursor = query.cursor();
    String sql = query.sort() == Sort.RELEVANCE
        ? (cursor == null ? BY_RELEVANCE : BY_RELEVANCE_AFTER)
        : (cursor == null ? BY_DATE : BY_DATE_AFTER);
    Object cursorKey = cursor == null ? null
        : query.sort() == Sort.RELEVANCE ? (Object) cursor.rank()
        : OffsetDateTime.ofInstant(Instant.EPOCH.plus(cursor.createdAtMicros(), ChronoUnit.MICROS), ZoneOffset.UTC);
    Tuple args = Tuple.tuple()
        .addValue(query.text()).addValue(scope).addValue(query.studentId()).addValue(query.className())
        .addValue(query.senderRole()).addValue(query.status()).addValue(query.from()).addValue(query.to())
        .addValue(cursorKey).addValue(cursor == null ? null : cursor.id()).addValue(query.limit() + 1)
        .addValue(HEADLINE_OPTIONS);
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      JsonArray results = new JsonArray();
      Row last = null;
      int n = 0;
      for (Row row : rows) {
        if (n++ == query.limit()) {
          break;
        }
        results.add(hitJson(row));
        last = row;
      }
      String next = rows.size() > query.limit() && last != null ? cursorAfter(query.sort(), last).encode() : null;
      return new JsonObject().put("results", results).put("nextCursor", next);
    });
  }

  private static Cursor cursorAfter(Sort sort, Row row) {
    return sort == Sort.RELEVANCE
        ? new Cursor(sort, row.getFloat("rank"), 0, row.getLong("id"))
        : new Cursor(sort, 0, ChronoUnit.MICROS.between(Instant.EPOCH, row.getOffsetDateTime("created_at").toInstant()),
            row.getLong("id"));
  }

  private static JsonObject hitJson(Row row) {
    return new JsonObject()
        .put("message", ChatService.messageJson(row))
        .put("student", new JsonObject().put("id", row.getLong("student_id")).put("name", row.getString("student_name"))
            .put("rollId", row.getString("roll_id")).put("className", row.getString("class_name")))
        .put("conversationStatus", row.getString("conversation_status"))
        .put("snippet", segments(row.getString("headline")))
        .put("rank", row.getFloat("rank"));
  }

  /** ts_headline's output, with its markers, as {@code [{text, match}]} segments of plain text. */
  static JsonArray segments(String headline) {
    JsonArray out = new JsonArray();
    if (headline == null) {
      return out;
    }
    StringBuilder text = new StringBuilder();
    boolean match = false;
    for (int i = 0; i < headline.length(); i++) {
      char ch = headline.charAt(i);
      if (ch == START || ch == STOP) {
        if (!text.isEmpty()) {
          out.add(new JsonObject().put("text", text.toString()).put("match", match));
          text.setLength(0);
        }
        match = ch == START;
      } else {
        text.append(ch);
      }
    }
    if (!text.isEmpty()) {
      out.add(new JsonObject().put("text", text.toString()).put("match", match));
    }
    return out;
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static Long optionalId(String v, String name) {
    v = blankToNull(v);
    if (v == null) {
      return null;
    }
    try {
      long id = Long.parseLong(v);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiError.badRequest("'" + name + "' must be a positive id");
  }

  private static String oneOf(String v, String name, String... allowed) {
    v = blankToNull(v);
    if (v == null) {
      return null;
    }
    for (String a : allowed) {
      if (a.equals(v)) {
        return a;
      }
    }
    throw ApiError.badRequest("'" + name + "' must be one of " + String.join(", ", allowed));
  }

  private static OffsetDateTime optionalInstant(String v, String name) {
    v = blankToNull(v);
    if (v == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("'" + name + "' must be an ISO-8601 instant such as 2026-11-24T00:00:00Z");
    }
  }
}
