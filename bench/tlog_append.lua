-- wrk script for bench/tlog.sh: logged events. Each request adds a fresh organisation key
-- (POST /api/v1/organizations/{id}/keys, the path given on wrk's command line), a logged event
-- whose 201 answer carries its receipt. Keys come from the file named by TLOG_KEYS (one
-- base64 Ed25519 public key per line); wrk thread n of N takes lines n, n+N, n+2N…, so no key
-- is sent twice. Each thread counts its 201 answers, those carrying a receipt, the other
-- answers, and the distinct checkpoint sizes its receipts name (the commits that answered
-- it); done() adds them up and prints one line per figure for bench/tlog.sh.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  keys = {}
  local n = 0
  local total = tonumber(os.getenv("TLOG_THREADS"))
  for line in io.lines(os.getenv("TLOG_KEYS")) do
    n = n + 1
    if n % total == id - 1 then
      keys[#keys + 1] = line
    end
  end
  position = 0
  created = 0
  receipts = 0
  other = 0
  exhausted = 0
  sizes = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TLOG_TOKEN")
end

function request()
  position = position + 1
  local key = keys[position]
  if key == nil then
    -- Out of keys: repeat the first one, which answers 409 and counts as a failure.
    exhausted = exhausted + 1
    key = keys[1]
  end
  return wrk.format(nil, nil, nil, '{"public_key":"' .. key .. '"}')
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
    -- The receipt (JSON-escaped): "c2sp.org/tlog-proof@v1\nindex N\n…\n\n<origin>\n<size>\n…"
    local size = string.match(body, '"log_receipt":"c2sp%.org/tlog%-proof@v1\\n.-\\n\\n[^\\]+\\n(%d+)\\n')
    if size then
      receipts = receipts + 1
      sizes[size] = true
    end
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, r, o, x = 0, 0, 0, 0
  local all = {}
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    r = r + t:get("receipts")
    o = o + t:get("other")
    x = x + t:get("exhausted")
    for size, _ in pairs(t:get("sizes")) do
      all[size] = true
    end
  end
  local checkpoints = 0
  for _ in pairs(all) do
    checkpoints = checkpoints + 1
  end
  io.write(string.format("tlog created %d\n", c))
  io.write(string.format("tlog receipts %d\n", r))
  io.write(string.format("tlog other %d\n", o))
  io.write(string.format("tlog exhausted %d\n", x))
  io.write(string.format("tlog checkpoints %d\n", checkpoints))
  io.write(string.format("tlog seconds %.3f\n", summary.duration / 1e6))
  for _, p in ipairs({ 50, 95, 99 }) do
    io.write(string.format("tlog p%d_ms %.2f\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("tlog max_ms %.2f\n", latency.max / 1000))
end
