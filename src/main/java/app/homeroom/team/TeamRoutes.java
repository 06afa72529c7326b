package app.homeroom.team;

import app.homeroom.common.Params;
import app.homeroom.web.Guard;
import app.homeroom.web.Json;
import app.homeroom.web.RateLimited;
import app.homeroom.web.UserLimits;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * The team inbox over REST (issue 27, docs/API.md), staff only:
 * <ul>
 *   <li>{@code GET /api/conversations/:id/team?before=} the assignee and the staff-only entries (notes, assignment
 *       changes), newest first;</li>
 *   <li>{@code POST /api/conversations/:id/notes} {@code {clientId, body}}: a private note (201; 200 for a retry);</li>
 *   <li>{@code PUT /api/conversations/:id/assignee} {@code {assigneeId}} (null or absent: unassign);</li>
 *   <li>{@code GET|POST /api/saved-replies}, {@code PUT|DELETE /api/saved-replies/:id}.</li>
 * </ul>
 * Live changes reach the other staff as {@code team.entry.created} on the admin inbox ({@link TeamService}).
 */
public final class TeamRoutes {

  private final TeamService team;
  private final UserLimits limits;

  public TeamRoutes(TeamService team, UserLimits limits) {
    this.team = team;
    this.limits = limits;
  }

  public void mount(Router router) {
    router.get("/api/conversations/:id/team").handler(RateLimited.check(limits, UserLimits.Kind.READ))
        .handler(ctx -> Json.respond(ctx, 200, c -> team.team(Guard.identity(c), conversation(c),
            Json.queryLong(c, "before"))));
    router.post("/api/conversations/:id/notes").handler(RateLimited.check(limits, UserLimits.Kind.SEND))
        .handler(ctx -> {
          try {
            JsonObject body = Json.body(ctx);
            team.addNote(Guard.identity(ctx), conversation(ctx), Params.requireUuid(body, "clientId"),
                    Params.requireString(body, "body"))
                .onSuccess(r -> Json.ok(ctx, r.getBoolean("duplicate") ? 200 : 201, r))
                .onFailure(err -> Json.fail(ctx, err));
          } catch (RuntimeException e) {
            Json.fail(ctx, e);
          }
        });
    router.put("/api/conversations/:id/assignee").handler(ctx -> Json.respond(ctx, 200, c -> {
      JsonObject body = Json.body(c);
      Object raw = body.getValue("assigneeId");
      Long assignee = raw == null ? null : Params.requireId(body, "assigneeId");
      return team.assign(Guard.identity(c), conversation(c), assignee);
    }));
    router.get("/api/saved-replies").handler(ctx -> Json.respond(ctx, 200, c -> team.savedReplies(Guard.identity(c))));
    router.post("/api/saved-replies").handler(ctx -> Json.respond(ctx, 201,
        c -> team.createSavedReply(Guard.identity(c), Json.body(c))));
    router.put("/api/saved-replies/:id").handler(ctx -> Json.respond(ctx, 200,
        c -> team.updateSavedReply(Guard.identity(c), Params.parseId(c.pathParam("id"), "id"), Json.body(c))));
    router.delete("/api/saved-replies/:id").handler(ctx -> Json.respond(ctx, 200,
        c -> team.deleteSavedReply(Guard.identity(c), Params.parseId(c.pathParam("id"), "id"))));
  }

  private static long conversation(io.vertx.ext.web.RoutingContext c) {
    return Params.parseId(c.pathParam("id"), "id");
  }

}
