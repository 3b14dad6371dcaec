// Package container is gorepro's one wrapper around a container engine's command
// line, Podman or Docker: every call goes through proc.Run with an argv list,
// so each has a context, a bound on its output and its own process group.
//
// It finds the engine (Detect), asks it what it is and where it runs (Info:
// the engine host's OS and GOARCH, which for a podman machine or a remote
// Docker is the VM's or server's, not this host's), makes images available
// under a pull policy (Inspect, Ensure: an absent image is never pulled unless
// the policy says so), asks a builder image for its Go version (GoVersion),
// runs containers (Run, RunArgv), builds images (Build, BuildArgv) and copies
// files out of images (CopyFrom).
//
// # Containers that always go away
//
// The engine's client dying does not stop a container (Podman's conmon and
// Docker's daemon keep it running), so Run never relies on killing the client.
// Every container gets a name (gorepro-<random> when the caller gives none)
// and the labels gorepro=1, gorepro.pid=<this process's pid>,
// gorepro.host=<this host's name> and gorepro.hostid=<HostID: the machine
// ID, which survives a change of hostname>. At the deadline Run sends the
// grace signal to the container itself (`kill --signal`), waits Grace, then
// removes it (`rm -f`); on cancellation it removes it at once. CleanupStale
// removes containers whose gorepro.pid is not alive on this host (same
// gorepro.hostid; by hostname for containers of older gorepro versions):
// what an interrupted gorepro left behind. With RunSpec.Removals, Run
// leaves the exited container to be removed in the background (no --rm),
// so that the engine's removal is not in the way of the next cell, several
// with one `rm` (an engine client costs about as much CPU as a small
// program's link); the caller removes the rest and waits at its end
// (Removals.Wait). A command recorded
// for a person to run (Standalone) drops the gorepro.pid label, so that
// no gorepro takes that person's container for one left behind.
//
// # Builder containers
//
// StartBuilder starts a long-lived container (`run -i --rm`, attached,
// labelled like every other) whose main process is builderd
// (builderd/main.go and the protocol package builderproto, embedded, built
// by BuilderdBinary with the host's go command for the builder's platform
// and mounted in). Builder.Exec runs a command in it through builderd's
// JSON-lines protocol (builderproto.Request and Reply, shared by both
// sides) on the engine
// client's standard input and output: no engine call per command, and a
// deadline and cancellation that kill the command's process group in the
// container. Builder.Close closes that input; so does the kernel when
// gorepro dies, however it dies: builderd then kills what it runs and
// exits, and the container goes (--rm). While it lives, the builder is in
// the Started of its context, so the second Ctrl-C removes it too; and
// its gorepro.pid label lets CleanupStale and gorepro clean find it if
// its engine client was killed as well.
//
// # Run containers started early
//
// A container's start (the engine's create, the runtime's set-up, the
// init process) costs about as much here as a local cell's whole build
// and run. Prestart starts the container of a run before its program has
// been built, with runwait (runwait/main.go, embedded, built by
// RunwaitBinary like builderd) in the program's place, attached with -i;
// Prestarted.Run writes one line to that input. In a run whose container
// Removals removes (the matrix's), runwait is the container's init in
// place of the engine's --init (catatonit, tini): it starts the program
// as its child (parent process 1, standard input /dev/null as Run gives
// it, the container's environment and working directory), passes the
// engine's signals on, reaps orphans, and when the program has ended
// writes an end marker with a nonce and the exit status on each stream
// (endMarkers reads them out of the output). Run returns then, with
// everything the program wrote, instead of when the engine has torn the
// container down (tens of milliseconds a run, and the program's own
// duration as Duration); the engine client's end is waited for in the
// background, held by Removals, and the container then goes with its
// next batch of removals. Without Removals, or with NoInit,
// runwait replaces itself with the program (execve), which is then Run's
// program in every respect. Either way: deadline from Run on, grace
// signal, removal, errors (an exec failure prints the line
// initExecFailure knows). Prestarted.Abort closes the input instead:
// runwait ends without running anything, and so does the container, as
// it does when gorepro dies. Each container is used for one run, so
// every run is still in a fresh container; only its start moved, to
// overlap the build (internal/matrix does this for a cell's first run).
//
// # What gorepro made
//
// ListMade lists everything gorepro made in the engine, for gorepro clean:
// its containers, the images of Dockerfile targets (labelled gorepro=1 and
// named under CellImagePrefix, localhost/gorepro-cell/) and the volumes of
// the go command's caches (labelled gorepro=1 and named VolumePrefix*,
// gorepro-gomodcache and gorepro-gocache-<image>). RemoveMade removes one;
// images and volumes without force, so that what a container uses stays
// (InUse). StaleContainer says whether a container's gorepro is gone.
//
// Run starts containers with --init (unless RunSpec.NoInit): a program running
// as PID 1 of its PID namespace cannot be killed by a signal it raises itself,
// so without an init a GOTRACEBACK=crash abort would exit 2 instead of dying by
// SIGABRT. With it, a program killed by signal N makes the engine report exit
// status 128+N, which Run turns into Result.Signal (see ExitSignal). Run also
// always passes --pull=never: pulling is Ensure's job, never a side effect.
//
// # Who the container runs as
//
// What a container writes in a bind-mounted host directory (a cell's
// binary, its cover data, whatever the program writes) must belong to the
// user who runs gorepro, who must be able to delete the whole cache.
// RunAs, asked once per engine (podman info: rootless and the ids
// container root maps to; docker info: rootless, Docker Desktop), gives a
// run's --user and --userns (RunSpec.User, RunSpec.UserNS): on rootless
// Podman an image whose default user is not root (UBI's go-toolset runs as
// 1001) runs with --userns=keep-id as the engine's user, since otherwise
// it could not write the user's directory and what it wrote would belong
// to a subordinate id; rootless Docker runs such an image as container
// root, which is the user; a rootful engine on this Linux machine (Docker,
// or Podman as root) runs every container as the invoking uid:gid; a
// rootful engine in a VM (Docker Desktop) is left to its file sharing.
// Builds run as container root and cellbuild takes over what a rootful
// engine's root wrote (the go command's caches are engine volumes that
// root owns).
//
// # Errors
//
// Failures of the engine itself (as opposed to the program in the container)
// are *Error values with a Kind, the engine's own message and a one-line hint
// on how to fix it. Classify maps an engine's output to a kind; exit statuses
// 125, 126 and 127 with an engine message (and an init process that could not
// start the program) are engine errors in Run, while any other exit status is
// the program's and is returned in the Result. A failed pull says which of
// these it was, each with its own hint: the registry has no such image
// (manifest unknown), wants a login (unauthorized), limits the rate
// (toomanyrequests), does not answer, or speaks plain HTTP to a client
// that expects TLS.
//
// # Images, tags and digests
//
// A reference may pin a digest ("repo:tag@sha256:…"): the engine pulls
// and looks it up by the digest, whatever the tag names now. An inspected
// Image's Digest is the digest its reference pins, else the repository
// digest of its own repository (an image pulled from several repositories
// has several), and its ID is what callers run it by: a tag may move
// while a run goes on.
package container
