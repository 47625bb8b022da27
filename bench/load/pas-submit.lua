-- POST /fhir/Claim/$submit: the sample PAS Bundle, each with its own Claim identifier (a new case each time).
dofile(os.getenv("LOAD_DIR") .. "/common.lua")
local template, n
function init(args)
  template = read_file(os.getenv("LOAD_BODY"))
  n = 0
end
function request()
  n = n + 1
  local body = template:gsub("PA%-20260504%-0001", "LOAD-" .. os.getenv("LOAD_RUN") .. "-" .. os.getenv("LOAD_NAME") .. "-" .. thread_id .. "-" .. n)
  return wrk.format("POST", "/fhir/Claim/$submit", api_headers("application/fhir+json"), body)
end
