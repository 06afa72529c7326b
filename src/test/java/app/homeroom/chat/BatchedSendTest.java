package app.homeroom.chat;

import app.homeroom.chat.notifications.Notifications;

import app.homeroom.batch.GroupCommit;

import app.homeroom.bus.Identity;
import app.homeroom.db.DbTarget;
import app.homeroom.support.Await;
import app.homeroom.support.TestEnv;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 with R3.3, R2.3 and R6.3: under load, sends are group-committed ({@link GroupCommit}), a batch being one
 * statement. A burst of sends made at once, as a busy node gets them, must be stored
 * exactly as the same sends one after another would be: every clientMsgId once, gap-free sequences in call order per
 * sender, one "reopened" entry for a closed conversation, the running student counts behind unread (R2.3), and each
 * sender's read mark at their last message.
 */
class BatchedSendTest {

  private static Vertx vertx;
  private static Pool pool;
  private static Identity admin;
  private static final List<Identity> students = new ArrayList<>();
  private static final List<Long> conversations = new ArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pool = TestEnv.pool(vertx, 4);
    String run = UUID.randomUUID().toString().substring(0, 8);
    long adminId = TestEnv.db().createAdmin("Batch Admin", "batch-admin-" + run + "@test.school", "correct horse battery");
    admin = new Identity(adminId, Identity.Role.ADMIN, "Batch Admin");
    for (int i = 0; i < 16; i++) {
      long id = TestEnv.db().createStudent("Batch Student " + i, "batch-" + i + "-" + run + "@test.school",
          "B-" + run + "-" + i, "9Z", "correct horse battery");
      students.add(new Identity(id, Identity.Role.STUDENT, "Batch Student " + i));
      conversations.add(TestEnv.db().queryLong(
          "insert into conversations (student_id, created_by) values (?, ?) returning id", id, adminId));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    TestEnv.db().exec("drop trigger if exists mark_statements_count on conversation_reads");
    TestEnv.db().exec("drop function if exists mark_statements_count()");
    TestEnv.db().exec("drop table if exists mark_statements");
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private record Send(Identity sender, long conversationId, UUID clientMsgId, String body) {}

  private static <T> T onLoop(java.util.function.Supplier<Future<T>> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    vertx.runOnContext(v -> work.get().onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(ar.result());
      } else {
        done.completeExceptionally(ar.cause());
      }
    }));
    return done.get(60, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("issue 9: the send statement is planned once, not again at every send")
  void theSendStatementKeepsItsPlan() {
    // A batch of one, the usual size at moderate load. PostgreSQL plans a prepared statement for its arguments five
    // times, then keeps its generic plan unless that costs more; were the generic plan to cost more than the plan for
    // one send, each send would be planned again, which costs more than running it (issue 9).
    String oneSend = "array[-1]::bigint[], array[-1]::bigint[], array[gen_random_uuid()], array['hello'], array[false], array[null]::bigint[]";
    double generic = TestEnv.db().planCost(ChatSql.INSERT_INTO_ACTIVE, oneSend, true);
    double custom = TestEnv.db().planCost(ChatSql.INSERT_INTO_ACTIVE, oneSend, false);
    assertTrue(generic <= custom, "the generic plan (" + generic + ") costs no more than one send's (" + custom + ")");
  }

  @Test
  @DisplayName("issue 9: the read and delivered mark statements are planned once, not again at every batch")
  void theMarkStatementsKeepTheirPlans() {
    String oneMark = "array[-1]::bigint[], array[-1]::bigint[], array[1]::bigint[]";
    for (String sql : List.of(ChatSql.MARK_READ, ChatSql.MARK_DELIVERED)) {
      double generic = TestEnv.db().planCost(sql, oneMark, true);
      double custom = TestEnv.db().planCost(sql, oneMark, false);
      assertTrue(generic <= custom, "the generic plan (" + generic + ") costs no more than one mark's (" + custom + ")");
    }
  }

  @Test
  @DisplayName("issue 9: the send and mark statements look rows up by index even when planned on empty tables")
  void theBatchStatementsUseTheIndexesFromTheStart() throws Exception {
    // A node's connections plan a statement in the first seconds of a school's day, when the tables may be nearly
    // empty and never analyzed, and keep that plan until an autovacuum analyze. Joining the batch's arrays to
    // messages by hashes then read the whole table for every batch as it grew: a load run's p99 went to 20 s.
    try (java.sql.Connection c = TestEnv.db().connect(); java.sql.Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute("create schema plan_probe");
      for (String table : List.of("messages", "conversations", "conversation_reads", "users", "acknowledgements", "attachments")) {
        st.execute("create table plan_probe." + table + " (like public." + table + " including all)");
      }
      st.execute("set local search_path = plan_probe");
      st.execute("set local plan_cache_mode = force_generic_plan");
      String oneMark = "array[1]::bigint[], array[1]::bigint[], array[1]::bigint[]";
      String oneSend = "array[1]::bigint[], array[1]::bigint[], array[gen_random_uuid()], array['hello'], array[false], array[null]::bigint[]";
      // First everything empty; then a school's roster imported and analyzed while messages is still empty (a load
      // run's first minute: the send's duplicate check hashed all messages for every batch, a 15 s stall).
      for (String state : List.of("empty", "roster")) {
        if (state.equals("roster")) {
          st.execute("insert into plan_probe.conversations (student_id, created_by)"
              + " select g, 1 from generate_series(1, 2000) g");
          st.execute("analyze plan_probe.conversations");
        }
        for (String[] statement : List.of(new String[] {ChatSql.MARK_READ, oneMark},
            new String[] {ChatSql.MARK_DELIVERED, oneMark}, new String[] {ChatSql.INSERT_INTO_ACTIVE, oneSend})) {
          st.execute("prepare probed as " + statement[0]);
          StringBuilder plan = new StringBuilder();
          try (java.sql.ResultSet rs = st.executeQuery("explain execute probed(" + statement[1] + ")")) {
            while (rs.next()) {
              plan.append(rs.getString(1)).append('\n');
            }
          }
          st.execute("deallocate probed");
          for (String table : List.of("messages", "conversations", "conversation_reads")) {
            assertFalse(plan.toString().matches("(?s).*Seq Scan on " + table + "\\b.*"),
                state + ": no scan of all " + table + ":\n" + plan);
          }
        }
      }
      c.rollback();
    }
  }

  @Test
  @DisplayName("issue 9, issue 28: a batch never waits for a conversation another transaction holds: it stores the"
      + " others and says which it skipped, whatever plan joins them")
  void aBatchSkipsAConversationHeldElsewhere() throws Exception {
    // A school runs several nodes, each with its own batches, and an announcement locks every recipient's conversation
    // until it commits. A batch that waited for one of them would hold up every send behind it on its node.
    PgConnectOptions options = DbTarget.fromConfig(TestEnv.config(0).db()).connectOptions();
    options.addProperty("enable_nestloop", "off");
    options.addProperty("enable_mergejoin", "off");
    Pool hashJoins = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(options).using(vertx).build();
    long low = conversations.get(10);
    long middle = conversations.get(11);
    long high = conversations.get(12);
    // New row versions of the lower two: the table's own order (a scan's, and a hash join's) now starts at the highest.
    TestEnv.db().exec("update conversations set last_message_at = last_message_at where id = ?", low);
    TestEnv.db().exec("update conversations set last_message_at = last_message_at where id = ?", middle);
    try (java.sql.Connection holder = TestEnv.db().connect()) {
      holder.setAutoCommit(false);
      for (int round = 0; round < 4; round++) {
        holder.createStatement().execute("select 1 from conversations where id = " + middle + " for update");
        long middleSeq = TestEnv.db().queryLong("select last_seq from conversations where id = ?", middle);
        List<io.vertx.sqlclient.Tuple> sends = new ArrayList<>();
        for (long c : new long[] {low, middle, high}) {
          sends.add(io.vertx.sqlclient.Tuple.of(c, admin.userId(), UUID.randomUUID(), "in order " + round, false, null));
        }
        CompletableFuture<List<io.vertx.sqlclient.Row>> answered = new CompletableFuture<>();
        vertx.runOnContext(v -> hashJoins.preparedQuery(ChatSql.INSERT_INTO_ACTIVE)
            .execute(ChatService.SENDS_AS_ARRAYS.arguments().apply(sends))
            .onComplete(ar -> {
              if (ar.succeeded()) {
                List<io.vertx.sqlclient.Row> rows = new ArrayList<>();
                ar.result().forEach(rows::add);
                answered.complete(rows);
              } else {
                answered.completeExceptionally(ar.cause());
              }
            }));
        // Answered while the middle one is still held: the batch did not wait.
        List<io.vertx.sqlclient.Row> rows = answered.get(5, TimeUnit.SECONDS);
        Map<Long, Boolean> skipped = new HashMap<>();
        for (io.vertx.sqlclient.Row row : rows) {
          skipped.put(row.getLong("send_conversation_id"), row.getBoolean("skipped"));
          assertEquals(row.getBoolean("skipped"), row.getLong("id") == null, "a skipped send stored nothing");
        }
        assertEquals(Map.of(low, false, middle, true, high, false), skipped, "round " + round);
        holder.rollback();
        assertEquals(middleSeq, TestEnv.db().queryLong("select last_seq from conversations where id = ?", middle));
      }
    } finally {
      hashJoins.close();
    }
  }

  @Test
  @DisplayName("issue 28: a send to a conversation held elsewhere waits on its own, in order with its conversation's"
      + " next send, while the sends to other conversations are stored at once")
  void aHeldConversationDoesNotHoldUpTheOthers() throws Exception {
    ChatService chat = new ChatService(pool);
    long held = conversations.get(14);
    long free = conversations.get(15);
    try (java.sql.Connection holder = TestEnv.db().connect()) {
      holder.setAutoCommit(false);
      holder.createStatement().execute("select 1 from conversations where id = " + held + " for no key update");
      CompletableFuture<List<ChatService.Sent>> waiting = new CompletableFuture<>();
      vertx.runOnContext(v -> Future.all(chat.sendMessage(admin, held, UUID.randomUUID(), "first, held"),
              chat.sendMessage(admin, held, UUID.randomUUID(), "second, held"))
          .onComplete(ar -> {
            if (ar.succeeded()) {
              waiting.complete(List.of(ar.result().resultAt(0), ar.result().resultAt(1)));
            } else {
              waiting.completeExceptionally(ar.cause());
            }
          }));
      // Sends to another conversation, one after another, go through while those wait.
      for (int i = 0; i < 5; i++) {
        int n = i;
        ChatService.Sent sent = onLoop(() -> chat.sendMessage(admin, free, UUID.randomUUID(), "free " + n));
        assertFalse(sent.duplicate());
      }
      assertFalse(waiting.isDone(), "the held conversation's sends wait for its lock");
      holder.commit();
      List<ChatService.Sent> stored = waiting.get(10, TimeUnit.SECONDS);
      assertEquals("first, held", stored.get(0).message().getString("body"));
      assertEquals(stored.get(0).message().getLong("seq") + 1, stored.get(1).message().getLong("seq"),
          "the second stored right after the first");
    }
  }

  @Test
  @DisplayName("issue 9: a burst of sends stored in batches means what the sends one by one mean")
  void burstMeansSequential() throws Exception {
    ChatService chat = new ChatService(pool);
    long closed = conversations.get(3);
    onLoop(() -> chat.status().change(admin, closed, true, "end of term"));

    Random random = new Random(42);
    List<Send> sends = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      int c = random.nextInt(conversations.size());
      Identity sender = random.nextBoolean() ? admin : students.get(c);
      sends.add(new Send(sender, conversations.get(c), UUID.randomUUID(), "burst " + i));
      if (i % 40 == 39) {
        // A retry of an earlier send, in the same burst: stored once.
        Send again = sends.get(i - 5);
        sends.add(new Send(again.sender(), again.conversationId(), again.clientMsgId(), again.body()));
      }
    }

    List<ChatService.Sent> results = onLoop(() -> {
      List<Future<ChatService.Sent>> all = new ArrayList<>();
      for (Send s : sends) {
        all.add(chat.sendMessage(s.sender(), s.conversationId(), s.clientMsgId(), s.body()));
      }
      return Future.all(all).map(done -> {
        List<ChatService.Sent> out = new ArrayList<>();
        for (Future<ChatService.Sent> f : all) {
          out.add(f.result());
        }
        return out;
      });
    });

    assertTrue(chat.insertBatches() < sends.size() / 4,
        "the burst went out in batches: " + chat.insertBatches() + " for " + sends.size() + " sends");
    assertEquals(0, chat.insertFallbacks(), "no batch failed (a repeat in flight waits for its original)");
    // The fast statement (active conversations, new ids) stored the usual sends; the full one took the 10 repeats
    // and the send that reopened the closed conversation.
    assertEquals(11, chat.insertReruns(), "sends the full statement took");

    // Every clientMsgId stored once; a repeat answers with the stored message.
    Map<UUID, Long> idByClient = new HashMap<>();
    int duplicates = 0;
    for (int i = 0; i < sends.size(); i++) {
      ChatService.Sent sent = results.get(i);
      long id = sent.message().getLong("id");
      Long first = idByClient.putIfAbsent(sends.get(i).clientMsgId(), id);
      if (first != null) {
        assertEquals(first, id, "send " + i + " repeats an earlier one");
        assertTrue(sent.duplicate(), "send " + i + " is a repeat");
        duplicates++;
      } else {
        assertFalse(sent.duplicate(), "send " + i + " is new");
        assertEquals(sends.get(i).body(), sent.message().getString("body"));
        assertEquals(sends.get(i).conversationId(), sent.message().getLong("conversationId"));
      }
    }
    assertEquals(10, duplicates);

    // Per sender and conversation, sequences follow the order of the calls.
    Map<String, Long> lastSeq = new HashMap<>();
    for (int i = 0; i < sends.size(); i++) {
      if (results.get(i).duplicate()) {
        continue;
      }
      String key = sends.get(i).sender().userId() + "/" + sends.get(i).conversationId();
      long seq = results.get(i).message().getLong("seq");
      Long before = lastSeq.put(key, seq);
      assertTrue(before == null || seq > before, "send " + i + " came after the sender's earlier ones");
    }

    for (int c = 0; c < conversations.size(); c++) {
      long id = conversations.get(c);
      long studentId = students.get(c).userId();
      // Gap-free sequences, and the conversation's counters agree with its rows.
      assertEquals(TestEnv.db().queryLong("select count(*) from messages where conversation_id = ?", id),
          TestEnv.db().queryLong("select max(seq) from messages where conversation_id = ?", id), "conversation " + c);
      assertEquals(TestEnv.db().queryLong("select max(seq) from messages where conversation_id = ?", id),
          TestEnv.db().queryLong("select last_seq from conversations where id = ?", id));
      assertEquals(TestEnv.db().queryLong(
              "select count(*) from messages where conversation_id = ? and kind = 'message' and sender_id = ?", id, studentId),
          TestEnv.db().queryLong("select student_msg_count from conversations where id = ?", id));
      // Each message's running count of the student's messages (unread, R2.3).
      assertEquals(0, TestEnv.db().queryLong("""
          select count(*) from (
            select student_count, count(*) filter (where kind = 'message' and sender_id = ?) over (order by seq) as running
              from messages where conversation_id = ?) x
           where student_count <> running""", studentId, id), "student counts of conversation " + c);
      // Each sender's read mark is at their last message (R2.3).
      assertEquals(0, TestEnv.db().queryLong("""
          select count(*) from (select sender_id, max(seq) as last from messages
                                 where conversation_id = ? and kind = 'message' group by sender_id) s
            left join conversation_reads r on r.conversation_id = ? and r.user_id = s.sender_id
           where r.read_seq is distinct from s.last""", id, id), "read marks of conversation " + c);
    }

    // The closed conversation was reopened once, just before its first new message (R6.3).
    assertEquals("active", TestEnv.db().queryString("select status from conversations where id = ?", closed));
    assertEquals(1, TestEnv.db().queryLong(
        "select count(*) from messages where conversation_id = ? and kind = 'reopened'", closed));
    assertEquals(TestEnv.db().queryLong(
            "select seq + 1 from messages where conversation_id = ? and kind = 'reopened'", closed),
        TestEnv.db().queryLong("select min(seq) from messages where conversation_id = ? and kind = 'message'", closed));
    long reopenedBy = results.stream().filter(r -> r.reopened() != null).count();
    assertEquals(1, reopenedBy, "one sender was told they reopened it");
    assertEquals(1, TestEnv.db().queryLong(
        "select count(*) from audit_events where action = 'conversation.reopened' and target_id = ?", closed));
  }

  @Test
  @DisplayName("issue 9 with R4.3, R4.4: an acknowledgement up to a sequence the node stored is checked without a query")
  void acknowledgementsCheckedFromMemory() throws Exception {
    Pool own = io.vertx.pgclient.PgBuilder.pool().with(new io.vertx.sqlclient.PoolOptions().setMaxSize(2))
        .connectingTo(DbTarget.fromConfig(TestEnv.config(0).db()).connectOptions()).using(vertx).build();
    ChatService chat = new ChatService(own);
    Identity student = students.get(1);
    long conversation = conversations.get(1);
    ChatService.Sent sent = onLoop(() -> chat.sendMessage(student, conversation, UUID.randomUUID(), "ack me"));
    long seq = sent.message().getLong("seq");

    own.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // With the pool closed, only what the node remembers can answer.
    var checked = onLoop(() -> chat.checkAck(student, conversation, seq));
    assertEquals(students.get(1).userId(), checked.getLong("studentId"));
    assertEquals(conversation, checked.getLong("id"));
    assertEquals(conversation, onLoop(() -> chat.checkAck(admin, conversation, seq - 1)).getLong("id"));
    // Another student's acknowledgement is still refused (404), and a later sequence still asks the database.
    var other = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> onLoop(() -> chat.checkAck(students.get(2), conversation, seq)));
    assertEquals(404, ((app.homeroom.common.ApiError) other.getCause()).status());
    var beyond = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> onLoop(() -> chat.checkAck(student, conversation, seq + 1)));
    assertFalse(beyond.getCause() instanceof app.homeroom.common.ApiError, "went to the (closed) pool: " + beyond.getCause());
  }

  @Test
  @DisplayName("issue 9 with R5.2: a staff send answers the student's notification itself, as the query would")
  void aStaffSendAnswersTheNotification() throws Exception {
    ChatService chat = new ChatService(pool);
    long conversation = conversations.get(5);
    Identity student = students.get(5);
    onLoop(() -> chat.sendMessage(admin, conversation, UUID.randomUUID(), "first"));
    ChatService.Sent mine = onLoop(() -> chat.sendMessage(student, conversation, UUID.randomUUID(), "a reply"));
    assertEquals(null, mine.studentUnread(), "a student's own message answers none");
    // Replying moved the student's read mark past "first": only what staff wrote after counts.
    onLoop(() -> chat.sendMessage(admin, conversation, UUID.randomUUID(), "second"));
    ChatService.Sent staff = onLoop(() -> chat.sendMessage(admin, conversation, UUID.randomUUID(), "third"));
    assertTrue(staff.studentUnread() != null, "the send statement answered it (no query after the send)");
    io.vertx.core.json.JsonArray answered = Notifications.afterStaffMessage(staff.message(), staff.studentUnread(), staff.startedBy());
    assertEquals(onLoop(() -> new Notifications(pool, chat).notificationsFor(student.userId())), answered);
    assertEquals(2, answered.getJsonObject(0).getLong("count"));
    assertEquals("third", answered.getJsonObject(0).getString("latestExcerpt"));
  }

  private record Mark(long read, long delivered, long readStudentCount) {}

  /** The statements that wrote to conversation_reads so far, whatever rows each wrote (a statement-level trigger). */
  private static long markStatements() {
    TestEnv.db().exec("create table if not exists mark_statements (n bigint not null)");
    TestEnv.db().exec("insert into mark_statements select 0 where not exists (select 1 from mark_statements)");
    TestEnv.db().exec("create or replace function mark_statements_count() returns trigger language plpgsql as $$"
        + " begin update mark_statements set n = n + 1; return null; end $$");
    TestEnv.db().exec("create or replace trigger mark_statements_count after insert on conversation_reads"
        + " for each statement execute function mark_statements_count()");
    return TestEnv.db().queryLong("select n from mark_statements");
  }

  @Test
  @DisplayName("issue 9 with R2.3, R4.3, R4.4: a burst of read and delivered marks is one statement a batch, and means the marks one by one")
  void aBurstOfMarksIsOneStatementABatch() throws Exception {
    ChatService chat = new ChatService(pool);
    String run = UUID.randomUUID().toString().substring(0, 8);
    Identity otherAdmin = new Identity(TestEnv.db().createAdmin("Marks Admin", "marks-admin-" + run + "@test.school",
        "correct horse battery"), Identity.Role.ADMIN, "Marks Admin");
    onLoop(() -> {
      List<Future<ChatService.Sent>> all = new ArrayList<>();
      for (int c = 6; c < 14; c++) {
        for (int i = 0; i < 4; i++) {
          Identity sender = i % 2 == 0 ? admin : students.get(c);
          all.add(chat.sendMessage(sender, conversations.get(c), UUID.randomUUID(), "to be read " + i));
        }
      }
      return Future.all(all);
    });
    Random random = new Random(7);
    // Readers: both admins, and the conversation's student; sequences at random, some behind the mark already.
    record Ack(long userId, long conversationId, long seq) {}
    Map<String, Mark> model = new HashMap<>();
    for (int c = 6; c < 14; c++) {
      for (long user : new long[] {admin.userId(), otherAdmin.userId(), students.get(c).userId()}) {
        model.put(user + "/" + conversations.get(c), markInDb(user, conversations.get(c)));
      }
    }
    for (boolean reads : new boolean[] {true, false}) {
      List<Ack> acks = new ArrayList<>();
      for (int i = 0; i < 240; i++) {
        int c = 6 + random.nextInt(8);
        long conversation = conversations.get(c);
        long[] readers = {admin.userId(), otherAdmin.userId(), students.get(c).userId()};
        long last = TestEnv.db().queryLong("select last_seq from conversations where id = ?", conversation);
        acks.add(new Ack(readers[random.nextInt(3)], conversation, 1 + random.nextInt((int) last)));
      }
      long batchesBefore = reads ? chat.marks().readMarkBatches() : chat.marks().deliveredMarkBatches();
      long statementsBefore = markStatements();
      List<io.vertx.core.json.JsonObject> replies = onLoop(() -> {
        List<Future<io.vertx.core.json.JsonObject>> all = new ArrayList<>();
        for (Ack a : acks) {
          all.add(reads ? chat.marks().writeRead(a.userId(), a.conversationId(), a.seq())
              : chat.marks().writeDelivered(a.userId(), a.conversationId(), a.seq()));
        }
        return Future.all(all).map(done -> all.stream().map(Future::result).toList());
      });
      long batches = (reads ? chat.marks().readMarkBatches() : chat.marks().deliveredMarkBatches()) - batchesBefore;
      String kind = reads ? "read" : "delivered";
      assertTrue(batches < acks.size() / 4, "the " + kind + " marks went out in batches: " + batches);
      assertEquals(batches, markStatements() - statementsBefore, "one statement writes a batch of " + kind + " marks");

      // Each reply is what the same acknowledgements one after another answer (calls of one reader and
      // conversation keep their order).
      for (int i = 0; i < acks.size(); i++) {
        Ack a = acks.get(i);
        String key = a.userId() + "/" + a.conversationId();
        Mark before = model.get(key);
        boolean moves = reads ? a.seq() > before.read() : a.seq() > before.delivered();
        Mark after;
        if (reads) {
          after = moves
              ? new Mark(a.seq(), Math.max(before.delivered(), a.seq()), TestEnv.db().queryLong(
                  "select student_count from messages where conversation_id = ? and seq = ?", a.conversationId(), a.seq()))
              : before;
        } else {
          after = moves ? new Mark(before.read(), a.seq(), before.readStudentCount()) : before;
        }
        model.put(key, after);
        io.vertx.core.json.JsonObject reply = replies.get(i);
        String call = kind + " " + i + " " + a;
        assertEquals(a.conversationId(), reply.getLong("conversationId"), call);
        assertEquals(after.read(), reply.getLong("readSeq"), call);
        assertEquals(after.delivered(), reply.getLong("deliveredSeq"), call);
        assertEquals(moves, reply.getBoolean("moved"), call);
        if (reads) {
          long unread = TestEnv.db().queryLong("select student_msg_count from conversations where id = ?",
              a.conversationId()) - after.readStudentCount();
          assertEquals(unread, reply.getLong("unread"), call);
        }
      }
    }
    for (Map.Entry<String, Mark> e : model.entrySet()) {
      String[] key = e.getKey().split("/");
      assertEquals(e.getValue(), markInDb(Long.parseLong(key[0]), Long.parseLong(key[1])), "the marks of " + e.getKey());
    }
  }

  private static Mark markInDb(long userId, long conversationId) {
    long exists = TestEnv.db().queryLong(
        "select count(*) from conversation_reads where user_id = ? and conversation_id = ?", userId, conversationId);
    if (exists == 0) {
      return new Mark(0, 0, 0);
    }
    return new Mark(
        TestEnv.db().queryLong("select read_seq from conversation_reads where user_id = ? and conversation_id = ?",
            userId, conversationId),
        TestEnv.db().queryLong("select delivered_seq from conversation_reads where user_id = ? and conversation_id = ?",
            userId, conversationId),
        TestEnv.db().queryLong(
            "select read_student_count from conversation_reads where user_id = ? and conversation_id = ?",
            userId, conversationId));
  }
}
