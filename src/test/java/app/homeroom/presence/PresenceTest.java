package app.homeroom.presence;

import app.homeroom.support.Api;
import app.homeroom.support.School;
import app.homeroom.support.SockJsClient;
import app.homeroom.support.TestEnv;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * R2.2: a student's online status, cluster-wide, live to admins, and corrected when a node dies without a word.
 * The test cluster runs presence with a 1 s heartbeat and a 3 s TTL (TestEnv).
 */
class PresenceTest {

  School school;
  int port;
  final List<SockJsClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp() {
    school = School.fresh();
    port = TestEnv.node().httpPort();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(SockJsClient::close);
  }

  SockJsClient connect(int nodePort, Api who) throws Exception {
    SockJsClient c = SockJsClient.connect(nodePort, who.sessionCookie(), "http://localhost:" + nodePort);
    clients.add(c);
    return c;
  }

  /** An admin socket whose registration on role.admin is proven live (it received an event there). */
  SockJsClient adminWatching() throws Exception {
    SockJsClient ada = connect(port, school.staff);
    ada.register("role.admin");
    ada.call("chat.conversation.open", new JsonObject().put("studentId", school.otherStudent));
    ada.await(f -> f.getJsonObject("body") != null
        && "chat.conversation.created".equals(f.getJsonObject("body").getString("type")), 10_000);
    return ada;
  }

  static boolean presence(JsonObject frame, long userId, boolean online) {
    JsonObject b = frame.getJsonObject("body");
    return b != null && "presence.changed".equals(b.getString("type")) && b.getLong("userId") == userId
        && b.getBoolean("online") == online;
  }

  boolean listedOnline(long studentId) {
    return school.staff.get("/api/students/" + studentId).json().getJsonObject("student").getBoolean("online");
  }

  @Test
  @DisplayName("R2.2: a student turns online with their first tab and offline with their last, live to admins and in the list")
  void tabs_count_as_one_and_changes_are_live() throws Exception {
    SockJsClient ada = adminWatching();
    assertFalse(listedOnline(school.student));

    SockJsClient tab1 = connect(port, school.pupil);
    ada.await(f -> presence(f, school.student, true), 5_000);
    assertTrue(listedOnline(school.student));

    SockJsClient tab2 = connect(port, school.pupil);
    // The upgrade completes before the server has set the socket up; one round trip proves it is.
    tab2.call("chat.messages.fetch", new JsonObject());
    tab1.close();
    assertTrue(ada.nothingMatching(f -> presence(f, school.student, false), 1_500), "a second tab keeps them online");
    assertTrue(listedOnline(school.student));

    tab2.close();
    ada.await(f -> presence(f, school.student, false), 5_000);
    assertFalse(listedOnline(school.student));
    assertFalse(listedOnline(school.otherStudent), "nobody else turned online");
  }

  @Test
  @DisplayName("R2.2: presence crosses nodes, and a node killed with SIGKILL leaves nobody online past the TTL")
  void a_killed_node_does_not_leave_students_online() throws Exception {
    SockJsClient ada = adminWatching();
    try (TestEnv.ChildNode other = TestEnv.startChildNode()) {
      Api pupilThere = new Api(other.baseUrl());
      assertEquals(200, pupilThere.post("/api/login",
          new JsonObject().put("email", School.STUDENT_EMAIL).put("password", School.PASSWORD)).status());
      connect(other.httpPort(), pupilThere);

      ada.await(f -> presence(f, school.student, true), 10_000);
      assertTrue(listedOnline(school.student), "online on node A although connected to node B");

      long killedAt = System.currentTimeMillis();
      other.kill();
      ada.await(f -> presence(f, school.student, false), 15_000);
      long took = System.currentTimeMillis() - killedAt;
      System.out.printf("presence: student shown offline %d ms after their node was killed (TTL 3 s)%n", took);
      assertFalse(listedOnline(school.student));
    }
  }
}
