package app.homeroom.search;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** R6.4: the search's pure parts: the plan choice, snippet segments and cursors. */
class MessageSearchTest {

  @Test
  @DisplayName("R6.4: common searches walk the time index; rare ones (a name, a code) read the text index")
  void plan_choice() {
    int tier = MessageSearch.RANK_TIER;
    long million = 1_000_000;
    assertFalse(walk(0, 0, million, tier), "nothing recent: the text index");
    assertFalse(walk(1, 1, million, tier), "1 in 5,000 (a code): the text index");
    assertFalse(walk(50, 50, million, tier), "1%: ~10,000 matches are cheaper to sort");
    assertTrue(walk(100, 100, million, tier), "2%: 300 matches within ~15,000 messages");
    assertTrue(walk(1_250, 1_250, million, tier), "a quarter: walk");
    assertTrue(walk(1_250, 62, million, tier),
        "a common word in one class: walk, since the text index would sort 250,000 matches");
    assertFalse(walk(1_250, 0, million, tier), "one student's conversation: not walked");
    assertTrue(walk(30, 30, million, 21), "a page of 21 is found sooner than a tier");
    assertFalse(walk(1_250, 1_250, 1_000, tier), "a small school: the text index");
  }

  static boolean walk(long textMatches, long matches, long total, int wanted) {
    return new MessageSearch.Probe(SearchSql.PROBE_ROWS, textMatches, matches, total).walk(wanted);
  }

  @Test
  @DisplayName("R6.4, issue 24 point 2: a glance at the newest 1,000 messages settles the way for words none of them"
      + " use and for common ones; the full probe counts the rest")
  void a_glance_decides_the_clear_cases() {
    int tier = MessageSearch.RANK_TIER;
    long million = 1_000_000;
    java.util.function.BiFunction<Long, Long, MessageSearch.Probe> glance =
        (text, both) -> new MessageSearch.Probe(SearchSql.GLANCE_ROWS, text, both, million);
    assertTrue(glance.apply(0L, 0L).decisive(tier), "no recent message uses it: the text index, at once");
    assertFalse(glance.apply(0L, 0L).walk(tier));
    assertTrue(glance.apply(250L, 250L).decisive(tier), "a quarter: walk, at once");
    assertTrue(glance.apply(250L, 250L).walk(tier));
    assertTrue(glance.apply(250L, 60L).decisive(tier), "a common word in one class: walk, at once");
    assertFalse(glance.apply(250L, 12L).decisive(tier), "a common word, a filter leaving few: count more");
    assertFalse(glance.apply(10L, 10L).decisive(tier), "1%: count more");
    assertFalse(glance.apply(2L, 2L).decisive(21), "a code in a few recent messages: count more");
    assertFalse(new MessageSearch.Probe(SearchSql.GLANCE_ROWS, 250, 250, 2_000).decisive(tier),
        "a small school, a quarter matching: the text index may be cheaper, count more");
  }

  @Test
  @DisplayName("R6.4: snippets become text segments, the matches marked, no marker left")
  void segments() {
    JsonArray parts = MessageSearch.segments("bring the \u0002slip\u0003 and the \u0002form\u0003");
    assertEquals(4, parts.size());
    assertEquals(new JsonObject().put("text", "bring the ").put("match", false), parts.getJsonObject(0));
    assertEquals(new JsonObject().put("text", "slip").put("match", true), parts.getJsonObject(1));
    assertEquals(new JsonObject().put("text", " and the ").put("match", false), parts.getJsonObject(2));
    assertEquals(new JsonObject().put("text", "form").put("match", true), parts.getJsonObject(3));
    assertEquals(0, MessageSearch.segments(null).size());
  }

  @Test
  @DisplayName("R6.4: cursors survive the round trip, belong to their sort, and refuse anything else")
  void cursors() {
    var relevance = new MessageSearch.Cursor(MessageSearch.Sort.RELEVANCE, 1_700_000_000_123_456L, 42, 0.25f, 41L);
    assertEquals(relevance, MessageSearch.Cursor.decode(relevance.encode(), MessageSearch.Sort.RELEVANCE));
    var tierStart = new MessageSearch.Cursor(MessageSearch.Sort.RELEVANCE, 5, 6, null, null);
    MessageSearch.Cursor back = MessageSearch.Cursor.decode(tierStart.encode(), MessageSearch.Sort.RELEVANCE);
    assertNull(back.rank());
    assertNull(back.id());
    var date = new MessageSearch.Cursor(MessageSearch.Sort.DATE, 7, 8, null, null);
    assertEquals(date, MessageSearch.Cursor.decode(date.encode(), MessageSearch.Sort.DATE));
    assertEquals(400, assertBadRequest(() -> MessageSearch.Cursor.decode(date.encode(), MessageSearch.Sort.RELEVANCE)));
    assertEquals(400, assertBadRequest(() -> MessageSearch.Cursor.decode("cjox", MessageSearch.Sort.RELEVANCE)));
  }

  private static int assertBadRequest(Runnable r) {
    try {
      r.run();
    } catch (app.homeroom.common.ApiError e) {
      return e.status();
    }
    throw new AssertionError("no error");
  }
}
