package app.homeroom.web;

import app.homeroom.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issue 29, point 4: the REST API's OpenAPI 3.1 document ({@code openapi.json} on the classpath, served at
 * {@code GET /api/openapi.json}), and the check of request bodies against it. A JSON body of the wrong shape (a
 * field of the wrong type, a required field missing, a value outside its list) is a 400 naming the place and the
 * rule, before any handler runs; the handlers keep only the checks a schema cannot say (an email's syntax, a
 * password's strength, what the database holds). The tests check every response against the same document
 * ({@code support/Contract}), so the document stays true.
 */
public final class ApiContract {

  private final Buffer document;
  private final OpenAPIContract contract;
  /** The body validator of each operation that takes a JSON body, by operation id. */
  private final Map<String, Validator> bodies = new ConcurrentHashMap<>();

  private ApiContract(Buffer document, OpenAPIContract contract) {
    this.document = document;
    this.contract = contract;
    for (Operation op : contract.operations()) {
      if (op.getRequestBody() != null) {
        MediaType json = op.getRequestBody().getContent().get("application/json");
        if (json != null && json.getSchema() != null) {
          bodies.put(op.getOperationId(), contract.getSchemaRepository().validator(json.getSchema()));
        }
      }
    }
  }

  /** Reads and parses the document (a broken one stops the start). */
  public static Future<ApiContract> load(Vertx vertx) {
    return vertx.fileSystem().readFile("openapi.json").compose(doc -> OpenAPIContract.from(vertx, new JsonObject(doc))
        .map(contract -> new ApiContract(doc, contract)));
  }

  /** GET /api/openapi.json. */
  public void serve(RoutingContext ctx) {
    ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-cache").end(document);
  }

  /**
   * For a POST, PATCH or PUT with a JSON object body: a 400 when the body does not match the operation's schema.
   * Anything else (no body, another type, not an object) goes on to the handlers' own checks.
   */
  public void checkBody(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    String type = ctx.request().getHeader("content-type");
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    if ((method != HttpMethod.POST && method != HttpMethod.PATCH && method != HttpMethod.PUT) || raw == null || raw.length() == 0 || type == null
        || !type.toLowerCase().startsWith("application/json")) {
      ctx.next();
      return;
    }
    Operation op = contract.findOperation(ctx.request().path(), method);
    Validator validator = op == null ? null : bodies.get(op.getOperationId());
    JsonObject body;
    try {
      body = validator == null ? null : ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null; // not a JSON object: Json.body says what is wrong with it
    }
    if (body == null) {
      ctx.next();
      return;
    }
    OutputUnit result = validator.validate(body);
    if (Boolean.TRUE.equals(result.getValid())) {
      ctx.next();
      return;
    }
    Json.fail(ctx, ApiError.badRequest("The request body does not match the API (GET /api/openapi.json): "
        + describe(result)));
  }

  /** The first error, as "at /scopes/0: …", in words a developer can act on. */
  static String describe(OutputUnit result) {
    List<OutputUnit> errors = result.getErrors();
    OutputUnit first = errors == null || errors.isEmpty() ? result : errors.get(errors.size() - 1);
    String where = first.getInstanceLocation() == null ? "" : first.getInstanceLocation().replaceFirst("^#", "");
    return "at " + (where.isEmpty() ? "the body" : where) + ": " + first.getError();
  }
}
