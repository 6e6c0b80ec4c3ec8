// Package lsp is apacheconf's language server (`apacheconf lsp`): the
// Language Server Protocol over a stream, for editors.
//
// It answers from what the rest of apacheconf knows: diagnostics are
// lint's findings over the whole configuration tree a file belongs to;
// hover shows the directive registry's facts, whether the module is
// loaded, what scope's EffectiveAt puts in force at a <Directory> or the
// DocumentRoot, and for WSGIProcessGroup the daemon groups a request can
// reach with mod_wsgi's verdict (resolve); definition and references
// follow Include, Use/<Macro>, daemon groups, ${VAR}/Define and virtual
// hosts sharing an address; completion offers the directives allowed in
// the cursor's context; formatting is `apacheconf fmt`.
//
// A file belongs to the tree whose main file includes it: the nearest
// apache2.conf or httpd.conf above it, the "main" key of the nearest
// .apacheconf.yaml, or Settings.MainFile. Open documents override the
// disk (an fs.FS overlay). An edit of a file the tree reads once, holding
// nothing that changes how other files read, re-parses that file alone
// and splices it into the loaded tree; the rules then run over the tree.
// On large trees an edit is first answered by the rules over the edited
// file's servers in the global configuration, the rules that depend on
// other servers following with the full run (see docs/editors.md for
// the figures).
//
// The protocol types and JSON-RPC are go.lsp.dev's.
package lsp
