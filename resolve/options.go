package resolve

import (
	"strconv"
	"strings"
)

// daemonOption describes one WSGIDaemonProcess option as mod_wsgi 4.9's
// wsgi_add_daemon_process checks it: the message it gives for a bad value
// and the smallest number it accepts (for numeric options).
type daemonOption struct {
	msg     string
	numeric bool
	min     int
	flag    bool // On/Off
	octal   bool
}

var daemonOptions = map[string]daemonOption{
	"user":                    {msg: "Invalid user for WSGI daemon process."},
	"group":                   {msg: "Invalid group for WSGI daemon process."},
	"supplementary-groups":    {},
	"processes":               {msg: "Invalid process count for WSGI daemon process.", numeric: true, min: 1},
	"threads":                 {msg: "Invalid thread count for WSGI daemon process.", numeric: true, min: 0},
	"umask":                   {msg: "Invalid umask for WSGI daemon process.", octal: true},
	"chroot":                  {msg: "Invalid chroot directory for WSGI daemon process."},
	"home":                    {msg: "Invalid home directory for WSGI daemon process."},
	"lang":                    {},
	"locale":                  {},
	"python-home":             {},
	"python-path":             {},
	"python-eggs":             {},
	"stack-size":              {msg: "Invalid stack size for WSGI daemon process.", numeric: true, min: 1},
	"maximum-requests":        {msg: "Invalid request count for WSGI daemon process.", numeric: true, min: 0},
	"startup-timeout":         {msg: "Invalid startup timeout for WSGI daemon process.", numeric: true, min: 0},
	"shutdown-timeout":        {msg: "Invalid shutdown timeout for WSGI daemon process.", numeric: true, min: 0},
	"deadlock-timeout":        {msg: "Invalid deadlock timeout for WSGI daemon process.", numeric: true, min: 0},
	"inactivity-timeout":      {msg: "Invalid inactivity timeout for WSGI daemon process.", numeric: true, min: 0},
	"request-timeout":         {msg: "Invalid request timeout for WSGI daemon process.", numeric: true, min: 0},
	"graceful-timeout":        {msg: "Invalid graceful timeout for WSGI daemon process.", numeric: true, min: 0},
	"eviction-timeout":        {msg: "Invalid eviction timeout for WSGI daemon process.", numeric: true, min: 0},
	"restart-interval":        {msg: "Invalid restart interval for WSGI daemon process.", numeric: true, min: 0},
	"connect-timeout":         {msg: "Invalid connect timeout for WSGI daemon process.", numeric: true, min: 0},
	"socket-timeout":          {msg: "Invalid socket timeout for WSGI daemon process.", numeric: true, min: 0},
	"queue-timeout":           {msg: "Invalid queue timeout for WSGI daemon process.", numeric: true, min: 0},
	"listen-backlog":          {msg: "Invalid listen backlog for WSGI daemon process.", numeric: true, min: 0},
	"display-name":            {},
	"send-buffer-size":        {msg: "Invalid send buffer size for WSGI daemon process.", numeric: true, min: 512},
	"receive-buffer-size":     {msg: "Invalid receive buffer size for WSGI daemon process.", numeric: true, min: 512},
	"header-buffer-size":      {msg: "Invalid header buffer size for WSGI daemon process.", numeric: true, min: 8192},
	"response-buffer-size":    {msg: "Invalid response buffer size for WSGI daemon process.", numeric: true, min: 65536},
	"response-socket-timeout": {msg: "Invalid response socket timeout for WSGI daemon process.", numeric: true, min: 0},
	"socket-user":             {msg: "Invalid socket user for WSGI daemon process."},
	"script-user":             {msg: "Invalid script user for WSGI daemon process."},
	"script-group":            {msg: "Invalid script group for WSGI daemon process."},
	"cpu-time-limit":          {msg: "Invalid CPU time limit for WSGI daemon process.", numeric: true, min: 0},
	"cpu-priority":            {msg: "Invalid CPU priority for WSGI daemon process.", numeric: true, min: -1 << 30},
	"memory-limit":            {msg: "Invalid memory limit for WSGI daemon process.", numeric: true, min: 0},
	"virtual-memory-limit":    {msg: "Invalid virtual memory limit for WSGI daemon process.", numeric: true, min: 0},
	"server-metrics":          {msg: "Invalid server metrics flag for WSGI daemon process.", flag: true},
	"newrelic-config-file":    {},
	"newrelic-environment":    {},
}

// checkOption returns mod_wsgi's message for a bad option, or "". Option
// names are compared exactly (strcmp). Numbers are read like atoi.
func checkOption(name, value string, hasEq bool) string {
	opt, ok := daemonOptions[name]
	if !ok || !hasEq {
		return "Invalid option to WSGI daemon process definition."
	}
	if opt.msg != "" && value == "" {
		return opt.msg
	}
	switch {
	case opt.numeric:
		if atoi(value) < opt.min {
			return opt.msg
		}
	case opt.flag:
		if !strings.EqualFold(value, "On") && !strings.EqualFold(value, "Off") {
			return opt.msg
		}
	case opt.octal:
		if v, err := strconv.ParseInt(value, 8, 64); err != nil || v < 0 {
			return opt.msg
		}
	}
	return ""
}

// atoi is C's atoi: optional sign and leading digits, else 0.
func atoi(s string) int {
	s = strings.TrimLeft(s, " \t")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9' && n < 1<<30; i++ {
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}
