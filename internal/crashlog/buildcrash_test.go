package crashlog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFirstBuildCrash(t *testing.T) {
	pack, err := os.ReadFile(filepath.Join("testdata", "tagged_pointer_pack.txt"))
	require.NoError(t, err)
	var gotLines []string
	program := func(lines []string) string { gotLines = lines; return "the compiler" }

	crash := FirstBuildCrash(append([]byte("# building\n"), pack...), "build", "go build .", program)
	require.NotNil(t, crash)
	assert.Equal(t, "build", crash.Stage)
	assert.Equal(t, "go build .", crash.Command)
	assert.Equal(t, "the compiler", crash.Program)
	assert.Contains(t, crash.Signature, "taggedPointerPack")
	assert.NotEmpty(t, crash.Frames)
	assert.NotEmpty(t, gotLines, "the program is named from the crash's own lines")

	emulated := FirstBuildCrash([]byte("qemu: uncaught target signal 11 (Segmentation fault) - core dumped\n"), "toolchain", "go env GOVERSION", program)
	require.NotNil(t, emulated, "a crash only the emulator reported still names the program")

	for _, out := range []string{"", "main.go:3:2: undefined: x\n", "panic: " + strings.Repeat("x", 10) + "\n"} {
		assert.Nil(t, FirstBuildCrash([]byte(out), "build", "go build .", program), "%q holds no traced crash", out)
	}
}
