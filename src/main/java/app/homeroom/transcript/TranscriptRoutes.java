package app.homeroom.transcript;

import app.homeroom.common.Params;
import app.homeroom.web.Downloads;
import app.homeroom.web.Guard;
import app.homeroom.web.Json;
import app.homeroom.web.RateLimited;
import app.homeroom.web.UserLimits;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Function;

/**
 * Transcript downloads (issue 28, point 4; docs/API.md), each {@code ?format=pdf|json|csv} (pdf by default):
 * <ul>
 *   <li>{@code GET /api/conversations/:id/transcript}: staff any conversation, a student their own;</li>
 *   <li>{@code GET /api/me/transcript}: the signed-in student's own;</li>
 *   <li>{@code GET /api/classes/:className/transcripts}: staff, every conversation of a class in one zip.</li>
 * </ul>
 * Always as an attachment, never shown in the page; each an audit entry.
 */
public final class TranscriptRoutes {

  private final TranscriptService transcripts;
  private final UserLimits limits;

  public TranscriptRoutes(TranscriptService transcripts, UserLimits limits) {
    this.transcripts = transcripts;
    this.limits = limits;
  }

  public void mount(Router router) {
    router.get("/api/conversations/:id/transcript").handler(RateLimited.check(limits, UserLimits.Kind.READ))
        .handler(ctx -> download(ctx, c -> transcripts.conversation(Guard.identity(c),
            Params.parseId(c.pathParam("id"), "id"), format(c))));
    router.get("/api/me/transcript").handler(RateLimited.check(limits, UserLimits.Kind.READ))
        .handler(ctx -> download(ctx, c -> transcripts.mine(Guard.identity(c), format(c))));
    router.get("/api/classes/:className/transcripts").handler(RateLimited.check(limits, UserLimits.Kind.READ))
        .handler(ctx -> download(ctx, c -> transcripts.ofClass(Guard.identity(c), c.pathParam("className"), format(c))));
  }

  private static TranscriptFormat format(RoutingContext c) {
    return TranscriptFormat.parse(c.request().getParam("format"));
  }

  private static void download(RoutingContext ctx, Function<RoutingContext, Future<TranscriptService.Export>> export) {
    Future<TranscriptService.Export> result;
    try {
      result = export.apply(ctx);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onSuccess(file -> ctx.response().setStatusCode(200)
            .putHeader("content-type", file.contentType())
            .putHeader("content-disposition", Downloads.disposition(false, file.fileName()))
            .putHeader("cache-control", "no-store")
            .putHeader("x-content-type-options", "nosniff")
            .end(Buffer.buffer(file.bytes())))
        .onFailure(err -> Json.fail(ctx, err));
  }
}
