package record

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBuildsComparable(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"gorootfiles:aaaa", "gorootfiles:bbbb", true},
		{"goroot:aaaa", "goroot:bbbb", true},
		{"image:sha256:1", "gorootfiles:bbbb", true}, // a GOROOT became an image: another build
		{"goroot:aaaa", "image:sha256:1", true},
		{"goroot:aaaa", "gorootfiles:bbbb", false}, // an older gorepro's scheme
		{"gorootfiles:bbbb", "goroot:aaaa", false},
		{"", "gorootfiles:bbbb", false},
		{"goroot:aaaa", "", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, BuildsComparable(tt.a, tt.b), "%q %q", tt.a, tt.b)
	}
}
