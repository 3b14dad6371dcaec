package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestGoEnvKeysLeavesOutOtherArchLevels: an arm64 toolchain's reports list
// GOARM64, not the empty GOAMD64 and GOARM; empty GOFLAGS stays (no flags).
func TestGoEnvKeysLeavesOutOtherArchLevels(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"GOARCH": "arm64", "GOAMD64": "", "GOARM64": "v8.0", "GOARM": "", "GOFLAGS": "", "GOTOOLCHAIN": "local"}, []string{"GOARCH", "GOARM64", "GOFLAGS", "GOTOOLCHAIN"}},
		{map[string]string{"GOARCH": "amd64", "GOAMD64": "v3", "GOARM64": "", "GOARM": "", "CGO_ENABLED": "0"}, []string{"GOARCH", "GOAMD64", "CGO_ENABLED"}},
		{map[string]string{"GOARCH": "arm", "GOAMD64": "", "GOARM64": "", "GOARM": "7", "ZEXTRA": "1"}, []string{"GOARCH", "GOARM", "ZEXTRA"}},
	} {
		assert.Equal(t, tc.want, goEnvKeys(tc.env))
	}
}
