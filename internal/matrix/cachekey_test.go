package matrix

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// targetMutation changes one field (possibly nested) of a config.Target to
// a non-zero value.
type targetMutation struct {
	path   string
	mutate func(t *config.Target)
}

// targetMutations lists one mutation per leaf field of config.Target, found
// by reflection, so that a field added to the struct is covered without
// anyone remembering to add it here.
func targetMutations(t *testing.T) []targetMutation {
	var out []targetMutation
	var walk func(path []int, name string, typ reflect.Type)
	walk = func(path []int, name string, typ reflect.Type) {
		if typ.Kind() == reflect.Struct {
			for i := range typ.NumField() {
				f := typ.Field(i)
				walk(append(append([]int{}, path...), i), name+"."+f.Name, f.Type)
			}
			return
		}
		index := append([]int{}, path...)
		out = append(out, targetMutation{path: name, mutate: func(tg *config.Target) {
			v := reflect.ValueOf(tg).Elem().FieldByIndex(index)
			v.Set(nonZero(t, v.Type()))
		}})
	}
	walk(nil, "Target", reflect.TypeFor[config.Target]())
	return out
}

// nonZero returns a non-zero value of typ.
func nonZero(t *testing.T, typ reflect.Type) reflect.Value {
	v := reflect.New(typ).Elem()
	switch typ.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Slice:
		v = reflect.Append(v, nonZero(t, typ.Elem()))
	case reflect.Map:
		v = reflect.MakeMap(typ)
		v.SetMapIndex(nonZero(t, typ.Key()), nonZero(t, typ.Elem()))
	default:
		t.Fatalf("nonZero: add a case for %s (kind %s)", typ, typ.Kind())
	}
	return v
}

// TestCacheKeyCoversEveryTargetField fails when a field of config.Target
// does not take part in a cell's cache key: a cell would then be re-used
// after that field changed. Only the name may change without a new key
// (renaming a target relabels its cached cells).
func TestCacheKeyCoversEveryTargetField(t *testing.T) {
	e := &Runner{Config: &config.Config{Runs: 1, Timeout: config.Duration(time.Minute)}, Version: "v0.0.0-test"}
	tc := &toolchain.Resolved{Name: "local", Identity: "kind=local"}
	base := config.Target{Name: "app", Kind: config.TargetPackage}
	key := func(target config.Target) string {
		return e.cacheKey(plan{tc: tc, target: target, protobuf: "v1.36.10", goarch: "amd64"}, "amd64", "package:digest")
	}
	want := key(base)
	mutations := targetMutations(t)
	require.Greater(t, len(mutations), 15, "the reflection found the fields")
	for _, m := range mutations {
		t.Run(m.path, func(t *testing.T) {
			changed := base
			m.mutate(&changed)
			require.NotEqual(t, base, changed, "the mutation changed the target")
			if m.path == "Target.Name" {
				assert.Equal(t, want, key(changed), "the name is not part of the key")
				return
			}
			assert.NotEqual(t, want, key(changed), "%s must be part of the cache key", m.path)
		})
	}
}

// TestCacheKeyFollowsTheBuildEnvironment: a variable of gorepro's
// environment that builds or runs on this host inherit and that changes
// the code or the run (GOAMD64=v3, GODEBUG) gives another key; the rest of
// the environment, and what gorepro sets itself for every build, do not.
func TestCacheKeyFollowsTheBuildEnvironment(t *testing.T) {
	tc := &toolchain.Resolved{Name: "local", Identity: "kind=local"}
	key := func(environ ...string) string {
		e := &Runner{Config: &config.Config{Runs: 1, Timeout: config.Duration(time.Minute)}, Version: "v0.0.0-test", Environ: append([]string{"HOME=/home/me", "PATH=/usr/bin"}, environ...)}
		return e.cacheKey(plan{tc: tc, target: config.Target{Name: "repro", Kind: config.TargetRepro}, protobuf: "v1.36.10", goarch: "amd64"}, "amd64", "repro:x")
	}
	base := key()
	for _, kv := range []string{"GOAMD64=v3", "GOARM64=v8.2", "GOEXPERIMENT=nocoverageredesign", "GOFIPS140=latest", "CGO_CFLAGS=-O0", "CC=clang",
		"GODEBUG=asyncpreemptoff=1", "GOGC=off", "GOMEMLIMIT=1GiB", "GOMAXPROCS=1", "GOTRACEBACK=crash"} {
		assert.NotEqual(t, base, key(kv), "%s must be part of the key", kv)
	}
	for _, kv := range []string{"EDITOR=vi", "GOPROXY=off", "GOAMD64=", "GODEBUG=", "GOFLAGS=-mod=mod", "GOARCH=arm64", "CGO_ENABLED=1", "GOTOOLCHAIN=go1.27.3", "GOROOT=/opt/go"} {
		assert.Equal(t, base, key(kv), "%s is not part of the key (gorepro sets it, or it changes no build)", kv)
	}
	assert.Equal(t, key("GOAMD64=v3", "GODEBUG=x=1"), key("GODEBUG=x=1", "GOAMD64=v3"), "order does not matter")
	assert.NotEqual(t, key("GOAMD64=v2"), key("GOAMD64=v3"))
}

// TestDockerfileDigest checks that a Dockerfile target's key changes with
// its Dockerfile and context, and that two Dockerfile targets with the same
// build args but different Dockerfiles do not share a key.
func TestDockerfileDigest(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a/Dockerfile":      "FROM scratch\nCOPY app /app\n",
		"a/app/main.go":     "package main\n",
		"a/.git/HEAD":       "ref: refs/heads/main\n",
		"b/Dockerfile":      "FROM scratch\nCOPY app /app\nENV X=1\n",
		"b/app/main.go":     "package main\n",
		"shared/Dockerfile": "FROM scratch\n",
	})
	target := func(sub string) config.Target {
		return config.Target{Name: sub, Kind: config.TargetDockerfile, Dockerfile: filepath.Join(dir, sub, "Dockerfile"),
			BuildArgs: map[string]string{"GOARCH": "{{.GOARCH}}"}}
	}
	digest := func(tg config.Target) string {
		t.Helper()
		sum, err := sourceDigest(tg)
		require.NoError(t, err)
		return sum
	}
	a := digest(target("a"))
	assert.Equal(t, a, digest(target("a")), "deterministic")
	assert.NotEqual(t, a, digest(target("b")), "same args, different Dockerfiles")

	writeFiles(t, dir, map[string]string{"a/.git/HEAD": "ref: refs/heads/other\n"})
	assert.Equal(t, a, digest(target("a")), ".git is not part of the context's digest")

	writeFiles(t, dir, map[string]string{"a/app/main.go": "package main // edited\n"})
	edited := digest(target("a"))
	assert.NotEqual(t, a, edited, "a context file changed")

	writeFiles(t, dir, map[string]string{"a/.dockerconfig/x": "hidden files are sent in the context too\n"})
	hidden := digest(target("a"))
	assert.NotEqual(t, edited, hidden, "a hidden context file changed")

	writeFiles(t, dir, map[string]string{"a/Dockerfile": "FROM scratch\nCOPY app /app\nRUN true\n"})
	assert.NotEqual(t, hidden, digest(target("a")), "the Dockerfile was edited")

	// A Dockerfile outside its context: both count.
	outside := target("a")
	outside.Dockerfile = filepath.Join(dir, "shared", "Dockerfile")
	outside.Context = filepath.Join(dir, "a")
	before := digest(outside)
	writeFiles(t, dir, map[string]string{"shared/Dockerfile": "FROM scratch\nUSER 1000\n"})
	assert.NotEqual(t, before, digest(outside))

	missing := target("a")
	missing.Dockerfile = filepath.Join(dir, "nope", "Dockerfile")
	_, err := sourceDigest(missing)
	assert.ErrorContains(t, err, "hashing the Dockerfile")
	_, err = os.Stat(missing.Dockerfile)
	assert.True(t, os.IsNotExist(err))
}

// TestLocalReplacements checks which replace directives name directories
// whose sources the build reads.
func TestLocalReplacements(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"go.mod": `module example.com/app

go 1.24

replace (
	example.com/lib => ../lib
	example.com/abs => /opt/abs
	example.com/lib2 => ../lib
	golang.org/x/net => golang.org/x/net v0.30.0
	example.com/fork => github.com/me/fork v1.0.0
)
`})
	got, err := localReplacements(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{"/opt/abs", filepath.Join(filepath.Dir(dir), "lib")}, got)

	none, err := localReplacements(t.TempDir())
	require.NoError(t, err)
	assert.Empty(t, none, "no go.mod: nothing replaced")
}

// TestExpandBuildArgs: which image a FROM line written with a variable
// names for a cell's key.
func TestExpandBuildArgs(t *testing.T) {
	tests := []struct {
		image, expanded string
		args            map[string]string
		ref             string
		templated       bool
	}{
		{"${BUILDER}", "${BUILDER}", map[string]string{"BUILDER": "{{.Image}}"}, "", true},
		{"${BASE}", "${BASE}", map[string]string{"BASE": "gcr.io/distroless/static:nonroot"}, "gcr.io/distroless/static:nonroot", false},
		{"$BASE", "$BASE", map[string]string{"BASE": "alpine:3"}, "alpine:3", false},
		{"${BASE}", "alpine:3", nil, "alpine:3", false},              // the ARG default
		{"golang:${GO}", "golang:${GO}", nil, "golang:${GO}", false}, // still open: left out by the caller
		{"golang:${GO}-bookworm", "golang:${GO}-bookworm", map[string]string{"GO": "1.25"}, "golang:1.25-bookworm", false},
	}
	for _, tt := range tests {
		ref, templated := expandBuildArgs(tt.image, tt.expanded, tt.args)
		assert.Equal(t, tt.ref, ref, tt.image)
		assert.Equal(t, tt.templated, templated, tt.image)
	}
}
