package parser

import (
	"fmt"
	"io"
	"strings"
)

// WriteIncludes prints files as apache2 -t -D DUMP_INCLUDES does: a header,
// then each file indented two spaces per include level plus one, preceded
// by "(*)" for the main file and "(N)" for the line of the Include that read
// it (DumpLine, with httpd's quirk).
func WriteIncludes(w io.Writer, files []IncludedFile) error {
	var b strings.Builder
	b.WriteString("Included configuration files:\n")
	for _, f := range files {
		b.WriteString(strings.Repeat("  ", f.Depth+1))
		if f.DumpLine > 0 {
			fmt.Fprintf(&b, "(%d)", f.DumpLine)
		} else {
			b.WriteString("(*)")
		}
		fmt.Fprintf(&b, " %s\n", f.Path)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
