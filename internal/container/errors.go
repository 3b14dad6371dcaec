package container

import (
	"regexp"
	"strings"
)

// ErrorKind says what went wrong with the container engine.
type ErrorKind int

const (
	// ErrEngineMissing: no engine CLI was found (or it could not be started).
	ErrEngineMissing ErrorKind = iota + 1
	// ErrEngineDown: the CLI is there but the engine (daemon, socket,
	// podman machine) does not answer.
	ErrEngineDown
	// ErrImageAbsent: the image is not available locally and was not (or
	// could not be) pulled.
	ErrImageAbsent
	// ErrPermission: this user may not talk to the engine's socket.
	ErrPermission
	// ErrDiskFull: the engine's storage has no space left.
	ErrDiskFull
	// ErrEngineRun: any other failure of the engine, including a container
	// whose program could not be started at all.
	ErrEngineRun
	// ErrRegistry: a registry could not be reached or refused access while
	// pulling.
	ErrRegistry
	// ErrMountInvisible: a host directory gorepro mounts does not exist
	// where the engine runs (the Linux VM of podman machine or Docker
	// Desktop shares only some host directories). Error.Path names it.
	ErrMountInvisible
)

// String returns a short lower-case name for the kind.
func (k ErrorKind) String() string {
	switch k {
	case ErrEngineMissing:
		return "engine missing"
	case ErrEngineDown:
		return "engine down"
	case ErrImageAbsent:
		return "image absent"
	case ErrPermission:
		return "permission denied"
	case ErrDiskFull:
		return "disk full"
	case ErrEngineRun:
		return "engine error"
	case ErrRegistry:
		return "registry error"
	case ErrMountInvisible:
		return "host path not visible to the engine"
	}
	return "unknown engine error"
}

// Error is a failure of the container engine.
type Error struct {
	Kind ErrorKind
	// Op is what gorepro asked the engine to do ("info", "pull REF", "run").
	Op string
	// Msg is the engine's own message (its first lines).
	Msg string
	// Hint says in one line how to fix it.
	Hint string
	// Path is the host path the engine could not see (ErrMountInvisible).
	Path string
}

// Error returns "<op>: <msg> (<hint>)".
func (e *Error) Error() string {
	s := e.Op + ": " + e.Msg
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// Hints, one line each.
const (
	hintInstall         = "install Podman: apt-get install podman runc (Debian) or brew install podman (macOS), or Docker; or pass --engine"
	hintPodmanDown      = "start it: podman machine start (macOS, Windows), or systemctl start podman.socket for a remote connection"
	hintDockerDown      = "start the Docker daemon (Docker Desktop, or systemctl start docker)"
	hintEngineDown      = "start the container engine: podman machine start, or start the Docker daemon"
	hintPermission      = "add your user to the docker group (then log in again), or use rootless podman"
	hintDiskFull        = "free space in the engine's storage: podman system prune (docker system prune)"
	hintImageAbsent     = "pull it (podman pull REF) or run with --pull missing"
	hintShortName       = "use a fully qualified image name, e.g. docker.io/library/golang:1.25"
	hintPullNotFound    = "the registry has no such image: check the repository, tag and digest (gorepro images REPOSITORY lists what it has)"
	hintLogin           = "log in to the registry (podman login HOST or docker login HOST), or check that your account may read the repository"
	hintUnreachable     = "the registry does not answer: check its address, that it is up and your network (a proxy, a VPN)"
	hintRateLimited     = "the registry limits pulls: log in (podman login) to get a higher limit, or wait and run again; pulled images are kept, so --pull missing pulls each once"
	hintPlainHTTP       = "the registry speaks plain HTTP: allow it for that registry only: gorepro bisect --axis image and gorepro images take --insecure HOST (Podman then pulls with --tls-verify=false); otherwise a [[registry]] entry with location = \"HOST\" and insecure = true in registries.conf (Podman), or HOST in insecure-registries of daemon.json (Docker)"
	hintExecFailed      = "the program could not be started in the container: a missing file, or a binary for another architecture without emulation (install qemu-user-static and register binfmt_misc)"
	hintExecDenied      = "the program could not be started in the container: permission denied, not an architecture problem; on an SELinux-enforcing host (Fedora, RHEL: getenforce says Enforcing) a denial of the bind-mounted file shows in the audit log (ausearch -m avc -ts recent), though gorepro runs its containers with --security-opt label=disable; otherwise the file lacks its execute bit or sits on a noexec mount"
	hintMountInvisible  = "the container engine cannot see PATH on its host: podman machine on a Mac shares only /Users, /private and /var/folders (recreate it with podman machine init -v TOP:TOP, or keep the code and GOREPRO_CACHE under $HOME); Docker Desktop shares what Settings > Resources > File sharing lists"
	hintPlatformMissing = "the image is not built for PLATFORM: set the toolchain's \"platform\" to HAS (a foreign one runs emulated, and the cell says so), or use an image built for PLATFORM"
	hintNoPlatform      = "the image has no build for the platform asked for: set the toolchain's \"platform\" to one it has (gorepro images REPOSITORY lists them)"
	maxMsgLines         = 3
	maxMsgChars         = 600
	engineErrorTailLen  = 5
)

// engineLine matches a line the engine CLI itself prints for an error.
var engineLine = regexp.MustCompile(`^(Error: |Error response from daemon: |docker: |ERRO\[[0-9]+\] |time="[^"]*" level=(error|fatal) |Cannot connect to (Podman|the Docker daemon))`)

// engineWarning matches a warning the engine mixes into a container's output.
var engineWarning = regexp.MustCompile(`^(WARNING: |WARN\[[0-9]+\] |time="[^"]*" level=warning )`)

// initExecFailure matches what the init process (--init: Podman's catatonit,
// Docker's tini), or runwait in a prestarted container, prints when it
// cannot start the program.
var initExecFailure = regexp.MustCompile(`^(ERROR \(catatonit:[0-9]+\): failed to exec pid1: |\[FATAL tini \([0-9]+\)\] exec .* failed: |ERROR \(gorepro-runwait\): failed to exec )`)

// mountInvisible matches the engines' messages for a bind-mount source
// that does not exist on the engine's host: Podman's (also through
// podman machine), Docker Desktop's file sharing, and Docker's --mount.
var mountInvisible = regexp.MustCompile(`(?:statfs (\S+): no such file or directory|The path (\S+) is not shared from the host|bind source path does not exist: (\S+))`)

// invisiblePath returns the host path of a mount-invisible message in
// text, or "".
func invisiblePath(text string) string {
	m := mountInvisible.FindStringSubmatch(text)
	for _, p := range m[min(1, len(m)):] {
		if p != "" {
			return p
		}
	}
	return ""
}

// topDir is the directory to share so that the engine sees path: its
// first element ("/tmp"), or its first two under /Volumes, /mnt and /media,
// where each external drive is a directory of its own.
func topDir(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	n := 1
	if len(parts) > 1 && (parts[0] == "Volumes" || parts[0] == "mnt" || parts[0] == "media") {
		n = 2
	}
	return "/" + strings.Join(parts[:n], "/")
}

// Classify maps the output of a failed engine command to a kind and a hint.
// op names the operation; "not found" means an absent image only for pulls
// (an op starting with "pull"). It always returns an *Error; ErrEngineRun when
// nothing more specific matched.
func Classify(op string, output []byte) *Error {
	text := string(output)
	lower := strings.ToLower(text)
	pull := strings.HasPrefix(op, "pull")
	e := &Error{Kind: ErrEngineRun, Op: op, Msg: engineMessage(text)}
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(lower, s) {
				return true
			}
		}
		return false
	}
	// A socket, not a file in a container or a registry.
	socketish := has(".sock", "dial unix", "docker daemon", "podman socket", "api socket")
	switch {
	case !pull && invisiblePath(text) != "":
		e.Kind, e.Path = ErrMountInvisible, invisiblePath(text)
		e.Hint = strings.ReplaceAll(strings.ReplaceAll(hintMountInvisible, "PATH", e.Path), "TOP", topDir(e.Path))
	case has("no space left on device"):
		e.Kind, e.Hint = ErrDiskFull, hintDiskFull
	case has("cannot connect to podman", "unable to connect to podman"):
		e.Kind, e.Hint = ErrEngineDown, hintPodmanDown
	case has("cannot connect to the docker daemon", "is the docker daemon running"):
		e.Kind, e.Hint = ErrEngineDown, hintDockerDown
	case has("permission denied") && socketish && !has("oci permission denied", "exec:"):
		e.Kind, e.Hint = ErrPermission, hintPermission
	case has("connection refused") && !pull && socketish:
		e.Kind, e.Hint = ErrEngineDown, hintEngineDown
	case pull:
		e.Kind, e.Hint = classifyPull(has)
	case has("image not known", "no such image", "manifest unknown", "unable to find image", "name unknown", "repository does not exist", "pull access denied"):
		e.Kind, e.Hint = ErrImageAbsent, hintImageAbsent
	}
	if e.Msg == "" {
		e.Msg = "failed without a message"
	}
	return e
}

// classifyPull is the kind and hint of a failed pull, from what the
// engine said (has reports whether its lower-cased output holds one of
// the strings): the registry refused a login, limited the rate, does not
// answer or answers plain HTTP, or has no such image.
func classifyPull(has func(...string) bool) (ErrorKind, string) {
	switch {
	case has("short-name", "short name"):
		return ErrImageAbsent, hintShortName
	case has("no image found in manifest list", "no image found in image index", "no matching manifest", "no match for platform"):
		return ErrImageAbsent, hintNoPlatform
	case has("unauthorized", "authentication required", "denied", "403 forbidden", "status 401", "status 403"):
		return ErrRegistry, hintLogin
	case has("toomanyrequests", "too many requests", "rate limit"):
		return ErrRegistry, hintRateLimited
	case has("server gave http response to https client"):
		return ErrRegistry, hintPlainHTTP
	case has("manifest unknown", "name unknown", "not found", "repository does not exist", "no image found", "image not known"):
		return ErrImageAbsent, hintPullNotFound
	case has("pinging container registry", "dial tcp", "tls handshake", "i/o timeout", "connection refused", "no such host", "timeout", "initializing source"):
		return ErrRegistry, hintUnreachable
	}
	return ErrEngineRun, ""
}

// engineMessage returns the engine's own lines of output (the lines it marks
// as errors, or else the first non-empty lines), at most maxMsgLines of them
// joined with "; ".
func engineMessage(text string) string {
	var marked, first []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if engineLine.MatchString(line) || initExecFailure.MatchString(line) {
			marked = append(marked, strings.TrimPrefix(line, "Error: "))
		}
		if len(first) < maxMsgLines {
			first = append(first, line)
		}
	}
	lines := first
	if len(marked) > 0 {
		lines = marked
	}
	if len(lines) > maxMsgLines {
		lines = lines[:maxMsgLines]
	}
	msg := strings.Join(lines, "; ")
	if len(msg) > maxMsgChars {
		msg = msg[:maxMsgChars] + "…"
	}
	return msg
}

// tailLines returns the last n non-empty lines of text, trimmed, skipping the
// engine's warnings (which it mixes into a container's output).
func tailLines(text string, n int) []string {
	lines := strings.Split(text, "\n")
	var tail []string
	for i := len(lines) - 1; i >= 0 && len(tail) < n; i-- {
		line := strings.TrimSpace(lines[i])
		if line == "" || engineWarning.MatchString(line) {
			continue
		}
		tail = append(tail, line)
	}
	return tail
}

// engineErrorInTail reports whether the engine printed an error at the end of
// a container's output.
func engineErrorInTail(output []byte) bool {
	for _, line := range tailLines(string(output), engineErrorTailLen) {
		if engineLine.MatchString(line) {
			return true
		}
	}
	return false
}

// initFailed reports whether the init process could not start the program
// (the last line of output says so).
func initFailed(output []byte) bool {
	tail := tailLines(string(output), 1)
	return len(tail) == 1 && initExecFailure.MatchString(tail[0])
}
