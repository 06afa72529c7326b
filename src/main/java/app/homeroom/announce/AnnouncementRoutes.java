package app.homeroom.announce;

import app.homeroom.common.Params;
import app.homeroom.web.Guard;
import app.homeroom.web.Json;
import app.homeroom.web.RateLimited;
import app.homeroom.web.UserLimits;
import io.vertx.ext.web.Router;

/**
 * Announcements and acknowledgements over REST (issue 28, points 1 and 2; docs/API.md):
 * <ul>
 *   <li>{@code POST /api/announcements} {@code {clientId, body, needsAck?, classes?, studentIds?}} (staff): 201 with
 *       {@code {announcement, duplicate:false}}; a retry with the same clientId 200 and the stored one;</li>
 *   <li>{@code GET /api/announcements?before=} (staff): the newest, with progress;</li>
 *   <li>{@code GET /api/announcements/:id} (staff): one, with each recipient's state;</li>
 *   <li>{@code POST /api/announcements/:id/nudge} (staff): a reminder to those behind;</li>
 *   <li>{@code POST /api/messages/:id/acknowledgement} (the conversation's student): "I have read this".</li>
 * </ul>
 * Live: {@code announcement.changed} on the admin inbox, and each copy as {@code chat.message.created}.
 */
public final class AnnouncementRoutes {

  private final AnnouncementService announcements;
  private final UserLimits limits;

  public AnnouncementRoutes(AnnouncementService announcements, UserLimits limits) {
    this.announcements = announcements;
    this.limits = limits;
  }

  public void mount(Router router) {
    router.post("/api/announcements").handler(RateLimited.check(limits, UserLimits.Kind.SEND)).handler(ctx -> {
      try {
        announcements.send(Guard.identity(ctx), AnnouncementService.Draft.from(Json.body(ctx)))
            .onSuccess(r -> Json.ok(ctx, r.getBoolean("duplicate") ? 200 : 201, r))
            .onFailure(err -> Json.fail(ctx, err));
      } catch (RuntimeException e) {
        Json.fail(ctx, e);
      }
    });
    router.get("/api/announcements").handler(RateLimited.check(limits, UserLimits.Kind.READ))
        .handler(ctx -> Json.respond(ctx, 200, c -> announcements.list(Guard.identity(c), Json.queryLong(c, "before"))));
    router.get("/api/announcements/:id").handler(RateLimited.check(limits, UserLimits.Kind.READ))
        .handler(ctx -> Json.respond(ctx, 200, c -> announcements.recipients(Guard.identity(c), id(c))));
    router.post("/api/announcements/:id/nudge").handler(RateLimited.check(limits, UserLimits.Kind.SEND))
        .handler(ctx -> Json.respond(ctx, 200, c -> announcements.nudge(Guard.identity(c), id(c))));
    router.post("/api/messages/:id/acknowledgement").handler(RateLimited.check(limits, UserLimits.Kind.SEND))
        .handler(ctx -> Json.respond(ctx, 200, c -> announcements.acknowledge(Guard.identity(c), id(c))));
  }

  private static long id(io.vertx.ext.web.RoutingContext c) {
    return Params.parseId(c.pathParam("id"), "id");
  }
}
