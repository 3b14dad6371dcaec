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
