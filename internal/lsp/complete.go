package lsp

import (
	"context"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/apacheconf/apacheconf/ast"
	"github.com/apacheconf/apacheconf/directive"
)

func (s *server) completion(ctx context.Context, p *protocol.CompletionParams) (*protocol.CompletionList, error) {
	d, ok := s.document(p.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	c := s.cursorAt(d, p.Position)
	line, start := d.text.lineAt(c.off)
	before := line[:c.off-start]
	typed := strings.TrimLeft(before, " \t")
	indent := before[:len(before)-len(typed)]
	snap := s.snapshotFor(ctx, d.path)
	list := &protocol.CompletionList{}
	words := strings.Fields(typed)
	partial := ""
	if len(typed) > 0 && !strings.HasSuffix(typed, " ") && !strings.HasSuffix(typed, "\t") {
		partial = words[len(words)-1]
		words = words[:len(words)-1]
	}
	replace := d.text.rng(c.off-len(partial), c.off)
	if len(words) == 0 {
		if strings.HasPrefix(partial, "</") {
			list.Items = closingTags(c, replace)
			return list, nil
		}
		list.Items = s.directiveItems(snap, c, replace, indent)
		return list, nil
	}
	// A section header being typed: "<Directory /x" — its arguments are
	// paths; nothing to offer.
	if strings.HasPrefix(words[0], "<") {
		return list, nil
	}
	list.Items = s.argumentItems(snap, c, words, partial, replace)
	return list, nil
}

// closingTags offers the closing tag of the section the cursor is in.
func closingTags(c *cursor, replace protocol.Range) []protocol.CompletionItem {
	var out []protocol.CompletionItem
	for i := len(c.parents) - 1; i >= 0; i-- {
		sec := c.parents[i]
		if sec.CloseAt.IsValid() && !sec.Unclosed {
			continue
		}
		tag := "</" + sec.Name + ">"
		out = append(out, protocol.CompletionItem{
			Label: tag, Kind: protocol.CompletionItemKindStruct,
			TextEdit: &protocol.TextEdit{Range: replace, NewText: tag},
		})
		break
	}
	return out
}

// directiveItems offers the directives and sections httpd accepts where
// the cursor is; those whose module the configuration does not load come
// last, marked.
func (s *server) directiveItems(snap *snapshot, c *cursor, replace protocol.Range, indent string) []protocol.CompletionItem {
	ctx := directive.Context{Sections: contextSections(c.parents)}
	if isHTAccess(c.doc.path) {
		ctx.HTAccess, ctx.Override = true, directive.OrAll
		if snap != nil && snap.prog != nil {
			name := s.ws.inConfig(c.doc.path)
			for _, h := range snap.prog.HTAccessFiles() {
				if h.File.Name == name {
					ctx.Override, ctx.OverrideList = directive.Override(h.Override), h.List
				}
			}
		}
	}
	loaded := func(info *directive.Info) bool {
		if info.Builtin || snap == nil || snap.prog == nil || snap.prog.Server == nil {
			return true
		}
		return directive.Defined(info.Name, snap.prog.Server.Loaded)
	}
	var out []protocol.CompletionItem
	for _, info := range directive.All() {
		if info.CheckContext(ctx) != nil || info.CheckHandlerContext(ctx) != nil {
			continue
		}
		name := strings.TrimPrefix(info.Name, "<")
		item := protocol.CompletionItem{
			Label:         name,
			Kind:          protocol.CompletionItemKindKeyword,
			Detail:        info.Module,
			Documentation: info.Usage,
			SortText:      "0" + strings.ToLower(name),
			FilterText:    name,
			TextEdit:      &protocol.TextEdit{Range: replace, NewText: name + " "},
		}
		if info.Section {
			item.Label = "<" + name
			item.Kind = protocol.CompletionItemKindStruct
			item.FilterText = "<" + name
			if s.snippets {
				item.InsertTextFormat = protocol.InsertTextFormatSnippet
				item.TextEdit.NewText = "<" + name + " ${1}>\n" + indent + "    $0\n" + indent + "</" + name + ">"
			} else {
				item.TextEdit.NewText = "<" + name + " >\n" + indent + "</" + name + ">"
			}
		}
		if !loaded(info) {
			item.Detail = info.Module + " — not loaded (LoadModule " + info.ModuleID + ")"
			item.SortText = "1" + strings.ToLower(name)
		}
		out = append(out, item)
	}
	return out
}

// keywords are the fixed words some directives take.
var keywords = map[string][]string{
	"options":              {"All", "None", "ExecCGI", "FollowSymLinks", "Includes", "IncludesNOEXEC", "Indexes", "MultiViews", "SymLinksIfOwnerMatch"},
	"allowoverride":        {"All", "None", "AuthConfig", "FileInfo", "Indexes", "Limit", "Options=", "Nonfatal=Override", "Nonfatal=Unknown", "Nonfatal=All"},
	"servertokens":         {"Prod", "Major", "Minor", "Min", "OS", "Full"},
	"serversignature":      {"On", "Off", "EMail"},
	"traceenable":          {"on", "off", "extended"},
	"sslprotocol":          {"all", "-SSLv3", "-TLSv1", "-TLSv1.1", "+TLSv1.2", "+TLSv1.3", "TLSv1.2", "TLSv1.3"},
	"hostnamelookups":      {"On", "Off", "Double"},
	"wsgiapplicationgroup": {"%{GLOBAL}", "%{SERVER}", "%{RESOURCE}", "%{ENV:"},
}

// requireProviders are the authorization providers of Require, with
// the module that registers each.
var requireProviders = []struct{ name, module string }{
	{"all", "authz_core_module"}, {"env", "authz_core_module"}, {"method", "authz_core_module"},
	{"expr", "authz_core_module"}, {"not", "authz_core_module"},
	{"valid-user", "authz_user_module"}, {"user", "authz_user_module"},
	{"group", "authz_groupfile_module"},
	{"ip", "authz_host_module"}, {"host", "authz_host_module"}, {"forward-dns", "authz_host_module"}, {"local", "authz_host_module"},
	{"file-owner", "authz_owner_module"}, {"file-group", "authz_owner_module"},
	{"dbm-group", "authz_dbm_module"}, {"dbd-group", "authz_dbd_module"},
	{"ldap-user", "authnz_ldap_module"}, {"ldap-group", "authnz_ldap_module"}, {"ldap-dn", "authnz_ldap_module"},
	{"ldap-attribute", "authnz_ldap_module"}, {"ldap-filter", "authnz_ldap_module"},
}

// daemonOptions are mod_wsgi 4.9's WSGIDaemonProcess options (the names
// resolve checks; wsgi_add_daemon_process in mod_wsgi.c).
var daemonOptions = []string{
	"user", "group", "supplementary-groups", "processes", "threads", "umask", "chroot", "home",
	"lang", "locale", "python-home", "python-path", "python-eggs", "stack-size", "maximum-requests",
	"startup-timeout", "shutdown-timeout", "deadlock-timeout", "inactivity-timeout", "request-timeout",
	"graceful-timeout", "eviction-timeout", "restart-interval", "connect-timeout", "socket-timeout",
	"queue-timeout", "listen-backlog", "display-name", "send-buffer-size", "receive-buffer-size",
	"header-buffer-size", "response-buffer-size", "response-socket-timeout", "socket-user",
	"script-user", "script-group", "cpu-time-limit", "cpu-priority", "memory-limit",
	"virtual-memory-limit", "server-metrics", "newrelic-config-file", "newrelic-environment",
}

// argumentItems offers the words the directive's next argument may be.
func (s *server) argumentItems(snap *snapshot, c *cursor, words []string, partial string, replace protocol.Range) []protocol.CompletionItem {
	name := ast.Canonical(words[0])
	var out []protocol.CompletionItem
	add := func(label, detail string, kind protocol.CompletionItemKind) {
		out = append(out, protocol.CompletionItem{
			Label: label, Detail: detail, Kind: kind,
			TextEdit: &protocol.TextEdit{Range: replace, NewText: label},
		})
	}
	info, known := directive.Lookup(words[0])
	switch {
	case name == "require" && len(words) == 1:
		for _, p := range requireProviders {
			detail := p.module
			if snap != nil && snap.prog != nil && snap.prog.Server != nil && !snap.prog.Server.Loaded(p.module) {
				detail += " — not loaded"
			}
			add(p.name, detail, protocol.CompletionItemKindEnumMember)
		}
	case name == "require" && len(words) == 2 && strings.EqualFold(words[1], "all"):
		add("granted", "", protocol.CompletionItemKindEnumMember)
		add("denied", "", protocol.CompletionItemKindEnumMember)
	case name == "wsgidaemonprocess" && len(words) >= 2:
		for _, o := range daemonOptions {
			add(o+"=", "WSGIDaemonProcess option", protocol.CompletionItemKindProperty)
		}
	case name == "wsgiprocessgroup" && len(words) == 1, name == "wsgirestrictprocess":
		for _, g := range s.groupNames(snap, c) {
			add(g, "daemon process group", protocol.CompletionItemKindValue)
		}
		add("%{GLOBAL}", "embedded mode", protocol.CompletionItemKindConstant)
		if name == "wsgiprocessgroup" {
			add("%{ENV:", "chosen by an environment variable", protocol.CompletionItemKindConstant)
		}
	case (name == "wsgiscriptalias" || name == "wsgiscriptaliasmatch" || name == "wsgiimportscript") && len(words) >= 2:
		for _, g := range s.groupNames(snap, c) {
			add("process-group="+g, "daemon process group", protocol.CompletionItemKindValue)
		}
		add("application-group=%{GLOBAL}", "", protocol.CompletionItemKindValue)
	case keywords[name] != nil:
		prefix := ""
		if name == "options" && (strings.HasPrefix(partial, "+") || strings.HasPrefix(partial, "-")) {
			prefix = partial[:1]
		}
		for _, k := range keywords[name] {
			add(prefix+k, "", protocol.CompletionItemKindEnumMember)
		}
	case known && info.Args == directive.Flag && len(words) == 1:
		add("On", "", protocol.CompletionItemKindEnumMember)
		add("Off", "", protocol.CompletionItemKindEnumMember)
	}
	return out
}

// groupNames are the daemon groups selectable from the cursor's server
// (every group when the server is not known).
func (s *server) groupNames(snap *snapshot, c *cursor) []string {
	if snap == nil || snap.prog == nil || snap.prog.Inventory == nil {
		return nil
	}
	var out []string
	if v := s.vhostOf(snap, c); v != nil {
		for _, g := range snap.prog.Inventory.Selectable(v) {
			out = append(out, g.Name)
		}
		return out
	}
	for _, g := range snap.prog.Inventory.Groups {
		out = append(out, g.Name)
	}
	return out
}
