package registrytest_test

import (
	"archive/tar"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/crane"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/crashfixture"
	"github.com/gorepro/gorepro/internal/registrytest"
)

func TestStartServesOnLoopbackAndStops(t *testing.T) {
	reg := registrytest.New(t)
	require.True(t, strings.HasPrefix(reg.Host, "127.0.0.1:"), reg.Host)
	resp, err := http.Get("http://" + reg.Host + "/v2/")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	require.NoError(t, reg.Close())
	_, err = http.Get("http://" + reg.Host + "/v2/")
	assert.Error(t, err, "the registry still answers after Close")
}

func TestPushFixtures(t *testing.T) {
	reg := registrytest.New(t)
	f, err := reg.PushFixtures(t.Context())
	require.NoError(t, err)
	tags, err := crane.ListTags(f.Vendor)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"1.25", "1.25.3-1", "1.26", "1.26.8-1", "1.26.8-2", "latest"}, tags)
	assert.Equal(t, f.Digests[f.Vendor+":1.26.8-2"], f.Digests[f.Vendor+":latest"])
	assert.NotEqual(t, f.Digests[f.Vendor+":1.26.8-1"], f.Digests[f.Vendor+":1.26.8-2"])

	_, err = (&registrytest.Registry{Host: "localhost:5000"}).PushFixtures(t.Context())
	assert.ErrorContains(t, err, "pushes only to 127.0.0.1")
}

func TestLoginRegistryAsksForCredentials(t *testing.T) {
	reg := registrytest.NewWithLogin(t)
	resp, err := http.Get("http://" + reg.Host + "/v2/")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	f, err := reg.PushFixtures(t.Context())
	require.NoError(t, err)
	assert.NotEmpty(t, f.Digests)
}

// TestPushLocal pushes an image Podman built locally (the tiny runtime
// image of scripts/build-test-images.sh) to the registry over plain HTTP.
func TestPushLocal(t *testing.T) {
	const image = "localhost/gorepro-test/runtime:latest"
	if err := exec.Command("podman", "image", "exists", image).Run(); err != nil {
		if os.Getenv("GOREPRO_REQUIRE_ENGINE") == "1" {
			t.Fatalf("GOREPRO_REQUIRE_ENGINE=1 but podman or %s is missing (scripts/setup-podman.sh, scripts/build-test-images.sh)", image)
		}
		t.Skipf("podman or %s is missing (scripts/setup-podman.sh, scripts/build-test-images.sh)", image)
	}
	reg := registrytest.New(t)
	ref, err := reg.PushLocal(t.Context(), image, "gorepro-test/runtime:1")
	require.NoError(t, err)
	cf, err := crane.Config(ref)
	require.NoError(t, err)
	assert.Contains(t, string(cf), `"gorepro.test-image":"true"`)
}

// TestPushToolset pushes two real builds of the local Go: the local GOROOT
// and the injected one, which the registry stores as the first's layer
// plus one small layer holding the one file that differs.
func TestPushToolset(t *testing.T) {
	injected := crashfixture.InjectedGOROOT(t)
	reg := registrytest.New(t)
	created := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	start := time.Now()
	ts, err := reg.PushToolset(t.Context(), registrytest.ToolsetRepo, []registrytest.ToolsetBuild{
		{GOROOT: crashfixture.LocalGOROOT(t), Release: "1", Created: created, Tags: []string{"latest"}},
		{GOROOT: injected, Release: "2", Created: created.Add(24 * time.Hour)},
	})
	require.NoError(t, err)
	t.Logf("pushed two builds of %s in %s", ts.GoVersion, time.Since(start).Round(time.Millisecond))
	v := strings.TrimPrefix(ts.GoVersion, "go")
	assert.Equal(t, []string{v + "-1", v + "-2"}, ts.Tags)
	tags, err := crane.ListTags(ts.Repo)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{v + "-1", v + "-2", "latest"}, tags)
	latest, err := crane.Digest(ts.Repo + ":latest")
	require.NoError(t, err)
	assert.Equal(t, ts.Digests[0], latest)

	cf, err := crane.Config(ts.Repo + ":" + v + "-2")
	require.NoError(t, err)
	assert.Contains(t, string(cf), `"VERSION=`+v+`"`)
	assert.Contains(t, string(cf), `"release":"2"`)
	good, err := crane.Pull(ts.Repo + ":" + v + "-1")
	require.NoError(t, err)
	bad, err := crane.Pull(ts.Repo + ":" + v + "-2")
	require.NoError(t, err)
	goodLayers, err := good.Layers()
	require.NoError(t, err)
	badLayers, err := bad.Layers()
	require.NoError(t, err)
	require.Len(t, goodLayers, 1)
	require.Len(t, badLayers, 2)
	d0, _ := goodLayers[0].Digest()
	d1, _ := badLayers[0].Digest()
	assert.Equal(t, d0, d1, "the builds share the Go tree's layer")
	rc, err := badLayers[1].Uncompressed()
	require.NoError(t, err)
	defer rc.Close()
	var files []string
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if h.Typeflag == tar.TypeReg {
			files = append(files, h.Name)
		}
	}
	assert.Equal(t, []string{"usr/local/go/src/runtime/tagptr_64bit.go"}, files)

	require.NoError(t, reg.MoveTag(t.Context(), ts.Repo, "latest", ts.Digests[1]))
	latest, err = crane.Digest(ts.Repo + ":latest")
	require.NoError(t, err)
	assert.Equal(t, ts.Digests[1], latest)
}
