package container

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestClassifyMountInvisible reads the engines' own messages for a bind
// mount whose source the engine's host cannot see: Podman (podman machine
// on a Mac, where /tmp is the VM's own), Docker Desktop's file sharing
// (the message spans lines) and Docker's --mount; each names the path and
// how to share it, and never passes for an image or registry problem.
func TestClassifyMountInvisible(t *testing.T) {
	for _, tt := range []struct {
		name, op, output, path, share string
	}{
		{"podman machine", "run localhost/x", "Error: statfs /tmp/gorepro-cache/work/bin/c1: no such file or directory\n", "/tmp/gorepro-cache/work/bin/c1", "/tmp"},
		{"docker desktop", "run golang:1.25", "docker: Error response from daemon: Mounts denied: \nThe path /Volumes/ext/src is not shared from the host and is not known to Docker.\nYou can configure shared paths from Docker -> Preferences... -> Resources -> File Sharing.\n", "/Volumes/ext/src", "/Volumes/ext"},
		{"docker --mount", "run golang:1.25", "docker: Error response from daemon: invalid mount config for type \"bind\": bind source path does not exist: /srv/mods\n", "/srv/mods", "/srv"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := Classify(tt.op, []byte(tt.output))
			assert.Equal(t, ErrMountInvisible, e.Kind)
			assert.Equal(t, tt.path, e.Path)
			assert.Contains(t, e.Hint, "cannot see "+tt.path)
			assert.Contains(t, e.Hint, "podman machine init -v "+tt.share+":"+tt.share+",")
			assert.Contains(t, e.Hint, "File sharing")
			assert.Contains(t, e.Error(), tt.path)
		})
	}
	// A pull's "not found" stays an absent image.
	assert.Equal(t, ErrImageAbsent, Classify("pull x", []byte("Error: x: not found\n")).Kind)
}
