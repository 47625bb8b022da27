-- GET of the trivial endpoint (LOAD_PATH), for the baseline of each run.
dofile(os.getenv("LOAD_DIR") .. "/common.lua")
function request()
  return wrk.format("GET", os.getenv("LOAD_PATH"))
end
