package app.homeroom.search;

import app.homeroom.common.Text;

import app.homeroom.chat.ChatJson;
import app.homeroom.chat.ChatService;

import app.homeroom.common.ApiError;
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

  /** Match markers inside ts_headline's output: control characters that message text may not contain. */
  static final char START = '\u0002';
  static final char STOP = '\u0003';
  /** ts_headline's options for a long message (package-private for the load harness's SearchFloodStatements). */
  static final String HEADLINE_OPTIONS = "StartSel=\"" + START + "\", StopSel=\"" + STOP + "\", "
      + "MaxWords=30, MinWords=12, ShortWord=0, MaxFragments=2, FragmentDelimiter=\" … \"";

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

  /**
   * Where the previous page ended, as a (created_at, id) position: by date, the last hit shown; by relevance, the
   * tier's exclusive upper bound, with the last hit's rank and id in it (both null: the tier's start).
   */
  record Cursor(Sort sort, long tierMicros, long tierId, Float rank, Long id) {

    String encode() {
      String raw = sort == Sort.DATE ? "d:" + tierMicros + ":" + tierId
          : "r:" + tierMicros + ":" + tierId + ":" + (rank == null ? "" : Float.floatToIntBits(rank)) + ":"
            + (id == null ? "" : id);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    static Cursor decode(String value, Sort expected) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.US_ASCII);
        String[] parts = raw.split(":", -1);
        Sort sort = parts[0].equals("r") && parts.length == 5 ? Sort.RELEVANCE
            : parts[0].equals("d") && parts.length == 3 ? Sort.DATE : null;
        if (sort == null) {
          throw new IllegalArgumentException(raw);
        }
        if (sort != expected) {
          throw ApiError.badRequest("This 'cursor' belongs to a search with another 'sort'");
        }
        long micros = Long.parseLong(parts[1]);
        long id = Long.parseLong(parts[2]);
        if (sort == Sort.DATE) {
          return new Cursor(sort, micros, id, null, null);
        }
        boolean tierStart = parts[3].isEmpty() && parts[4].isEmpty();
        return new Cursor(sort, micros, id, tierStart ? null : Float.intBitsToFloat(Integer.parseInt(parts[3])),
            tierStart ? null : Long.parseLong(parts[4]));
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
    Text.rejectControlCharacters(text, "'q'");
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

  /**
   * Relevance is exact within tiers of {@value #RANK_TIER} matches, newest tier first. Ranking every match of a
   * common word means reading and scoring hundreds of thousands of rows (0.4 s for one in a quarter of a million
   * messages, measured), and no index can rank; a tier is found by walking the time index backwards (or, for a
   * rarer word, from the GIN index) and ranked in memory. A word with fewer matches than a tier is ranked
   * exactly; beyond that, results come tier by tier, so paging still reaches every match. The tier size trades
   * ranking reach for the cost of finding a tier under a selective filter (docs/PERFORMANCE.md).
   */
  public static final int RANK_TIER = 300;

  private final Pool pool;
  private final SearchSuggestions suggestions;

  public MessageSearch(Pool pool) {
    this.pool = pool;
    this.suggestions = new SearchSuggestions(pool);
  }

  /**
   * One page of hits: {@code {results: [SearchHit], nextCursor, didYouMean}} (docs/API.md); {@code didYouMean}, when a
   * first page found nothing and some word of the query is one no message uses, is the query with the closest words
   * messages do use (issue 27, point 6), else null.
   */
  public Future<JsonObject> search(Identity actor, Query query) {
    return hits(actor, query).compose(page -> {
      if (query.cursor() != null || !page.getJsonArray("results").isEmpty()) {
        return Future.succeededFuture(page.put("didYouMean", null));
      }
      return suggestions.suggest(actor, query.text()).map(suggestion -> page.put("didYouMean", suggestion));
    });
  }

  private Future<JsonObject> hits(Identity actor, Query query) {
    Long scope = actor.isAdmin() ? null : actor.userId();
    boolean byConversation = scope != null || query.studentId() != null || query.className() != null
        || query.status() != null;
    Future<Long[]> conversations = !byConversation ? Future.succeededFuture(null)
        : pool.preparedQuery(SearchSql.CONVERSATIONS)
            .execute(Tuple.of(scope, query.studentId(), query.className(), query.status()))
            .map(rows -> rows.iterator().next().getArrayOfLongs(0));
    return conversations.compose(ids -> {
      JsonArray results = new JsonArray();
      if (ids != null && ids.length == 0) {
        return Future.succeededFuture(page(results, null));
      }
      int wanted = query.sort() == Sort.DATE ? query.limit() + 1 : RANK_TIER;
      return probe(ids, query, SearchSql.GLANCE, SearchSql.GLANCE_ROWS)
          .compose(glance -> glance.decisive(wanted) ? Future.succeededFuture(glance)
              : probe(ids, query, SearchSql.PROBE, SearchSql.PROBE_ROWS))
          .compose(probe -> query.sort() == Sort.DATE
              ? byDate(ids, query, probe.walk(wanted), results)
              : byRelevance(ids, query, probe.walk(wanted), query.cursor(), results));
    });
  }

  /** {@link SearchSql#GLANCE} or {@link SearchSql#PROBE}, which reads the newest {@code rows} messages. */
  private Future<Probe> probe(Long[] conversations, Query query, String statement, int rows) {
    return pool.preparedQuery(statement).execute(filters(conversations, query)).map(result -> {
      Row row = result.iterator().next();
      return new Probe(rows, row.getLong("text_matches"), row.getLong("matches"), row.getLong("total"));
    });
  }

  /**
   * A glance at the newest messages that finds {@value #DECISIVE_MATCHES} matches of the text and filters (5% of
   * {@link SearchSql#GLANCE_ROWS}) says well enough how soon a walk meets its page.
   */
  static final int DECISIVE_MATCHES = 50;

  /**
   * What the probe found among the newest {@code rows} messages: {@code textMatches} matching the text,
   * {@code matches} the text and the filters; {@code total} messages in all (the planner's count).
   */
  record Probe(int rows, long textMatches, long matches, long total) {

    /**
     * Walking the time index finds {@code wanted} matches after about {@code wanted / s} messages, s being the share
     * that matches the text and the filters; the text index's way reads every message matching the text, about
     * {@code t * total} (t: the share matching the text alone), and sorts them.
     */
    boolean walk(int wanted) {
      double s = (double) matches / rows;
      double t = (double) textMatches / rows;
      return matches > 0 && s * t * total >= wanted;
    }

    /**
     * Whether this probe settles the way, so the full one need not run: nothing among these messages matches the text
     * (the text index hands over few rows, whatever the filters), or so many match text and filters that a walk
     * meets its page within a few thousand messages. Anything between (a mid word, a filter that leaves few) is
     * for the full probe's finer count.
     */
    boolean decisive(int wanted) {
      return textMatches == 0 || matches >= DECISIVE_MATCHES && walk(wanted);
    }
  }

  private static Tuple filters(Long[] conversations, Query query) {
    return Tuple.tuple().addValue(query.text()).addValue(conversations).addValue(query.senderRole())
        .addValue(query.from()).addValue(query.to());
  }

  private Future<JsonObject> byDate(Long[] conversations, Query query, boolean walk, JsonArray results) {
    Cursor cursor = query.cursor();
    Tuple args = filters(conversations, query)
        .addValue(cursor == null ? null : at(cursor.tierMicros()))
        .addValue(cursor == null ? null : cursor.tierId())
        .addValue(query.limit() + 1).addValue(HEADLINE_OPTIONS);
    return pool.preparedQuery(walk ? SearchSql.BY_DATE : SearchSql.BY_DATE_RARE).execute(args).map(rows -> {
      Row last = null;
      for (Row row : rows) {
        if (results.size() == query.limit()) {
          return page(results, new Cursor(Sort.DATE, micros(last.getOffsetDateTime("created_at")), last.getLong("id"),
              null, null));
        }
        results.add(hitJson(row));
        last = row;
      }
      return page(results, null);
    });
  }

  /**
   * Fills the page from the cursor's tier, going on to older tiers while the page is not full; stops when a tier
   * comes back smaller than {@link #RANK_TIER} (there is nothing older).
   */
  private Future<JsonObject> byRelevance(Long[] conversations, Query query, boolean walk, Cursor cursor,
                                         JsonArray results) {
    int wanted = query.limit() - results.size();
    Tuple args = filters(conversations, query)
        .addValue(cursor == null ? null : at(cursor.tierMicros()))
        .addValue(cursor == null ? null : cursor.tierId())
        .addValue(cursor == null ? null : cursor.rank())
        .addValue(cursor == null ? null : cursor.id())
        .addValue(HEADLINE_OPTIONS).addValue(RANK_TIER).addValue(wanted + 1);
    return pool.preparedQuery(walk ? SearchSql.BY_RELEVANCE : SearchSql.BY_RELEVANCE_RARE).execute(args).compose(rows -> {
      Row last = null;
      Cursor tier = cursor;
      for (Row row : rows) {
        if (tier == null) {
          // Pins the newest tier just above its newest row, so messages arriving meanwhile do not shift it.
          tier = new Cursor(Sort.RELEVANCE, micros(row.getOffsetDateTime("top_at")), row.getLong("top_id") + 1, null, null);
        }
        if (results.size() == query.limit()) {
          return Future.succeededFuture(page(results, new Cursor(Sort.RELEVANCE, tier.tierMicros(), tier.tierId(),
              last.getFloat("rank"), last.getLong("id"))));
        }
        results.add(hitJson(row));
        last = row;
      }
      if (last == null || last.getLong("tier_size") < RANK_TIER) {
        return Future.succeededFuture(page(results, null)); // this tier was the last one
      }
      Cursor olderTier = new Cursor(Sort.RELEVANCE, micros(last.getOffsetDateTime("floor_at")), last.getLong("floor_id"),
          null, null);
      return results.size() == query.limit()
          ? Future.succeededFuture(page(results, olderTier))
          : byRelevance(conversations, query, walk, olderTier, results);
    });
  }

  private static JsonObject page(JsonArray results, Cursor next) {
    return new JsonObject().put("results", results).put("nextCursor", next == null ? null : next.encode());
  }

  private static long micros(OffsetDateTime t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t.toInstant());
  }

  private static OffsetDateTime at(long micros) {
    return OffsetDateTime.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  private static JsonObject hitJson(Row row) {
    return new JsonObject()
        .put("message", ChatJson.message(row))
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
