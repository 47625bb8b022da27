-- POST /api/v1/determinations: the sample prior authorization, each with its own requestId (a new case each time).
dofile(os.getenv("LOAD_DIR") .. "/common.lua")
local template, n
function init(args)
  template = read_file(os.getenv("LOAD_BODY"))
  n = 0
end
function request()
  n = n + 1
  local body = template:gsub('"requestId"%s*:%s*"[^"]*"', '"requestId": "LOAD-' .. os.getenv("LOAD_RUN") .. "-" .. os.getenv("LOAD_NAME") .. "-" .. thread_id .. "-" .. n .. '"')
  return wrk.format("POST", "/api/v1/determinations", api_headers("application/json"), body)
end
