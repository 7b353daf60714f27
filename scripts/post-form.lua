-- wrk script for a logged-in form submission (scripts/load.sh sets the variables from
-- scripts/load-session.py):
--   PINGSHEN_COOKIE='ps_session=…' PINGSHEN_CSRF='…' PINGSHEN_FORM_BODY='field=value&…' \
--     wrk -t2 -c32 -d15s --latency -s scripts/post-form.lua http://127.0.0.1:PORT/apply/ID/form
-- The CSRF token goes into the form body as `_csrf`, as the pages' forms carry it.
local cookie = os.getenv("PINGSHEN_COOKIE") or ""
local csrf = os.getenv("PINGSHEN_CSRF") or ""
local body = os.getenv("PINGSHEN_FORM_BODY") or ""

if cookie == "" or csrf == "" then
  io.stderr:write("post-form.lua: set PINGSHEN_COOKIE and PINGSHEN_CSRF (and PINGSHEN_FORM_BODY)\n")
  os.exit(2)
end

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = cookie
wrk.body = (body ~= "" and (body .. "&") or "") .. "_csrf=" .. urlencode(csrf)
-- wrk counts the answers that are not 2xx/3xx ("Non-2xx or 3xx responses") itself.
