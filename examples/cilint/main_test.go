package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/apacheconf/apacheconf/lint"
)

// The shipped hosting example fails the step: joe's .htaccess can run
// code as bob.
func Example() {
	code, err := run(os.Stdout, os.DirFS("../hosting"), "/", "apache2.conf", "text", lint.Config{})
	if err != nil {
		panic(err)
	}
	fmt.Println("exit status", code)
	// Output:
	// /sites-enabled/www.site.com.conf:25:5: error: a .htaccess in /home/joe/public_html can pick any of 4 daemon groups through %{ENV:PROCESS_GROUP} and so run code as bob (bob:1, bob:2), joe (joe:1) or the Apache user (default); add WSGIRestrictProcess to this <Directory> listing its owner's groups [AC4006]
	// exit status 1
}

func TestStatus(t *testing.T) {
	hosting := os.DirFS("../hosting")
	tests := []struct {
		name string
		file string
		cfg  lint.Config
		code int
		err  error
	}{
		{"finding", "apache2.conf", lint.Config{}, 1, nil},
		{"rule switched off by name", "apache2.conf", lint.Config{Severity: map[string]lint.Severity{"wsgi-env-group-selection": lint.Off}}, 0, nil},
		{"below fail-on", "apache2.conf", lint.Config{Severity: map[string]lint.Severity{"AC4006": lint.Warning}}, 0, nil},
		{"mistyped path fails", "apache2.cnf", lint.Config{}, 2, fs.ErrNotExist},
		{"unknown rule fails", "apache2.conf", lint.Config{Disable: []string{"wsgi-env"}}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, err := run(io.Discard, hosting, "/", tt.file, "github", tt.cfg)
			assert.Equal(t, tt.code, code, "%v", err)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
			}
		})
	}
}
