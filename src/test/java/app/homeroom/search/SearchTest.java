package app.homeroom.search;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** R6.4 on the server: full-text search across all history, its ranking, filters, paging, authorization and input. */
class SearchTest {

  School school;
  Api olga;
  long sams;
  long olgas;
  long twoHomeworks;
  long slipMessage;

  @BeforeEach
  void setUp() {
    school = School.fresh();
    olga = Api.signedIn("olga@test.school", School.PASSWORD);
    sams = school.openConversation(school.student);
    olgas = school.openConversation(school.otherStudent);
    say(school.staff, sams, "Please remember your homework for Friday");
    twoHomeworks = say(school.pupil, sams, "I finished the homework and the reading homework too");
    say(school.staff, sams, "The swimming gala is on Monday");
    say(school.pupil, sams, "I was running late to the gala");
    say(school.staff, olgas, "Olga, your homework is missing");
    say(olga, olgas, "Sorry, my dog ate my homework");
    slipMessage = say(school.staff, olgas, "Bring the <b>permission slip</b> & the \"form\"");
  }

  long say(Api who, long conversation, String body) {
    Api.Response r = who.post("/api/conversations/" + conversation + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", body));
    assertEquals(201, r.status(), () -> r.raw().body());
    return r.json().getJsonObject("message").getLong("id");
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  Api.Response search(Api who, String query) {
    return who.getPatiently("/api/search?" + query);
  }

  JsonObject ok(Api who, String query) {
    Api.Response r = search(who, query);
    assertEquals(200, r.status(), () -> query + " → " + r.raw().body());
    return r.json();
  }

  List<String> bodies(JsonObject page) {
    List<String> out = new ArrayList<>();
    page.getJsonArray("results").forEach(h -> out.add(((JsonObject) h).getJsonObject("message").getString("body")));
    return out;
  }

  @Test
  @DisplayName("R6.4: the probe that picks a search's way counts the newest messages matching the text, alone and with"
      + " the filters")
  void probe_counts_matches_with_and_without_filters() {
    String sam = "array[" + sams + "]::bigint[]";
    String soon = "now() + interval '1 hour'";
    assertProbe(4, 4, "'homework', null, null, null, null");
    assertProbe(4, 2, "'homework', null, 'student', null, null");
    assertProbe(4, 2, "'homework', " + sam + ", null, null, null");
    assertProbe(4, 1, "'homework', " + sam + ", 'student', null, null");
    assertProbe(4, 0, "'homework', null, null, " + soon + ", null");
    assertProbe(4, 4, "'homework', null, null, null, " + soon);
    assertProbe(2, 1, "'gala', " + sam + ", 'admin', null, null");
    assertProbe(0, 0, "'nothing-like-it', null, null, null, null");
    // The newest 3 only (Olga's two and the slip), and the newest 2.
    assertProbe(2, 2, "'homework', null, null, null, null",
        SearchSql.GLANCE.replace("limit " + SearchSql.GLANCE_ROWS, "limit 3"));
    assertProbe(1, 0, "'homework', " + sam + ", null, null, null",
        SearchSql.GLANCE.replace("limit " + SearchSql.GLANCE_ROWS, "limit 2"));
    assertEquals(SearchSql.PROBE.replace("limit " + SearchSql.PROBE_ROWS, "limit " + SearchSql.GLANCE_ROWS),
        SearchSql.GLANCE, "the glance is the probe over fewer messages");
  }

  @Test
  @DisplayName("Issue 24, point 2: the search flood's statements for PostgreSQL alone (FLOOD_CLIENT=sql) are the ones a"
      + " search runs, and they run")
  void flood_statements_run_as_a_search_would() {
    List<String> statements = SearchFloodStatements.of("'homework'", Long.toString(school.admin));
    assertEquals(4, statements.size());
    assertEquals(List.of("4"), school.db.queryStrings(statements.get(0)), "the probe's text matches");
    assertEquals(4, school.db.queryStrings(statements.get(1)).size(), "the newest tier: every homework message");
    assertEquals(List.of("homework"), school.db.queryStrings(statements.get(2)), "the suggestion query, word by word");
    assertEquals(List.of(), school.db.queryStrings(statements.get(3)), "no student is called homework");
    assertTrue(SearchFloodStatements.psqlScript().contains("websearch_to_tsquery('english', :'w')"),
        "psql's variable w is the query");
  }

  void assertProbe(long textMatches, long matches, String arguments) {
    assertProbe(textMatches, matches, arguments, SearchSql.PROBE);
  }

  /** {@code statement}: {@link SearchSql#PROBE}, or another probe over fewer of the newest messages. */
  void assertProbe(long textMatches, long matches, String arguments, String statement) {
    java.util.Map<String, Object> row = school.db.rowPrepared(statement, arguments);
    assertEquals(textMatches, ((Number) row.get("text_matches")).longValue(), () -> "text_matches for " + arguments);
    assertEquals(matches, ((Number) row.get("matches")).longValue(), () -> "matches for " + arguments);
    assertTrue(((Number) row.get("total")).longValue() >= 1, "total");
  }

  @Test
  @DisplayName("R6.4: stemming finds other forms of a word; relevance puts the closest match first")
  void stemming_and_ranking() {
    assertEquals(List.of("I was running late to the gala"), bodies(ok(school.staff, "q=runs")), "runs ~ running");
    JsonObject page = ok(school.staff, "q=homework");
    List<String> hits = bodies(page);
    assertEquals(4, hits.size(), hits::toString);
    assertEquals("I finished the homework and the reading homework too", hits.get(0), "two matches rank first");
    JsonObject first = page.getJsonArray("results").getJsonObject(0);
    assertEquals(school.student, first.getJsonObject("student").getLong("id"));
    assertEquals("Sam Student", first.getJsonObject("student").getString("name"));
    assertEquals("7A", first.getJsonObject("student").getString("className"));
    assertEquals("active", first.getString("conversationStatus"));
    assertTrue(first.getFloat("rank") > page.getJsonArray("results").getJsonObject(3).getFloat("rank"));
    assertNull(page.getValue("nextCursor"));
  }

  @Test
  @DisplayName("R6.4: phrases, exclusions and alternatives in the query; several words must all match")
  void query_syntax() {
    assertEquals(List.of("I finished the homework and the reading homework too"),
        bodies(ok(school.staff, "q=" + enc("\"reading homework\""))));
    assertFalse(bodies(ok(school.staff, "q=" + enc("homework -friday"))).contains("Please remember your homework for Friday"));
    assertEquals(3, bodies(ok(school.staff, "q=" + enc("homework -friday"))).size());
    assertEquals(3, bodies(ok(school.staff, "q=" + enc("gala or dog"))).size(), "gala twice, dog once");
    assertEquals(List.of("Sorry, my dog ate my homework"), bodies(ok(school.staff, "q=" + enc("homework dog"))));
  }

  @Test
  @DisplayName("R6.4: snippets mark the matches as plain-text segments; markup in a message stays text")
  void snippets_are_segments_of_text() {
    JsonObject hit = ok(school.staff, "q=permission").getJsonArray("results").getJsonObject(0);
    assertEquals(slipMessage, hit.getJsonObject("message").getLong("id"));
    JsonArray snippet = hit.getJsonArray("snippet");
    StringBuilder all = new StringBuilder();
    List<String> marked = new ArrayList<>();
    snippet.forEach(s -> {
      JsonObject seg = (JsonObject) s;
      all.append(seg.getString("text"));
      if (seg.getBoolean("match")) {
        marked.add(seg.getString("text"));
      }
    });
    assertEquals(List.of("permission"), marked);
    assertTrue(all.toString().contains("slip"), all::toString);
    assertFalse(all.toString().contains("\u0002") || all.toString().contains("\u0003"), "no markers leak");
    assertEquals("Bring the <b>permission slip</b> & the \"form\"", all.toString(), "a short message is shown whole");

    String longBody = "Start of a long note. " + "Nothing to see in this filler sentence at all. ".repeat(12)
        + "The quokka came to visit. " + "More filler words follow here to make it long. ".repeat(12);
    say(school.staff, sams, longBody);
    JsonArray cut = ok(school.staff, "q=quokka").getJsonArray("results").getJsonObject(0).getJsonArray("snippet");
    StringBuilder fragment = new StringBuilder();
    cut.forEach(part -> fragment.append(((JsonObject) part).getString("text")));
    assertTrue(fragment.length() < longBody.length() / 2, "a long message is cut around the match: " + fragment);
    assertTrue(fragment.toString().contains("quokka"));
  }

  @Test
  @DisplayName("R6.4: filters by student, class, sender role, status and time; sorting by date")
  void filters_and_date_sort() {
    assertEquals(2, bodies(ok(school.staff, "q=homework&studentId=" + school.otherStudent)).size());
    assertEquals(2, bodies(ok(school.staff, "q=homework&className=7B")).size());
    assertEquals(List.of("Sorry, my dog ate my homework", "I finished the homework and the reading homework too"),
        bodies(ok(school.staff, "q=homework&senderRole=student&sort=date")), "newest first");
    assertEquals(List.of("Olga, your homework is missing", "Please remember your homework for Friday"),
        bodies(ok(school.staff, "q=homework&senderRole=admin&sort=date")));

    assertEquals(0, bodies(ok(school.staff, "q=homework&status=closed")).size());
    school.staff.post("/api/conversations/" + olgas + "/close", new JsonObject().put("note", "homework sorted"));
    assertEquals(2, bodies(ok(school.staff, "q=homework&status=closed")).size(), "the note is not a message");
    assertEquals(2, bodies(ok(school.staff, "q=homework&status=active")).size());

    assertEquals(4, bodies(ok(school.staff, "q=homework&from=" + enc("2020-01-01T00:00:00Z"))).size());
    assertEquals(0, bodies(ok(school.staff, "q=homework&from=" + enc("2100-01-01T00:00:00+02:00"))).size());
    assertEquals(0, bodies(ok(school.staff, "q=homework&to=" + enc("2020-01-01T00:00:00Z"))).size());
  }

  @Test
  @DisplayName("R6.4: paging by cursor walks every hit once, in order, with no cap, for both sorts")
  void paging_visits_every_hit_once() {
    for (int i = 0; i < 12; i++) {
      say(i % 2 == 0 ? school.staff : school.pupil, sams, "homework item " + i);
    }
    for (String sort : List.of("relevance", "date")) {
      List<Long> all = ids(ok(school.staff, "q=homework&limit=50&sort=" + sort));
      assertEquals(16, all.size());
      List<Long> paged = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        JsonObject page = ok(school.staff, "q=homework&limit=3&sort=" + sort + (cursor == null ? "" : "&cursor=" + cursor));
        paged.addAll(ids(page));
        cursor = page.getString("nextCursor");
        pages++;
        if (cursor != null) {
          assertEquals(0, page.getJsonArray("students").size(), "students come with the first page only");
        }
      } while (cursor != null && pages < 20);
      assertEquals(6, pages, sort);
      assertEquals(all, paged, sort + ": the same hits in the same order");
      assertEquals(16, new HashSet<>(paged).size(), "no hit twice");
    }
  }

  @Test
  @DisplayName("R6.4: a word in more messages than a ranking tier pages through every match once, tier by tier")
  void paging_across_ranking_tiers() {
    int extra = MessageSearch.RANK_TIER * 2 + 150;
    // Set-based, as a long history would be: every third message says it twice, so ranks differ within a tier.
    school.db.exec("""
        insert into messages (conversation_id, seq, sender_id, client_msg_id, body, student_count)
        select ?, 7 + g, ?, gen_random_uuid(),
               case when g % 3 = 0 then 'homework and more homework ' || g else 'homework number ' || g end, 0
          from generate_series(1, ?) g""", olgas, school.admin, extra);
    school.db.exec("update conversations set last_seq = last_seq + ? where id = ?", extra, olgas);
    // With statistics, a word in most messages walks the time index (the other tests' few rows read the text
    // index): both plans are paged through here.
    school.db.exec("analyze messages");
    long total = school.db.queryLong("select count(*) from messages where body like '%homework%'");
    assertEquals(extra + 4, total);

    for (String sort : List.of("relevance", "date")) {
      List<Long> seen = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        JsonObject page = ok(school.staff, "q=homework&limit=50&sort=" + sort + (cursor == null ? "" : "&cursor=" + cursor));
        List<Long> ids = ids(page);
        assertTrue(ids.size() == 50 || page.getValue("nextCursor") == null, "pages are full until the last");
        seen.addAll(ids);
        cursor = page.getString("nextCursor");
        pages++;
      } while (cursor != null && pages < 100);
      assertEquals(total, seen.size(), sort + ": every match");
      assertEquals(total, new HashSet<>(seen).size(), sort + ": none twice");
    }
    // Within the newest tier, relevance decides: the first hits say it twice.
    JsonObject first = ok(school.staff, "q=homework&limit=5");
    for (Object hit : first.getJsonArray("results")) {
      assertTrue(((JsonObject) hit).getJsonObject("message").getString("body").startsWith("homework and more homework"));
    }
  }

  List<Long> ids(JsonObject page) {
    List<Long> out = new ArrayList<>();
    page.getJsonArray("results").forEach(h -> out.add(((JsonObject) h).getJsonObject("message").getLong("id")));
    return out;
  }

  @Test
  @DisplayName("Issue 27.6: a misspelt search that finds nothing offers the closest words messages use; a student is"
      + " offered only the words of their own conversation")
  void did_you_mean() {
    school.db.queryLong("select refresh_search_words(100000)");
    JsonObject misspelt = ok(school.staff, "q=" + enc("homewrok"));
    assertEquals(List.of(), bodies(misspelt));
    assertEquals("homework", misspelt.getString("didYouMean"));
    assertEquals("reading", ok(school.staff, "q=" + enc("raeding")).getString("didYouMean"), "two letters swapped");
    assertEquals("swimming GALA", ok(school.staff, "q=" + enc("swiming GALA")).getString("didYouMean"),
        "only the unknown word changes, the rest stays as typed");
    assertEquals("\"permission slip\" -dog", ok(school.staff, "q=" + enc("\"permision slip\" -dog")).getString("didYouMean"));
    assertNull(ok(school.staff, "q=homework").getValue("didYouMean"), "found: nothing to suggest");
    assertNull(ok(school.staff, "q=" + enc("zzqxv")).getValue("didYouMean"), "nothing close: no suggestion");
    // Olga's "missing" is hers: Sam is never told it exists, Olga is.
    assertNull(ok(school.pupil, "q=" + enc("misssing")).getValue("didYouMean"));
    assertEquals("missing", ok(olga, "q=" + enc("misssing")).getString("didYouMean"));
    assertEquals("finished", ok(school.pupil, "q=" + enc("finnished")).getString("didYouMean"));
    // The suggestion finds what it says.
    assertEquals(1, bodies(ok(school.staff, "q=" + enc(misspelt.getString("didYouMean")) + "&studentId=" + school.student
        + "&senderRole=admin")).size());
  }

  @Test
  @DisplayName("R6.4: a student searches only their own conversation, whatever filters they craft")
  void students_see_only_their_own() {
    Set<String> seen = new HashSet<>(bodies(ok(school.pupil, "q=homework")));
    assertEquals(Set.of("Please remember your homework for Friday", "I finished the homework and the reading homework too"), seen);
    assertEquals(0, bodies(ok(school.pupil, "q=homework&studentId=" + school.otherStudent)).size());
    assertEquals(0, bodies(ok(school.pupil, "q=homework&className=7B")).size());
    assertEquals(0, bodies(ok(school.pupil, "q=dog")).size());
    assertEquals(0, ok(school.pupil, "q=olga").getJsonArray("students").size(), "no roster for students");
    assertEquals(2, bodies(ok(olga, "q=homework")).size());
  }

  @Test
  @DisplayName("R6.4: staff also get the students whose name or roll ID matches what they typed")
  void students_by_name_and_roll_id() {
    JsonArray byName = ok(school.staff, "q=olg").getJsonArray("students");
    assertEquals(1, byName.size());
    assertEquals(school.otherStudent, byName.getJsonObject(0).getLong("id"));
    assertNotNull(byName.getJsonObject(0).getValue("online"));
    assertEquals(2, ok(school.staff, "q=R-00").getJsonArray("students").size(), "roll ID prefix");
    assertEquals(0, ok(school.staff, "q=homework").getJsonArray("students").size());
  }

  @Test
  @DisplayName("R6.4: bad parameters are a 400 that says what is wrong")
  void bad_input_is_a_clear_400() {
    String relevanceCursor;
    for (int i = 0; i < 3; i++) {
      say(school.staff, sams, "homework again " + i);
    }
    relevanceCursor = ok(school.staff, "q=homework&limit=1").getString("nextCursor");
    assertNotNull(relevanceCursor);
    for (String bad : List.of("", "q=", "q=%20%20", "q=" + "a".repeat(201), "q=a&sort=best", "q=a&cursor=zzz",
        "q=a&cursor=" + enc("!!"), "q=homework&sort=date&cursor=" + relevanceCursor, "q=a&senderRole=teacher",
        "q=a&status=archived", "q=a&studentId=abc", "q=a&studentId=-1", "q=a&limit=0", "q=a&limit=51",
        "q=a&limit=ten", "q=a&from=yesterday", "q=a&from=2026-11-24", "q=" + enc("bell\u0007"),
        "q=a&from=" + enc("2026-02-01T00:00:00Z") + "&to=" + enc("2026-01-01T00:00:00Z"))) {
      Api.Response r = search(school.staff, bad);
      assertEquals(400, r.status(), () -> bad + " → " + r.raw().body());
      assertEquals("bad_request", r.json().getJsonObject("error").getString("code"));
      assertFalse(r.json().getJsonObject("error").getString("message").isBlank());
    }
    assertEquals(200, search(school.staff, "q=" + "a".repeat(200)).status(), "200 characters is the limit");
  }

  @Test
  @DisplayName("R6.4: search syntax, quotes and injection attempts give safe results, never a 500")
  void hostile_queries_are_safe() {
    for (String q : List.of("'; drop table messages; --", "\"unbalanced", "homework & | ! ( ) :* <> \\", ")))", "-",
        "or", "\"", "*", "%_", "homework' or '1'='1", "😀 homework", "<script>alert(1)</script>", "a:*", "!!!",
        "the", "homework\u00a0dog", "$1", "\\x00")) {
      Api.Response r = search(school.staff, "q=" + enc(q));
      assertEquals(200, r.status(), () -> q + " → " + r.raw().body());
    }
    assertEquals(7, school.db.queryLong("select count(*) from messages"));
    assertEquals(List.of("Sorry, my dog ate my homework"), bodies(ok(school.staff, "q=" + enc("homework' & dog"))),
        "punctuation is ignored, the words still count");
  }

  @Test
  @DisplayName("R6.4: opening a hit loads it with its surroundings (around=seq), and paging on from there reaches both ends")
  void around_a_hit() {
    for (int i = 1; i <= 30; i++) {
      say(school.staff, sams, "line " + i);
    }
    // Sam's conversation: 4 messages, then "line 1" .. "line 30" at seq 5 .. 34.
    JsonObject page = school.staff.get("/api/conversations/" + sams + "/messages?around=20&limit=10").json();
    JsonArray messages = page.getJsonArray("messages");
    assertEquals(10, messages.size());
    assertEquals(16, messages.getJsonObject(0).getLong("seq"));
    assertEquals(25, messages.getJsonObject(9).getLong("seq"));
    assertTrue(page.getBoolean("hasOlder"));
    assertTrue(page.getBoolean("hasNewer"));

    JsonObject atStart = school.staff.get("/api/conversations/" + sams + "/messages?around=2&limit=10").json();
    assertFalse(atStart.getBoolean("hasOlder"));
    assertEquals(1, atStart.getJsonArray("messages").getJsonObject(0).getLong("seq"));
    JsonObject atEnd = school.pupil.get("/api/conversations/" + sams + "/messages?around=34&limit=10").json();
    assertFalse(atEnd.getBoolean("hasNewer"));
    assertEquals(34, atEnd.getJsonArray("messages").getJsonObject(atEnd.getJsonArray("messages").size() - 1).getLong("seq"));

    assertEquals(400, school.staff.get("/api/conversations/" + sams + "/messages?around=3&before=9").status());
    assertEquals(400, school.staff.get("/api/conversations/" + sams + "/messages?around=0").status());
    assertEquals(404, school.pupil.get("/api/conversations/" + olgas + "/messages?around=1").status(), "not theirs");
  }
}
