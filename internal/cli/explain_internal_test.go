package cli

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestGoCandidates: the Go releases tried between two versions, in the
// direction of the change, both ends included, pre-releases left out.
func TestGoCandidates(t *testing.T) {
	ex := &explainer{goVersions: []string{"go1.24.9", "go1.25.0", "go1.25.1", "go1.25.2rc1", "go1.25.3", "go1.25.5", "go1.26.0"}}
	ctx := context.Background()
	assert.Equal(t, []string{"go1.25.0", "go1.25.1", "go1.25.3", "go1.25.5"}, ex.goCandidates(ctx, "go1.25.0", "go1.25.5"))
	assert.Equal(t, []string{"go1.25.5", "go1.25.3", "go1.25.1", "go1.25.0"}, ex.goCandidates(ctx, "go1.25.5", "go1.25.0"), "a downgrade is searched from BASE's version")
	assert.Equal(t, []string{"go1.25.4", "go1.25.5"}, ex.goCandidates(ctx, "go1.25.4", "go1.25.5"), "the two ends even when not listed")
}

// TestOnlyModFiles: a change that touches only the module's go.mod and
// go.sum is a change of modules, not of source.
func TestOnlyModFiles(t *testing.T) {
	assert.True(t, onlyModFiles([]string{"go.mod", "go.sum"}, "."))
	assert.True(t, onlyModFiles([]string{"svc/go.mod"}, "svc"))
	assert.False(t, onlyModFiles([]string{"go.mod", "main.go"}, "."))
	assert.False(t, onlyModFiles([]string{"other/go.mod"}, "svc"))
	assert.False(t, onlyModFiles(nil, "."))
}
