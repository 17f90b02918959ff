-- wrk script for bench/osv-query.sh: POST /v1/querybatch with request bodies read from the
-- file named by the environment variable OSV_BODIES (one JSON batch per line), each
-- connection starting at its own place and taking the bodies in turn.
local bodies = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("start", counter * 7919)
end

function init(args)
  for line in io.lines(os.getenv("OSV_BODIES")) do
    bodies[#bodies + 1] = line
  end
  position = start % #bodies
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  position = position % #bodies + 1
  return wrk.format(nil, "/v1/querybatch", nil, bodies[position])
end

-- No response() callback: with one, wrk hands every body to Lua, which costs the client more
-- than the server; bench/osv-query.sh checks wrk's count of non-2xx answers instead.
