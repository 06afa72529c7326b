package app.homeroom.people;

import app.homeroom.bus.Address;
import app.homeroom.bus.Identity;
import app.homeroom.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Roster import (issue 25, point 2): a preview of what a file would do, then the same file applied in one
 * transaction, all or nothing. Parsing and planning are CPU work for a worker thread; the event loop only waits.
 *
 * <p>The apply takes an advisory lock (one import at a time, cluster-wide), reads everyone, plans again from what it
 * reads (so a preview that went stale is never applied blindly), refuses with the whole report when any row is
 * invalid, and otherwise writes the creates, updates and disables as three statements of arrays, each with its audit
 * entries, and one summary entry. Students it disables are signed out on every node once it commits.
 */
public final class RosterImport {

  private static final Logger LOG = LoggerFactory.getLogger(RosterImport.class);

  /** How an import was asked for: by whom, which columns, preview or apply, disable the students not in it. */
  public record Request(Identity actor, Map<String, String> columns, boolean dryRun, boolean disableMissing,
                        Long apiTokenId) {}

  private final Vertx vertx;
  private final Pool pool;

  public RosterImport(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /**
   * Previews or applies {@code file}: {@code {dryRun, applied, file: {separator, columns, mapping}, rows, create,
   * update, unchanged, disable, invalid, invalidRows, creates, updates, disables}}. Applying a file with an invalid
   * row is a 422 whose details are that report; nothing is written.
   */
  public Future<JsonObject> run(Request req, Buffer file) {
    PeopleService.requireStaff(req.actor());
    byte[] bytes = file == null ? new byte[0] : file.getBytes();
    return vertx.executeBlocking(() -> RosterFile.parse(bytes, req.columns()), false)
        .compose(parsed -> req.dryRun()
            ? preview(parsed, req)
            : apply(parsed, req))
        .map(report -> report.put("dryRun", req.dryRun()));
  }

  /**
   * One student, created or updated as a one-row file would be (keyed by roll ID, else email; issue 25, point 5's
   * "upsert one"): {@code {result: created|updated|unchanged, person}}; a row the import would call invalid is a 400
   * with the same reason.
   */
  public Future<JsonObject> upsert(Request req, JsonObject body) {
    PeopleService.requireStaff(req.actor());
    RosterFile.Row row = new RosterFile.Row(1, text(body, "name"), text(body, "email"), text(body, "rollId"),
        text(body, "className"));
    List<Long> disabled = new ArrayList<>();
    return pool.withTransaction(conn -> conn.query(RosterSql.LOCK).execute()
            .compose(v -> conn.preparedQuery(RosterSql.PEOPLE_MATCHING).execute(Tuple.of(row.rollId(), row.email())))
            .compose(rows -> {
              RosterPlan plan = RosterPlan.of(List.of(row), people(rows), false);
              if (!plan.valid()) {
                return Future.failedFuture(ApiError.badRequest(plan.invalid.get(0).reason()));
              }
              String result = !plan.creates.isEmpty() ? "created" : !plan.updates.isEmpty() ? "updated" : "unchanged";
              return write(conn, plan, req, disabled)
                  .compose(v -> conn.preparedQuery(RosterSql.BY_ROLL_ID).execute(Tuple.of(row.rollId())))
                  .map(found -> new JsonObject().put("result", result)
                      .put("person", PeopleService.personJson(found.iterator().next())));
            }))
        .recover(err -> Future.failedFuture(conflict(err)));
  }

  private static String text(JsonObject body, String field) {
    String v = app.homeroom.common.Params.optionalString(body, field);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private Future<JsonObject> preview(RosterFile.Parsed parsed, Request req) {
    return pool.preparedQuery(RosterSql.PEOPLE).execute()
        .compose(rows -> plan(parsed, people(rows), req.disableMissing()))
        .map(plan -> report(parsed, plan).put("applied", false));
  }

  private Future<JsonObject> apply(RosterFile.Parsed parsed, Request req) {
    List<Long> disabled = new ArrayList<>();
    long started = System.nanoTime();
    return pool.withTransaction(conn -> conn.query(RosterSql.LOCK).execute()
            .compose(v -> conn.preparedQuery(RosterSql.PEOPLE).execute())
            .compose(rows -> plan(parsed, people(rows), req.disableMissing()))
            .compose(plan -> {
              if (!plan.valid()) {
                JsonObject report = report(parsed, plan);
                return Future.failedFuture(ApiError.unprocessable(plan.invalid.size() == 1
                    ? "1 row is invalid; nothing was imported" : plan.invalid.size()
                    + " rows are invalid; nothing was imported").withDetails(report));
              }
              return write(conn, plan, req, disabled).map(v -> plan);
            }))
        .map(plan -> {
          disabled.forEach(id -> vertx.eventBus().publish(Address.SESSION_REVOKED.address(),
              new JsonObject().put("userId", id).put("disabled", true)));
          LOG.info("User {} imported a roster of {} rows in {} ms: {} created, {} updated, {} unchanged, {} disabled",
              req.actor().userId(), plan.rows, (System.nanoTime() - started) / 1_000_000, plan.creates.size(),
              plan.updates.size(), plan.unchanged, disabled.size());
          return report(parsed, plan).put("applied", true);
        })
        .recover(err -> Future.failedFuture(conflict(err)));
  }

  /** A unique email or roll ID taken meanwhile: planned under the lock, this is someone editing a person at once. */
  private static Throwable conflict(Throwable err) {
    return err instanceof PgException pg && "23505".equals(pg.getSqlState())
        ? ApiError.conflict("Someone changed an email or roll ID at the same moment; nothing was imported. Try again")
        : err;
  }

  private Future<Void> write(SqlConnection conn, RosterPlan plan, Request req, List<Long> disabled) {
    if (!plan.changesSomething()) {
      return Future.succeededFuture(); // the same file again: nothing to write, not even a summary
    }
    Identity actor = req.actor();
    JsonObject shared = new JsonObject().put("import", true);
    if (req.apiTokenId() != null) {
      shared.put("apiToken", req.apiTokenId());
    }
    Future<?> creates = plan.creates.isEmpty() ? Future.succeededFuture()
        : conn.preparedQuery(RosterSql.CREATE).execute(Tuple.of(actor.userId(),
            plan.creates.stream().map(RosterFile.Row::name).toArray(String[]::new),
            plan.creates.stream().map(RosterFile.Row::email).toArray(String[]::new),
            plan.creates.stream().map(RosterFile.Row::rollId).toArray(String[]::new),
            plan.creates.stream().map(RosterFile.Row::className).toArray(String[]::new), shared));
    return creates
        .compose(v -> plan.updates.isEmpty() ? Future.succeededFuture()
            : conn.preparedQuery(RosterSql.UPDATE).execute(Tuple.from(List.of(actor.userId(),
                plan.updates.stream().map(u -> u.before().id()).toArray(Long[]::new),
                plan.updates.stream().map(u -> u.after().name()).toArray(String[]::new),
                plan.updates.stream().map(u -> u.after().email()).toArray(String[]::new),
                plan.updates.stream().map(u -> u.after().rollId()).toArray(String[]::new),
                plan.updates.stream().map(u -> u.after().className()).toArray(String[]::new), shared))))
        .compose(v -> plan.disables.isEmpty() ? Future.succeededFuture()
            : conn.preparedQuery(RosterSql.DISABLE).execute(Tuple.of(actor.userId(),
                plan.disables.stream().map(RosterPlan.Person::id).toArray(Long[]::new), shared))
                .map(rows -> {
                  rows.forEach(r -> disabled.add(r.getLong("id")));
                  return null;
                }))
        .compose(v -> conn.preparedQuery(RosterSql.SUMMARY).execute(Tuple.of(actor.userId(), shared.copy()
            .put("rows", plan.rows).put("created", plan.creates.size()).put("updated", plan.updates.size())
            .put("unchanged", plan.unchanged).put("disabled", disabled.size())
            .put("disableMissing", req.disableMissing()))))
        .mapEmpty();
  }

  private Future<RosterPlan> plan(RosterFile.Parsed parsed, List<RosterPlan.Person> people, boolean disableMissing) {
    return vertx.executeBlocking(() -> RosterPlan.of(parsed.rows(), people, disableMissing), false);
  }

  private static List<RosterPlan.Person> people(Iterable<Row> rows) {
    List<RosterPlan.Person> people = new ArrayList<>();
    for (Row r : rows) {
      people.add(new RosterPlan.Person(r.getLong("id"), r.getString("role"), r.getString("name"),
          r.getString("email"), r.getString("roll_id"), r.getString("class_name"), r.getBoolean("disabled")));
    }
    return people;
  }

  private static JsonObject report(RosterFile.Parsed parsed, RosterPlan plan) {
    return plan.toJson().put("file", parsed.describe());
  }
}
