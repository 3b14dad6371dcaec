package container

import (
	"context"
	"os"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/proc"
)

// TestRunAsFor covers who a container runs as, per engine kind and
// image user.
func TestRunAsFor(t *testing.T) {
	rootlessPodman := engineUsers{name: Podman, rootless: true, local: true, uid: 1000, gid: 1000}
	machine := engineUsers{name: Podman, rootless: true, uid: 501, gid: 1000}
	oldPodman := engineUsers{name: Podman, rootless: true, local: true, uid: -1, gid: -1}
	rootlessDocker := engineUsers{name: Docker, rootless: true, local: true, uid: -1, gid: -1}
	rootfulDocker := engineUsers{name: Docker, local: true, uid: -1, gid: -1}
	desktop := engineUsers{name: Docker, uid: -1, gid: -1}
	tests := []struct {
		name      string
		u         engineUsers
		uid       int
		imageUser string
		known     bool
		want      RunAs
	}{
		{"rootless podman, image runs as root: container root is the user", rootlessPodman, 1000, "", true, RunAs{}},
		{"rootless podman, go-toolset's 1001: keep-id, as the user", rootlessPodman, 1000, "1001", true, RunAs{User: "1000:1000", UserNS: "keep-id"}},
		{"rootless podman, a Dockerfile target's image (not inspected)", rootlessPodman, 1000, "", false, RunAs{User: "1000:1000", UserNS: "keep-id"}},
		{"podman machine: the VM's user, not the Mac's", machine, 502, "1001", true, RunAs{User: "501:1000", UserNS: "keep-id"}},
		{"rootless podman that names no id mappings", oldPodman, 1000, "1001", true, RunAs{UserNS: "keep-id"}},
		{"rootless docker, image user 1001: container root", rootlessDocker, 1000, "1001:0", true, RunAs{User: "0:0"}},
		{"rootful docker on Linux, user 1000", rootfulDocker, 1000, "", true, RunAs{User: "1000:1000"}},
		{"rootful docker on Linux, user 1000, image user 1001", rootfulDocker, 1000, "1001", true, RunAs{User: "1000:1000"}},
		{"rootful, gorepro run as root, image root", rootfulDocker, 0, "root", true, RunAs{}},
		{"rootful, gorepro run as root, image user 1001", rootfulDocker, 0, "1001", true, RunAs{User: "0:0"}},
		{"Docker Desktop: its file sharing owns the files", desktop, 501, "1001", true, RunAs{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, runAsFor(tt.u, tt.uid, tt.uid, tt.imageUser, tt.known))
		})
	}
}

// TestEngineUsers reads rootless and Docker Desktop from the engines'
// answers, asking once.
func TestEngineUsers(t *testing.T) {
	tests := []struct {
		engine, answer string
		want           engineUsers
	}{
		{Podman, `true {"gidmap":[{"container_id":0,"host_id":1001,"size":1},{"container_id":1,"host_id":100000,"size":65536}],"uidmap":[{"container_id":0,"host_id":1002,"size":1},{"container_id":1,"host_id":100000,"size":65536}]}` + "\n",
			engineUsers{name: Podman, rootless: true, local: true, uid: 1002, gid: 1001}},
		{Podman, "WARN[0000] \"/\" is not a shared mount\nfalse {\"gidmap\":null,\"uidmap\":null}\n", engineUsers{name: Podman, local: true, uid: -1, gid: -1}},
		{Docker, "[\"name=seccomp,profile=builtin\",\"name=rootless\",\"name=cgroupns\"]\n\"Ubuntu 24.04 LTS\"\n", engineUsers{name: Docker, rootless: true, local: true, uid: -1, gid: -1}},
		{Docker, "[\"name=seccomp,profile=builtin\"]\n\"Docker Desktop\"\n", engineUsers{name: Docker, uid: -1, gid: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.engine+" "+tt.answer, func(t *testing.T) {
			calls := 0
			e := &Engine{Name: tt.engine, Cmd: "/usr/bin/" + tt.engine, Exec: func(_ context.Context, c proc.Cmd) (*proc.Result, error) {
				calls++
				assert.Equal(t, "info", c.Argv[1])
				return &proc.Result{Output: []byte(tt.answer)}, nil
			}}
			for range 2 {
				got, err := e.users(context.Background())
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
			}
			assert.Equal(t, 1, calls)
		})
	}
}

// TestPodmanUsersHere covers Podman's own rule for its users, applied
// without asking podman info: only for a local Podman on Linux, and not
// when Podman's variables say it runs in a namespace of its own.
func TestPodmanUsersHere(t *testing.T) {
	none := func(string) string { return "" }
	tests := []struct {
		name       string
		localLinux bool
		goos       string
		euid, egid int
		getenv     func(string) string
		want       engineUsers
		ok         bool
	}{
		{"rootful: root has no mappings", true, "linux", 0, 0, none, engineUsers{name: Podman, local: true, uid: -1, gid: -1}, true},
		{"rootless: container root is the user", true, "linux", 1001, 1002, none, engineUsers{name: Podman, rootless: true, local: true, uid: 1001, gid: 1002}, true},
		{"remote podman (a podman machine): ask it", false, "linux", 1001, 1001, none, engineUsers{}, false},
		{"a Mac: ask the VM", true, "darwin", 501, 20, none, engineUsers{}, false},
		{"inside Podman's own user namespace: ask it", true, "linux", 0, 0, func(k string) string {
			if k == "_CONTAINERS_USERNS_CONFIGURED" {
				return "init"
			}
			return ""
		}, engineUsers{}, false},
		{"as another rootless uid: ask it", true, "linux", 0, 0, func(k string) string {
			if k == "_CONTAINERS_ROOTLESS_UID" {
				return "1000"
			}
			return ""
		}, engineUsers{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := podmanUsersHere(tt.localLinux, tt.goos, tt.euid, tt.egid, tt.getenv)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestEngineUsersLocalPodman: after `podman version` named no remote
// server, the users are known without podman info; with a server
// (podman machine), podman info is asked.
func TestEngineUsersLocalPodman(t *testing.T) {
	for _, tt := range []struct {
		name, version string
		wantInfo      bool
	}{
		{"local", `{"Client":{"Version":"4.3.1","OsArch":"linux/amd64"}}`, false},
		{"remote", `{"Client":{"Version":"5.2.0","OsArch":"darwin/arm64"},"Server":{"Version":"5.2.0","OsArch":"linux/arm64"}}`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var asked []string
			e := &Engine{Name: Podman, Cmd: "/usr/bin/podman", Exec: func(_ context.Context, c proc.Cmd) (*proc.Result, error) {
				asked = append(asked, c.Argv[1])
				if c.Argv[1] == "version" {
					return &proc.Result{Output: []byte(tt.version)}, nil
				}
				return &proc.Result{Output: []byte("true {\"gidmap\":[{\"container_id\":0,\"host_id\":501,\"size\":1}],\"uidmap\":[{\"container_id\":0,\"host_id\":501,\"size\":1}]}\n")}, nil
			}}
			_, err := e.Info(context.Background())
			require.NoError(t, err)
			got, err := e.users(context.Background())
			require.NoError(t, err)
			if tt.wantInfo {
				assert.Equal(t, []string{"version", "info"}, asked)
				assert.Equal(t, engineUsers{name: Podman, rootless: true, local: runtime.GOOS == "linux", uid: 501, gid: 501}, got)
				return
			}
			assert.Equal(t, []string{"version"}, asked)
			want, ok := podmanUsersHere(true, runtime.GOOS, os.Geteuid(), os.Getegid(), os.Getenv)
			if !ok {
				t.Skip("podman's rule does not apply to this test process (not Linux, or in podman's namespace)")
			}
			assert.Equal(t, want, got)
		})
	}
}
