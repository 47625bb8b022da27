-- Shared by the wrk scripts of bench/load.sh: one summary line per run, a CDS Hooks bearer token per request
-- when TOKENS_DIR is set (each wrk thread reads its own file of single-use tokens), and the API's access token
-- (API_TOKEN) on REST API and FHIR calls.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  table.insert(threads, thread)
end

function load_tokens()
  local dir = os.getenv("TOKENS_DIR")
  if dir == nil or dir == "" then return nil end
  local tokens = {}
  for line in io.lines(dir .. "/tokens-" .. thread_id .. ".txt") do tokens[#tokens + 1] = line end
  return tokens
end

-- Headers of a REST API or FHIR call: the OAuth 2.0 access token in API_TOKEN, when the server wants one.
function api_headers(content_type)
  local headers = { ["Content-Type"] = content_type }
  local token = os.getenv("API_TOKEN")
  if token ~= nil and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return headers
end

function read_file(path)
  local file = assert(io.open(path, "rb"))
  local content = file:read("*a")
  file:close()
  return content
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT %s requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d\n",
    os.getenv("LOAD_NAME") or "run", summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
