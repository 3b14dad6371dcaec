// Package testneed says, for tests, what it means when something a test
// needs from the machine is missing: a container engine and its test
// images, an emulator, a registry binary, or a program such as xmllint or
// chromium. On a developer's machine the test is skipped in one line that
// says what is missing and how to install it; where the environment says
// it is required — CI sets GOREPRO_REQUIRE_ENGINE=1 and
// GOREPRO_REQUIRE_TOOLS=1 (.ci/run) — the test fails instead, so that a
// broken set-up can never pass as green.
package testneed

import (
	"os"
	"os/exec"
	"testing"
)

// EngineRequired says whether missing engine pieces fail tests
// (GOREPRO_REQUIRE_ENGINE=1).
func EngineRequired() bool { return os.Getenv("GOREPRO_REQUIRE_ENGINE") == "1" }

// Engine skips t because of why (Podman, a test image, an emulator or the
// registry is missing, with how to get it), or fails it when
// GOREPRO_REQUIRE_ENGINE=1.
func Engine(t testing.TB, why string) {
	t.Helper()
	if EngineRequired() {
		t.Fatalf("GOREPRO_REQUIRE_ENGINE=1 but %s", why)
		return
	}
	t.Skip(why)
}

// Tool returns the path of the program name. When it is missing, t is
// skipped saying so and how to install it (install), or failed when
// GOREPRO_REQUIRE_TOOLS=1.
func Tool(t testing.TB, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	why := name + " is not installed (" + install + ")"
	if os.Getenv("GOREPRO_REQUIRE_TOOLS") == "1" {
		t.Fatalf("GOREPRO_REQUIRE_TOOLS=1 but %s", why)
		return ""
	}
	t.Skip(why)
	return ""
}
