package app.homeroom.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 29, point 4: keeps the OpenAPI document true. Every response a test gets through {@link Api} is checked
 * against {@code openapi.json} (vertx-openapi's response validator): its status must be one the operation lists (or
 * an error, whose body must then be the error object), and its body must match the schema. A request to a path no
 * operation describes must be answered 404 or 405 (401 without a session). A mismatch fails the test that made the request.
 */
public final class Contract {

  private static Vertx vertx;
  private static OpenAPIContract contract;
  private static ResponseValidator validator;
  private static final AtomicLong checked = new AtomicLong();

  private Contract() {}

  /** The document, as the jar carries it. */
  public static JsonObject document() {
    try (InputStream in = Contract.class.getResourceAsStream("/openapi.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static synchronized OpenAPIContract contract() {
    if (contract == null) {
      vertx = Vertx.vertx();
      try {
        contract = OpenAPIContract.from(vertx, document()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("openapi.json is not a valid OpenAPI 3.1 document: " + e, e);
      }
      validator = ResponseValidator.create(vertx, contract);
    }
    return contract;
  }

  /** Responses checked so far in this JVM. */
  public static long checked() {
    return checked.get();
  }

  /** Checks one exchange; throws {@link AssertionError} naming what does not match the document. */
  public static void check(String method, URI uri, HttpResponse<String> response) {
    String path = uri.getPath();
    if (!path.startsWith("/api/") && !path.startsWith("/health/")) {
      return;
    }
    check(method, path, response.statusCode(), response.headers().firstValue("content-type").orElse(null), response.body());
  }

  /** Checks one answer to {@code method path}; throws {@link AssertionError} naming what does not match. */
  public static void check(String method, String path, int status, String contentType, String responseBody) {
    Operation operation = contract().findOperation(path, HttpMethod.valueOf(method));
    if (operation == null) {
      // An unknown endpoint: 404, or 401 first when no one is signed in (the API checks the caller before the route).
      if (status != 404 && status != 405 && status != 401) {
        throw new AssertionError("OpenAPI: " + method + " " + path + " answered " + status + " but the document has no such operation");
      }
      return;
    }
    Buffer body = responseBody == null || responseBody.isEmpty() ? null : Buffer.buffer(responseBody);
    ValidatableResponse validatable = body == null ? ValidatableResponse.create(status, Map.of())
        : ValidatableResponse.create(status, Map.of(), body, contentType == null ? null : contentType.split(";")[0].trim());
    try {
      validator.validate(validatable, operation.getOperationId()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      checked.incrementAndGet();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      String detail = cause instanceof io.vertx.openapi.validation.SchemaValidationException s && s.getOutputUnit() != null
          ? s.getOutputUnit().toString() : String.valueOf(cause);
      throw new AssertionError("OpenAPI: " + method + " " + path + " (" + operation.getOperationId() + ") answered " + status
          + " not as documented: " + cause.getMessage() + "\n" + detail + "\nbody: " + abbreviate(responseBody), cause);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The operations of the document, as {@code [method, path template, operationId]}. */
  public static java.util.List<String[]> operations() {
    return contract().operations().stream()
        .map(o -> new String[] {o.getHttpMethod().name(), o.getOpenAPIPath(), o.getOperationId()}).toList();
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 600 ? s.substring(0, 600) + "…" : s;
  }
}
