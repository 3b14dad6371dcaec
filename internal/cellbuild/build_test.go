package cellbuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/modtree"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/toolchain"
	"github.com/gorepro/gorepro/repro"
)

// resolve resolves a real toolchain or fails the test.
func resolve(t *testing.T, tc config.Toolchain) *toolchain.Resolved {
	t.Helper()
	r := toolchain.Resolve(context.Background(), tc, toolchain.Options{})
	require.True(t, r.Available, r.Reason)
	return r
}

// copyTree copies the fixture directory src to a new temporary directory.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	require.NoError(t, modtree.Copy(src, dst, modtree.CopyOptions{}))
	return dst
}

// treeDigest maps every file under dir to the hash of its bytes.
func treeDigest(t *testing.T, dir string) map[string]string {
	t.Helper()
	digest := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		rel, _ := filepath.Rel(dir, path)
		digest[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	require.NoError(t, err)
	return digest
}

// runBinary runs a built binary and returns its output.
func runBinary(t *testing.T, bin string) []byte {
	t.Helper()
	res, err := proc.Run(context.Background(), proc.Cmd{Argv: []string{bin}, Timeout: time.Minute})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, string(res.Output))
	return res.Output
}

func TestBuildRepro(t *testing.T) {
	ctx := context.Background()
	local := resolve(t, config.Toolchain{Name: "local", Kind: config.KindLocal})
	go127 := resolve(t, config.Toolchain{Name: "go1.27.3", Kind: config.KindGotoolchain, Version: "go1.27.3"})
	workDir := t.TempDir()
	outDir := t.TempDir()
	target := config.Target{Name: "repro", Kind: config.TargetRepro}

	tests := []struct {
		name      string
		toolchain *toolchain.Resolved
		cover     bool
	}{
		{"local", local, false},
		{"local cover", local, true},
		{"go1.27.3", go127, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := filepath.Join(outDir, strings.ReplaceAll(tt.name, " ", "_"), "repro")
			r := Build(ctx, Spec{
				Toolchain: tt.toolchain,
				Target:    target,
				Protobuf:  "v1.36.10",
				Cover:     tt.cover,
				WorkDir:   workDir,
				Output:    bin,
			})
			require.True(t, r.OK, "%s: %s\n%s", r.Outcome, r.Reason, r.Log)
			assert.Empty(t, r.Outcome)
			assert.Equal(t, bin, r.Binary)
			assert.Equal(t, tt.toolchain.GoVersion, r.GoVersion)
			assert.Equal(t, "linux", r.GOOS)
			assert.Equal(t, tt.toolchain.HostGOARCH, r.GOARCH)
			assert.Equal(t, "v1.36.10", r.ProtobufLinked)
			assert.Empty(t, r.ProtobufNote)
			assert.Greater(t, r.Seconds, 0.0)

			// The reproduce record names exactly what gorepro set.
			assert.Equal(t, repro.Dir(workDir, "v1.36.10"), r.Reproduce.Dir)
			assert.Equal(t, append(append([]string{}, tt.toolchain.Env...),
				"CGO_ENABLED=0", "GOOS=linux", "GOARCH="+tt.toolchain.HostGOARCH, "GOFLAGS=", "GOWORK=off"), r.Reproduce.Env)
			assert.Equal(t, tt.toolchain.GoCmd, r.Reproduce.Build[0])
			assert.Contains(t, r.Reproduce.Build, "-mod=readonly")
			assert.Equal(t, tt.cover, contains(r.Reproduce.Build, "-cover"))
			// The script carries the reproducer's source and names
			// nothing in the work directory.
			assert.Contains(t, r.Reproduce.Script, "cat > main.go <<'GOREPRO_EOF'\n", r.Reproduce.Script)
			assert.Contains(t, r.Reproduce.Script, "env GOTOOLCHAIN="+tt.toolchain.GoVersion+" ", r.Reproduce.Script)
			assert.NotContains(t, r.Reproduce.Script, workDir)
			assert.NotContains(t, r.Reproduce.Script, outDir)
			assert.Contains(t, string(r.Log), "$ cd ")

			facts, ok := repro.ParseFacts(runBinary(t, bin))
			require.True(t, ok)
			assert.Equal(t, tt.toolchain.GoVersion, facts.GoVersion)
			assert.Equal(t, tt.toolchain.HostGOARCH, facts.GOARCH)
			assert.Equal(t, tt.cover, facts.Cover)
			assert.Equal(t, "v1.36.10", facts.Protobuf())
		})
	}

	t.Run("cross-compiled", func(t *testing.T) {
		cross := "arm64"
		if local.HostGOARCH == "arm64" {
			cross = "amd64"
		}
		r := Build(ctx, Spec{
			Toolchain: local, Target: target, Protobuf: "v1.36.10", GOARCH: cross,
			WorkDir: workDir, Output: filepath.Join(outDir, "cross", "repro"),
		})
		require.True(t, r.OK, "%s: %s\n%s", r.Outcome, r.Reason, r.Log)
		assert.Equal(t, cross, r.GOARCH)
		assert.Contains(t, r.Reproduce.Env, "GOARCH="+cross)
	})
}

// The go command relinks a binary left at the output unless its build ID
// says it is current; Relink makes gorepro remove it first.
func TestBuildReusesUpToDateBinary(t *testing.T) {
	ctx := context.Background()
	local := resolve(t, config.Toolchain{Name: "local", Kind: config.KindLocal})
	bin := filepath.Join(t.TempDir(), "repro")
	require.NoError(t, os.WriteFile(bin, []byte("not a binary from these inputs"), 0o755))
	spec := Spec{Toolchain: local, Target: config.Target{Name: "repro", Kind: config.TargetRepro},
		Protobuf: "v1.36.10", WorkDir: t.TempDir(), Output: bin}
	stat := func(path string) os.FileInfo {
		fi, err := os.Stat(path)
		require.NoError(t, err)
		return fi
	}

	r := Build(ctx, spec)
	require.True(t, r.OK, "%s: %s\n%s", r.Outcome, r.Reason, r.Log)
	facts, ok := repro.ParseFacts(runBinary(t, bin))
	require.True(t, ok, "a stale file at the output is replaced by a real build")
	assert.Equal(t, local.GoVersion, facts.GoVersion)
	// A second name for the first binary keeps its inode allocated, so a
	// new file can never be handed the same inode number: comparing with
	// it cannot collide the way comparing numbers across a removal can.
	first := filepath.Join(t.TempDir(), "first")
	require.NoError(t, os.Link(bin, first))

	r = Build(ctx, spec)
	require.True(t, r.OK, "%s: %s\n%s", r.Outcome, r.Reason, r.Log)
	assert.True(t, os.SameFile(stat(first), stat(bin)), "an up-to-date binary is not linked again")

	spec.Relink = true
	r = Build(ctx, spec)
	require.True(t, r.OK, "%s: %s\n%s", r.Outcome, r.Reason, r.Log)
	assert.False(t, os.SameFile(stat(first), stat(bin)), "Relink links a new file")
	_, ok = repro.ParseFacts(runBinary(t, bin))
	assert.True(t, ok)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestBuildPackage(t *testing.T) {
	ctx := context.Background()
	local := resolve(t, config.Toolchain{Name: "local", Kind: config.KindLocal})
	app := copyTree(t, filepath.Join("testdata", "app"))
	before := treeDigest(t, app)
	workDir := t.TempDir()
	outDir := t.TempDir()
	target := config.Target{Name: "app", Kind: config.TargetPackage, Dir: app, Package: "."}

	tests := []struct {
		asked  string
		linked string
		note   string
	}{
		{"v1.36.12", "v1.36.12", ""},
		{"v1.36.10", "v1.36.10", ""},
		{"v1.33.0", "v1.36.10", "asked v1.33.0 but MVS selected v1.36.10 (required by example.com/dep v0.0.0)"},
	}
	for _, tt := range tests {
		t.Run(tt.asked, func(t *testing.T) {
			bin := filepath.Join(outDir, tt.asked, "app")
			r := Build(ctx, Spec{
				Toolchain: local, Target: target, Protobuf: tt.asked,
				WorkDir: workDir, Output: bin,
			})
			require.True(t, r.OK, "%s: %s\n%s", r.Outcome, r.Reason, r.Log)
			assert.Equal(t, local.GoVersion, r.GoVersion)
			assert.Equal(t, tt.linked, r.ProtobufLinked)
			assert.Equal(t, tt.note, r.ProtobufNote)
			assert.Equal(t, app, r.Reproduce.Dir)
			assert.Contains(t, r.Reproduce.Build, "-mod=mod")
			var modfileFlag string
			for _, a := range r.Reproduce.Build {
				if strings.HasPrefix(a, "-modfile=") {
					modfileFlag = a
				}
			}
			require.NotEmpty(t, modfileFlag)
			assert.True(t, strings.HasPrefix(modfileFlag, "-modfile="+filepath.Join(workDir, "modfiles")), modfileFlag)

			out := runBinary(t, bin)
			assert.Contains(t, string(out), "dep: 2 bytes")
			assert.Contains(t, string(out), "app")
		})
	}
	assert.Equal(t, before, treeDigest(t, app), "the user's module is unchanged")
}

func TestBuildPackageWithoutProtobufOverride(t *testing.T) {
	ctx := context.Background()
	local := resolve(t, config.Toolchain{Name: "local", Kind: config.KindLocal})
	app := copyTree(t, filepath.Join("testdata", "app"))
	before := treeDigest(t, app)
	workDir := t.TempDir()
	bin := filepath.Join(t.TempDir(), "app")

	r := Build(ctx, Spec{
		Toolchain: local,
		Target:    config.Target{Name: "app", Kind: config.TargetPackage, Dir: app, Package: "."},
		WorkDir:   workDir, Output: bin,
	})
	require.True(t, r.OK, "%s: %s\n%s", r.Outcome, r.Reason, r.Log)
	assert.Equal(t, "v1.36.10", r.ProtobufLinked, "the module's own requirement")
	assert.Empty(t, r.ProtobufNote)
	for _, arg := range r.Reproduce.Build {
		assert.False(t, strings.HasPrefix(arg, "-mod"), "no module flags: %v", r.Reproduce.Build)
	}
	assert.Contains(t, string(r.Log), "# "+filepath.Join(app, "go.mod")+": as is (no protobuf override)")
	assert.NoDirExists(t, filepath.Join(workDir, "modfiles"), "no alternate go.mod")
	assert.Contains(t, string(runBinary(t, bin)), "dep: 2 bytes")
	assert.Equal(t, before, treeDigest(t, app), "the user's module is unchanged")
}

func TestBuildErrors(t *testing.T) {
	ctx := context.Background()
	local := resolve(t, config.Toolchain{Name: "local", Kind: config.KindLocal})

	t.Run("compile error", func(t *testing.T) {
		broken := copyTree(t, filepath.Join("testdata", "broken"))
		bin := filepath.Join(t.TempDir(), "broken")
		r := Build(ctx, Spec{
			Toolchain: local,
			Target:    config.Target{Name: "broken", Kind: config.TargetPackage, Dir: broken},
			Protobuf:  "v1.36.10", WorkDir: t.TempDir(), Output: bin,
		})
		assert.False(t, r.OK)
		assert.Equal(t, record.BuildError, r.Outcome)
		assert.Equal(t, "./main.go:13:14: undefined: undefinedName", r.Reason)
		assert.Contains(t, string(r.Log), "# example.com/broken")
		assert.Contains(t, string(r.Log), "$ cd "+broken)
		assert.NoFileExists(t, bin)
	})

	t.Run("go line too new", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/future\n\ngo 1.99\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))
		r := Build(ctx, Spec{
			Toolchain: local,
			Target:    config.Target{Name: "future", Kind: config.TargetPackage, Dir: dir},
			Protobuf:  "v1.36.10", WorkDir: t.TempDir(), Output: filepath.Join(t.TempDir(), "future"),
		})
		assert.Equal(t, record.BuildError, r.Outcome)
		assert.Contains(t, r.Reason, "requires go >= 1.99")
		assert.Contains(t, r.Reason, "GOTOOLCHAIN=local")
	})

	t.Run("unavailable toolchain", func(t *testing.T) {
		tc := &toolchain.Resolved{Name: "img", Kind: config.KindImage, Reason: "kind image toolchains are not supported by this gorepro yet (image x); see issue 3"}
		r := Build(ctx, Spec{Toolchain: tc, Target: config.Target{Kind: config.TargetRepro}, Protobuf: "v1.36.10",
			WorkDir: t.TempDir(), Output: filepath.Join(t.TempDir(), "x")})
		assert.False(t, r.OK)
		assert.Equal(t, record.Unavailable, r.Outcome)
		assert.Equal(t, tc.Reason, r.Reason)
		assert.Empty(t, r.Log, "no build attempted")
	})

	t.Run("bad protobuf version", func(t *testing.T) {
		r := Build(ctx, Spec{Toolchain: local, Target: config.Target{Kind: config.TargetRepro}, Protobuf: "latest",
			WorkDir: t.TempDir(), Output: filepath.Join(t.TempDir(), "x")})
		assert.Equal(t, record.BuildError, r.Outcome)
		assert.Contains(t, r.Reason, `"latest"`)
	})

	t.Run("missing module", func(t *testing.T) {
		r := Build(ctx, Spec{Toolchain: local, Target: config.Target{Kind: config.TargetPackage, Dir: t.TempDir()},
			Protobuf: "v1.36.10", WorkDir: t.TempDir(), Output: filepath.Join(t.TempDir(), "x")})
		assert.Equal(t, record.BuildError, r.Outcome)
		assert.Contains(t, r.Reason, "go.mod")
	})
}

func TestCheckGoVersion(t *testing.T) {
	tc := &toolchain.Resolved{Name: "local", GoVersion: "go1.26.8"}
	tests := []struct{ binary, want string }{
		{"go1.26.8", ""},
		{"go1.26.8 X:nocoverageredesign", ""},
		{"go1.27.3", `binary was built by go1.27.3 but toolchain "local" is go1.26.8 (GOTOOLCHAIN switched?)`},
		{"go1.26.7", `binary was built by go1.26.7 but toolchain "local" is go1.26.8 (GOTOOLCHAIN switched?)`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, CheckGoVersion(tt.binary, tc), tt.binary)
	}
}

func TestFirstError(t *testing.T) {
	tests := []struct{ name, out, want string }{
		{"compiler", "# example.com/app\n./main.go:5:2: undefined: x\n./main.go:6:2: undefined: y\n", "./main.go:5:2: undefined: x"},
		{"go line", "go: go.mod requires go >= 1.30 (running go 1.26.8; GOTOOLCHAIN=local)\n", "go: go.mod requires go >= 1.30 (running go 1.26.8; GOTOOLCHAIN=local)"},
		{"after downloads", "go: downloading example.com/x v1.0.0\n\nmain.go:3:8: no required module provides package example.com/y\n", "main.go:3:8: no required module provides package example.com/y"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, FirstError([]byte(tt.out)), tt.name)
	}
}

func TestProtobufNote(t *testing.T) {
	graph := []byte("example.com/app example.com/dep@v0.1.0\n" +
		"example.com/app google.golang.org/protobuf@v1.36.10\n" +
		"example.com/dep@v0.1.0 google.golang.org/protobuf@v1.36.10\n" +
		"example.com/other@v1.2.0 google.golang.org/protobuf@v1.36.10\n" +
		"example.com/old@v1.0.0 google.golang.org/protobuf@v1.33.0\n")
	noGraph := func() []byte { return nil }
	withGraph := func() []byte { return graph }
	ctx := context.Background()

	assert.Empty(t, protobufNote(ctx, "v1.36.10", "v1.36.10", noGraph))
	assert.Equal(t, "asked v1.33.0 but MVS selected v1.36.10 (required by example.com/dep v0.1.0, example.com/other v1.2.0)",
		protobufNote(ctx, "v1.33.0", "v1.36.10", withGraph))
	assert.Equal(t, "asked v1.33.0 but MVS selected v1.36.10", protobufNote(ctx, "v1.33.0", "v1.36.10", noGraph))
	assert.Equal(t, "asked v1.36.10 but the binary does not link google.golang.org/protobuf", protobufNote(ctx, "v1.36.10", "", noGraph))
	assert.Equal(t, "asked v1.36.10 but v1.33.0 was linked", protobufNote(ctx, "v1.36.10", "v1.33.0", noGraph))
}

func TestRequiredByCapsTheList(t *testing.T) {
	var graph strings.Builder
	for _, m := range []string{"a", "b", "c", "d", "e"} {
		graph.WriteString("example.com/" + m + "@v1.0.0 google.golang.org/protobuf@v1.36.10\n")
	}
	assert.Equal(t, []string{"example.com/a v1.0.0", "example.com/b v1.0.0", "example.com/c v1.0.0", "and 2 more"},
		requiredBy([]byte(graph.String()), "google.golang.org/protobuf@v1.36.10"))
}

func TestPrepareModfile(t *testing.T) {
	moduleDir := t.TempDir()
	goMod := "module example.com/app\n\ngo 1.23\n\ntoolchain go1.24.6\n\n" +
		"require (\n\tgoogle.golang.org/protobuf v1.36.10 // indirect\n\texample.com/dep v0.0.0\n)\n\n" +
		"replace example.com/dep => ./dep\n\nreplace example.com/abs => /opt/abs\n\nreplace example.com/mod => example.com/fork v1.2.3\n"
	require.NoError(t, os.WriteFile(filepath.Join(moduleDir, "go.mod"), []byte(goMod), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(moduleDir, "go.sum"), []byte("example.com/x v1.0.0 h1:abc=\n"), 0o644))
	workDir := t.TempDir()

	alt, err := prepareModfile(moduleDir, "v1.33.0", nil, workDir, "/out/bin")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(alt, filepath.Join(workDir, "modfiles")+string(filepath.Separator)))
	assert.Equal(t, "go.mod", filepath.Base(alt))
	data, err := os.ReadFile(alt)
	require.NoError(t, err)
	want := "module example.com/app\n\ngo 1.23\n\ntoolchain go1.24.6\n\n" +
		"require (\n\tgoogle.golang.org/protobuf v1.33.0 // indirect\n\texample.com/dep v0.0.0\n)\n\n" +
		"replace example.com/dep => " + filepath.Join(moduleDir, "dep") + "\n\nreplace example.com/abs => /opt/abs\n\nreplace example.com/mod => example.com/fork v1.2.3\n"
	assert.Equal(t, want, string(data))
	sum, err := os.ReadFile(filepath.Join(filepath.Dir(alt), "go.sum"))
	require.NoError(t, err)
	assert.Equal(t, "example.com/x v1.0.0 h1:abc=\n", string(sum))

	// The user's go.mod is untouched; another output gets its own copy.
	orig, err := os.ReadFile(filepath.Join(moduleDir, "go.mod"))
	require.NoError(t, err)
	assert.Equal(t, goMod, string(orig))
	other, err := prepareModfile(moduleDir, "v1.33.0", nil, workDir, "/out/bin2")
	require.NoError(t, err)
	assert.NotEqual(t, alt, other)

	// A module that does not require protobuf yet gets the requirement.
	bare := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bare, "go.mod"), []byte("module example.com/bare\n\ngo 1.22\n"), 0o644))
	alt, err = prepareModfile(bare, "v1.36.12", nil, workDir, "/out/bare")
	require.NoError(t, err)
	data, err = os.ReadFile(alt)
	require.NoError(t, err)
	assert.Contains(t, string(data), "require google.golang.org/protobuf v1.36.12\n")

	// Other module overrides are required too, in a stable order, with or
	// without a protobuf override.
	alt, err = prepareModfile(bare, "", map[string]string{"golang.org/x/text": "v0.20.0", "example.com/a": "v1.0.0"}, workDir, "/out/mods")
	require.NoError(t, err)
	data, err = os.ReadFile(alt)
	require.NoError(t, err)
	assert.Contains(t, string(data), "require (\n\texample.com/a v1.0.0\n\tgolang.org/x/text v0.20.0\n)\n")
	assert.NotContains(t, string(data), "protobuf")
}

func TestShellQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"go", "go"},
		{"/usr/local/go/bin/go", "/usr/local/go/bin/go"},
		{"GOFLAGS=", "GOFLAGS="},
		{"", "''"},
		{"-ldflags=-s -w", "'-ldflags=-s -w'"},
		{"it's", `'it'\''s'`},
		{"$HOME", "'$HOME'"},
		{"a;b", "'a;b'"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ShellQuote(tt.in), tt.in)
	}
}

func TestScript(t *testing.T) {
	got := Script("/tmp/my dir", []string{"GOTOOLCHAIN=local", "GOFLAGS="},
		[]string{"/usr/local/go/bin/go", "build", "-o", "/out/bin", "-ldflags=-s -w", "./cmd/app"})
	golden, err := os.ReadFile(filepath.Join("testdata", "script.golden"))
	require.NoError(t, err)
	assert.Equal(t, strings.TrimSpace(string(golden)), got)
}

func TestBuildEnv(t *testing.T) {
	tc := &toolchain.Resolved{Env: []string{"GOTOOLCHAIN=local", "GOROOT=/opt/go"}, HostGOOS: "linux", HostGOARCH: "amd64"}
	env := buildEnv(Spec{Toolchain: tc, GOARCH: "native", Target: config.Target{
		CGO:      true,
		BuildEnv: map[string]string{"GOFLAGS": "-tags=netgo", "GOPROXY": "https://u:p@h"},
	}})
	assert.Equal(t, []string{"GOTOOLCHAIN=local", "GOROOT=/opt/go", "CGO_ENABLED=1", "GOOS=linux", "GOARCH=amd64",
		"GOFLAGS=-tags=netgo", "GOWORK=off", "GOPROXY=https://u:p@h"}, env)
	rep := reproduce("/src", env, []string{"go", "build", "."}, "")
	assert.Contains(t, rep.Env, "GOPROXY=https://REDACTED@h")
	assert.NotContains(t, localScript(rep), "u:p")
	assert.Contains(t, portableEnv(tc, env, tc.Env), "GOPROXY=https://REDACTED@h")
}

// A platform's variant sets GOARM for the builds of a toolchain whose
// binaries run in a container of that platform, host or image kind alike.
func TestBuildEnvPlatformVariant(t *testing.T) {
	for _, tt := range []struct {
		name, platform, goarch string
		image                  bool
		want                   string // the GOARM= entry, "" for none
	}{
		{"host arm/v7", "linux/arm/v7", "native", false, "GOARM=7"},
		{"host arm/v6", "linux/arm/v6", "arm", false, "GOARM=6"},
		{"host arm/v5", "linux/arm/v5", "native", false, "GOARM=5"},
		{"image arm/v6", "linux/arm/v6", "native", true, "GOARM=6"},
		{"host arm64/v8", "linux/arm64/v8", "native", false, ""},
		{"host arm, no variant", "linux/arm", "native", false, ""},
		{"arch axis amd64", "linux/arm/v7", "amd64", false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &toolchain.Container{Platform: tt.platform}
			arch := config.ParsePlatform(tt.platform).Arch
			tc := &toolchain.Resolved{HostGOOS: "linux", HostGOARCH: arch, RunsIn: c}
			if tt.image {
				tc = &toolchain.Resolved{HostGOOS: "linux", HostGOARCH: arch, Container: c}
			}
			env := buildEnv(Spec{Toolchain: tc, GOARCH: tt.goarch})
			var goarm []string
			for _, kv := range env {
				if strings.HasPrefix(kv, "GOARM=") {
					goarm = append(goarm, kv)
				}
			}
			if tt.want == "" {
				assert.Empty(t, goarm)
				return
			}
			assert.Equal(t, []string{tt.want}, goarm)
		})
	}
}
