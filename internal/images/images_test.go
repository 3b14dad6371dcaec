package images_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/images"
	"github.com/gorepro/gorepro/internal/registrytest"
)

// fixtures starts a loopback registry with the fixture repositories.
func fixtures(t *testing.T) *registrytest.Fixtures {
	t.Helper()
	reg := registrytest.New(t)
	f, err := reg.PushFixtures(t.Context())
	require.NoError(t, err)
	return f
}

// row is what a test checks of an image.
type row struct {
	repo, tags, goVersion, platforms, created string
}

func rows(f *registrytest.Fixtures, imgs []images.Image) []row {
	var out []row
	for _, im := range imgs {
		repo := "vendor"
		if im.Repository == f.Upstream {
			repo = "upstream"
		}
		out = append(out, row{repo, strings.Join(im.Tags, ","), im.GoVersion, strings.Join(im.Platforms, ","), im.Created.Format(time.DateOnly)})
	}
	return out
}

func TestListRealRegistry(t *testing.T) {
	f := fixtures(t)
	both := []string{f.Vendor, f.Upstream}
	for _, tc := range []struct {
		name string
		opts images.Options
		want []row
	}{
		{"newest build per Go version", images.Options{}, []row{
			{"vendor", "1.26,1.26.8-2,latest", "go1.26.8", "linux/amd64", "2026-06-10"},
			{"vendor", "1.25,1.25.3-1", "go1.25.3", "linux/amd64", "2025-11-04"},
			{"upstream", "1.26,1.26.8,latest", "go1.26.8", "linux/amd64,linux/arm64", "2026-06-02"},
			{"upstream", "1.24.9", "go1.24.9", "linux/amd64", "2025-10-07"},
			{"upstream", "scratch", "", "linux/amd64", "2026-01-01"},
		}},
		{"all builds", images.Options{AllBuilds: true}, []row{
			{"vendor", "1.26,1.26.8-2,latest", "go1.26.8", "linux/amd64", "2026-06-10"},
			{"vendor", "1.26.8-1", "go1.26.8", "linux/amd64", "2026-05-06"},
			{"vendor", "1.25,1.25.3-1", "go1.25.3", "linux/amd64", "2025-11-04"},
			{"upstream", "1.26,1.26.8,latest", "go1.26.8", "linux/amd64,linux/arm64", "2026-06-02"},
			{"upstream", "1.24.9", "go1.24.9", "linux/amd64", "2025-10-07"},
			{"upstream", "scratch", "", "linux/amd64", "2026-01-01"},
		}},
		{"go range", images.Options{Go: mustConstraint(t, ">=1.24,<1.26")}, []row{
			{"vendor", "1.25,1.25.3-1", "go1.25.3", "linux/amd64", "2025-11-04"},
			{"upstream", "1.24.9", "go1.24.9", "linux/amd64", "2025-10-07"},
		}},
		{"platform", images.Options{Platform: "linux/arm64"}, []row{
			{"upstream", "1.26,1.26.8,latest", "go1.26.8", "linux/amd64,linux/arm64", "2026-06-02"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Repositories = both
			imgs, err := images.List(t.Context(), tc.opts)
			require.NoError(t, err)
			assert.Equal(t, tc.want, rows(f, imgs))
			for _, im := range imgs {
				assert.Equal(t, f.Digests[im.Repository+":"+im.Tags[0]], im.Digest, "digest of %s", im.Ref())
			}
		})
	}
}

func TestGoVersionSources(t *testing.T) {
	f := fixtures(t)
	imgs, err := images.List(t.Context(), images.Options{Repositories: []string{f.Vendor, f.Upstream}})
	require.NoError(t, err)
	from := map[string]string{}
	for _, im := range imgs {
		from[im.Ref()] = im.GoVersionFrom
	}
	assert.Equal(t, map[string]string{
		f.Vendor + ":1.26.8-2@" + f.Digests[f.Vendor+":1.26.8-2"]:   "env GO_MAJOR_VERSION, GO_MINOR_VERSION, GO_PATCH_VERSION",
		f.Vendor + ":1.25.3-1@" + f.Digests[f.Vendor+":1.25.3-1"]:   "env GO_MAJOR_VERSION, GO_MINOR_VERSION, GO_PATCH_VERSION",
		f.Upstream + ":1.26.8@" + f.Digests[f.Upstream+":1.26.8"]:   "env GOLANG_VERSION",
		f.Upstream + ":1.24.9@" + f.Digests[f.Upstream+":1.24.9"]:   "env GOLANG_VERSION",
		f.Upstream + ":scratch@" + f.Digests[f.Upstream+":scratch"]: "",
	}, from)
}

func TestListErrors(t *testing.T) {
	reg := registrytest.New(t)
	// A port nothing listens on: the registry's, once it has stopped.
	stopped := registrytest.New(t)
	require.NoError(t, stopped.Close())
	for _, tc := range []struct {
		name, repo, kind, msg string
	}{
		{"unknown repository", reg.Host + "/nobody/nothing", images.NotFound, reg.Host + "/nobody/nothing: not found (HTTP 404 NAME_UNKNOWN: repository name not known to registry): check the repository's name and registry"},
		{"unreachable registry", stopped.Host + "/gorepro-test/golang", images.Unreachable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := images.List(t.Context(), images.Options{Repositories: []string{tc.repo}})
			var re *images.RegistryError
			require.True(t, errors.As(err, &re), "error %v is not a RegistryError", err)
			assert.Equal(t, tc.kind, re.Kind)
			assert.NotContains(t, err.Error(), "\n")
			if tc.msg != "" {
				assert.Equal(t, tc.msg, err.Error())
			}
		})
	}
}

// TestCredentials reads a registry that asks for a login: without
// credentials it is an unauthorized error; with Podman's auth.json
// ($REGISTRY_AUTH_FILE) or Docker's config.json ($DOCKER_CONFIG) it lists,
// through the default keychain.
func TestCredentials(t *testing.T) {
	reg := registrytest.NewWithLogin(t)
	f, err := reg.PushFixtures(t.Context())
	require.NoError(t, err)
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("XDG_RUNTIME_DIR", filepath.Join(home, "run"))
	t.Setenv("DOCKER_CONFIG", filepath.Join(home, "docker"))
	t.Setenv("REGISTRY_AUTH_FILE", "")
	list := func() error {
		_, err := images.List(t.Context(), images.Options{Repositories: []string{f.Vendor}})
		return err
	}

	err = list()
	var re *images.RegistryError
	require.True(t, errors.As(err, &re), "error %v is not a RegistryError", err)
	assert.Equal(t, images.Unauthorized, re.Kind)
	assert.Equal(t, f.Vendor+": unauthorized (HTTP 401 UNAUTHORIZED: authentication required): log in with 'podman login' or 'docker login' (credentials are read from their auth files)", err.Error())

	auths := fmt.Appendf(nil, `{"auths": {%q: {"auth": %q}}}`, reg.Host,
		base64.StdEncoding.EncodeToString([]byte(registrytest.User+":"+registrytest.Password)))
	podman := filepath.Join(home, "auth.json")
	require.NoError(t, os.WriteFile(podman, auths, 0o600))
	t.Setenv("REGISTRY_AUTH_FILE", podman)
	require.NoError(t, list(), "with Podman's auth.json")

	t.Setenv("REGISTRY_AUTH_FILE", "")
	require.NoError(t, os.MkdirAll(filepath.Join(home, "docker"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(home, "docker", "config.json"), auths, 0o600))
	require.NoError(t, list(), "with Docker's config.json")
}

// TestRateLimited: docker-registry has no rate limit, so a stand-in
// answers every request as Docker Hub does when the limit is reached.
func TestRateLimited(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}`)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	_, err := images.List(t.Context(), images.Options{Repositories: []string{host + "/library/golang"}, Insecure: []string{host}})
	var re *images.RegistryError
	require.True(t, errors.As(err, &re), "error %v is not a RegistryError", err)
	assert.Equal(t, images.RateLimited, re.Kind)
	assert.Equal(t, host+"/library/golang: rate limited (HTTP 429 TOOMANYREQUESTS: You have reached your pull rate limit.): wait, or log in to get a higher limit", err.Error())
}

func TestOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts images.Options
		msg  string
	}{
		{"tagged repository", images.Options{Repositories: []string{"127.0.0.1:1/a/b:1.26"}}, `repository "127.0.0.1:1/a/b:1.26": name a repository without tag or digest (e.g. registry.access.redhat.com/ubi9/go-toolset)`},
		{"platform", images.Options{Repositories: []string{"127.0.0.1:1/a/b"}, Platform: "arm64"}, `--platform: invalid platform "arm64" (want os/arch[/variant], e.g. linux/arm64)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := images.List(context.Background(), tc.opts)
			var oe *images.OptionError
			require.True(t, errors.As(err, &oe), "error %v is not an OptionError", err)
			assert.Equal(t, tc.msg, err.Error())
		})
	}
}

func TestConstraint(t *testing.T) {
	for _, tc := range []struct {
		c    string
		in   []string
		out  []string
		fail bool
	}{
		{c: ">=1.24,<1.26", in: []string{"go1.24.0", "go1.24.9", "go1.25.3"}, out: []string{"go1.23.12", "go1.26.0", "go1.26.8"}},
		{c: "1.26.8", in: []string{"go1.26.8"}, out: []string{"go1.26.7", "go1.27.3"}},
		{c: ">go1.25.3", in: []string{"go1.25.4"}, out: []string{"go1.25.3"}},
		{c: "<=1.25", in: []string{"go1.24.9"}, out: []string{"go1.25.0"}},
		{c: ">=banana", fail: true},
	} {
		t.Run(tc.c, func(t *testing.T) {
			c, err := images.ParseConstraint(tc.c)
			if tc.fail {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			for _, v := range tc.in {
				assert.True(t, c.Allows(v), "%s allows %s", tc.c, v)
			}
			for _, v := range tc.out {
				assert.False(t, c.Allows(v), "%s refuses %s", tc.c, v)
			}
		})
	}
}

func mustConstraint(t *testing.T, s string) images.Constraint {
	t.Helper()
	c, err := images.ParseConstraint(s)
	require.NoError(t, err)
	return c
}

func TestTag(t *testing.T) {
	for tags, want := range map[string]string{
		"1.26,1.26.8-2,latest": "1.26.8-2",
		"latest":               "latest",
		"1.26,1.26.8,latest":   "1.26.8",
		"scratch":              "scratch",
	} {
		assert.Equal(t, want, images.Image{Tags: strings.Split(tags, ",")}.Tag(), tags)
	}
}
