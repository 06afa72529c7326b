package app.homeroom.chat;

import app.homeroom.support.Api;
import app.homeroom.support.Await;
import app.homeroom.support.School;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 with R6.4: full-text indexing behind the send (V11, {@link SearchIndexer}). A send writes no GIN index; a
 * message is found from the moment its send commits, while it waits in the queue and after the indexer has moved it,
 * exactly once either way.
 */
class SearchIndexTest {

  School school;
  long sams;

  @BeforeEach
  void setUp() {
    school = School.fresh();
    sams = school.openConversation(school.student);
  }

  long say(Api who, String body) {
    Api.Response r = who.post("/api/conversations/" + sams + "/messages",
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", body));
    assertEquals(201, r.status(), () -> r.raw().body());
    return r.json().getJsonObject("message").getLong("id");
  }

  List<Long> hits(String query) {
    Api.Response r = school.staff.get("/api/search?" + query);
    assertEquals(200, r.status(), () -> query + " → " + r.raw().body());
    List<Long> ids = new ArrayList<>();
    r.json().getJsonArray("results").forEach(h -> ids.add(((JsonObject) h).getJsonObject("message").getLong("id")));
    return ids;
  }

  long queued(List<Long> ids) {
    return school.db.queryLong("select count(*) from search_pending where message_id = any(?::bigint[])",
        "{" + ids.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("") + "}");
  }

  long indexed(List<Long> ids) {
    return school.db.queryLong("select count(*) from message_search where message_id = any(?::bigint[])",
        "{" + ids.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("") + "}");
  }

  @Test
  @DisplayName("Issue 9: no index on messages is a GIN index, so no send merges one; the text index is message_search's")
  void no_send_writes_a_text_index() {
    assertEquals(0, school.db.queryLong("""
        select count(*) from pg_index i join pg_class t on t.oid = i.indrelid join pg_class x on x.oid = i.indexrelid
          join pg_am a on a.oid = x.relam where t.relname = 'messages' and a.amname = 'gin'"""));
    assertEquals(1, school.db.queryLong("""
        select count(*) from pg_index i join pg_class t on t.oid = i.indrelid join pg_class x on x.oid = i.indexrelid
          join pg_am a on a.oid = x.relam where t.relname = 'message_search' and a.amname = 'gin'"""));
  }

  @Test
  @DisplayName("Issue 9, R6.4: a message is found while queued for the index and after it is indexed, exactly once")
  void found_while_queued_and_once_indexed() throws Exception {
    List<Long> sent = new ArrayList<>();
    List<Long> whileQueued;
    List<Long> byDateWhileQueued;
    try (Connection hold = school.db.connect(); Statement st = hold.createStatement()) {
      // The indexer's batch cannot commit while this lock is held: every message sent meanwhile stays queued.
      hold.setAutoCommit(false);
      st.execute("lock table message_search in share mode");
      sent.add(say(school.staff, "The telescope club meets on Thursday"));
      sent.add(say(school.pupil, "Can I bring my own telescope?"));
      sent.add(say(school.staff, "Yes, telescopes are welcome"));
      whileQueued = hits("q=telescope");
      byDateWhileQueued = hits("q=telescope&sort=date");
      assertEquals(3, queued(sent), "the sends are queued, not indexed");
      assertEquals(0, indexed(sent));
      hold.rollback();
    }
    assertEquals(3, whileQueued.size(), "found while queued: " + whileQueued);
    assertEquals(List.of(sent.get(2), sent.get(1), sent.get(0)), byDateWhileQueued, "newest first");

    Await.until(() -> indexed(sent) == 3 && queued(sent) == 0, 10_000, "the indexer to move the three messages");
    assertEquals(whileQueued, hits("q=telescope"), "the same hits in the same order once indexed");
    assertEquals(byDateWhileQueued, hits("q=telescope&sort=date"));
  }

  @Test
  @DisplayName("Issue 9: status entries have no text and are not queued; every stored message is indexed once")
  void only_messages_are_indexed() throws Exception {
    long message = say(school.staff, "Homework is due on Friday");
    Api.Response closed = school.staff.post("/api/conversations/" + sams + "/close", new JsonObject());
    assertEquals(200, closed.status(), () -> closed.raw().body());
    long reply = say(school.pupil, "I will hand in my homework on Friday"); // reopens: a 'reopened' entry and a message

    Await.until(() -> indexed(List.of(message, reply)) == 2, 10_000, "the indexer to move both messages");
    assertEquals(0, school.db.queryLong("select count(*) from search_pending"), "nothing left in the queue");
    assertEquals(school.db.queryLong("select count(*) from messages where kind = 'message'"),
        school.db.queryLong("select count(*) from message_search"), "every message once, and nothing else");
    assertTrue(school.db.queryLong("select count(*) from messages where kind <> 'message'") >= 2, "closed and reopened");
    assertEquals(List.of(reply, message), hits("q=homework&sort=date"));
  }
}
