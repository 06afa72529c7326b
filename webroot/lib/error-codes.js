/**
 * The error vocabulary shared by the REST API and the bridge (docs/API.md; the server's ApiError.codeFor): one
 * table, so a failure has the same `code` whichever way it came.
 */
const CODES = Object.freeze({
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
});

/** The `code` for an HTTP status or a bridge failure code; undefined when it is not one of ours. */
export function codeForStatus(status) {
  if (CODES[status]) return CODES[status];
  return status >= 500 ? 'internal' : undefined;
}
