package scope

import (
	"strings"

	"github.com/apacheconf/apacheconf/ast"
)

// mod_userdir: UserDir at translate_name (translate_userdir, MIDDLE,
// after mod_alias).

var userdirModule = &module{name: "mod_userdir"}

func init() {
	userdirModule.define(module{
		newServer: func(body []ast.Node, _ *dirConfig) any {
			var c *userdirConfig
			for _, n := range body {
				if d, ok := n.(*ast.Directive); ok && d.Canonical() == "userdir" {
					if c == nil {
						c = &userdirConfig{enabled: map[string]bool{}, disabled: map[string]bool{}}
					}
					c.set(d)
				}
			}
			if c == nil {
				return nil
			}
			return c
		},
		// merge_userdir_config: the directory list and the global
		// "disabled"/"enabled" switch are the virtual host's when it set
		// them, else the main server's; the per-user tables are not
		// merged. A virtual host with no UserDir line at all shares the
		// main server's configuration, user tables included: httpd
		// creates a module's server config only when one of its
		// directives appears, and merge_server_configs shares the main
		// server's otherwise — verified on Apache 2.4.71: main "UserDir
		// public_html" + "UserDir disabled alice", a vhost with no
		// UserDir: /~alice/ is refused; a vhost with only "UserDir www"
		// or "UserDir disabled bob": /~alice/ maps (the vhost's own,
		// empty, tables).
		mergeServer: func(main, vhost any) any {
			m, _ := main.(*userdirConfig)
			v, _ := vhost.(*userdirConfig)
			switch {
			case v == nil:
				return main
			case m == nil:
				return vhost
			}
			merged := &userdirConfig{enabled: v.enabled, disabled: v.disabled, dirs: m.dirs, dirsFrom: m.dirsFrom, global: m.global}
			if v.dirs != nil {
				merged.dirs, merged.dirsFrom = v.dirs, v.dirsFrom
			}
			if v.global != 0 {
				merged.global = v.global
			}
			return merged
		},
		translateName: func(r *request) (Mapping, bool) {
			if c := serverOf[userdirConfig](r, userdirModule); c != nil {
				return translateUserdir(r, c)
			}
			return Mapping{}, false
		},
	})
}

// userdirConfig is mod_userdir's userdir_config after
// merge_userdir_config.
type userdirConfig struct {
	dirs     []string       // the UserDir words (nil: DEFAULT_USER_DIR, none)
	dirsFrom *ast.Directive // the line that set dirs
	global   int            // 0 default, 1 disabled, 2 enabled
	enabled  map[string]bool
	disabled map[string]bool
}

// set is set_user_dir: "disable[d]"/"enable[d]" alone switch globally,
// with names they fill the (case-insensitive, apr_table) user tables;
// anything else replaces the directory list.
func (c *userdirConfig) set(d *ast.Directive) {
	vals := d.Values()
	if len(vals) == 0 {
		return
	}
	switch strings.ToLower(vals[0]) {
	case "disable", "disabled":
		if len(vals) == 1 {
			c.global = 1
		}
		for _, u := range vals[1:] {
			c.disabled[strings.ToLower(u)] = true
		}
	case "enable", "enabled":
		if len(vals) == 1 {
			c.global = 2
		}
		for _, u := range vals[1:] {
			c.enabled[strings.ToLower(u)] = true
		}
	default:
		c.dirs, c.dirsFrom = vals, d
	}
}

// userdir is translate_userdir.
func translateUserdir(r *request, c *userdirConfig) (Mapping, bool) {
	if !strings.HasPrefix(r.uri, "/~") || c.dirs == nil {
		return Mapping{}, false
	}
	user, _, hasSlash := strings.Cut(r.uri[2:], "/")
	dname := ""
	if hasSlash {
		dname = r.uri[2+len(user):]
	}
	// No user, ".", "..": declined. (httpd 2.4.63's source tests user[1],
	// which would refuse "a." and accept "."; Apache 2.4.71 as installed
	// maps /~a./x and declines /~./x — verified — so this follows it.)
	if user == "" || user == "." || user == ".." {
		return Mapping{}, false
	}
	key := strings.ToLower(user) // apr_table_get is case-insensitive
	if c.disabled[key] {
		return Mapping{}, false
	}
	if c.global == 1 && !c.enabled[key] {
		return Mapping{}, false
	}
	for i, ud := range c.dirs {
		last := i == len(c.dirs)-1
		abs := strings.HasPrefix(ud, "/")
		prefix, rest, star := strings.Cut(ud, "*")
		if !star {
			rest = ud
		}
		var filename string
		switch {
		case rest == "" || abs:
			if star {
				if strings.Contains(prefix, ":") && !abs {
					return userdirRedirect(c, prefix+user+rest+dname), true
				}
				filename = prefix + user + rest
			} else {
				filename = rest + "/" + user
			}
		case star && strings.Contains(prefix, ":"):
			return userdirRedirect(c, prefix+user+dname), true
		default:
			home, ok := r.topts.homeDir(user)
			if ok {
				filename = home + "/" + rest // the words after a '*'
			}
		}
		if filename != "" && (last || r.topts.exists(filename)) {
			r.setContextInfo(r.uri[:len(r.uri)-len(dname)], filename)
			return Mapping{Kind: "userdir", Directive: c.dirsFrom, Filename: filename + dname,
				ScriptName: r.uri[:len(r.uri)-len(dname)]}, true
		}
	}
	return Mapping{}, false
}

func userdirRedirect(c *userdirConfig, loc string) Mapping {
	return Mapping{Kind: "redirect", Directive: c.dirsFrom, Redirect: &Redirect{Status: 302, Location: loc}}
}
