// Package rootlesstest gives tests an unprivileged user with its own
// rootless Podman, the way gorepro runs on a Fedora or RHEL workstation:
// containers in the user's namespace, container root mapped to the user,
// every other container uid to the user's subordinate ids.
//
// Setup makes what is missing — the user (UserName, useradd), its
// subordinate id ranges (/etc/subuid, /etc/subgid, usermod), its runtime
// directory (XDG_RUNTIME_DIR=/tmp/xdg-<uid>) and its container storage
// (~/.config/containers/storage.conf, driver vfs, which needs no
// fuse-overlayfs) — and checks that `podman info` works as the user. It
// skips the test, saying why, when the tests do not run as root or
// Podman is not installed, and fails it instead when
// GOREPRO_REQUIRE_ENGINE=1 (CI).
//
// The user's images live in its own storage: LoadImage copies one from
// root's storage (podman save, then load as the user; nothing is
// pulled), BuildImage builds one there from a Containerfile. Run runs a
// command as the user, with a clean environment.
//
// TestRootlessOwnership (in this package, apart from internal/cli's
// tests so that its 4-15 minutes run beside theirs) walks that user's
// journey with gorepro: image cells with -cover on a real crash, then
// nothing in the cache or the results owned by another uid.
package rootlesstest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorepro/gorepro/internal/proc"
)

// UserName is the unprivileged user Setup makes.
const UserName = "gorepro-rootless"

// subIDCount is the size of the subordinate id ranges Setup gives it.
const subIDCount = 65536

// User is the unprivileged user with rootless Podman.
type User struct {
	Name     string
	UID, GID int
	Home     string
	// RuntimeDir is its XDG_RUNTIME_DIR.
	RuntimeDir string
}

// Setup returns the unprivileged user, made ready for rootless Podman.
func Setup(t testing.TB) *User {
	t.Helper()
	if os.Geteuid() != 0 {
		unavailable(t, "making an unprivileged user with rootless Podman needs root")
	}
	for _, tool := range []string{"podman", "runuser", "useradd", "usermod"} {
		if _, err := exec.LookPath(tool); err != nil {
			unavailable(t, tool+" is not installed (scripts/setup-podman.sh)")
		}
	}
	u, err := ensureUser()
	if err != nil {
		t.Fatalf("rootlesstest: %v", err)
	}
	for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
		if err := ensureSubIDs(f, u.Name); err != nil {
			t.Fatalf("rootlesstest: %v", err)
		}
	}
	if err := u.ensureDirs(); err != nil {
		t.Fatalf("rootlesstest: %v", err)
	}
	if out, err := u.Output(t, "podman", "info", "--format", "{{.Host.Security.Rootless}}"); err != nil || !strings.Contains(out, "true") {
		unavailable(t, fmt.Sprintf("rootless podman does not work for %s: %v: %s", u.Name, err, out))
	}
	return u
}

// unavailable skips t, or fails it under GOREPRO_REQUIRE_ENGINE=1.
func unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("GOREPRO_REQUIRE_ENGINE") == "1" {
		t.Fatalf("GOREPRO_REQUIRE_ENGINE=1 but %s", why)
	}
	t.Skip(why)
}

// ensureUser makes UserName when it does not exist, and looks it up.
func ensureUser() (*User, error) {
	if _, err := lookup(); err != nil {
		if out, err := asRoot("useradd", "--create-home", "--user-group", "--shell", "/bin/sh", UserName); err != nil {
			return nil, fmt.Errorf("useradd %s: %v: %s", UserName, err, out)
		}
	}
	return lookup()
}

// lookup reads UserName's entry with getent.
func lookup() (*User, error) {
	out, err := asRoot("getent", "passwd", UserName)
	if err != nil {
		return nil, fmt.Errorf("no user %s: %v", UserName, err)
	}
	f := strings.Split(strings.TrimSpace(string(out)), ":")
	if len(f) < 7 {
		return nil, fmt.Errorf("getent passwd %s: %q", UserName, out)
	}
	uid, err1 := strconv.Atoi(f[2])
	gid, err2 := strconv.Atoi(f[3])
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("getent passwd %s: %q", UserName, out)
	}
	return &User{Name: UserName, UID: uid, GID: gid, Home: f[5], RuntimeDir: fmt.Sprintf("/tmp/xdg-%d", uid)}, nil
}

// ensureSubIDs gives name a range of subordinate ids in file (/etc/subuid
// or /etc/subgid) when it has none, above every range already given.
func ensureSubIDs(file, name string) error {
	next := 100000
	if data, err := os.ReadFile(file); err == nil {
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			f := strings.Split(strings.TrimSpace(sc.Text()), ":")
			if len(f) != 3 {
				continue
			}
			if f[0] == name {
				return nil
			}
			start, err1 := strconv.Atoi(f[1])
			count, err2 := strconv.Atoi(f[2])
			if err1 == nil && err2 == nil && start+count > next {
				next = start + count
			}
		}
	}
	flag := "--add-subuids"
	if strings.HasSuffix(file, "subgid") {
		flag = "--add-subgids"
	}
	span := fmt.Sprintf("%d-%d", next, next+subIDCount-1)
	if out, err := asRoot("usermod", flag, span, name); err != nil {
		return fmt.Errorf("usermod %s %s %s: %v: %s", flag, span, name, err, out)
	}
	return nil
}

// ensureDirs makes the user's runtime directory and, when the user has
// no storage configuration, one for the vfs driver.
func (u *User) ensureDirs() error {
	if err := os.MkdirAll(u.RuntimeDir, 0o700); err != nil {
		return err
	}
	if err := os.Chown(u.RuntimeDir, u.UID, u.GID); err != nil {
		return err
	}
	conf := filepath.Join(u.Home, ".config", "containers", "storage.conf")
	if _, err := os.Stat(conf); err == nil {
		return nil
	}
	if _, err := os.Stat(filepath.Join(u.Home, ".local", "share", "containers", "storage")); err == nil {
		return nil // storage exists: its driver stays as it is
	}
	for _, d := range []string{filepath.Join(u.Home, ".config"), filepath.Dir(conf)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		if err := os.Chown(d, u.UID, u.GID); err != nil {
			return err
		}
	}
	if err := os.WriteFile(conf, []byte("[storage]\ndriver = \"vfs\"\n"), 0o644); err != nil {
		return err
	}
	return os.Chown(conf, u.UID, u.GID)
}

// Argv is the command line that runs argv as the user, with a clean
// environment: HOME, USER, PATH, XDG_RUNTIME_DIR, then env.
func (u *User) Argv(env []string, argv ...string) []string {
	cmd := []string{"runuser", "-u", u.Name, "--", "env", "-i",
		"HOME=" + u.Home, "USER=" + u.Name, "LOGNAME=" + u.Name,
		"PATH=" + os.Getenv("PATH"), "XDG_RUNTIME_DIR=" + u.RuntimeDir}
	cmd = append(cmd, env...)
	return append(cmd, argv...)
}

// Run runs argv as the user in dir with env added, and returns the result.
func (u *User) Run(t testing.TB, dir string, env []string, timeout time.Duration, argv ...string) *proc.Result {
	t.Helper()
	res, err := proc.Run(context.Background(), proc.Cmd{Argv: u.Argv(env, argv...), Dir: dir, Timeout: timeout})
	if err != nil {
		t.Fatalf("rootlesstest: running %v as %s: %v", argv, u.Name, err)
	}
	return res
}

// Output runs argv as the user and returns its output; an exit status
// other than 0 is an error.
func (u *User) Output(t testing.TB, argv ...string) (string, error) {
	t.Helper()
	res := u.Run(t, "/", nil, 5*time.Minute, argv...)
	if res.ExitCode != 0 || res.TimedOut {
		return string(res.Output), fmt.Errorf("%v: exit %d", argv, res.ExitCode)
	}
	return string(res.Output), nil
}

// asRoot runs argv as this process and returns its output; an exit
// status other than 0 is an error.
func asRoot(argv ...string) (string, error) {
	res, err := proc.Run(context.Background(), proc.Cmd{Argv: argv, Timeout: 5 * time.Minute})
	if err != nil {
		return "", err
	}
	if res.ExitCode != 0 || res.TimedOut {
		return string(res.Output), fmt.Errorf("%s: exit %d", strings.Join(argv, " "), res.ExitCode)
	}
	return string(res.Output), nil
}

// imageID is the ID of ref in the storage argv's podman uses, "" when it
// has no such image.
func imageID(t testing.TB, run func(argv ...string) (string, error), ref string) string {
	t.Helper()
	out, err := run("podman", "image", "inspect", "--format", "{{.Id}}", ref)
	if err != nil {
		return ""
	}
	return lastLine(out)
}

// lastLine is out's last non-empty line (podman's warnings come first).
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// LoadImage copies ref from root's storage into the user's (podman save,
// podman load), unless the user has it already with the same ID, and
// returns its ID. A ref root does not have fails the test.
func (u *User) LoadImage(t testing.TB, ref string) string {
	t.Helper()
	id := imageID(t, asRoot, ref)
	if id == "" {
		unavailable(t, "image "+ref+" is missing (scripts/build-test-images.sh)")
	}
	if imageID(t, func(argv ...string) (string, error) { return u.Output(t, argv...) }, ref) == id {
		return id
	}
	dir, err := os.MkdirTemp("", "rootlesstest-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(dir, "image.tar")
	if out, err := asRoot("podman", "save", "--quiet", "-o", archive, ref); err != nil {
		t.Fatalf("rootlesstest: podman save %s: %v: %s", ref, err, out)
	}
	if err := os.Chmod(archive, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := u.Output(t, "podman", "load", "--quiet", "-i", archive); err != nil {
		t.Fatalf("rootlesstest: podman load %s as %s: %v: %s", ref, u.Name, err, out)
	}
	return id
}

// BuildImage builds ref in the user's storage from containerfile and the
// files beside it (name → content), with no pull, unless the user has
// ref already; it returns the image's ID. Give ref a tag that changes
// with what it is built from.
func (u *User) BuildImage(t testing.TB, ref, containerfile string, files map[string][]byte) string {
	t.Helper()
	asUser := func(argv ...string) (string, error) { return u.Output(t, argv...) }
	if id := imageID(t, asUser, ref); id != "" {
		return id
	}
	dir, err := os.MkdirTemp("", "rootlesstest-build-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	files["Containerfile"] = []byte(containerfile)
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := u.Output(t, "podman", "build", "--quiet", "--pull=never", "--network=none", "--tag", ref, dir); err != nil {
		t.Fatalf("rootlesstest: podman build %s as %s: %v: %s", ref, u.Name, err, out)
	}
	return imageID(t, asUser, ref)
}

// Chown gives path (recursively) to the user.
func (u *User) Chown(t testing.TB, path string) {
	t.Helper()
	err := filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, u.UID, u.GID)
	})
	if err != nil {
		t.Fatal(err)
	}
}
