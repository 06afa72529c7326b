package app.homeroom.seed;

import app.homeroom.account.Passwords;
import app.homeroom.db.DbTarget;
import app.homeroom.db.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A living demo school, seeded once per database ({@code --demo} or {@code HOMEROOM_DEMO=true}): three admins,
 * {@value #STUDENTS} students in eight classes, and conversations with history. Every demo account's password
 * is {@value #PASSWORD}. Deterministic (fixed random seed), one transaction, safe when two nodes start at once.
 */
public final class DemoSchool {

  public static final String PASSWORD = "homeroom-demo";
  public static final int STUDENTS = 240;
  public static final String[] ADMINS = {"Ada Lovelace", "Grace Hopper", "Alan Turing"};

  private static final Logger LOG = LoggerFactory.getLogger(DemoSchool.class);
  private static final String[] CLASSES = {"7A", "7B", "8A", "8B", "9A", "9B", "10A", "10B"};
  private static final String[] FIRST = {"Amelia", "Oliver", "Isla", "Noah", "Ava", "Leo", "Mia", "Arthur", "Freya",
      "Oscar", "Lily", "Theo", "Zara", "Jack", "Chloe", "Omar", "Priya", "Mateo", "Sofia", "Kenji", "Aisha", "Lucas",
      "Nora", "Ethan", "Hana", "Samuel", "Ines", "Yusuf", "Elena", "Finn"};
  private static final String[] LAST = {"Brown", "Smith", "Patel", "Nguyen", "Garcia", "Kowalski", "Okafor", "Rossi",
      "Schmidt", "Tanaka", "Haddad", "Murphy", "Silva", "Jensen", "Dubois", "Khan", "Novak", "Moreau", "Clarke",
      "Ivanova"};
  private static final String[][] EXCHANGES = {
      {"Hi! Just checking in about the science fair project. How is it going?",
          "Hi, it's going well! We finished the poster yesterday.",
          "Great to hear. Remember the submission deadline is Friday at noon.",
          "Thanks for the reminder, we'll submit on Thursday."},
      {"Hello, I noticed you missed Tuesday's maths class. Is everything okay?",
          "Sorry, I had a dentist appointment. My mum sent a note to the office.",
          "No problem, thanks for letting me know. The homework is on page 42."},
      {"Can I change my elective from art to music next term?",
          "Yes, that's possible. Fill in the elective form at the front desk by the 15th.",
          "Perfect, I'll do that tomorrow morning.", "Great. Let me know if you need anything else."},
      {"Your library books are two weeks overdue. Could you return them this week?",
          "Oh no, I forgot! I'll bring them tomorrow.", "Thank you!"},
      {"Is the football practice still on today with the rain?",
          "Practice moves to the sports hall today, same time.", "Thanks!"},
      {"Congratulations on your essay, it was chosen for the school magazine!",
          "Really? That's amazing, thank you so much!",
          "Well deserved. The editor will contact you about a photo."},
  };

  private DemoSchool() {}

  /** Seeds the demo school unless this database already has it. Blocking JDBC: start-up thread only. */
  public static void seed(DbTarget db) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      c.setAutoCommit(false);
      try (PreparedStatement mark = c.prepareStatement(
          "insert into settings (key, value) values ('demo_seeded', now()::text) on conflict (key) do nothing")) {
        if (mark.executeUpdate() == 0) {
          c.rollback();
          return;
        }
      }
      long t0 = System.nanoTime();
      // One hash for every demo account: they share a password, and hashing 243 times would take a minute.
      String hash = Passwords.hash(PASSWORD);
      Random random = new Random(20261124L);
      List<Long> admins = new ArrayList<>();
      for (String name : ADMINS) {
        String email = name.split(" ")[0].toLowerCase() + ".admin@demo.homeroom.app";
        admins.add(insertUser(c, "admin", name, email, hash, null, null));
      }
      List<String[]> pairs = new ArrayList<>();
      for (String f : FIRST) {
        for (String l : LAST) {
          pairs.add(new String[] {f, l});
        }
      }
      Collections.shuffle(pairs, random);
      List<Long> students = new ArrayList<>();
      for (int i = 0; i < STUDENTS; i++) {
        String[] p = pairs.get(i);
        String cls = CLASSES[i % CLASSES.length];
        String email = (p[0] + "." + p[1]).toLowerCase() + "@demo.homeroom.app";
        String rollId = "HR-" + cls + "-" + String.format("%03d", i + 1);
        students.add(insertUser(c, "student", p[0] + " " + p[1], email, hash, rollId, cls));
      }
      Instant now = Instant.now();
      int conversations = 0;
      for (int i = 0; i < 36; i++) {
        long student = students.get(i * 5 % students.size());
        long admin = admins.get(i % admins.size());
        String[] lines = EXCHANGES[i % EXCHANGES.length];
        Instant start = now.minus(Duration.ofMinutes(40L + random.nextInt(60 * 24 * 6)));
        long conversation = insertConversation(c, student, admin, start);
        Instant at = start;
        Instant last = start;
        long studentMessages = 0;
        boolean studentFirst = lines[0].startsWith("Can I") || lines[0].startsWith("Is the");
        for (int k = 0; k < lines.length; k++) {
          boolean fromAdmin = (k % 2 == 0) != studentFirst;
          if (!fromAdmin) {
            studentMessages++;
          }
          insertMessage(c, conversation, k + 1, fromAdmin ? admin : student, lines[k], at, studentMessages);
          last = at;
          at = at.plus(Duration.ofMinutes(1 + random.nextInt(25)));
        }
        long lastSeq = lines.length;
        // Every sixth conversation was closed by its admin once sorted (R6.3): an entry in the timeline.
        boolean closed = i % 6 == 5;
        if (closed) {
          lastSeq++;
          insertClosed(c, conversation, lastSeq, admin, at, studentMessages);
        }
        try (PreparedStatement ps = c.prepareStatement(
            "update conversations set last_seq = ?, last_message_at = ?, student_msg_count = ?, status = ? where id = ?")) {
          ps.setLong(1, lastSeq);
          ps.setTimestamp(2, Timestamp.from(last));
          ps.setLong(3, studentMessages);
          ps.setString(4, closed ? "closed" : "active");
          ps.setLong(5, conversation);
          ps.executeUpdate();
        }
        // A team inbox in use (issue 27): most conversations are assigned to the admin who started them, just after
        // the first message, so each admin's "Mine" has work in it; every fourth is left for the team to pick up.
        if (i % 4 != 3) {
          insertAssigned(c, conversation, admin, start.plus(Duration.ofSeconds(30)));
        }
        conversations++;
      }
      insertSavedReplies(c, admins.get(0));
      c.commit();
      LOG.info("Demo school seeded in {} ms: {} admins, {} students, {} conversations (password '{}')",
          (System.nanoTime() - t0) / 1_000_000, admins.size(), students.size(), conversations, PASSWORD);
      System.out.println("""

          Demo school ready. Sign in as an admin: ada.admin@demo.homeroom.app / %s
          or as a student, e.g. %s / %s (every demo account has that password).
          """.formatted(PASSWORD, studentEmail(c, students.get(0)), PASSWORD));
    } catch (SQLException e) {
      throw new StartupException("could not seed the demo school: " + e.getMessage());
    }
  }

  private static String studentEmail(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select email from users where id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static long insertUser(Connection c, String role, String name, String email, String hash, String rollId,
                                 String cls) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        insert into users (role, name, email, password_hash, roll_id, class_name) values (?, ?, ?, ?, ?, ?)
        returning id""")) {
      ps.setString(1, role);
      ps.setString(2, name);
      ps.setString(3, email);
      ps.setString(4, hash);
      ps.setString(5, rollId);
      ps.setString(6, cls);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** {@code admin} took the conversation after its first message: the assignment and its entry in the timeline. */
  private static void insertAssigned(Connection c, long conversation, long admin, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        insert into conversation_assignments (conversation_id, assignee_id, assigned_by, assigned_at)
        values (?, ?, ?, ?)""")) {
      ps.setLong(1, conversation);
      ps.setLong(2, admin);
      ps.setLong(3, admin);
      ps.setTimestamp(4, Timestamp.from(at));
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement("""
        insert into staff_entries (conversation_id, after_seq, kind, author_id, assignee_id, created_at)
        values (?, 1, 'assigned', ?, ?, ?)""")) {
      ps.setLong(1, conversation);
      ps.setLong(2, admin);
      ps.setLong(3, admin);
      ps.setTimestamp(4, Timestamp.from(at));
      ps.executeUpdate();
    }
  }

  /** A few saved replies the staff share (issue 27, point 4): type / in a chat's message box. */
  private static void insertSavedReplies(Connection c, long admin) throws SQLException {
    String[][] replies = {
        {"Trip form reminder", "Hi {student.first_name}, the trip form for {student.class} is due on Friday. Please bring it"
            + " signed, or ask at the office for a new one."},
        {"Absence follow-up", "Hello {student.first_name}, we missed you today. Is everything all right? Let us know if"
            + " you need the work you missed."},
        {"Thanks, all sorted", "Thanks {student.first_name}, that's all sorted now. - {me.name}"},
    };
    try (PreparedStatement ps = c.prepareStatement(
        "insert into saved_replies (title, body, created_by, updated_by) values (?, ?, ?, ?)")) {
      for (String[] reply : replies) {
        ps.setString(1, reply[0]);
        ps.setString(2, reply[1]);
        ps.setLong(3, admin);
        ps.setLong(4, admin);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static long insertConversation(Connection c, long student, long admin, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "insert into conversations (student_id, created_by, created_at) values (?, ?, ?) returning id")) {
      ps.setLong(1, student);
      ps.setLong(2, admin);
      ps.setTimestamp(3, Timestamp.from(at));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void insertMessage(Connection c, long conversation, long seq, long sender, String body, Instant at,
                                    long studentCount) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        insert into messages (conversation_id, seq, sender_id, client_msg_id, body, created_at, student_count)
        values (?, ?, ?, ?, ?, ?, ?)""")) {
      ps.setLong(1, conversation);
      ps.setLong(2, seq);
      ps.setLong(3, sender);
      ps.setObject(4, UUID.randomUUID());
      ps.setString(5, body);
      ps.setTimestamp(6, Timestamp.from(at));
      ps.setLong(7, studentCount);
      ps.executeUpdate();
    }
  }

  private static void insertClosed(Connection c, long conversation, long seq, long admin, Instant at, long studentCount)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        insert into messages (conversation_id, seq, kind, sender_id, client_msg_id, note, created_at, student_count)
        values (?, ?, 'closed', ?, ?, 'Sorted, thanks!', ?, ?)""")) {
      ps.setLong(1, conversation);
      ps.setLong(2, seq);
      ps.setLong(3, admin);
      ps.setObject(4, UUID.randomUUID());
      ps.setTimestamp(5, Timestamp.from(at));
      ps.setLong(6, studentCount);
      ps.executeUpdate();
    }
  }
}
