package app.homeroom.audit;

import app.homeroom.web.Guard;
import app.homeroom.web.Json;
import io.vertx.ext.web.Router;

/** GET /api/audit (issue 8, point 5): a page of the audit trail, for admins. */
public final class AuditRoutes {

  private final AuditLog audit;

  public AuditRoutes(AuditLog audit) {
    this.audit = audit;
  }

  public void mount(Router router) {
    router.get("/api/audit").handler(ctx -> Json.respond(ctx, 200,
        c -> audit.page(Guard.identity(c), AuditLog.parse(c.request()::getParam))));
  }
}
