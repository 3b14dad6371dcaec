package container

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/gorepro/gorepro/internal/proc"
)

// BuildSpec describes one image build.
type BuildSpec struct {
	// Context is the build context directory; Dockerfile its file ("" is
	// the engine's default, Context/Dockerfile).
	Context, Dockerfile string
	// Stage is the --target stage; Tag the image's name; Platform its
	// "os/arch[/variant]".
	Stage, Tag, Platform string
	BuildArgs            map[string]string
	Labels               map[string]string
	// Network is the network mode of RUN steps, e.g. "none".
	Network string
	// Pull is the policy for base images; "" is the engine's default.
	// Docker has no "never": never and missing both use a local base image
	// when there is one.
	Pull    PullPolicy
	Timeout time.Duration
	// Tee, when set, also receives all output as it is produced.
	Tee io.Writer
}

// BuildArgv returns the exact argv Build executes for s.
func (e *Engine) BuildArgv(s BuildSpec) []string {
	argv := e.argv("build")
	if s.Dockerfile != "" {
		argv = append(argv, "--file", s.Dockerfile)
	}
	if s.Stage != "" {
		argv = append(argv, "--target", s.Stage)
	}
	if s.Tag != "" {
		argv = append(argv, "--tag", s.Tag)
	}
	if s.Platform != "" {
		argv = append(argv, "--platform", s.Platform)
	}
	for _, k := range sortedKeys(s.BuildArgs) {
		argv = append(argv, "--build-arg", k+"="+s.BuildArgs[k])
	}
	for _, k := range sortedKeys(s.Labels) {
		argv = append(argv, "--label", k+"="+s.Labels[k])
	}
	if s.Network != "" {
		argv = append(argv, "--network", s.Network)
	}
	switch {
	case s.Pull == "":
	case e.Name == Docker:
		if s.Pull == PullAlways {
			argv = append(argv, "--pull")
		}
	default:
		argv = append(argv, "--pull="+string(s.Pull))
	}
	return append(argv, s.Context)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Build builds an image. A failing build step is the Result's non-zero
// ExitCode with a nil error (the build's output says why); an *Error is
// returned, with the Result, only when the engine itself failed in a way
// Classify recognises (engine down, permission, disk full, base image
// absent).
func (e *Engine) Build(ctx context.Context, s BuildSpec) (*proc.Result, error) {
	if s.Context == "" {
		return nil, fmt.Errorf("build %s: no context directory", s.Tag)
	}
	if s.Pull != "" {
		if _, err := ParsePullPolicy(string(s.Pull)); err != nil {
			return nil, fmt.Errorf("build %s: %w", s.Tag, err)
		}
	}
	op := "build " + s.Tag
	res, err := e.exec(ctx, proc.Cmd{Argv: e.BuildArgv(s), Timeout: s.Timeout, Tee: s.Tee})
	if err != nil {
		return nil, e.startError(op, err)
	}
	if res.ExitCode != 0 && !res.TimedOut && !res.Canceled {
		if ce := e.classify(op, res.Output); ce.Kind != ErrEngineRun {
			ce.Hint = strings.Replace(ce.Hint, "REF", "the base image", 1)
			return res, ce
		}
	}
	return res, nil
}
