package cellbuild

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestScriptWord(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain", "plain"},
		{"two words", "'two words'"},
		{scriptTmp + "/go.mod", `"$GOREPRO_TMP"/go.mod`},
		{"-modfile=" + scriptTmp + "/go.mod", `-modfile="$GOREPRO_TMP"/go.mod`},
		{scriptTmp + "/it's", `"$GOREPRO_TMP"'/it'\''s'`},
		{"$HOME", `'$HOME'`},
	} {
		assert.Equal(t, tt.want, scriptWord(tt.in), tt.in)
	}
}

func TestWriteHeredoc(t *testing.T) {
	var b strings.Builder
	writeHeredoc(&b, "main.go", "package main\nGOREPRO_EOF\nx")
	assert.Equal(t, "cat > main.go <<'GOREPRO_EOF_2'\npackage main\nGOREPRO_EOF\nx\nGOREPRO_EOF_2\n", b.String(),
		"a delimiter no line is; a last line without newline ended")
}

// TestContainerRunScript: the run of a host-built binary in a runtime
// image names the script's temporary directory wherever gorepro's binary
// directory was (mount, workdir, binary, GOCOVERDIR), and with cover makes
// that GOCOVERDIR first.
func TestContainerRunScript(t *testing.T) {
	dir := "/cache/work/bin/local_v1.36.10_cover_repro_amd64"
	argv := []string{"/usr/bin/podman", "run", "--rm", "--platform", "linux/arm64", "--workdir", dir,
		"-e", "GOCOVERDIR=" + dir + "/cover-1", "--mount", "type=bind,source=" + dir + ",target=" + dir, "sha256:abc", dir + "/repro", "two words"}
	assert.Equal(t, `mkdir -p "$GOREPRO_TMP"/cover-1 && chmod 777 "$GOREPRO_TMP"/cover-1
/usr/bin/podman run --rm --platform linux/arm64 --workdir "$GOREPRO_TMP" -e GOCOVERDIR="$GOREPRO_TMP"/cover-1 --mount type=bind,source="$GOREPRO_TMP",target="$GOREPRO_TMP" sha256:abc "$GOREPRO_TMP"/repro 'two words'`,
		ContainerRunScript(argv, dir, true))
	assert.NotContains(t, ContainerRunScript(argv, dir, false), "mkdir")
}
