package cli_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gorepro/gorepro/internal/cli"
	"github.com/gorepro/gorepro/internal/crashfixture"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"gorepro": func() {
			os.Exit(cli.MainWithSignals(os.Args[1:], cli.StdDeps()))
		},
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: the real
// gorepro binary, real toolchains, real builds and runs.
func TestScripts(t *testing.T) {
	goEnv := map[string]string{}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT"} {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", k, err)
		}
		goEnv[k] = strings.TrimSpace(string(out))
	}
	// The injected GOROOT (a real taggedPointerPack crash on amd64, see
	// internal/crashfixture) is made once, when the first script that
	// runs on an amd64 host starts; scripts that need it skip elsewhere.
	injected := sync.OnceValues(crashfixture.SharedInjectedGOROOT)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Condition:           condition,
		Setup: func(env *testscript.Env) error {
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			for _, k := range []string{"GOPROXY", "GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GOINSECURE"} {
				if v, ok := os.LookupEnv(k); ok {
					env.Setenv(k, v)
				}
			}
			env.Setenv("GOREPRO_CACHE", filepath.Join(env.WorkDir, ".gorepro-cache"))
			env.Setenv("GOROOT_LOCAL", goEnv["GOROOT"])
			scripts, err := filepath.Abs("../../scripts")
			if err != nil {
				return err
			}
			env.Setenv("SCRIPTS", scripts)
			if runtime.GOARCH == "amd64" {
				dir, err := injected()
				if err != nil {
					return fmt.Errorf("making the injected GOROOT: %w", err)
				}
				env.Setenv("GOROOT_INJECTED", dir)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"cells":       cmdCells,       // cells RUN...: sorted "id outcome signature" lines (script_cmds_test.go)
			"wrap":        cmdWrap,        // wrap FORM IN OUT: IN as a CI log, BuildKit, logcat or Markdown paste (script_cmds_test.go)
			"modproxy":    cmdModProxy,    // modproxy SRC OUT: a file:// module proxy of SRC/<path>@<version> trees (script_cmds_test.go)
			"reproscript": cmdReproScript, // reproscript RUN CELL json|markdown OUT: a cell's reproduce commands as a person copies them (script_repro_test.go)
			"runrepro":    cmdRunRepro,    // runrepro RUN CELL SCRIPT DIR: run them with bash in DIR; same outcome and signature as the cell (script_repro_test.go)
			"registry":    cmdRegistry,    // registry [login|insecure]: a loopback registry with the fixture repositories; sets REGISTRY, VENDOR, UPSTREAM, DIGEST_*, SHORT_*; insecure: Podman's registries.conf allows it over plain HTTP (script_registry_test.go)
			"schemavalid": cmdSchemaValid, // schemavalid SCHEMA CONFIG: CONFIG matches the JSON Schema SCHEMA, as an editor checks it (script_schema_test.go)
			"golang":      cmdGolang,      // golang: an upstream-like golang repository with one image of the local GOROOT; sets GOLANG, GOLANG_* (script_registry_test.go)
			"releases":    cmdReleases,    // releases: a vendor's image history across go1.26.8 (good) and an injected go1.27.3 (bad), and upstream's images of both; sets RELEASES, RELEASES_GOLANG, … (script_registry_test.go)
			"history":     cmdHistory,     // history GOOD BAD: a vendor's image history of one Go version (GOOD local builds, then BAD injected ones) in the registry; sets HISTORY, HISTORY_* (script_registry_test.go)
			"gorootcopy":  cmdGorootCopy,  // gorootcopy SRC DST: DST a hard-link copy of the Go tree SRC (script_cmds_test.go)
			"toolset":     cmdToolset,     // toolset [tag TAG N]: real Go toolchain images (local and injected build) in the registry; sets TOOLSET, TOOLSET_* (script_registry_test.go)
			// exits N cmd args... runs cmd and asserts its exit status is N.
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits N command [args...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exits: bad status %q", args[0])
				}
				err = ts.Exec(args[1], args[2:]...)
				got := 0
				if err != nil {
					var ee *exec.ExitError
					if !errors.As(err, &ee) {
						ts.Fatalf("exits: %v", err)
					}
					got = ee.ExitCode()
				}
				if got != want {
					ts.Fatalf("exit status %d, want %d", got, want)
				}
			},
		},
	})
}

// condition provides the scripts' conditions:
//   - [binfmt-arm64], [binfmt-arm]: an arm64 (32-bit arm) emulator
//     (qemu-user-static) is registered with the kernel, so arm64 (arm)
//     binaries run here (scripts/setup-binfmt.sh);
//   - [engine]: podman works and the local test images exist. When
//     GOREPRO_REQUIRE_ENGINE=1 (CI), their absence fails the test instead;
//   - [registry]: docker-registry is installed (the same rule);
//   - [root]: the tests run as root (unshare -m can hide a directory from
//     a command, as a podman machine's VM does not see the host's /tmp).
func condition(cond string) (bool, error) {
	switch cond {
	case "root":
		return os.Geteuid() == 0, nil
	case "engine":
		return requireReady(engineReady())
	case "registry":
		return requireReady(registryReady())
	case "binfmt-arm64":
		return binfmtEnabled("qemu-aarch64"), nil
	case "binfmt-arm":
		return binfmtEnabled("qemu-arm"), nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// binfmtEnabled says whether the emulator handler name (qemu-aarch64,
// qemu-arm) is registered with binfmt_misc and enabled.
func binfmtEnabled(name string) bool {
	data, err := os.ReadFile("/proc/sys/fs/binfmt_misc/" + name)
	return err == nil && strings.HasPrefix(string(data), "enabled")
}

// engineReady says why the container scripts cannot run here, if they
// cannot: they need podman and the images of scripts/build-test-images.sh.
func engineReady() error {
	if _, err := exec.LookPath("podman"); err != nil {
		return fmt.Errorf("podman is not installed (scripts/setup-podman.sh)")
	}
	for _, image := range []string{"localhost/gorepro-test/go:local", "localhost/gorepro-test/go:1.27.3", "localhost/gorepro-test/runtime:latest"} {
		if err := exec.Command("podman", "image", "exists", image).Run(); err != nil {
			return fmt.Errorf("image %s is missing (scripts/build-test-images.sh)", image)
		}
	}
	return nil
}
