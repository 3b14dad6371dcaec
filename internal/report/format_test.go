package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryFormatOfTheRecordedRun renders the recorded run in every format
// through RendererFor, as `gorepro report` does, and compares each with its
// golden file; the JSON must be the recorded results.json byte for byte.
func TestEveryFormatOfTheRecordedRun(t *testing.T) {
	run, dir := runfixture.Recorded(t, "recorded")
	goldens := map[string]string{
		"text":     "recorded.txt.golden",
		"markdown": "bugreport.md.golden",
		"junit":    "junit-recorded.xml.golden",
		"html":     "report.html.golden",
	}
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			render, ok := RendererFor(format)
			require.True(t, ok)
			var buf bytes.Buffer
			require.NoError(t, render(&buf, run, os.DirFS(dir)))
			if format == "json" {
				recorded, err := os.ReadFile(filepath.Join(dir, "results.json"))
				require.NoError(t, err)
				assert.Equal(t, string(recorded), buf.String(), "load and render round-trips results.json")
				return
			}
			golden, ok := goldens[format]
			require.True(t, ok, "no golden file for format %s", format)
			runfixture.CheckGolden(t, golden, buf.Bytes())
		})
	}
	_, ok := RendererFor("xml")
	assert.False(t, ok)
}
