package app.homeroom.search;

import app.homeroom.support.Await;
import app.homeroom.support.TestEnv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 (with R6.4's search): the full-text index's pending list is merged by the node's {@link SearchIndexUpkeep},
 * a few hundred messages at a time, not by the send that finds it full (a 100–300 ms stall every ~8.7 s at 2,000
 * messages a second). The list is read from the index's metapage with {@code pgstattuple}'s
 * {@code pgstatginindex}, which takes no lock the merge waits for.
 */
class SearchIndexUpkeepTest {

  private static long admin;
  private static long conversation;

  @BeforeAll
  static void start() {
    TestEnv.node();
    TestEnv.db().exec("create extension if not exists pgstattuple");
    String run = UUID.randomUUID().toString().substring(0, 8);
    admin = TestEnv.db().createAdmin("Upkeep Admin", "upkeep-admin-" + run + "@test.school", "correct horse battery");
    long student = TestEnv.db().createStudent("Upkeep Student", "upkeep-" + run + "@test.school", "U-" + run, "9U",
        "correct horse battery");
    conversation = TestEnv.db().queryLong(
        "insert into conversations (student_id, created_by) values (?, ?) returning id", student, admin);
  }

  private static long pendingPages() {
    return TestEnv.db().queryLong("select pending_pages from pgstatginindex('messages_search')");
  }

  @Test
  @DisplayName("issue 9: the node merges the search index's pending list within moments; no send has to")
  void theNodeMergesThePendingList() throws Exception {
    try (Connection c = TestEnv.db().connect(); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      // Holding the upkeep's lock keeps every node's merge out while the list fills, so the test sees it full.
      st.execute("select pg_advisory_xact_lock(" + SearchIndexUpkeep.LOCK_KEY + ")");
      // 600 messages, each with a word of its own (as names and codes are): well under the 4 MB at which an insert
      // would merge the list itself.
      st.execute("""
          with m as (
            insert into messages (conversation_id, seq, sender_id, client_msg_id, body)
            select %d, g, %d, gen_random_uuid(), 'Upkeep check ' || md5(g::text) || ' homework for Friday'
              from generate_series(1, 600) g
            returning seq
          )
          update conversations set last_seq = (select max(seq) from m), last_message_at = now() where id = %d
          """.formatted(conversation, admin, conversation));
      try (ResultSet rs = st.executeQuery("select pending_pages from pgstatginindex('messages_search')")) {
        rs.next();
        assertTrue(rs.getLong(1) > 0, "the inserts left their words in the pending list: " + rs.getLong(1));
      }
      c.commit();
    }
    Await.until(() -> pendingPages() == 0, 5_000, "the pending list merged into the index");
    // Merged, the messages are found by their words, as before.
    assertEquals(1, TestEnv.db().queryLong("select count(*) from messages where conversation_id = ? and search_tsv @@ "
        + "to_tsquery('english', md5('17'))", conversation), "a merged message is found by its own word");
  }
}
