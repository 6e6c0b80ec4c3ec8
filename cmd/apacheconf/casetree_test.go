package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCaseTreesKeepNoEmptyDirectory guards the recorded cases: git does
// not store an empty directory, so a case recorded with one (a
// <Directory> that only holds a setting) answers differently in a fresh
// clone — in CI — than where it was recorded. Put a .keep file in it.
// Nor does git store a path named .git: such a fixture has to be copied
// into place at start-up (see conformance/probes' dotgit fixtures).
func TestCaseTreesKeepNoEmptyDirectory(t *testing.T) {
	for _, root := range []string{"../../conformance", "../../resolve/testdata/cases"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() || !strings.Contains(filepath.ToSlash(path), "/files") {
				return err
			}
			entries, err := os.ReadDir(path)
			if err != nil {
				return err
			}
			if d.Name() == ".git" {
				t.Errorf("%s: git does not store a .git directory; use a fixture copied at start-up (conformance/probes/README.md)", path)
			}
			if len(entries) == 0 {
				t.Errorf("%s is empty: git will not keep it; add a .keep file", path)
			}
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}
