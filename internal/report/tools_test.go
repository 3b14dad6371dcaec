package report

import (
	"testing"

	"github.com/gorepro/gorepro/internal/testneed"
)

// requireTool returns the path of an external program a test needs. When
// it is missing the test is skipped with one line saying how to install it,
// unless GOREPRO_REQUIRE_TOOLS=1 (as in CI), where it fails instead.
func requireTool(t *testing.T, name, debianPackage string) string {
	t.Helper()
	return testneed.Tool(t, name, "Debian package "+debianPackage+"; scripts/setup-report-tools.sh installs it")
}
