package app.homeroom.db;

import app.homeroom.support.TestEnv;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9: the write path (sends, marks) runs on connections that keep one generic plan per statement, because
 * planning the send statement and the read mark on every run cost more than running them; the reports (roster, search, audit), whose optional filters a
 * generic plan cannot see through, run on connections that plan every run (issue 3's roster budget).
 */
class DatabasePoolsTest {

  private static final Pattern SQL = Pattern.compile("(?is)^\\s*(with|select|insert|update)\\b.*\\b(from|into|set)\\b");

  private static final Pattern TEMPLATE = Pattern.compile("%(\\d+\\$)?s");

  private static Vertx vertx;
  private static DbTarget target;

  @BeforeAll
  static void start() {
    TestEnv.node();
    vertx = Vertx.vertx();
    target = DbTarget.fromConfig(TestEnv.config(0).db());
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String planCacheMode(Pool pool) throws Exception {
    return setting(pool, "plan_cache_mode", "setting");
  }

  /** A column of {@code pg_settings} for one setting, as a connection of {@code pool} sees it. */
  private static String setting(Pool pool, String name, String column) throws Exception {
    return pool.preparedQuery("select " + column + " from pg_settings where name = $1").execute(Tuple.of(name))
        .map(rows -> rows.iterator().next().getString(0))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("issue 9: every statement of ours is kept prepared by the client, so none is parsed on every run")
  void statementsAreCached() throws Exception {
    var cacheable = target.connectOptions().getPreparedStatementCacheSqlFilter();
    java.nio.file.Path classes = java.nio.file.Path.of(Database.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> statements = new ArrayList<>();
    int longest = 0;
    try (var files = java.nio.file.Files.walk(classes)) {
      for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        for (Field field : Class.forName(name, false, getClass().getClassLoader()).getDeclaredFields()) {
          if (field.getType() != String.class || !Modifier.isStatic(field.getModifiers())) {
            continue;
          }
          field.setAccessible(true);
          String text = (String) field.get(null);
          // A fragment that statements are composed of (a "…Sql" class's head of a query) leaves a parenthesis open:
          // only whole statements are run, so only they are checked.
          if (text != null && SQL.matcher(text).find() && balanced(text)) {
            statements.add(name + "." + field.getName());
            longest = Math.max(longest, text.length());
            assertTrue(cacheable.test(text), name + "." + field.getName() + " (" + text.length() + " characters) is not cached");
          }
        }
      }
    }
    assertTrue(statements.contains("app.homeroom.chat.ChatSql.INSERT_MESSAGE"), statements.toString());
    // The client's first prepare leaves the parameter types to the server. A statement the server cannot type that
    // way fails to prepare on every run, and the client falls back to a one-off statement, parsed and planned each
    // time: the read mark did so until its $2 was cast.
    Pool pool = Database.sharedPool(vertx, target, 2);
    List<String> failed = new ArrayList<>();
    for (String statement : statements) {
      int dot = statement.lastIndexOf('.');
      Field field = Class.forName(statement.substring(0, dot)).getDeclaredField(statement.substring(dot + 1));
      field.setAccessible(true);
      String text = (String) field.get(null);
      if (TEMPLATE.matcher(text).find()) {
        continue; // a template, completed at the call
      }
      try {
        pool.withConnection(c -> c.query("prepare probe as " + text).execute()
                .compose(v -> c.query("deallocate probe").execute()))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        failed.add(statement + ": " + e.getCause().getMessage());
      }
    }
    assertEquals(List.of(), failed);
    // The send statement is longer than the client's default limit (2,048): with the default it would be parsed and
    // planned on every send.
    assertTrue(longest > 2048, "longest statement: " + longest);
  }

  @Test
  @DisplayName("issue 9: sends and marks keep one plan per connection; reports are planned on every run")
  void plansPerPool() throws Exception {
    assertEquals("force_generic_plan", planCacheMode(Database.sharedPool(vertx, target, 2)));
    assertEquals("force_custom_plan", planCacheMode(Database.sharedReportsPool(vertx, target, 2)));
  }

  @Test
  @DisplayName("issue 9: marks are committed without waiting for the disk; the other pools keep the server's setting")
  void onlyMarksCommitAsynchronously() throws Exception {
    Pool marks = Database.sharedMarksPool(vertx, target);
    assertEquals("off", setting(marks, "synchronous_commit", "setting"));
    assertEquals("client", setting(marks, "synchronous_commit", "source"), "set by the pool's connect options");
    for (Pool pool : List.of(Database.sharedPool(vertx, target, 2), Database.sharedReportsPool(vertx, target, 2))) {
      assertNotEquals("client", setting(pool, "synchronous_commit", "source"),
          "messages and everything else commit as the server is configured (durably, unless told otherwise)");
    }
  }

  /** Whether every parenthesis the text opens, it closes (none of our statements has one inside a string). */
  private static boolean balanced(String sql) {
    int depth = 0;
    for (char c : sql.toCharArray()) {
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (depth < 0) {
        return false;
      }
    }
    return depth == 0;
  }
}
