package app.homeroom.load;

import app.homeroom.account.Passwords;
import app.homeroom.session.Sessions;
import app.homeroom.bus.Identity;
import app.homeroom.db.DbTarget;
import app.homeroom.session.KeyVault;
import app.homeroom.session.SigningKeyStore;
import app.homeroom.session.SigningKeys;
import io.vertx.core.Vertx;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated people: students (each with their conversation) and admins, with session cookies.
 *
 * <p>Against Homeroom, accounts are seeded straight into the database, marked {@code load-…@load.homeroom.invalid}
 * (roll IDs {@code load-000001}, classes {@code load-0 … load-19}) and reused by later runs; every load
 * account shares one bcrypt hash of a random password, so nobody can sign in with them. Instead of one login
 * (one bcrypt check) per simulated user, the generator signs their session tokens itself with the nodes' key,
 * exactly as {@link Sessions} does after a login: logging in is not what is measured. Conversations are created
 * by SQL too, one per student, as {@code chat.conversation.open} would.
 *
 * <p>Against the baseline, the people are synthetic: students 1..N, conversation id = student id, admins after.
 */
record Population(List<Person> students, List<Person> admins, Map<Long, Integer> studentByConversation) {

  static final String EMAIL_DOMAIN = "@load.homeroom.invalid";
  static final String STUDENT_EMAIL_LIKE = "load-s%" + EMAIL_DOMAIN;
  static final String ADMIN_EMAIL_LIKE = "load-a%" + EMAIL_DOMAIN;

  /** One simulated user; {@code conversationId} is 0 for admins, {@code cookie} null against the baseline. */
  record Person(long userId, String name, long conversationId, String cookie) {}

  static Population synthetic(int students, int admins) {
    List<Person> s = new ArrayList<>(students);
    Map<Long, Integer> byConversation = new HashMap<>();
    for (int i = 0; i < students; i++) {
      s.add(new Person(i + 1, "Student " + (i + 1), i + 1, null));
      byConversation.put((long) (i + 1), i);
    }
    List<Person> a = new ArrayList<>(admins);
    for (int i = 0; i < admins; i++) {
      a.add(new Person(students + i + 1, "Admin " + (i + 1), 0, null));
    }
    return new Population(List.copyOf(s), List.copyOf(a), Map.copyOf(byConversation));
  }

  /** Finds or creates the load accounts and conversations, and signs a session for each. */
  static Population seed(LoadOptions o, Vertx vertx, java.io.PrintStream log) {
    DbTarget db = o.dbTarget();
    long t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      String key = o.sessionKey != null ? o.sessionKey : System.getenv("HOMEROOM_JWT_SECRET");
      SigningKeys keys;
      if (key != null && !key.isBlank()) {
        keys = SigningKeys.configured(vertx, key, List.of());
      } else {
        // The keys the nodes keep in the database, sealed with their key file (issue 24, point 1).
        SigningKeyStore.Loaded kept = new SigningKeyStore(db, KeyVault.open(java.nio.file.Path.of(o.keyFile))).load();
        keys = new SigningKeys(vertx, kept.signingKid(), kept.accepted());
      }
      String hash = one(c, "select password_hash from users where email like '" + STUDENT_EMAIL_LIKE + "' limit 1");
      if (hash == null) {
        hash = Passwords.hash(Passwords.generate(24));
      }
      long existingStudents = count(c, "select count(*) from users where email like '" + STUDENT_EMAIL_LIKE + "'");
      if (existingStudents < o.students) {
        exec(c, """
            insert into users (role, name, email, password_hash, roll_id, class_name)
            select 'student', 'Load Student ' || g, 'load-s' || lpad(g::text, 6, '0') || ?, ?,
                   'load-' || lpad(g::text, 6, '0'), 'load-' || (g % 20)
              from generate_series(1, ?) g
            on conflict do nothing""", EMAIL_DOMAIN, hash, o.students);
      }
      long existingAdmins = count(c, "select count(*) from users where email like '" + ADMIN_EMAIL_LIKE + "'");
      if (existingAdmins < Math.max(1, o.admins)) {
        exec(c, """
            insert into users (role, name, email, password_hash)
            select 'admin', 'Load Admin ' || g, 'load-a' || lpad(g::text, 3, '0') || ?, ?
              from generate_series(1, ?) g
            on conflict do nothing""", EMAIL_DOMAIN, hash, Math.max(1, o.admins));
      }
      long creator = Long.parseLong(one(c, "select min(id)::text from users where email like '" + ADMIN_EMAIL_LIKE + "'"));
      int created = exec(c, """
          insert into conversations (student_id, created_by)
          select id, ? from users where role = 'student' and email like ?
          on conflict (student_id) do nothing""", creator, STUDENT_EMAIL_LIKE);
      if (created > 1000) {
        exec(c, "analyze users");
        exec(c, "analyze conversations");
      }

      Sessions sessions = new Sessions(keys, o.sessionHours);
      List<Person> students = new ArrayList<>(o.students);
      Map<Long, Integer> byConversation = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement("""
          select u.id, u.name, c.id from users u join conversations c on c.student_id = u.id
           where u.role = 'student' and u.email like ? order by u.email limit ?""")) {
        ps.setString(1, STUDENT_EMAIL_LIKE);
        ps.setInt(2, o.students);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long id = rs.getLong(1);
            String name = rs.getString(2);
            long conversation = rs.getLong(3);
            byConversation.put(conversation, students.size());
            students.add(new Person(id, name, conversation, cookie(sessions, id, Identity.Role.STUDENT, name)));
          }
        }
      }
      List<Person> admins = new ArrayList<>(o.admins);
      try (PreparedStatement ps = c.prepareStatement(
          "select id, name from users where role = 'admin' and email like ? order by email limit ?")) {
        ps.setString(1, ADMIN_EMAIL_LIKE);
        ps.setInt(2, o.admins);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long id = rs.getLong(1);
            String name = rs.getString(2);
            admins.add(new Person(id, name, 0, cookie(sessions, id, Identity.Role.ADMIN, name)));
          }
        }
      }
      if (students.size() != o.students || admins.size() != o.admins) {
        throw new IllegalStateException("seeded " + students.size() + " students and " + admins.size() + " admins, wanted "
            + o.students + " and " + o.admins);
      }
      log.printf("Load accounts ready: %,d students (%,d conversations created now), %,d admins in %.1f s%n",
          students.size(), created, admins.size(), (System.nanoTime() - t0) / 1e9);
      return new Population(List.copyOf(students), List.copyOf(admins), Map.copyOf(byConversation));
    } catch (SQLException e) {
      throw new IllegalStateException("could not seed load accounts in " + db.jdbcUrl() + ": " + e.getMessage(), e);
    }
  }

  /** Rows stored by one run (its message bodies start with {@code load:<runId>:}): total and distinct clientMsgIds. */
  static long[] storedByRun(LoadOptions o, String runId) {
    DbTarget db = o.dbTarget();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         PreparedStatement ps = c.prepareStatement(
             "select count(*), count(distinct (sender_id, client_msg_id)) from messages where body like ?")) {
      ps.setString(1, "load:" + runId + ":%");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not count stored messages: " + e.getMessage(), e);
    }
  }

  private static String cookie(Sessions sessions, long id, Identity.Role role, String name) {
    return Sessions.COOKIE + "=" + sessions.issue(new Identity(id, role, name));
  }

  private static String one(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    String v = one(c, sql);
    return v == null ? 0 : Long.parseLong(v);
  }

  private static int exec(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }
}
