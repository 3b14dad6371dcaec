package registrytest_test

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/crane"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
