-- wrk script for bench/bench_stack.py's rows other than the runner's (which use runner.lua).
--
--   wrk ... -s bench/stack.lua URL -- HEADERS METHOD EXPECTED THREADS BODY IDEMPOTENCY
--
-- HEADERS is a file with one set of request headers a line, as tab-separated "Name: value"
-- pairs ("-" for none); each request takes the next set in turn (each wrk thread starts at a
-- different one), so 32 connections spread over 32 staff sessions.
-- BODY is a file sent as the request body ("-" for none).
-- IDEMPOTENCY is "-", or a prefix unique to this wrk run: then every request carries its own
-- `Idempotency-Key: PREFIX-THREAD-N`, so every API create is a new submission, not a replay.
-- EXPECTED is the only status that counts as success; any other, and any response that says it
-- replayed an earlier one (`Idempotent-Replayed`), is counted as unexpected.
-- `done` prints one line, "BENCH_JSON {...}", that the harness reads.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function read_file(path)
  local file = assert(io.open(path, "rb"))
  local content = file:read("*a")
  file:close()
  return content
end

function init(args)
  local headers_path, body_path = args[1], args[5]
  method = args[2]
  expected = tonumber(args[3])
  local thread_count = tonumber(args[4]) or 1
  idempotency = args[6] ~= "-" and args[6] or nil
  body = body_path ~= "-" and read_file(body_path) or nil
  unexpected = 0
  responses = 0
  statuses = {}
  sent = 0
  header_sets = {}
  if headers_path ~= "-" then
    for line in io.lines(headers_path) do
      local set = {}
      for pair in line:gmatch("[^\t]+") do
        local name, value = pair:match("^([^:]+):%s*(.*)$")
        if name then
          set[name] = value
        end
      end
      table.insert(header_sets, set)
    end
  end
  if #header_sets == 0 then
    table.insert(header_sets, {})
  end
  -- Without a per-request key every request is fixed: format them once, as runner.lua does.
  prepared = {}
  if not idempotency then
    for i, set in ipairs(header_sets) do
      prepared[i] = wrk.format(method, wrk.path, set, body)
    end
  end
  position = (id * math.floor(#header_sets / thread_count)) % #header_sets
end

function request()
  position = position % #header_sets + 1
  if not idempotency then
    return prepared[position]
  end
  sent = sent + 1
  local set = {}
  for name, value in pairs(header_sets[position]) do
    set[name] = value
  end
  set["Idempotency-Key"] = idempotency .. "-" .. id .. "-" .. sent
  return wrk.format(method, wrk.path, set, body)
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= expected or headers["Idempotent-Replayed"] then
    unexpected = unexpected + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad, seen, wrong = 0, 0, {}
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
    seen = seen + thread:get("responses")
    for status, count in pairs(thread:get("statuses")) do
      wrong[status] = (wrong[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(wrong) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "responses": %d, '
      .. '"unexpected_status": %d, "unexpected_by_status": {%s}, "connect": %d, "read": %d, '
      .. '"write": %d, "status": %d, "timeout": %d, "mean_us": %.1f, "p50_us": %d, '
      .. '"p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, seen, bad, table.concat(parts, ", "),
    e.connect, e.read, e.write, e.status, e.timeout, latency.mean, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max
  ))
end
