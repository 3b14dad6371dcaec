// Package registrytest runs a real OCI registry on the loopback interface
// for tests: Debian's docker-registry (the distribution project's registry,
// package docker-registry; scripts/setup-registry.sh installs it), started
// on 127.0.0.1 and a port the kernel picks, with its own configuration and
// storage in a temporary directory. It never listens on any other address.
//
// Start runs one and returns when it answers GET /v2/ (StartWithLogin one
// that asks for User and Password): the registry logs
// "listening on ADDR" once its socket is bound, and Start waits for that
// line (an event, never a sleep), then asks /v2/ once. New does the same for
// a test, stops the registry in t.Cleanup, and skips the test with one line
// when docker-registry is not installed — unless GOREPRO_REQUIRE_ENGINE=1
// (CI), which makes that a failure. StartWithLogin and NewWithLogin run one
// that asks for User and Password (htpasswd), for the credential tests.
//
// PushFixtures fills a registry with the images the tests of `gorepro
// images` list (see Fixtures): config-only images, a few hundred bytes
// each, pushed with go-containerregistry. PushLocal copies an image of the
// local engine's store there with `podman push --tls-verify=false`, the
// plain-HTTP permission given to that one command and that one registry.
//
// PushToolset pushes real Go toolchain images that an engine pulls and
// builds with: several builds of one Go version (say the local GOROOT and
// the injected one of package crashfixture) under a repository shaped like
// Red Hat's ubi9/go-toolset (tags <version>-<release>, go-toolset's env and
// labels), built in-process from the GOROOTs with no engine: the first
// build's Go tree is one layer the others share, each of them adding a
// layer of the files where its GOROOT differs, and the layers are
// reproducible, so the same builds pushed again have the same digests and
// image IDs. MoveTag points a tag at another build, as a vendor publishing
// a new build moves its "latest". PushUpstream pushes one image shaped like
// Docker's golang (env GOLANG_VERSION) of a GOROOT, the upstream build to
// compare a vendor's with. For Podman to pull from the registry over
// plain HTTP, a test names it in a registries.conf with insecure = true
// and points CONTAINERS_REGISTRIES_CONF at it (internal/cli's script
// command "toolset" does).
package registrytest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/testneed"
)

// Binary is the registry program Debian's docker-registry package installs.
const Binary = "docker-registry"

// startLimit bounds how long Start waits for the registry to listen.
const startLimit = 30 * time.Second

// The credentials of a registry started by StartWithLogin.
const (
	User     = "gorepro"
	Password = "gorepro-test"
)

// htpasswd is User's line of the registry's htpasswd file: Password,
// bcrypt at cost 4.
const htpasswd = User + ":$2b$04$abcdefghijklmnopqrstuuV4U2EE4BCo4rodXWUhJ1Y.BdvS4tzou\n"

// Registry is one running registry.
type Registry struct {
	// Host is "127.0.0.1:PORT", the registry part of image references.
	Host string
	// Login says whether the registry asks for User and Password.
	Login bool

	cancel context.CancelFunc
	done   chan struct{}
	result *proc.Result
	err    error
}

// New starts a registry for the test and stops it when the test ends. It
// skips the test when docker-registry is missing, unless
// GOREPRO_REQUIRE_ENGINE=1.
func New(t testing.TB) *Registry {
	t.Helper()
	return newFor(t, Start)
}

// NewWithLogin is New for a registry that asks for User and Password.
func NewWithLogin(t testing.TB) *Registry {
	t.Helper()
	return newFor(t, StartWithLogin)
}

func newFor(t testing.TB, start func(context.Context, string) (*Registry, error)) *Registry {
	t.Helper()
	if _, err := exec.LookPath(Binary); err != nil {
		testneed.Engine(t, Binary+" is not installed (scripts/setup-registry.sh)")
	}
	r, err := start(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// configTemplate is the registry's configuration: loopback only, storage
// in the given directory, deletes allowed (tests move tags), no access log.
const configTemplate = `version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: 127.0.0.1:0
  secret: gorepro-registrytest
`

// loginTemplate is the configuration's part that asks for a login.
const loginTemplate = `auth:
  htpasswd:
    realm: gorepro-registrytest
    path: %s
`

// listeningRE matches the registry's log line once its socket is bound.
var listeningRE = regexp.MustCompile(`msg="listening on (127\.0\.0\.1:\d+)"`)

// Start runs docker-registry with a configuration and storage under dir
// (which must exist) and returns once it answers GET /v2/. Close stops it.
func Start(ctx context.Context, dir string) (*Registry, error) {
	return start(ctx, dir, false)
}

// StartWithLogin is Start for a registry that asks for User and Password.
func StartWithLogin(ctx context.Context, dir string) (*Registry, error) {
	return start(ctx, dir, true)
}

func start(ctx context.Context, dir string, login bool) (*Registry, error) {
	cfg := filepath.Join(dir, "config.yml")
	storage := filepath.Join(dir, "storage")
	if err := os.MkdirAll(storage, 0o755); err != nil {
		return nil, fmt.Errorf("registry storage: %w", err)
	}
	config := fmt.Appendf(nil, configTemplate, storage)
	if login {
		users := filepath.Join(dir, "htpasswd")
		if err := os.WriteFile(users, []byte(htpasswd), 0o600); err != nil {
			return nil, fmt.Errorf("registry htpasswd: %w", err)
		}
		config = fmt.Appendf(config, loginTemplate, users)
	}
	if err := os.WriteFile(cfg, config, 0o644); err != nil {
		return nil, fmt.Errorf("registry config: %w", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	r := &Registry{Login: login, cancel: cancel, done: make(chan struct{})}
	watch := newAddrWatcher()
	go func() {
		defer close(r.done)
		r.result, r.err = proc.Run(runCtx, proc.Cmd{Argv: []string{Binary, "serve", cfg}, Tee: watch, Track: true})
	}()
	wait, stop := context.WithTimeout(ctx, startLimit)
	defer stop()
	select {
	case addr := <-watch.addr:
		r.Host = addr
	case <-r.done:
		return nil, r.exitError("exited before listening")
	case <-wait.Done():
		_ = r.Close()
		return nil, fmt.Errorf("%s did not listen within %s: %s", Binary, startLimit, proc.FirstLines(r.output(), 5))
	}
	if err := r.ping(wait); err != nil {
		_ = r.Close()
		return nil, err
	}
	return r, nil
}

// ping asks GET /v2/ once: the registry answers 200 when it serves (401
// when it asks for a login: then with it).
func (r *Registry) ping(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+r.Host+"/v2/", nil)
	if err != nil {
		return err
	}
	if r.Login {
		req.SetBasicAuth(User, Password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("registry %s: GET /v2/: %w", r.Host, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("registry %s: GET /v2/: %s", r.Host, resp.Status)
	}
	return nil
}

// Close stops the registry and waits for it to end.
func (r *Registry) Close() error {
	r.cancel()
	<-r.done
	return nil
}

// output is what the registry printed, once it has ended.
func (r *Registry) output() []byte {
	select {
	case <-r.done:
		if r.result != nil {
			return r.result.Output
		}
	default:
	}
	return nil
}

func (r *Registry) exitError(what string) error {
	if r.err != nil {
		return fmt.Errorf("%s %s: %w", Binary, what, r.err)
	}
	return fmt.Errorf("%s %s: %s", Binary, what, proc.FirstLines(r.result.Output, 5))
}

// addrWatcher is the registry's output as it comes: it sends the address
// of the "listening on" line once.
type addrWatcher struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	sent bool
	addr chan string
}

func newAddrWatcher() *addrWatcher { return &addrWatcher{addr: make(chan string, 1)} }

func (w *addrWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sent {
		return len(p), nil
	}
	w.buf.Write(p)
	sc := bufio.NewScanner(bytes.NewReader(w.buf.Bytes()))
	for sc.Scan() {
		if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
			w.sent = true
			w.addr <- m[1]
			w.buf.Reset()
			return len(p), nil
		}
	}
	return len(p), nil
}

// PushLocal copies image (a reference the local Podman store knows, such
// as localhost/gorepro-test/runtime:latest) to the registry as dest (a
// repository path and tag, such as "gorepro-test/runtime:1"), with
// --tls-verify=false for that one push, and returns the full reference.
func (r *Registry) PushLocal(ctx context.Context, image, dest string) (string, error) {
	ref := r.Host + "/" + dest
	res, err := proc.Run(ctx, proc.Cmd{
		Argv:    []string{"podman", "push", "--quiet", "--tls-verify=false", image, "docker://" + ref},
		Timeout: 5 * time.Minute,
	})
	if err != nil {
		return "", fmt.Errorf("podman push %s: %w", image, err)
	}
	if res.ExitCode != 0 {
		return "", fmt.Errorf("podman push %s %s: %s", image, ref, strings.TrimSpace(proc.FirstLines(res.Output, 5)))
	}
	return ref, nil
}
