package matrix

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gorepro/gorepro/internal/atomicfile"
	"github.com/gorepro/gorepro/internal/config"
)

// Warm builds: the ordering of buildAfter exists for cold build caches.
// When the go build cache already holds every package a cell compiles, a
// cell that waits for its leader's build only serialises the run: the
// leader compiles nothing the cell could share. So gorepro remembers which
// cell keys it built against which build cache, and such a cell waits for
// no one on its next run (its leader still goes first among the others).
//
// The go build cache is identified by a token gorepro keeps inside it, in
// its first entry directory (GOCACHE/00/gorepro-warm-token): `go clean
// -cache` and a removed GOCACHE both remove that directory, so a cleared
// cache is never taken for a warm one, and the go command's trimming
// removes only its own entries (names ending in -a and -d), never the
// token. The go command trims entries unused for five days; a record older
// than warmFor is ignored for that reason. When anything is unknown (the
// cache is off or not writable, the target sets its own GOCACHE, an image
// toolchain whose cache is a volume) the cell is taken as cold: waiting is
// always correct, only slower.

// warmFor is how long a record of a warm build is trusted; below the go
// command's five days of trimming unused cache entries.
const warmFor = 4 * 24 * time.Hour

// warmTokenFile is the token's path inside a go build cache.
const warmTokenFile = "00/gorepro-warm-token"

// warmBuilds records which cell keys were built against which go build
// cache, under dir (the gorepro cache's "warm" directory).
type warmBuilds struct {
	dir string
	now func() time.Time
}

// buildCacheOf returns the go build cache that cell p's host build uses,
// or "" when it is not known or not shared across runs.
func buildCacheOf(p plan) string {
	if p.tc == nil || p.tc.Container != nil || p.target.Kind == config.TargetDockerfile {
		return ""
	}
	if _, set := p.target.BuildEnv["GOCACHE"]; set {
		return ""
	}
	cache := p.tc.BuildCache
	if cache == "" || cache == "off" || !filepath.IsAbs(cache) {
		return ""
	}
	return cache
}

// token returns the token kept in buildCache, making one when create is
// set and there is none; "" when there is none (or it cannot be made).
func (w warmBuilds) token(buildCache string, create bool) string {
	name := filepath.Join(buildCache, filepath.FromSlash(warmTokenFile))
	if data, err := os.ReadFile(name); err == nil {
		if t := strings.TrimSpace(string(data)); len(t) == 32 {
			return t
		}
	}
	if !create {
		return ""
	}
	// The go command makes 00 when it opens its cache; a build has just
	// used this one, so it exists unless the cache was removed since.
	var b [16]byte
	_, _ = rand.Read(b[:])
	t := hex.EncodeToString(b[:])
	tmp, err := os.CreateTemp(filepath.Dir(name), ".gorepro-warm-token-*")
	if err != nil {
		return ""
	}
	_, werr := tmp.WriteString(t + "\n")
	if cerr := tmp.Close(); werr != nil || cerr != nil {
		_ = os.Remove(tmp.Name())
		return ""
	}
	// A link never replaces an existing token: of two processes making
	// one at once, the second uses the first's.
	err = os.Link(tmp.Name(), name)
	_ = os.Remove(tmp.Name())
	if err != nil {
		if data, rerr := os.ReadFile(name); rerr == nil && len(strings.TrimSpace(string(data))) == 32 {
			return strings.TrimSpace(string(data))
		}
		return ""
	}
	return t
}

// isWarm says whether the cell of key was built against buildCache, as it
// is now, within warmFor.
func (w warmBuilds) isWarm(key, buildCache string) bool {
	if w.dir == "" || key == "" || buildCache == "" {
		return false
	}
	t := w.token(buildCache, false)
	if t == "" {
		return false
	}
	name := filepath.Join(w.dir, key)
	fi, err := os.Stat(name)
	if err != nil || w.now().Sub(fi.ModTime()) > warmFor {
		return false
	}
	data, err := os.ReadFile(name)
	return err == nil && strings.TrimSpace(string(data)) == t
}

// built records that the cell of key was built against buildCache. It is
// best effort: a record not written only makes the next run wait.
func (w warmBuilds) built(key, buildCache string) {
	if w.dir == "" || key == "" || buildCache == "" {
		return
	}
	t := w.token(buildCache, true)
	if t == "" {
		return
	}
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return
	}
	_ = atomicfile.WriteCache(filepath.Join(w.dir, key), []byte(t+"\n"), 0o644)
}

// forget removes the record of key (its build failed, so its packages may
// not all be in the cache).
func (w warmBuilds) forget(key string) {
	if w.dir == "" || key == "" {
		return
	}
	_ = os.Remove(filepath.Join(w.dir, key))
}

// warmBuilds returns the records of warm builds in r's cache (none
// without a cache).
func (r *Runner) warmBuilds() warmBuilds {
	w := warmBuilds{now: time.Now}
	if r.CacheDir != "" {
		w.dir = filepath.Join(r.CacheDir, "warm")
	}
	return w
}
