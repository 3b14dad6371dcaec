package report

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// requireTool returns the path of an external program a test needs. When
// it is missing the test is skipped with one line saying how to install it,
// unless GOREPRO_REQUIRE_TOOLS=1 (as in CI), where it fails instead.
func requireTool(t *testing.T, name, debianPackage string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	why := fmt.Sprintf("%s is not installed (Debian package %s; scripts/setup-report-tools.sh installs it)", name, debianPackage)
	if os.Getenv("GOREPRO_REQUIRE_TOOLS") == "1" {
		t.Fatalf("GOREPRO_REQUIRE_TOOLS=1 but %s", why)
	}
	t.Skip(why)
	return ""
}
