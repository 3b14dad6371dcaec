package cleanup

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/proc"
)

// Plan with Podman's answers (a fake of its CLI: the real one is
// clean.txtar's): stale containers only, writable cell images only, each
// image once, volumes sized by their directory, then the cache; OlderThan
// keeps what is younger.
func TestPlan(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	root, volume := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(volume, "a"), make([]byte, 1500), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "work", "bin", "cell"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "work", "bin", "cell", "bin"), make([]byte, 700), 0o644))
	require.NoError(t, os.Chtimes(filepath.Join(root, "work", "bin", "cell"), now.Add(-time.Hour), now.Add(-time.Hour)))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "cells", "locks"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "cells", "locks", "k.lock"), nil, 0o644))
	live := strconv.Itoa(os.Getpid())
	answers := map[string]string{
		"ps -a -q": "c-stale\nc-live\n",
		"container inspect": `[{"Id":"c-stale","Name":"gorepro-stale","Created":"2026-12-07T09:00:00Z","Config":{"Labels":{"gorepro":"1","gorepro.pid":"999999"}},"State":{"Status":"running"}},
 {"Id":"c-live","Name":"gorepro-live","Created":"2026-12-07T09:00:00Z","Config":{"Labels":{"gorepro":"1","gorepro.pid":"` + live + `"}},"State":{"Status":"running"}}]`,
		"images": `[{"Id":"i1","Names":["localhost/gorepro-cell/b:1","localhost/gorepro-cell/a:1"],"Created":` + strconv.FormatInt(now.Add(-30*time.Minute).Unix(), 10) + `,"Size":2000,"Labels":{"gorepro":"1"}},
 {"Id":"i1","Names":["localhost/gorepro-cell/b:1","localhost/gorepro-cell/a:1"],"Created":` + strconv.FormatInt(now.Add(-30*time.Minute).Unix(), 10) + `,"Size":2000,"Labels":{"gorepro":"1"}},
 {"Id":"i2","Names":["localhost/gorepro-cell/ro:1"],"Created":1,"Size":2000,"Labels":{"gorepro":"1"},"ReadOnly":true}]`,
		"volume ls":      "gorepro-gomodcache\n",
		"volume inspect": `[{"Name":"gorepro-gomodcache","Mountpoint":"` + volume + `","CreatedAt":"2026-12-01T00:00:00Z","Labels":{"gorepro":"1"}}]`,
	}
	engine := &container.Engine{Name: container.Podman, Cmd: "podman", Exec: func(_ context.Context, c proc.Cmd) (*proc.Result, error) {
		key := strings.Join(c.Argv[1:], " ")
		for prefix, out := range answers {
			if strings.HasPrefix(key, prefix) {
				return &proc.Result{Output: []byte(out)}, nil
			}
		}
		t.Fatalf("unexpected command %q", key)
		return nil, nil
	}}
	items, err := Plan(context.Background(), Options{Root: root, Engine: engine, Now: now})
	require.NoError(t, err)
	var got []string
	for _, it := range items {
		got = append(got, string(it.Kind)+" "+it.Name+" "+strconv.FormatInt(it.Size, 10)+" "+it.Why)
	}
	assert.Equal(t, []string{
		"container gorepro-stale -1 gorepro process 999999 is gone",
		"image localhost/gorepro-cell/b:1 2000 ",
		"volume gorepro-gomodcache 1500 ",
		"cache work/bin/cell 700 ",
	}, got)
	assert.Equal(t, int64(4200), Freed(items))

	items, err = Plan(context.Background(), Options{Root: root, Engine: engine, Now: now, OlderThan: 45 * time.Minute})
	require.NoError(t, err)
	got = nil
	for _, it := range items {
		got = append(got, string(it.Kind)+" "+it.Name)
	}
	assert.Equal(t, []string{"container gorepro-stale", "volume gorepro-gomodcache", "cache work/bin/cell"}, got)
}
