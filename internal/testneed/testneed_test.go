package testneed

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// recorder is a testing.TB that records a skip or a failure instead of
// ending the goroutine.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Skip(args ...any)                  { r.skipped = args[0].(string) }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = format }

func TestEngine(t *testing.T) {
	t.Setenv("GOREPRO_REQUIRE_ENGINE", "")
	r := &recorder{TB: t}
	Engine(r, "podman is not installed")
	assert.Equal(t, "podman is not installed", r.skipped)
	assert.Empty(t, r.failed)

	t.Setenv("GOREPRO_REQUIRE_ENGINE", "1")
	r = &recorder{TB: t}
	Engine(r, "podman is not installed")
	assert.Empty(t, r.skipped)
	assert.NotEmpty(t, r.failed)
}

func TestTool(t *testing.T) {
	t.Setenv("GOREPRO_REQUIRE_TOOLS", "")
	r := &recorder{TB: t}
	assert.NotEmpty(t, Tool(r, "sh", "apt-get install dash"), "sh is on every machine")
	assert.Empty(t, r.skipped)

	Tool(r, "no-such-program-gorepro", "apt-get install nothing")
	assert.Equal(t, "no-such-program-gorepro is not installed (apt-get install nothing)", r.skipped)

	t.Setenv("GOREPRO_REQUIRE_TOOLS", "1")
	r = &recorder{TB: t}
	Tool(r, "no-such-program-gorepro", "apt-get install nothing")
	assert.NotEmpty(t, r.failed)
}
