-- POST /cds-services/order-sign: the sample CRD call, each with its own single-use JWT when auth is on.
dofile(os.getenv("LOAD_DIR") .. "/common.lua")
local body, tokens, next_token
function init(args)
  body = read_file(os.getenv("LOAD_BODY"))
  tokens = load_tokens()
  next_token = 1
end
function request()
  local headers = { ["Content-Type"] = "application/json" }
  if tokens ~= nil then
    local token = tokens[next_token]
    if token == nil then wrk.thread:stop() return wrk.format("GET", "/health") end
    next_token = next_token + 1
    headers["Authorization"] = "Bearer " .. token
  end
  return wrk.format("POST", "/cds-services/order-sign", headers, body)
end
