package diagnose

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormaliseArch(t *testing.T) {
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"amd64", "amd64", true},
		{"x86_64", "amd64", true},
		{" X86-64 ", "amd64", true},
		{"aarch64", "arm64", true},
		{"arm64/v8", "arm64", true},
		{"i686", "386", true},
		{"armv7l", "arm", true},
		{"riscv64", "riscv64", true},
		{"sparc", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := NormaliseArch(tt.name)
		assert.Equal(t, tt.want, got, tt.name)
		assert.Equal(t, tt.ok, ok, tt.name)
	}
}
