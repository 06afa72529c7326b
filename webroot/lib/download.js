/**
 * Downloads a file the server sends as an attachment (a transcript, issue 28), without leaving the page: the
 * browser saves it and the page stays as it is. The session cookie goes with the request like any other.
 */
export function download(path) {
  const a = document.createElement('a');
  a.href = path;
  a.download = '';
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}

/** Where a transcript is downloaded from (issue 28, point 4). `format`: pdf, csv or json. */
export const transcriptPaths = Object.freeze({
  conversation: (conversationId, format = 'pdf') => `/api/conversations/${encodeURIComponent(conversationId)}/transcript?format=${format}`,
  mine: (format = 'pdf') => `/api/me/transcript?format=${format}`,
  ofClass: (className, format = 'pdf') => `/api/classes/${encodeURIComponent(className)}/transcripts?format=${format}`,
});
