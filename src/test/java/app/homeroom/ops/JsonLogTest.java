package app.homeroom.ops;

import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 29, point 3: HOMEROOM_LOG_FORMAT=json gives one JSON object a line, with the node's id; text stays the default. */
class JsonLogTest {

  @Test
  @DisplayName("Issue 29.3: JSON log lines on request: level, logger, message, time and the node id in each")
  void json_lines() throws Exception {
    try (TestEnv.ChildNode node = TestEnv.startChildNode(Map.of("HOMEROOM_LOG_FORMAT", "json"))) {
      List<String> lines = Files.readAllLines(node.log());
      List<JsonObject> json = lines.stream().filter(l -> l.startsWith("{")).map(JsonObject::new).toList();
      assertFalse(json.isEmpty(), String.join("\n", lines));
      JsonObject started = json.stream().filter(j -> String.valueOf(j.getString("formattedMessage")).startsWith("network transport"))
          .findFirst().orElseThrow(() -> new AssertionError(String.join("\n", lines)));
      assertTrue(started.getString("level").equals("INFO") && started.getString("loggerName").equals("app.homeroom.Node"),
          started.encode());
      assertTrue(started.getLong("timestamp") > 0, started.encode());
      String nodeId = started.getJsonObject("context").getJsonObject("properties").getString("nodeId");
      assertTrue(nodeId != null && nodeId.length() == 36, started.encode());
      // Every log line is JSON: nothing in the text format slipped through.
      assertTrue(lines.stream().noneMatch(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")), String.join("\n", lines));
    }
  }
}
