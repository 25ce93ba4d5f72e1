-- wrk script for bench/bench_runner.py.
--
--   wrk -t THREADS ... -s bench/runner.lua URL -- SESSIONS METHOD EXPECTED THREADS [BODY]
--
-- SESSIONS is a file of "cookie-header<TAB>csrf-token" lines written by the harness ("-" for
-- none: plain requests with no cookie). Each request takes the next session in turn (each wrk
-- thread starts at a different one), so 32 connections spread over 32 live journeys.
-- METHOD is GET or POST; a POST sends "csrfmiddlewaretoken=<token>&BODY" as a form.
-- EXPECTED is the only status that counts as success (200 for a page, 302 for a valid answer):
-- anything else, a re-displayed form with an error included, is counted as an error.
-- `done` prints one line, "BENCH_JSON {...}", that the harness reads.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local sessions_path, method, expected_status = args[1], args[2], args[3]
  local thread_count, answer = tonumber(args[4]) or 1, args[5]
  expected = tonumber(expected_status)
  unexpected = 0
  responses = 0
  prepared = {}
  local sessions = {}
  if sessions_path ~= "-" then
    for line in io.lines(sessions_path) do
      local cookie, token = line:match("^([^\t]+)\t([^\t]+)$")
      if cookie then
        table.insert(sessions, { cookie = cookie, token = token })
      end
    end
  end
  if #sessions == 0 then
    table.insert(sessions, { cookie = nil, token = "" })
  end
  for i, session in ipairs(sessions) do
    local headers = {}
    local body = nil
    if session.cookie then
      headers["Cookie"] = session.cookie
    end
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      body = "csrfmiddlewaretoken=" .. session.token
      if answer and answer ~= "" then
        body = body .. "&" .. answer
      end
    end
    prepared[i] = wrk.format(method, wrk.path, headers, body)
  end
  -- Threads start evenly spread over the list, so two threads do not walk the same sessions in step.
  position = (id * math.floor(#prepared / thread_count)) % #prepared
end

function request()
  position = position % #prepared + 1
  return prepared[position]
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local bad, seen = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
    seen = seen + thread:get("responses")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "responses": %d, '
      .. '"unexpected_status": %d, "connect": %d, "read": %d, "write": %d, "status": %d, '
      .. '"timeout": %d, "mean_us": %.1f, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
      .. '"max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, seen, bad, e.connect, e.read, e.write,
    e.status, e.timeout, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max
  ))
end
