package app.homeroom.common;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One error vocabulary across REST and the bridge: what each kind of failure becomes. */
class ApiErrorTest {

  @Test
  @DisplayName("Event-bus failures keep their code; a silent chat service is 503")
  void event_bus_failures_keep_their_code() {
    assertEquals(404, ApiError.from(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 404, "No such conversation")).status());
    assertEquals("not_found", ApiError.from(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 404, "x")).code());
    assertEquals(503, ApiError.from(new ReplyException(ReplyFailure.TIMEOUT, -1, "timeout")).status());
    assertEquals(503, ApiError.from(new ReplyException(ReplyFailure.NO_HANDLERS, -1, "none")).status());
  }

  @Test
  @DisplayName("A lost or overloaded database is 503 (retry), a SQL mistake is 500 (our bug)")
  void lost_database_is_unavailable_not_internal() {
    assertEquals(503, ApiError.from(new ConnectException("Connection refused")).status());
    assertEquals(503, ApiError.from(new PgException("terminating connection", "FATAL", "57P01", null)).status());
    assertEquals(503, ApiError.from(new PgException("too many clients", "FATAL", "53300", null)).status());
    assertEquals(503, ApiError.from(new RuntimeException(new ConnectException("refused"))).status());
    assertEquals(503, ApiError.from(new io.vertx.core.http.ConnectionPoolTooBusyException(
        "Connection pool reached max wait queue size of 10000")).status(), "an overloaded pool is retryable");
    assertEquals(500, ApiError.from(new PgException("syntax error", "ERROR", "42601", null)).status());
    assertEquals(500, ApiError.from(new IllegalStateException("bug")).status());
  }
}
