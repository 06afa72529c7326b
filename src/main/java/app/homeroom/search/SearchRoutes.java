package app.homeroom.search;

import app.homeroom.account.AccountService;
import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import app.homeroom.common.UserLines;
import app.homeroom.ops.NodeMetrics;
import app.homeroom.presence.Presence;
import app.homeroom.web.Guard;
import app.homeroom.web.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** GET /api/search (R6.4): message hits, and for staff the students whose name or roll ID matches. */
public final class SearchRoutes {

  /** Students listed beside the message hits of a search. */
  static final int STUDENT_MATCHES = 5;

  /** A waiting search whose client has gone (nobody hears this answer; a 4xx, so it is not logged as a failure). */
  private static final ApiError GONE = new ApiError(499, "client_gone", "The client went away while its search waited");

  private final Vertx vertx;
  private final MessageSearch search;
  private final AccountService accounts;
  private final NodeMetrics metrics;
  private final UserLines lines;

  /** {@code lines}: each user's searches, one at a time on this node (shared by the node's HTTP instances). */
  public SearchRoutes(Vertx vertx, MessageSearch search, AccountService accounts, NodeMetrics metrics, UserLines lines) {
    this.vertx = vertx;
    this.search = search;
    this.accounts = accounts;
    this.metrics = metrics;
    this.lines = lines;
  }

  /**
   * A page of message hits and, for staff on the first page, the students whose name or roll ID matches, so "Sam"
   * finds Sam's conversation as well as messages that mention Sam. One user's searches run one at a time on a node
   * (issue 24, point 2): a burst of them waits in that user's line instead of taking every connection of the reports
   * pool; one whose client has gone by its turn is not run.
   */
  public void mount(Router router) {
    router.get("/api/search").handler(ctx -> Json.respond(ctx, 200, c -> {
      Identity who = Guard.identity(c);
      MessageSearch.Query query = MessageSearch.parse(c.request()::getParam);
      return lines.run(who.userId(), () -> c.response().closed()
          ? Future.failedFuture(GONE)
          : search(who, query));
    }));
  }

  /**
   * The message hits, then the students: one after the other, so that one user's search keeps at most one database
   * connection (and so one of PostgreSQL's processes, one core) busy at a time, never two at once. On the two cores of
   * a small node, a search on both would leave none for the others' sends (issue 24, point 2); it costs the searcher
   * the student query's time (under a millisecond).
   */
  private Future<JsonObject> search(Identity who, MessageSearch.Query query) {
    long started = System.nanoTime();
    return search.search(who, query).onComplete(ar -> metrics.searched(started)).compose(hits -> {
      Future<JsonArray> students = !who.isAdmin() || query.cursor() != null
          ? Future.succeededFuture(new JsonArray())
          : accounts.matchingStudents(who, query.text(), STUDENT_MATCHES)
              .compose(matches -> Presence.markOnline(vertx, matches));
      return students.map(list -> hits.put("students", list));
    });
  }
}
