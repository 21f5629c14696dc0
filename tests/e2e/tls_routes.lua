-- SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
-- wrk script: requests cycle through a page nginx serves (200) and two paths it refuses (404),
-- so routes and their statuses can be compared with nginx's access log.
local paths = { "/index.html", "/missing/123", "/index.html", "/missing/456" }
local i = 0

function request()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end
