package app.homeroom.ops;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 29, point 2: Prometheus text at GET /metrics on the node's metrics port (never on the public one), with
 * Vert.x's meters and Homeroom's own, moving with the traffic that went through the node.
 */
class MetricsTest {

  static School school;
  static long conversation;

  @BeforeAll
  static void start() {
    school = School.fresh();
    conversation = school.openConversation(school.student);
  }

  static String scrape() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + TestEnv.node().metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"),
        r.headers().toString());
    return r.body();
  }

  /** The value of one series (name and labels exactly as given, labels in Prometheus's order), 0 when absent. */
  static double value(String text, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** The sum of every series of a metric whose labels contain {@code labelPart}. */
  static double sum(String text, String metric, String labelPart) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)\\} ([0-9.eE+-]+)$").matcher(text);
    double total = 0;
    while (m.find()) {
      if (m.group(1).contains(labelPart)) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }

  Api.Response send(String clientMsgId, String body) {
    return school.staff.post("/api/conversations/" + conversation + "/messages",
        new JsonObject().put("clientMsgId", clientMsgId).put("body", body));
  }

  @Test
  @DisplayName("Issue 29.2: messages stored, duplicates, send→commit histogram, batch sizes and search latency move with the traffic")
  void homeroom_meters_follow_traffic() throws Exception {
    String before = scrape();
    String retried = UUID.randomUUID().toString();
    for (int i = 0; i < 5; i++) {
      assertEquals(201, send(i == 0 ? retried : UUID.randomUUID().toString(), "metered " + i).status());
    }
    // The outbox's retry of a send that was committed: answered as the duplicate it is, and counted as one.
    Api.Response again = send(retried, "metered 0");
    assertTrue(again.status() == 200 || again.status() == 201, again.raw().body());
    assertEquals(200, school.staff.get("/api/search?q=metered").status());
    String after = scrape();

    assertEquals(5, value(after, "homeroom_messages_stored_total") - value(before, "homeroom_messages_stored_total"), 0.0);
    assertEquals(1, value(after, "homeroom_messages_duplicates_total") - value(before, "homeroom_messages_duplicates_total"), 0.0);
    assertEquals(6, value(after, "homeroom_send_commit_seconds_count") - value(before, "homeroom_send_commit_seconds_count"), 0.0);
    // Every send lands in the histogram's last bucket; a quick one in the small ones too.
    assertTrue(value(after, "homeroom_send_commit_seconds_bucket{le=\"+Inf\"}")
        >= value(after, "homeroom_send_commit_seconds_count"), after);
    assertTrue(value(after, "homeroom_send_commit_seconds_sum") > 0, after);
    // A send batch holds one send or more: batches ≤ sends stored or retried.
    double batches = value(after, "homeroom_send_batch_size_messages_count") - value(before, "homeroom_send_batch_size_messages_count");
    double batched = value(after, "homeroom_send_batch_size_messages_sum") - value(before, "homeroom_send_batch_size_messages_sum");
    assertTrue(batches >= 1 && batched >= batches && batched <= 6, "batches " + batches + ", sends " + batched);
    assertEquals(1, value(after, "homeroom_search_seconds_count") - value(before, "homeroom_search_seconds_count"), 0.0);
  }

  @Test
  @DisplayName("Issue 29.2: Vert.x's HTTP meters by route (never the raw path), event-bus meters by kind of address, pools and JVM")
  void vertx_meters_with_bounded_labels() throws Exception {
    school.staff.get("/api/conversations/" + conversation + "/messages");
    String text = scrape();
    assertTrue(sum(text, "vertx_http_server_requests_total", "route=\"/api/conversations/:id/messages\"") >= 1, text);
    assertFalse(text.contains("/api/>"), "the route label names the endpoint alone");
    assertFalse(text.contains("/api/conversations/" + conversation + "/"), "a raw path became a label value");
    // Sends reach the chat service at this node's own address: counted under the address's kind, not per node or user.
    assertTrue(sum(text, "vertx_eventbus_processed_total", "address=\"chat.message.send\"") >= 1, text);
    assertFalse(Pattern.compile("address=\"user\\.[0-9]").matcher(text).find(), "a user id became a label value");
    assertFalse(text.contains("@" + TestEnv.node().context().nodeId()), "a node id became a label value");
    assertTrue(text.contains("jvm_memory_used_bytes"), "JVM meters");
    assertTrue(text.contains("homeroom_bridge_sockets "), "open sockets gauge");
    assertTrue(text.contains("homeroom_users_connected "), "connected users gauge");
    assertTrue(text.contains("homeroom_rate_limited_total{kind=\"send\"}"), "refusals by kind");
  }

  @Test
  @DisplayName("Issue 29.2: refusals by a rate limit are counted by kind")
  void rate_limit_refusals_counted() throws Exception {
    String before = scrape();
    int refused = 0;
    // The shipped send limit: a burst of 60, then 10 a second. 100 in a row: some refused.
    for (int i = 0; i < 100; i++) {
      Api.Response r = school.pupil.post("/api/conversations/" + conversation + "/messages",
          new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("body", "quick " + i));
      refused += r.status() == 429 ? 1 : 0;
    }
    String after = scrape();
    double counted = value(after, "homeroom_rate_limited_total{kind=\"send\"}") - value(before, "homeroom_rate_limited_total{kind=\"send\"}");
    assertTrue(refused > 0, "nothing was refused");
    assertEquals(refused, counted, 0.0, "429s answered vs refusals counted");
  }

  @Test
  @DisplayName("Issue 29.2: the public port has no /metrics; the metrics port nothing else")
  void metrics_only_on_their_own_port() throws Exception {
    assertEquals(404, new Api(TestEnv.baseUrl()).get("/metrics").status());
    HttpResponse<String> other = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + TestEnv.node().metricsPort() + "/api/me")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, other.statusCode());
  }
}
