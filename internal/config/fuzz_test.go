package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/runfixture"
)

// FuzzParse parses arbitrary config files, starting from the shipped
// toolchains.json and the valid and broken configs of testdata. Parse must
// never panic, and must either return a config or errors that each name
// the file and say what is wrong.
func FuzzParse(f *testing.F) {
	runfixture.AddFuzzSeeds(f, "../../toolchains.json", "testdata/valid/*.json", "testdata/errors/*.json")
	path := filepath.Join(f.TempDir(), "toolchains.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(path, data)
		if err == nil {
			if c == nil {
				t.Fatal("no config and no error")
			}
			return
		}
		var errs Errors
		if !errors.As(err, &errs) {
			return // an internal failure (resolving the directory), not about the input
		}
		if len(errs) == 0 {
			t.Fatal("an empty error list")
		}
		for _, e := range errs {
			if e.File != path || strings.TrimSpace(e.Msg) == "" {
				t.Fatalf("an error that does not name the file or says nothing: %+v", e)
			}
		}
	})
}
