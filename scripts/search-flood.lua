-- Issue 24, point 2: the search flood of scripts/read-flood.py, sent by wrk (FLOOD_CLIENT=wrk), whose own CPU per
-- request is a small fraction of Python's: each of wrk's connections asks for the next search as soon as the last is
-- answered or refused, as read-flood.py's threads do. The user's cookie comes in FLOOD_COOKIE, the Origin in
-- FLOOD_ORIGIN.
local words = {"homework", "lesson", "question", "thanks", "tomorrow", "maths", "load"}

wrk.headers["Cookie"] = os.getenv("FLOOD_COOKIE")
wrk.headers["Origin"] = os.getenv("FLOOD_ORIGIN")

request = function()
  return wrk.format("GET", "/api/search?q=" .. words[math.random(#words)])
end

done = function(summary, latency, requests)
  -- wrk counts every answer that is not 2xx or 3xx as a status error: here the refusals (429).
  io.write(string.format("wrk: %d answers, %d of them refusals; %d connect, %d read, %d write errors, %d timeouts\n",
      summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write,
      summary.errors.timeout))
end
