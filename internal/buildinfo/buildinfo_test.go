package buildinfo

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHarnessID checks that only versions that name one build stand for
// themselves in cache keys; development builds add their executable's hash.
func TestHarnessID(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	data, err := os.ReadFile(exe)
	require.NoError(t, err)
	sum := sha256.Sum256(data)
	exeID := " exe:" + hex.EncodeToString(sum[:])

	for _, tt := range []struct{ version, want string }{
		{"v1.2.3", "v1.2.3"},
		{"v0.0.0-20261127113000-25713f04e3b1", "v0.0.0-20261127113000-25713f04e3b1"},
		{"v0.0.0-20261127113000-25713f04e3b1+dirty 25713f04e3b1", "v0.0.0-20261127113000-25713f04e3b1+dirty 25713f04e3b1" + exeID},
		{"(devel)", "(devel)" + exeID},
		{"(devel) 25713f04e3b1", "(devel) 25713f04e3b1" + exeID},
		{"(unknown)", "(unknown)" + exeID},
		{"", exeID},
	} {
		assert.Equal(t, tt.want, HarnessID(tt.version), "version %q", tt.version)
	}
}
