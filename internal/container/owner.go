package container

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// RunAs is who a container's processes run as, given as the engine's
// --user and --userns flags ("" leaves each to the image and the engine),
// so that what they write in the bind-mounted host directories (the
// cell's binary directory: cover data, whatever the program writes)
// belongs to the user who runs gorepro and can be deleted by them.
type RunAs struct {
	User, UserNS string
}

// engineUsers is what decides RunAs for an engine: whether it runs
// rootless (container root is the user; other container uids map to the
// user's subordinate ids), and whether it runs its containers on this
// Linux machine's kernel, where the user's uid and gid mean the same
// inside and outside (not Docker Desktop's or a podman machine's VM,
// whose file sharing maps ownership itself).
type engineUsers struct {
	name     string
	rootless bool
	local    bool
	// uid and gid are, for rootless Podman, the ids of the user the
	// engine runs as on its machine (what container root maps to; in a
	// podman machine, the VM's user), -1 when unknown.
	uid, gid int
}

// RunAs returns the --user and --userns a container of an image whose
// default user is imageUser runs with; known says that imageUser was
// read from the image (a Dockerfile target's built image is not
// inspected, and is taken to run as someone other than root):
//
//   - a rootless engine (Podman, Docker) maps container root to the user
//     running gorepro, so an image that runs as root needs nothing; one
//     that runs as another user (UBI's go-toolset runs as 1001) would
//     write as a subordinate id of the user and cannot write in the
//     user's directories at all. Podman runs it with --userns=keep-id
//     (the user's own uid and gid, inside as outside) and as that user:
//     keep-id alone still runs the image's USER, with the image's group
//     (gid 0, a subordinate id outside); rootless Docker, which has no
//     keep-id, as --user 0:0;
//   - a rootful engine on this Linux machine would write as root (or as
//     the image's user), so the container runs as the user's uid:gid;
//   - a rootful engine in a VM (Docker Desktop, a rootful podman
//     machine) is left alone: its file sharing owns the files.
//
// The engine is asked once (podman info, docker info) and remembered; a
// Podman that runs its containers on this Linux machine is not asked at
// all (podmanUsersHere).
func (e *Engine) RunAs(ctx context.Context, imageUser string, known bool) (RunAs, error) {
	u, err := e.users(ctx)
	if err != nil {
		return RunAs{}, err
	}
	return runAsFor(u, os.Getuid(), os.Getgid(), imageUser, known), nil
}

// AskUsers asks the engine now what RunAs needs to know (podman info,
// docker info: a third of a second here; nothing for a local Podman
// after Info, see podmanUsersHere), so that a caller can have it
// asked in the background while it does other things; RunAs then answers
// without asking. Like RunAs it asks once; an error is not remembered.
func (e *Engine) AskUsers(ctx context.Context) error {
	_, err := e.users(ctx)
	return err
}

// runAsFor is RunAs's rule for an engine u, the user uid:gid and the
// image's default user.
func runAsFor(u engineUsers, uid, gid int, imageUser string, known bool) RunAs {
	root := known && isRootUser(imageUser)
	switch {
	case u.rootless && root:
		return RunAs{}
	case u.rootless && u.name == Podman && u.uid >= 0 && u.gid >= 0:
		return RunAs{User: strconv.Itoa(u.uid) + ":" + strconv.Itoa(u.gid), UserNS: "keep-id"}
	case u.rootless && u.name == Podman:
		return RunAs{UserNS: "keep-id"}
	case u.rootless:
		return RunAs{User: "0:0"}
	case !u.local || (uid == 0 && root):
		return RunAs{}
	}
	return RunAs{User: strconv.Itoa(uid) + ":" + strconv.Itoa(gid)}
}

// isRootUser reports whether an image's USER ("", "root", "0", "0:0",
// "root:wheel" …) runs as root.
func isRootUser(user string) bool {
	name, _, _ := strings.Cut(user, ":")
	return name == "" || name == "root" || name == "0"
}

// users asks the engine, once, whether it is rootless and whether it runs
// containers on this machine.
func (e *Engine) users(ctx context.Context) (engineUsers, error) {
	e.usersMu.Lock()
	defer e.usersMu.Unlock()
	if e.usersKnown {
		return e.usersFacts, nil
	}
	u := engineUsers{name: e.Name, uid: -1, gid: -1}
	if e.Name == Docker {
		out, err := e.query(ctx, "info", "info", "--format", "{{json .SecurityOptions}}\n{{json .OperatingSystem}}")
		if err != nil {
			return u, err
		}
		var opts []string
		var osName string
		lines := strings.SplitN(strings.TrimSpace(lastJSONLines(out, 2)), "\n", 2)
		if len(lines) != 2 || json.Unmarshal([]byte(lines[0]), &opts) != nil || json.Unmarshal([]byte(lines[1]), &osName) != nil {
			return u, fmt.Errorf("info: reading docker's security options: %q", firstLine(out))
		}
		for _, o := range opts {
			u.rootless = u.rootless || strings.Contains(o, "name=rootless")
		}
		u.local = runtime.GOOS == "linux" && !strings.Contains(osName, "Docker Desktop")
	} else if here, ok := podmanUsersHere(e.localLinux.Load(), runtime.GOOS, os.Geteuid(), os.Getegid(), os.Getenv); ok {
		u = here
	} else {
		out, err := e.query(ctx, "info", "info", "--format", "{{.Host.Security.Rootless}} {{json .Host.IDMappings}}")
		if err != nil {
			return u, err
		}
		rootless, mappings, _ := strings.Cut(lastLine(out), " ")
		u.rootless = rootless == "true"
		u.local = runtime.GOOS == "linux"
		u.uid, u.gid = rootIDs(mappings)
	}
	e.usersFacts, e.usersKnown = u, true
	return u, nil
}

// podmanUsersHere is what `podman info` would say about the users of a
// Podman that runs its containers on this Linux machine (localLinux:
// `podman version` names no remote server), known without asking it: a
// third of a second saved, and the CPU of the package-manager queries
// podman info makes, while the run's first build waits for a CPU. It is
// Podman's own rule: rootless unless it runs as euid 0, and a rootless
// Podman maps container root to the euid and egid it runs as (the
// IDMappings podman info prints); a rootful one prints no mappings. It
// declines (ok false) where that rule is not all there is: elsewhere
// than Linux, a remote Podman, and the variables by which Podman tells
// itself that it already runs in a user namespace it made, or as
// another rootless uid (_CONTAINERS_USERNS_CONFIGURED,
// _CONTAINERS_ROOTLESS_UID).
func podmanUsersHere(localLinux bool, goos string, euid, egid int, getenv func(string) string) (engineUsers, bool) {
	if !localLinux || goos != "linux" || getenv("_CONTAINERS_USERNS_CONFIGURED") != "" || getenv("_CONTAINERS_ROOTLESS_UID") != "" {
		return engineUsers{}, false
	}
	if euid == 0 {
		return engineUsers{name: Podman, local: true, uid: -1, gid: -1}, true
	}
	return engineUsers{name: Podman, rootless: true, local: true, uid: euid, gid: egid}, true
}

// rootIDs returns the host ids container root maps to in podman info's
// IDMappings, -1 for each that is not there.
func rootIDs(mappings string) (uid, gid int) {
	type idMap struct {
		ContainerID int `json:"container_id"`
		HostID      int `json:"host_id"`
	}
	var m struct {
		UIDMap []idMap `json:"uidmap"`
		GIDMap []idMap `json:"gidmap"`
	}
	uid, gid = -1, -1
	if json.Unmarshal([]byte(mappings), &m) != nil {
		return uid, gid
	}
	for _, e := range m.UIDMap {
		if e.ContainerID == 0 {
			uid = e.HostID
		}
	}
	for _, e := range m.GIDMap {
		if e.ContainerID == 0 {
			gid = e.HostID
		}
	}
	return uid, gid
}

// lastJSONLines returns the last n lines of out, skipping the engine's
// warnings before them.
func lastJSONLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
