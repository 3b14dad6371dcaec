package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gorepro/gorepro/internal/registrytest"
)

// cmdRegistry is the script command "registry": it starts a registry on
// 127.0.0.1 (package registrytest), stopped when the script ends, pushes
// the fixture repositories and sets REGISTRY (host:port), VENDOR and
// UPSTREAM (the repositories), and for every fixture tag DIGEST_<repo>_<tag>
// and SHORT_<repo>_<tag> (the digest as the table shows it: 12 hex digits),
// e.g. DIGEST_go_toolset_1_26_8_2 (non-alphanumerics become _).
func cmdRegistry(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: registry")
	}
	reg, err := registrytest.Start(context.Background(), ts.MkAbs(".registry"))
	ts.Check(err)
	ts.Defer(func() { _ = reg.Close() })
	f, err := registrytest.PushFixtures(context.Background(), reg.Host)
	ts.Check(err)
	ts.Setenv("REGISTRY", reg.Host)
	ts.Setenv("VENDOR", f.Vendor)
	ts.Setenv("UPSTREAM", f.Upstream)
	nonAlnum := regexp.MustCompile(`[^A-Za-z0-9]`)
	for ref, digest := range f.Digests {
		repoTag := strings.TrimPrefix(ref, reg.Host+"/gorepro-test/")
		key := nonAlnum.ReplaceAllString(repoTag, "_")
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
	if err != nil && os.Getenv("GOREPRO_REQUIRE_ENGINE") == "1" {
		return false, fmt.Errorf("GOREPRO_REQUIRE_ENGINE=1 but %v", err)
	}
	return err == nil, nil
}
