package images

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestSortBuilds: a history is ordered oldest first by Go version, then
// created time, then release number, then tag; images of unknown Go
// version come last.
func TestSortBuilds(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 6, d, 9, 0, 0, 0, time.UTC) }
	epoch := time.Unix(0, 0).UTC() // reproducible builds: every image created at the epoch
	tests := []struct {
		name string
		in   []Image
		want []string // the images' most specific tags, in order
	}{
		{name: "Go version before build", in: []Image{
			{Tags: []string{"1.26.8-1"}, GoVersion: "go1.26.8", Created: day(1)},
			{Tags: []string{"1.25.3-9"}, GoVersion: "go1.25.3", Created: day(20)},
			{Tags: []string{"1.25.10-1"}, GoVersion: "go1.25.10", Created: day(2)},
			{Tags: []string{"1.25.5-1"}, GoVersion: "go1.25.5", Created: day(3)},
		}, want: []string{"1.25.3-9", "1.25.5-1", "1.25.10-1", "1.26.8-1"}},
		{name: "created time within a Go version", in: []Image{
			{Tags: []string{"1.26.8-3", "latest"}, GoVersion: "go1.26.8", Created: day(15)},
			{Tags: []string{"1.26.8-1"}, GoVersion: "go1.26.8", Created: day(1)},
			{Tags: []string{"1.26.8-2"}, GoVersion: "go1.26.8", Created: day(8)},
		}, want: []string{"1.26.8-1", "1.26.8-2", "1.26.8-3"}},
		{name: "release numbers compared as numbers when created times are equal", in: []Image{
			{Tags: []string{"1.25.3-1763038106"}, GoVersion: "go1.25.3", Created: epoch},
			{Tags: []string{"1.25.3-10"}, GoVersion: "go1.25.3", Created: epoch},
			{Tags: []string{"1.25.3-9"}, GoVersion: "go1.25.3", Created: epoch},
		}, want: []string{"1.25.3-9", "1.25.3-10", "1.25.3-1763038106"}},
		{name: "no release: the tag decides", in: []Image{
			{Tags: []string{"1.25.5-trixie"}, GoVersion: "go1.25.5", Created: epoch},
			{Tags: []string{"1.25.5-bookworm"}, GoVersion: "go1.25.5", Created: epoch},
		}, want: []string{"1.25.5-bookworm", "1.25.5-trixie"}},
		{name: "unknown Go version last", in: []Image{
			{Tags: []string{"mystery"}, Created: day(1)},
			{Tags: []string{"1.26.8-1"}, GoVersion: "go1.26.8", Created: day(9)},
		}, want: []string{"1.26.8-1", "mystery"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			SortBuilds(tt.in)
			var got []string
			for _, im := range tt.in {
				got = append(got, im.Tag())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRelease(t *testing.T) {
	tests := []struct {
		im   Image
		want uint64
		ok   bool
	}{
		{Image{Tags: []string{"1.26", "1.26.8-2", "latest"}, GoVersion: "go1.26.8"}, 2, true},
		{Image{Tags: []string{"1.25.3-1763038106"}, GoVersion: "go1.25.3"}, 1763038106, true},
		{Image{Tags: []string{"1.25.5-bookworm"}, GoVersion: "go1.25.5"}, 0, false},
		{Image{Tags: []string{"1.25.3-2"}, GoVersion: "go1.25.5"}, 0, false}, // another version's tag
		{Image{Tags: []string{"1.25.3-2"}}, 0, false},                        // unknown Go version
	}
	for _, tt := range tests {
		got, ok := tt.im.Release()
		assert.Equal(t, tt.want, got, tt.im.Tags)
		assert.Equal(t, tt.ok, ok, tt.im.Tags)
	}
}
