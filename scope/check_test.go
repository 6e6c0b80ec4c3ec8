package scope

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/apacheconf/apacheconf/parser"
)

func TestCheckValues(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"clean", "Options FollowSymLinks\n<Directory /x>\nOptions -Indexes +ExecCGI\nAllowOverride FileInfo Options=Indexes\n</Directory>\n", nil},
		{"illegal option in a vhost's directory", "<VirtualHost *:80>\n<Directory /x>\nOptions +Bogus\n</Directory>\n</VirtualHost>\n",
			[]string{"t.conf:3:1: Illegal option Bogus"}},
		{"mixed signs", "Options +Indexes FollowSymLinks\n", []string{"t.conf:1:1: Either all Options must start with + or -, or no Option may."}},
		{"none not first", "<Location />\nOptions Indexes None\n</Location>\n", []string{"t.conf:2:1: 'Options None' must be the first Option given."}},
		{"bad override", "<Directory /x>\nAllowOverride FileInfo Nope\n</Directory>\n", []string{"t.conf:2:1: Illegal override option Nope"}},
		{"several", "Options Bogus\n<Directory /x>\nAllowOverride Nope\n</Directory>\n",
			[]string{"t.conf:1:1: Illegal option Bogus", "t.conf:3:1: Illegal override option Nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parser.ParseFile("t.conf", []byte(tt.src))
			require.NoError(t, err)
			var got []string
			for _, p := range CheckValues(f.Body) {
				got = append(got, p.String())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
