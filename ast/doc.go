// Package ast holds the syntax tree of an Apache httpd configuration file
// and prints it back.
//
// A File's Body is a list of nodes in source order: *Directive (a name and
// its arguments), *Section (<Name args> … </Name> with a Body of its own),
// *Comment, *Blank, and *Bad (a line that could not be placed, such as a
// closing tag with nothing open). Every node has a position: Pos() gives
// it as a Position (file, line, column, byte offset — like
// go/token.Position); the node stores it compactly in its At field, a Pos
// whose file name is shared through a PosBase. Every node keeps its exact
// source text in Raw. Names keep their spelling; httpd matches them without
// regard to case, so compare with Is or Canonical.
//
// Printing is lossless: Fprint writes each node whose Name and Args still
// read back from its Raw as that Raw, byte for byte, so an unmodified tree
// reproduces its input exactly (comments, blank lines, indentation,
// continuation lines, quoting, CRLF line ends). Nodes that were edited, or
// built by code, are printed canonically, indented like their siblings;
// an edited directive keeps its own indentation and the gap before its
// first argument.
// Reformat normalises indentation for the fmt command.
//
// Inspect and Walk traverse a tree in source order, Walk also passing the
// chain of enclosing sections.
//
// # Editing
//
// Set, Ensure, EnsureSection, Remove, RemoveAll and EnsureComment change a
// tree idempotently; NewDirective, NewSection, NewBlank and NewFile build
// nodes. Set knows keyed directives (KeyOf: SetEnv by variable, AddHandler
// by extension, Header by name, Alias by path, Listen by address …) and
// edits a directive where it is, inside <IfModule> and the other
// configuration-time conditionals (Lookup, LookupSections):
//
//	ast.Set(vhost, "SetEnv", "A", "3") // SetEnv B stays
//
// To edit the files of a loaded configuration, see apacheconf.Config.Edit.
//
// # JSON
//
// File.MarshalJSON and File.UnmarshalJSON use a form modelled on
// crossplane's for nginx:
//
//	{"file": "site.conf", "eol": "\n", "parsed": [NODE, ...]}
//
// where NODE is one of
//
//	{"type": "directive", "directive": "Listen", "args": ["80"], POS, "raw": "Listen 80\n"}
//	{"type": "section", "directive": "VirtualHost", "args": ["*:80"], POS, "raw": "<VirtualHost *:80>\n",
//	 "block": [NODE, ...], "close": "</VirtualHost>\n"}   ("unclosed": true when the source lacked it)
//	{"type": "comment", "comment": " text after #", POS, "raw": "# text after #\n"}
//	{"type": "blank", POS, "raw": "\n"}
//	{"type": "bad", "text": "</Stray>", POS, "raw": "</Stray>\n"}
//
// POS is "line", "column" (1-based, bytes) and "offset" (0-based bytes).
// "args" are the values httpd sees (quotes removed). "raw" is the exact
// source of the line(s), omitted for nodes built by code; it makes the
// form lossless: File → JSON → File prints the original bytes. A consumer
// that edits "directive" or "args" need not touch "raw": a node whose name
// and args no longer read back from its raw is printed canonically. JSON
// strings are UTF-8, so a node whose source is not valid UTF-8 carries
// "raw_base64" (and "close_base64") instead, its other strings showing
// each invalid byte as U+FFFD; decoding restores the exact bytes.
package ast
