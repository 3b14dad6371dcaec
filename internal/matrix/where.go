package matrix

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/gorepro/gorepro/internal/cellbuild"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// binaryRun is one run of a cell's binary, wherever it runs: the command,
// the directory it runs in (the binary's), the variables set for it, and
// how it is stopped at its deadline.
type binaryRun struct {
	argv        []string
	dir         string
	env         []string
	timeout     time.Duration
	graceSignal syscall.Signal
	grace       time.Duration
}

// binaryRunner is where a cell's binary runs: on this host, or in a
// container of the cell's toolchain. The matrix builds one per cell and
// never asks which it has.
type binaryRunner interface {
	// run runs the binary once; an error means it could not be started.
	run(ctx context.Context, r binaryRun) (*proc.Result, error)
	// reproduce returns the command that runs it by hand, the variables
	// set for it when they are not part of the command (with cover, the
	// first run's GOCOVERDIR added), and the same as a shell script.
	reproduce(r binaryRun, cover bool) (argv, env []string, script string)
}

// hostRunner runs binaries on this host through exec, under its
// binfmt_misc handlers when they are for another architecture.
type hostRunner struct {
	exec              func(context.Context, proc.Cmd) (*proc.Result, error)
	binArch, hostArch string
}

func (h hostRunner) run(ctx context.Context, r binaryRun) (*proc.Result, error) {
	res, err := h.exec(ctx, proc.Cmd{
		Argv:        r.argv,
		Dir:         r.dir,
		Env:         proc.Environ(nil, r.env...),
		Timeout:     r.timeout,
		GraceSignal: r.graceSignal,
		Grace:       r.grace,
		Track:       true,
	})
	if err != nil {
		return nil, explainStartError(err, h.binArch, h.hostArch)
	}
	return res, nil
}

// reproduce's script runs the binary that the build's portable script
// made, in that script's temporary directory (see cellbuild.RunScript);
// argv and env are as gorepro ran it here.
func (h hostRunner) reproduce(r binaryRun, cover bool) ([]string, []string, string) {
	env := r.env
	if cover {
		env = append(slices.Clone(env), "GOCOVERDIR="+filepath.Join(r.dir, "cover-1"))
	}
	return r.argv, env, cellbuild.RunScript(r.argv[0], r.env, r.argv[1:], cover)
}

// containerRunner runs binaries of an image toolchain, or of a host
// toolchain with a runtime image: in the runtime image (or the image a
// Dockerfile target built, whose entrypoint is the binary), with the
// binary's directory mounted at the same path, no network, and only the
// target's environment.
type containerRunner struct {
	c      *toolchain.Container
	cellID string
	// image is the Dockerfile target's built image, "" for the runtime
	// image; args are the entrypoint's arguments then.
	image string
	args  []string
	// hostBuilt says that the binary was built on this host (a host
	// toolchain's runtime image): the reproduce script then runs the
	// binary its portable build script made.
	hostBuilt bool
	// removals removes the run's exited containers in the background.
	removals *container.Removals
	// runAs is who the container runs as, so that what the program
	// writes in the binary's directory is the user's (container.RunAs).
	runAs container.RunAs
}

func (cr containerRunner) spec(r binaryRun) container.RunSpec {
	spec := container.RunSpec{
		Image:       cr.c.RunImage().ID, // never the tag: it may have moved since
		ImageName:   cr.c.RunImage().Ref,
		Platform:    cr.c.Platform,
		Labels:      map[string]string{"gorepro.role": "run", "gorepro.cell": cr.cellID},
		Mounts:      []container.Mount{{Source: r.dir, Target: r.dir}},
		Env:         r.env,
		Workdir:     r.dir,
		Args:        r.argv,
		User:        cr.runAs.User,
		UserNS:      cr.runAs.UserNS,
		Network:     "none",
		Timeout:     r.timeout,
		GraceSignal: r.graceSignal,
		Grace:       r.grace,
		Removals:    cr.removals,
	}
	if cr.image != "" {
		spec.Image, spec.Workdir, spec.Args = cr.image, "", cr.args
	}
	return spec
}

func (cr containerRunner) run(ctx context.Context, r binaryRun) (*proc.Result, error) {
	return cr.c.Engine.Run(ctx, cr.spec(r))
}

func (cr containerRunner) reproduce(r binaryRun, cover bool) ([]string, []string, string) {
	if cover {
		r.env = append(slices.Clone(r.env), "GOCOVERDIR="+filepath.Join(r.dir, "cover-1"))
	}
	spec := cr.spec(r)
	spec.Removals = nil // a person's run removes its container itself (--rm)
	argv := container.Standalone(cr.c.Engine.RunArgv(spec))
	if cr.hostBuilt {
		return argv, nil, cellbuild.ContainerRunScript(argv, r.dir, cover)
	}
	return argv, nil, cellbuild.Script("", nil, argv)
}

// binaryRunnerFor is where cell p's binary, built as built, runs: in the
// container of an image toolchain, in the runtime image of a host
// toolchain that has one, else on this host. In a container, it runs as
// the user running gorepro (container.RunAs: the runtime image's user is
// known, a Dockerfile target's image is not inspected); the error is the
// engine's, asked who that is.
func (r *Runner) binaryRunnerFor(ctx context.Context, p plan, builtImage, binArch, hostArch string) (binaryRunner, error) {
	var cr containerRunner
	switch {
	case p.tc.Container != nil:
		cr = containerRunner{c: p.tc.Container, cellID: p.id, image: builtImage, args: p.target.Args, removals: r.removals}
	case p.tc.RunsIn != nil:
		cr = containerRunner{c: p.tc.RunsIn, cellID: p.id, hostBuilt: true, removals: r.removals}
	default:
		return hostRunner{exec: r.Exec, binArch: binArch, hostArch: hostArch}, nil
	}
	runAs, err := cr.c.Engine.RunAs(ctx, cr.c.RunImage().User, builtImage == "")
	if err != nil {
		return nil, err
	}
	cr.runAs = runAs
	return cr, nil
}

// explainStartError turns a failure to start the binary into a reason a
// person can act on.
func explainStartError(err error, binArch, hostArch string) error {
	if errors.Is(err, syscall.ENOEXEC) && binArch != hostArch {
		return fmt.Errorf("cannot run the %s binary on this %s host: no emulator is registered for %s (install qemu-user-static and register it with binfmt_misc, or build for the native arch): %w", binArch, hostArch, binArch, err)
	}
	return fmt.Errorf("running the binary: %w", err)
}
