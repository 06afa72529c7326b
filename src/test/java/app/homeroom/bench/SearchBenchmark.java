package app.homeroom.bench;

import app.homeroom.search.MessageSearch;
import app.homeroom.search.SearchSql;
import app.homeroom.support.Api;
import app.homeroom.support.TestDb;
import app.homeroom.support.TestEnv;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6's budget, run on purpose (never in CI): over 1,000,000 stored messages ({@link BenchSchool}), search
 * answers with p95 ≤ 100 ms for single-word, multi-word and filtered queries, measured as real HTTP requests to a
 * real node (session check, full-text query with ranking and snippets, the student matches, JSON). Prints the
 * figures, how many messages each query matches, and the plans of the main statements.
 * Run: {@code ./mvnw verify -Pbench} (docs/PERFORMANCE.md).
 */
@Tag("benchmark")
class SearchBenchmark {

  static final int WARMUP = 50;
  static final int SAMPLES = 300;
  static final double BUDGET_P95_MS = 100;

  @Test
  @DisplayName("R6.4 budget: search over 1,000,000 messages, single-word, multi-word and filtered, p95 <= 100 ms")
  void search_p95_within_budget() throws Exception {
    TestEnv.node();
    TestDb db = TestEnv.db();
    long seedStart = System.nanoTime();
    BenchSchool.ensure(db);
    long seedMs = (System.nanoTime() - seedStart) / 1_000_000;
    long messages = db.queryLong("select count(*) from messages");
    assertEquals((long) BenchSchool.STUDENTS * BenchSchool.MESSAGES_PER_CONVERSATION, messages);

    // Without the per-user budgets (issue 24, point 2): this measures a search, not its budget.
    String base = "http://localhost:" + TestEnv.unlimitedNode().httpPort();
    Api staff = Api.signedIn(base, BenchSchool.ADMIN_EMAIL, BenchSchool.ADMIN_PASSWORD);
    Api student = Api.signedIn(base, "student42@bench.school", BenchSchool.ADMIN_PASSWORD);
    long someStudent = db.queryLong("select id from users where email = 'student4242@bench.school'");
    Instant now = Instant.now().truncatedTo(ChronoUnit.DAYS);
    String lastQuarter = "&from=" + now.minus(120, ChronoUnit.DAYS) + "&to=" + now.minus(30, ChronoUnit.DAYS);

    Map<String, String> queries = new LinkedHashMap<>();
    queries.put("one common word (homework)", "q=homework");
    queries.put("one mid word (museum)", "q=museum");
    queries.put("one less common word (telescope)", "q=telescope");
    queries.put("a rare code (ref4242, a name or code)", "q=ref4242");
    queries.put("two words (permission slip)", "q=" + enc("permission slip"));
    queries.put("three words (science project deadline)", "q=" + enc("science project deadline"));
    queries.put("phrase (\"permission slip\")", "q=" + enc("\"permission slip\""));
    queries.put("common word, newest first", "q=homework&sort=date");
    queries.put("common word, class 8B", "q=homework&className=8B");
    queries.put("common word, students' messages, one quarter", "q=homework&senderRole=student" + lastQuarter);
    queries.put("mid word, closed conversations", "q=museum&status=closed");
    queries.put("common word, one student", "q=homework&studentId=" + someStudent);
    String cursor = staff.get("/api/search?q=homework").json().getString("nextCursor");
    assertFalse(cursor == null, "a common word has a second page");
    queries.put("common word, second page", "q=homework&cursor=" + cursor);

    StringBuilder counts = new StringBuilder("| query | matching messages |\n|---|---|\n");
    LatencyTable table = new LatencyTable(WARMUP, SAMPLES);
    for (Map.Entry<String, String> q : queries.entrySet()) {
      assertTrue(staff.get("/api/search?" + q.getValue()).json().getJsonArray("results").size() > 0, q.getKey());
      table.measure(q.getKey(), () -> assertEquals(200, staff.get("/api/search?" + q.getValue()).status()));
    }
    table.measure("a student, own conversation (homework)",
        () -> assertEquals(200, student.get("/api/search?q=homework").status()));
    for (String word : new String[] {"homework", "museum", "telescope", "ref4242"}) {
      counts.append(String.format("| %s | %,d |%n", word,
          db.queryLong("select count(*) from messages where search_tsv @@ websearch_to_tsquery('english', ?)", word)));
    }

    StringBuilder report = new StringBuilder();
    report.append(String.format("Seeded or reused %,d messages in %.1f s; load average %s%n%n", messages,
        seedMs / 1000.0, LatencyTable.loadAverage()));
    report.append(table.markdown()).append('\n').append(counts);
    String filters = "'homework', null, null, null, null, ";
    report.append("\nPlan, one common word by relevance (first page):\n\n```\n");
    db.explainPrepared(SearchSql.BY_RELEVANCE, filters + "null, null, null, null, 'MaxWords=30', " + MessageSearch.RANK_TIER + ", 21")
        .forEach(l -> report.append(l).append('\n'));
    report.append("```\n\nPlan, one common word newest first (first page):\n\n```\n");
    db.explainPrepared(SearchSql.BY_DATE, filters + "null, null, 21, 'MaxWords=30'")
        .forEach(l -> report.append(l).append('\n'));
    report.append("```\n\nPlan, a rare code by relevance (first page, from the text index):\n\n```\n");
    db.explainPrepared(SearchSql.BY_RELEVANCE_RARE, filters.replace("homework", "ref4242")
        + "null, null, null, null, 'MaxWords=30', " + MessageSearch.RANK_TIER + ", 21")
        .forEach(l -> report.append(l).append('\n'));
    report.append("```\n");
    System.out.println(report);
    Path out = Path.of("target", "bench", "search.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString());
    assertTrue(table.worstP95() <= BUDGET_P95_MS,
        String.format("p95 %.1f ms is over the %.0f ms budget", table.worstP95(), BUDGET_P95_MS));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
