package cli_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gorepro/gorepro/internal/crashfixture"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/registrytest"
	"github.com/gorepro/gorepro/internal/testneed"
)

// cmdRegistry is the script command "registry": it starts a registry on
// 127.0.0.1 (package registrytest), stopped when the script ends, pushes
// the fixture repositories and sets REGISTRY (host:port), VENDOR and
// UPSTREAM (the repositories), and for every fixture tag DIGEST_<repo>_<tag>
// and SHORT_<repo>_<tag> (the digest as the table shows it: 12 hex digits),
// e.g. DIGEST_go_toolset_1_26_8_2 (non-alphanumerics become _).
//
// "registry login" starts one that asks for a login instead, with the same
// fixtures, and sets LOGIN_REGISTRY and LOGIN_VENDOR; it writes the login
// as Podman's auth.json to $WORK/login-auth.json (for REGISTRY_AUTH_FILE).
//
// "registry insecure", after "registry", lets Podman pull from the
// script's registries over plain HTTP: it writes $WORK/registries.conf
// naming them (REGISTRY, and LOGIN_REGISTRY if "registry login" ran)
// insecure and sets CONTAINERS_REGISTRIES_CONF to it.
func cmdRegistry(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 1 && args[0] == "insecure" {
		if neg || ts.Getenv("REGISTRY") == "" {
			ts.Fatalf("usage: registry insecure, after registry")
		}
		allowPlainHTTP(ts, ts.Getenv("REGISTRY"))
		return
	}
	login := len(args) == 1 && args[0] == "login"
	if neg || (len(args) != 0 && !login) {
		ts.Fatalf("usage: registry [login|insecure]")
	}
	start := registrytest.Start
	if login {
		start = registrytest.StartWithLogin
	}
	dir := ts.MkAbs(".registry")
	if login {
		dir = ts.MkAbs(".registry-login")
	}
	ts.Check(os.MkdirAll(dir, 0o755))
	reg, err := start(context.Background(), dir)
	ts.Check(err)
	ts.Defer(func() { _ = reg.Close() })
	f, err := reg.PushFixtures(context.Background())
	ts.Check(err)
	if login {
		ts.Setenv("LOGIN_REGISTRY", reg.Host)
		ts.Setenv("LOGIN_VENDOR", f.Vendor)
		auth := base64.StdEncoding.EncodeToString([]byte(registrytest.User + ":" + registrytest.Password))
		ts.Check(os.WriteFile(ts.MkAbs("login-auth.json"), fmt.Appendf(nil, `{"auths": {%q: {"auth": %q}}}`, reg.Host, auth), 0o600))
		return
	}
	ts.Setenv("REGISTRY", reg.Host)
	ts.Setenv("VENDOR", f.Vendor)
	ts.Setenv("UPSTREAM", f.Upstream)
	nonAlnum := regexp.MustCompile(`[^A-Za-z0-9]`)
	for ref, digest := range f.Digests {
		key := nonAlnum.ReplaceAllString(strings.TrimPrefix(ref, reg.Host+"/gorepro-test/"), "_")
		ts.Setenv("DIGEST_"+key, digest)
		ts.Setenv("SHORT_"+key, digest[:len("sha256:")+12])
	}
}

// registryReady says why the registry scripts cannot run here, if they
// cannot: they need docker-registry (scripts/setup-registry.sh).
func registryReady() error {
	if _, err := exec.LookPath(registrytest.Binary); err != nil {
		return fmt.Errorf("%s is not installed (scripts/setup-registry.sh)", registrytest.Binary)
	}
	return nil
}

// requireReady is a condition's answer: false when err says what is
// missing, a failure instead when GOREPRO_REQUIRE_ENGINE=1 (CI).
func requireReady(err error) (bool, error) {
	if err != nil && testneed.EngineRequired() {
		return false, fmt.Errorf("GOREPRO_REQUIRE_ENGINE=1 but %v", err)
	}
	return err == nil, nil
}

// cmdToolset is the script command "toolset", after "registry" and on an
// amd64 host (it needs GOROOT_INJECTED): it pushes real Go toolchain
// images to the registry's repository registrytest.ToolsetRepo, shaped like
// go-toolset's: build 1 from the local GOROOT, tagged <version>-1 and
// latest, and build 2 from the injected GOROOT, tagged <version>-2 (the
// same Go version, a different build). It sets TOOLSET (the repository),
// TOOLSET_TAG_N, TOOLSET_DIGEST_N and TOOLSET_SHORT_N (as the images table
// shows it) for N = 1, 2, and lets Podman pull from the registry over plain
// HTTP: a registries.conf naming that one registry (and the one "registry
// login" started, if it ran first) insecure, in CONTAINERS_REGISTRIES_CONF. When the script ends, the images Podman
// pulled from the repository are removed.
//
// "toolset tag TAG N" points TAG at build N in the registry.
func cmdToolset(ts *testscript.TestScript, neg bool, args []string) {
	host := ts.Getenv("REGISTRY")
	if neg || host == "" {
		ts.Fatalf("usage: toolset [tag TAG N], after registry")
	}
	reg := &registrytest.Registry{Host: host}
	if len(args) == 3 && args[0] == "tag" {
		if ts.Getenv("TOOLSET_DIGEST_"+args[2]) == "" {
			ts.Fatalf("toolset tag: no build %q", args[2])
		}
		ts.Check(reg.MoveTag(context.Background(), ts.Getenv("TOOLSET"), args[1], ts.Getenv("TOOLSET_DIGEST_"+args[2])))
		return
	}
	if len(args) != 0 || ts.Getenv("GOROOT_INJECTED") == "" {
		ts.Fatalf("usage: toolset [tag TAG N], after registry, on an amd64 host")
	}
	created := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	toolset, err := reg.PushToolset(context.Background(), registrytest.ToolsetRepo, []registrytest.ToolsetBuild{
		{GOROOT: ts.Getenv("GOROOT_LOCAL"), Release: "1", Created: created, Tags: []string{"latest"}},
		{GOROOT: ts.Getenv("GOROOT_INJECTED"), Release: "2", Created: created.Add(7 * 24 * time.Hour)},
	})
	ts.Check(err)
	usePushed(ts, "TOOLSET", toolset)
}

// usePushed sets the variables of a pushed toolset: NAME (the
// repository), NAME_TAG_n, NAME_DIGEST_n and NAME_SHORT_n (the digest as
// the images table shows it) for each build n = 1…; lets Podman pull from
// the registry over plain HTTP, and removes what it pulled from the
// repository when the script ends.
func usePushed(ts *testscript.TestScript, name string, toolset *registrytest.Toolset) {
	ts.Setenv(name, toolset.Repo)
	for i := range toolset.Tags {
		n := strconv.Itoa(i + 1)
		ts.Setenv(name+"_TAG_"+n, toolset.Tags[i])
		ts.Setenv(name+"_DIGEST_"+n, toolset.Digests[i])
		ts.Setenv(name+"_SHORT_"+n, toolset.Digests[i][:len("sha256:")+12])
	}
	allowPlainHTTP(ts, ts.Getenv("REGISTRY"))
	ts.Defer(func() { removePulled(toolset.Repo) })
}

// allowPlainHTTP lets Podman pull from the script's registries over plain
// HTTP: a registries.conf naming host (and the one "registry login"
// started, if it ran first) insecure, in CONTAINERS_REGISTRIES_CONF.
func allowPlainHTTP(ts *testscript.TestScript, host string) {
	var conf []byte
	for _, h := range []string{host, ts.Getenv("LOGIN_REGISTRY")} {
		if h != "" {
			conf = fmt.Appendf(conf, "[[registry]]\nlocation = %q\ninsecure = true\n\n", h)
		}
	}
	confFile := ts.MkAbs("registries.conf")
	ts.Check(os.WriteFile(confFile, conf, 0o644))
	ts.Setenv("CONTAINERS_REGISTRIES_CONF", confFile)
}

// cmdHistory is the script command "history GOOD BAD", after "registry"
// and on an amd64 host: a vendor's image history of one Go version in the
// registry's repository gorepro-test/history/go-toolset, shaped like
// go-toolset's (see registrytest.PushToolset): GOOD builds of the local
// GOROOT, then BAD builds of the injected one, tagged <version>-1 …
// <version>-N and created a week apart from 2026-06-01 09:00 UTC; the last
// is also tagged latest. It sets HISTORY (the repository), HISTORY_TAG_n,
// HISTORY_DIGEST_n and HISTORY_SHORT_n (as the images table shows it) for
// n = 1…N, lets Podman pull from the registry over plain HTTP, and removes
// the images Podman pulled from the repository when the script ends.
func cmdHistory(ts *testscript.TestScript, neg bool, args []string) {
	host := ts.Getenv("REGISTRY")
	if neg || host == "" || len(args) != 2 || ts.Getenv("GOROOT_INJECTED") == "" {
		ts.Fatalf("usage: history GOOD BAD, after registry, on an amd64 host")
	}
	good, err1 := strconv.Atoi(args[0])
	bad, err2 := strconv.Atoi(args[1])
	if err1 != nil || err2 != nil || good < 1 || bad < 1 {
		ts.Fatalf("history: GOOD and BAD are counts of builds, at least 1 each")
	}
	// Not toolset's dates: its builds would be the same images (the same
	// digests), which a script running at the same time pulls.
	created := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	var builds []registrytest.ToolsetBuild
	for i := range good + bad {
		b := registrytest.ToolsetBuild{GOROOT: ts.Getenv("GOROOT_LOCAL"), Release: strconv.Itoa(i + 1), Created: created.Add(time.Duration(i) * 7 * 24 * time.Hour)}
		if i >= good {
			b.GOROOT = ts.Getenv("GOROOT_INJECTED")
		}
		if i == good+bad-1 {
			b.Tags = []string{"latest"}
		}
		builds = append(builds, b)
	}
	reg := &registrytest.Registry{Host: host}
	history, err := reg.PushToolset(context.Background(), "gorepro-test/history/go-toolset", builds)
	ts.Check(err)
	// The engine finds an image by its digest under any name: those a
	// killed run left would not be pulled again.
	removeDigests(history.Digests)
	usePushed(ts, "HISTORY", history)
}

// cmdReleases is the script command "releases", after "registry" and on
// an amd64 host: a vendor's image history across two Go releases, with
// upstream's images of both as the reference. The vendor's repository
// gorepro-test/releases/go-toolset (see registrytest.PushToolset) holds
// 1.26.8-1, a build of the local GOROOT, then 1.27.3-1 and 1.27.3-2,
// builds of an injected copy of go1.27.3's GOROOT (GOTOOLCHAIN=go1.27.3,
// whose runtime packs pointers with 47 address bits, as
// internal/crashfixture's: a real taggedPointerPack crash of a real
// go1.27.3): a regression that came with the Go release, not with the
// vendor's build. The upstream-like gorepro-test/releases/golang (see
// registrytest.PushUpstream) holds 1.26.8 of the local GOROOT and 1.27.3
// of the same injected go1.27.3. It sets RELEASES, RELEASES_TAG_n,
// RELEASES_DIGEST_n, RELEASES_SHORT_n (n = 1..3, oldest first),
// RELEASES_GOLANG and RELEASES_GOLANG_DIGEST_1 (1.26.8) and _2 (1.27.3),
// and removes what Podman pulled from both when the script ends.
func cmdReleases(ts *testscript.TestScript, neg bool, args []string) {
	host := ts.Getenv("REGISTRY")
	if neg || host == "" || len(args) != 0 || ts.Getenv("GOROOT_INJECTED") == "" {
		ts.Fatalf("usage: releases, after registry, on an amd64 host")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := proc.Run(ctx, proc.Cmd{Argv: []string{"go", "env", "GOROOT"}, Env: append(os.Environ(), "GOTOOLCHAIN=go1.27.3")})
	ts.Check(err)
	if res.ExitCode != 0 {
		ts.Fatalf("releases: GOTOOLCHAIN=go1.27.3 go env GOROOT: %s", res.Output)
	}
	injected, err := crashfixture.SharedInjectedGOROOTOf(strings.TrimSpace(string(res.Output)))
	ts.Check(err)
	local := ts.Getenv("GOROOT_LOCAL")
	week := 7 * 24 * time.Hour
	created := time.Date(2026, 7, 6, 9, 0, 0, 0, time.UTC)
	reg := &registrytest.Registry{Host: host}
	const vendorRepo, upstreamRepo = "gorepro-test/releases/go-toolset", "gorepro-test/releases/golang"
	old, err := reg.PushToolset(ctx, vendorRepo, []registrytest.ToolsetBuild{{GOROOT: local, Release: "1", Created: created}})
	ts.Check(err)
	bad, err := reg.PushToolset(ctx, vendorRepo, []registrytest.ToolsetBuild{
		{GOROOT: injected, Release: "1", Created: created.Add(week)},
		{GOROOT: injected, Release: "2", Created: created.Add(2 * week)},
	})
	ts.Check(err)
	vendor := &registrytest.Toolset{Repo: old.Repo, GoVersion: old.GoVersion,
		Tags: append(old.Tags, bad.Tags...), Digests: append(old.Digests, bad.Digests...)}
	up1, err := reg.PushUpstream(ctx, upstreamRepo, local, created.Add(-week))
	ts.Check(err)
	up2, err := reg.PushUpstream(ctx, upstreamRepo, injected, created.Add(3*week))
	ts.Check(err)
	upstream := &registrytest.Toolset{Repo: up1.Repo, GoVersion: up1.GoVersion,
		Tags: append(up1.Tags, up2.Tags...), Digests: append(up1.Digests, up2.Digests...)}
	removeDigests(append(append([]string{}, vendor.Digests...), upstream.Digests...))
	usePushed(ts, "RELEASES", vendor)
	usePushed(ts, "RELEASES_GOLANG", upstream)
}

// removeDigests removes the images of Podman's store that have one of
// digests (only the history's own images have them), under any name.
func removeDigests(digests []string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := proc.Run(ctx, proc.Cmd{Argv: []string{"podman", "images", "--noheading", "--digests", "--format", "{{.ID}} {{.Digest}}"}})
	if err != nil || res.ExitCode != 0 {
		return
	}
	var ids []string
	for line := range strings.Lines(string(res.Output)) {
		if id, digest, ok := strings.Cut(strings.TrimSpace(line), " "); ok && slices.Contains(digests, digest) && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		_, _ = proc.Run(ctx, proc.Cmd{Argv: append([]string{"podman", "image", "rm", "--ignore"}, ids...)})
	}
}

// cmdGolang is the script command "golang", after "registry": an
// upstream-like repository gorepro-test/history/golang with one image of
// the local GOROOT shaped like Docker's golang (tags <version> and
// <version>-bookworm, env GOLANG_VERSION; see registrytest.PushUpstream),
// created 2026-06-02 09:00 UTC. It sets GOLANG, GOLANG_TAG_1,
// GOLANG_DIGEST_1 and GOLANG_SHORT_1, lets Podman pull from the registry
// over plain HTTP, and removes what it pulled from the repository when
// the script ends.
func cmdGolang(ts *testscript.TestScript, neg bool, args []string) {
	host := ts.Getenv("REGISTRY")
	if neg || host == "" || len(args) != 0 {
		ts.Fatalf("usage: golang, after registry")
	}
	reg := &registrytest.Registry{Host: host}
	golang, err := reg.PushUpstream(context.Background(), "gorepro-test/history/golang", ts.Getenv("GOROOT_LOCAL"), time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC))
	ts.Check(err)
	usePushed(ts, "GOLANG", golang)
}

// removePulled removes the images Podman pulled from repo: every name
// it gave them (tags and digests), so that images nothing else names go.
func removePulled(repo string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := proc.Run(ctx, proc.Cmd{Argv: []string{"podman", "images", "--noheading", "--digests", "--format", "{{.Repository}}:{{.Tag}} {{.Repository}}@{{.Digest}}"}})
	if err != nil || res.ExitCode != 0 {
		return
	}
	var names []string
	for _, name := range strings.Fields(string(res.Output)) {
		if (strings.HasPrefix(name, repo+":") || strings.HasPrefix(name, repo+"@")) && !strings.HasSuffix(name, ":<none>") {
			names = append(names, name)
		}
	}
	if len(names) > 0 {
		_, _ = proc.Run(ctx, proc.Cmd{Argv: append([]string{"podman", "image", "rm", "--ignore"}, names...)})
	}
}
