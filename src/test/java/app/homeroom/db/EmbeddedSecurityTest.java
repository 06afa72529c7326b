package app.homeroom.db;

import app.homeroom.support.TestEnv;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 24, point 1: the embedded PostgreSQL asks every connection for a password, kept in a file only its owner
 * can read, and the nodes' role owns nothing, so the record (messages, audit events) cannot be rewritten from the
 * app's login. Before: {@code pg_hba} trusted every local user, and the app signed in as the superuser.
 */
class EmbeddedSecurityTest {

  @Test
  @DisplayName("Issue 24.1: nobody signs in without the password, which only the data folder's owner can read")
  void passwords_are_required_and_private() throws Exception {
    EmbeddedDatabase db = TestEnv.embedded();
    assumeTrue(db != null, "an external test database is as its operator made it");
    DbTarget app = db.target();
    SQLException refused = assertThrows(SQLException.class,
        () -> DriverManager.getConnection(app.jdbcUrl(), "postgres", "").close());
    // The server asked for a password (SCRAM), which the driver had none to give.
    assertTrue(refused.getMessage().contains("SCRAM"), refused.getMessage());
    for (String[] guess : new String[][] {{"postgres", "postgres"}, {app.user(), "wrong"}, {"homeroom_owner", ""}}) {
      SQLException e = assertThrows(SQLException.class,
          () -> DriverManager.getConnection(app.jdbcUrl(), guess[0], guess[1].isEmpty() ? "x" : guess[1]).close());
      assertEquals("28P01", e.getSQLState(), e.getMessage()); // password authentication failed
    }
    // Over TCP from 127.0.0.1 above; over the server's Unix socket too (pg_hba's "local" line).
    assertFalse(Files.readString(TestEnv.embeddedDataDir().resolve("pg_hba.conf")).lines()
        .anyMatch(l -> !l.strip().startsWith("#") && l.strip().endsWith("trust")), "no pg_hba line trusts anyone");
    Path file = Credentials.file(TestEnv.embeddedDataDir());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (Connection c = DriverManager.getConnection(app.jdbcUrl(), app.user(), app.password())) {
      assertTrue(c.isValid(2));
    }
  }

  @Test
  @DisplayName("Issue 24.1: the app's role owns nothing: it cannot rewrite, truncate or unprotect the record")
  void the_app_role_cannot_rewrite_the_record() throws Exception {
    EmbeddedDatabase db = TestEnv.embedded();
    assumeTrue(db != null, "an external test database is as its operator made it");
    DbTarget app = db.target();
    try (Connection c = DriverManager.getConnection(app.jdbcUrl(), app.user(), app.password())) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
          select r.rolsuper, r.rolcreaterole, r.rolbypassrls, pg_has_role(current_user, 'homeroom_owner', 'member'),
                 (select count(*) from pg_class k join pg_namespace n on n.oid = k.relnamespace
                   where n.nspname = 'public' and k.relowner = r.oid)
            from pg_roles r where r.rolname = current_user""")) {
        assertTrue(rs.next());
        assertFalse(rs.getBoolean(1), "not a superuser");
        assertFalse(rs.getBoolean(2), "cannot make roles");
        assertFalse(rs.getBoolean(3), "cannot bypass row security");
        assertFalse(rs.getBoolean(4), "not a member of the owner role");
        assertEquals(0, rs.getLong(5), "owns no table");
      }
      for (String attack : new String[] {
          "update messages set body = 'rewritten'",
          "delete from messages",
          "delete from audit_events",
          "update audit_events set action = 'nothing'",
          "truncate messages",
          "truncate audit_events",
          "alter table messages disable trigger messages_append_only",
          "alter table messages disable trigger all",
          "drop trigger audit_events_append_only on audit_events",
          "create or replace function messages_append_only() returns trigger language plpgsql as $$ begin return new; end $$",
          "set session_replication_role = replica",
          "create table public.smuggled (x int)",
          "delete from flyway_schema_history",
          "alter role homeroom_app superuser"}) {
        c.setAutoCommit(true);
        SQLException e = assertThrows(SQLException.class, () -> {
          try (Statement s = c.createStatement()) {
            s.execute(attack);
          }
        }, attack);
        assertEquals("42501", e.getSQLState(), attack + ": " + e.getMessage()); // insufficient privilege
      }
      // What it is for still works: rows in, rows out.
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from messages")) {
        assertTrue(rs.next());
      }
    }
  }

  @Test
  @DisplayName("Issue 24.1: a data folder from before, which trusted every local user, is locked down when it starts")
  void a_trusting_data_folder_is_locked_down() throws Exception {
    int port = TestEnv.freePort();
    Path data = Files.createTempDirectory("homeroom-legacy-pg").resolve("data");
    // What the library made on its own, and Homeroom before issue 24: trust, a superuser without a password.
    try (EmbeddedPostgres legacy = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
        .setPort(port).start();
         Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
         Statement s = c.createStatement()) {
      s.execute("create database homeroom");
      Migrations.migrate(DbTarget.embedded(port)); // as the superuser, who then owned every table
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.startOrJoin(port, data, false)) {
      db.migrate();
      assertThrows(SQLException.class, () -> DriverManager.getConnection(db.target().jdbcUrl(), "postgres", "").close());
      assertFalse(Files.readString(data.resolve("pg_hba.conf")).lines()
          .anyMatch(l -> !l.strip().startsWith("#") && l.strip().endsWith("trust")), "no pg_hba line trusts anyone");
      assertTrue(EmbeddedDatabase.canConnect(db.target()));
      // The legacy tables, once the superuser's, now belong to the owner role.
      try (Connection c = DriverManager.getConnection(db.superuserTarget().jdbcUrl(), "postgres",
          db.superuserTarget().password());
           Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("select count(*) from pg_tables where schemaname = 'public' and tableowner <> 'homeroom_owner'")) {
        assertTrue(rs.next());
        assertEquals(0, rs.getLong(1));
      }
    }
  }
}
