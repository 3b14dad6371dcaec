package cli_test

import (
	"context"
	"encoding/base64"
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
//
// "registry login" starts one that asks for a login instead, with the same
// fixtures, and sets LOGIN_REGISTRY and LOGIN_VENDOR; it writes the login
// as Podman's auth.json to $WORK/login-auth.json (for REGISTRY_AUTH_FILE).
func cmdRegistry(ts *testscript.TestScript, neg bool, args []string) {
	login := len(args) == 1 && args[0] == "login"
	if neg || (len(args) != 0 && !login) {
		ts.Fatalf("usage: registry [login]")
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
	if err != nil && os.Getenv("GOREPRO_REQUIRE_ENGINE") == "1" {
		return false, fmt.Errorf("GOREPRO_REQUIRE_ENGINE=1 but %v", err)
	}
	return err == nil, nil
}
