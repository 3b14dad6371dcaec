package container

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/proc"
)

// ListMade on Docker's answers (no Docker daemon here: the answers are
// Docker's JSON shapes): only what gorepro made is listed.
func TestListMadeDocker(t *testing.T) {
	e := &Engine{Name: Docker, Cmd: "/usr/bin/docker", Exec: fakeExec(t, map[string]proc.Result{
		"ps -a -q --no-trunc --filter label=gorepro=1": {Output: []byte("c1\n")},
		"container inspect c1": {Output: []byte(`[{"Id":"c1","Name":"/gorepro-a","Created":"2026-12-01T10:00:00.5Z",
  "Config":{"Labels":{"gorepro":"1","gorepro.pid":"12"}},"State":{"Status":"running"}}]`)},
		"image ls -q --no-trunc --filter label=gorepro=1": {Output: []byte("sha256:i1\nsha256:i2\nsha256:i3\n")},
		"image inspect sha256:i1 sha256:i2 sha256:i3": {Output: []byte(`[
  {"Id":"sha256:i1","RepoTags":["localhost/gorepro-cell/app:0123456789ab"],"Created":"2026-12-02T10:00:00Z","Size":2000,"Config":{"Labels":{"gorepro":"1"}}},
  {"Id":"sha256:i2","RepoTags":["localhost/mine:1"],"Created":"2026-12-02T10:00:00Z","Size":3000,"Config":{"Labels":{"gorepro":"1"}}},
  {"Id":"sha256:i3","RepoTags":[],"RepoDigests":["localhost/gorepro-cell/app@sha256:ff"],"Created":"2026-12-03T10:00:00Z","Size":1000,"Config":{"Labels":{"gorepro":"1"}}}
]`)},
		"volume ls -q --filter label=gorepro=1": {Output: []byte("gorepro-gomodcache\nmine\n")},
		"volume inspect gorepro-gomodcache": {Output: []byte(`[{"Name":"gorepro-gomodcache","Mountpoint":"/var/lib/docker/volumes/gorepro-gomodcache/_data",
  "CreatedAt":"2026-12-01T09:00:00Z","Labels":{"gorepro":"1"}}]`)},
	})}
	made, err := e.ListMade(context.Background())
	require.NoError(t, err)
	require.Len(t, made, 4)
	assert.Equal(t, Made{Kind: MadeContainer, Name: "gorepro-a", ID: "c1", Created: time.Date(2026, 12, 1, 10, 0, 0, 5e8, time.UTC), Size: -1,
		Labels: map[string]string{"gorepro": "1", "gorepro.pid": "12"}, State: "running"}, made[0])
	assert.Equal(t, "localhost/gorepro-cell/app:0123456789ab", made[1].Name)
	assert.Equal(t, []string{"localhost/gorepro-cell/app:0123456789ab"}, made[1].Names)
	assert.Equal(t, int64(2000), made[1].Size)
	assert.Equal(t, "i3", made[2].Name, "a dangling image of a Dockerfile target goes by its ID")
	assert.Empty(t, made[2].Names)
	assert.Equal(t, Made{Kind: MadeVolume, Name: "gorepro-gomodcache", ID: "gorepro-gomodcache", Created: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
		Size: -1, Mountpoint: "/var/lib/docker/volumes/gorepro-gomodcache/_data", Labels: map[string]string{"gorepro": "1"}}, made[3])
}

func TestStaleContainer(t *testing.T) {
	host, err := os.Hostname()
	require.NoError(t, err)
	live := strconv.Itoa(os.Getpid())
	tests := []struct {
		name   string
		labels map[string]string
		stale  bool
	}{
		{"gone, this machine", map[string]string{"gorepro.pid": "999999", "gorepro.hostid": HostID()}, true},
		{"gone, this machine under another hostname", map[string]string{"gorepro.pid": "999999", "gorepro.host": "was-" + host, "gorepro.hostid": HostID()}, true},
		{"gone, another machine with this hostname", map[string]string{"gorepro.pid": "999999", "gorepro.host": host, "gorepro.hostid": "other"}, false},
		{"gone, older gorepro on this host", map[string]string{"gorepro.pid": "999999", "gorepro.host": host}, true},
		{"gone, older gorepro on another host", map[string]string{"gorepro.pid": "999999", "gorepro.host": "other"}, false},
		{"alive", map[string]string{"gorepro.pid": live, "gorepro.hostid": HostID()}, false},
		{"no pid", map[string]string{"gorepro.hostid": HostID()}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stale, why := StaleContainer(Made{Kind: MadeContainer, Name: "c", Labels: tt.labels})
			assert.Equal(t, tt.stale, stale)
			if stale {
				assert.Equal(t, "gorepro process 999999 is gone", why)
			}
		})
	}
}

// RemoveAll removes every tracked container of every engine, in parallel,
// and no longer the ones whose Run has removed them already.
func TestStartedRemoveAll(t *testing.T) {
	var mu sync.Mutex
	var removed []string
	rm := func(_ context.Context, c proc.Cmd) (*proc.Result, error) {
		mu.Lock()
		defer mu.Unlock()
		removed = append(removed, c.Argv[0]+" "+c.Argv[len(c.Argv)-1])
		return &proc.Result{}, nil
	}
	podman := &Engine{Name: Podman, Cmd: "podman", Exec: rm}
	docker := &Engine{Name: Docker, Cmd: "docker", Exec: rm}
	s := &Started{}
	ctx := WithStarted(context.Background(), s)
	track(ctx, podman, "gorepro-a")
	track(ctx, docker, "gorepro-b")
	track(ctx, podman, "gorepro-done")()
	track(context.Background(), podman, "gorepro-untracked")
	assert.Equal(t, []string{"gorepro-a", "gorepro-b"}, s.RemoveAll(context.Background()))
	assert.ElementsMatch(t, []string{"podman gorepro-a", "docker gorepro-b"}, removed)
}
