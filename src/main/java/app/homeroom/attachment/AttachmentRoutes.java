package app.homeroom.attachment;

import app.homeroom.common.ApiError;
import app.homeroom.common.Params;
import app.homeroom.web.Downloads;
import app.homeroom.web.Guard;
import app.homeroom.web.Json;
import app.homeroom.web.RateLimited;
import app.homeroom.web.UserLimits;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;


/**
 * Attachments over HTTP (issue 28, point 3; docs/API.md):
 * <ul>
 *   <li>{@code POST /api/conversations/:id/attachments?name=} with the file as the body (any content type; the type
 *       is detected from the bytes): 201 {@code {attachment}}; then a message with its {@code attachmentId};</li>
 *   <li>{@code GET /api/attachments/:id} (add {@code ?inline=1} for an image shown in the page): the file, always with
 *       {@code X-Content-Type-Options: nosniff} and a sandboxing CSP; as an attachment unless an image asked inline.</li>
 * </ul>
 */
public final class AttachmentRoutes {

  private final AttachmentService attachments;
  private final UserLimits limits;

  public AttachmentRoutes(AttachmentService attachments, UserLimits limits) {
    this.attachments = attachments;
    this.limits = limits;
  }

  /** The upload, with a body handler of its own (10 MB), mounted before the API's (64 KiB). */
  public void mountUploads(Router router, Handler<RoutingContext> guard) {
    String path = "/api/conversations/:id/attachments";
    router.post(path).handler(guard);
    router.post(path).handler(RateLimited.check(limits, UserLimits.Kind.SEND));
    router.post(path).handler(BodyHandler.create(false).setBodyLimit(AttachmentService.MAX_BYTES).setHandleFileUploads(false));
    router.post(path).handler(ctx -> Json.respond(ctx, 201, c -> attachments.upload(Guard.identity(c),
        Params.parseId(c.pathParam("id"), "id"), c.request().getParam("name"), c.body().buffer())));
    router.post(path).failureHandler(ctx -> Json.fail(ctx, ctx.statusCode() == 413
        ? new ApiError(413, "payload_too_large", "A file can be at most 10 MB")
        : ctx.failure() != null ? ctx.failure() : new ApiError(ctx.statusCode(), ApiError.codeFor(ctx.statusCode()),
            "Bad request")));
  }

  public void mount(Router router) {
    router.get("/api/attachments/:id").handler(RateLimited.check(limits, UserLimits.Kind.READ)).handler(this::download);
  }

  private void download(RoutingContext ctx) {
    boolean inline;
    long id;
    try {
      id = Params.parseId(ctx.pathParam("id"), "id");
      inline = "1".equals(ctx.request().getParam("inline"));
    } catch (RuntimeException e) {
      Json.fail(ctx, e);
      return;
    }
    attachments.content(Guard.identity(ctx), id).onSuccess(file -> {
      boolean showInline = inline && "image".equals(file.kind());
      ctx.response().setStatusCode(200)
          .putHeader("content-type", file.contentType())
          .putHeader("content-disposition", Downloads.disposition(showInline, file.fileName()))
          .putHeader("x-content-type-options", "nosniff")
          // Whatever the bytes turned out to be, nothing in them may run or load anything.
          .putHeader("content-security-policy", "default-src 'none'; img-src 'self'; sandbox")
          .putHeader("cross-origin-resource-policy", "same-origin")
          .putHeader("cache-control", "private, max-age=300")
          .end(file.bytes());
    }).onFailure(err -> Json.fail(ctx, err));
  }
}
