package cellbuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/proc"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// buildDockerfile builds a kind dockerfile target: the user's own
// Dockerfile, built by the engine of the cell's image toolchain with build
// args filled in from the cell (from a copy with the FROM images the
// target selects replaced, see writeFromCopy), tagged with a gorepro tag. The binary the
// image runs (its entrypoint, else its command) is copied out to output so
// that its build info can be read; Result.Image names the image to run.
func buildDockerfile(ctx context.Context, s Spec, output string, log io.Writer) *Result {
	tc := s.Toolchain
	c := tc.Container
	if c == nil {
		return failed(record.Unavailable, fmt.Sprintf("dockerfile target %q is built by a container engine: combine it with kind image toolchains, not %s", s.Target.Name, tc.Kind))
	}
	spec, err := dockerfileSpec(s, output)
	if err != nil {
		return failed(record.BuildError, oneLine(err.Error()))
	}
	fc, err := writeFromCopy(s)
	if err != nil {
		return failed(record.BuildError, oneLine(err.Error()))
	}
	r := &Result{Binary: output, Image: spec.Tag}
	if fc != nil {
		spec.Dockerfile, r.Dockerfile = fc.rec.Copy, fc.rec
		for _, f := range fc.rec.Froms {
			fmt.Fprintf(log, "gorepro: %s replaces the FROM image at %s\n", fc.rec.Copy, f)
		}
	}
	r.Reproduce = reproduceContainer(c.Engine.BuildArgv(spec))
	fmt.Fprintf(log, "$ %s\n", r.Reproduce.Script)
	if fc != nil {
		r.Reproduce.Script = fc.script(r.Reproduce.Build)
	}
	res, err := c.Engine.Build(ctx, spec)
	if res != nil {
		_, _ = log.Write(res.Output)
	}
	if outcome, reason := imageBuildFailure(c.EngineName, spec, res, err); reason != "" {
		return r.fail(outcome, reason)
	}
	if reason := r.copyImageBinary(ctx, c, spec.Tag, output); reason != "" {
		return r.fail(record.BuildError, reason)
	}
	if reason := CheckGoVersion(r.GoVersion, tc); reason != "" {
		return r.fail(record.BuildError, reason+goVersionHint(r.Dockerfile))
	}
	note := "the protobuf axis does not apply to Dockerfile targets: the Dockerfile decides its modules"
	if r.ProtobufNote != "" {
		note += "; " + r.ProtobufNote
	}
	r.ProtobufNote = note
	r.OK = true
	return r
}

// dockerfileSpec is the image build of s's Dockerfile target for the
// cell: its build args rendered from the cell's values, tagged for the
// binary output. The error is the build args' (a template that fails).
func dockerfileSpec(s Spec, output string) (container.BuildSpec, error) {
	tc := s.Toolchain
	c := tc.Container
	goarch := s.GOARCH
	if goarch == "" || goarch == "native" {
		goarch = tc.HostGOARCH
	}
	// The image the cell is keyed by, whatever its tag names now.
	values := config.BuildArgValues{GOARCH: goarch, GOOS: "linux", Image: c.Builder.Pinned(), GoVersion: tc.GoVersion, Protobuf: s.Protobuf}
	if s.Cover {
		values.GOFLAGS = "-cover"
	}
	args, err := s.Target.RenderBuildArgs(values)
	if err != nil {
		return container.BuildSpec{}, err
	}
	contextDir := s.Target.Context
	if contextDir == "" {
		contextDir = filepath.Dir(s.Target.Dockerfile)
	}
	spec := container.BuildSpec{
		Context:    contextDir,
		Dockerfile: s.Target.Dockerfile,
		Stage:      s.Target.Stage,
		Tag:        imageTag(s.Target.Name, output),
		Platform:   c.Platform,
		BuildArgs:  args,
		Labels:     map[string]string{"gorepro": "1"},
		Pull:       c.Pull,
		Timeout:    s.Timeout,
	}
	if spec.Timeout <= 0 {
		spec.Timeout = DefaultTimeout
	}
	return spec, nil
}

// imageBuildFailure says why the image build of spec by engine failed
// (res and err are what Build returned): the cell's outcome and a reason,
// or a reason "" when it succeeded.
func imageBuildFailure(engine string, spec container.BuildSpec, res *proc.Result, err error) (record.Outcome, string) {
	switch {
	case err != nil:
		return engineOutcome(err), oneLine(err.Error())
	case res.Canceled:
		return record.Unavailable, "build interrupted"
	case res.TimedOut:
		return record.BuildError, fmt.Sprintf("image build timed out after %s", spec.Timeout)
	case res.ExitCode != 0:
		reason := engineErrorLine(res.Output)
		if reason == "" {
			reason = FirstError(res.Output)
		}
		if reason == "" {
			reason = fmt.Sprintf("%s build failed with exit status %d", engine, res.ExitCode)
		}
		return record.BuildError, reason
	}
	return "", ""
}

// copyImageBinary copies the binary the image tag runs (its entrypoint,
// else its command) out to output and reads its build info into r. It
// returns why that failed, or "".
func (r *Result) copyImageBinary(ctx context.Context, c *toolchain.Container, tag, output string) string {
	entrypoint, cmd, err := c.Engine.ImageCommand(ctx, tag)
	if err != nil {
		return oneLine(err.Error())
	}
	binary := append(entrypoint, cmd...)
	if len(binary) == 0 || !strings.HasPrefix(binary[0], "/") {
		return fmt.Sprintf("image %s has no absolute ENTRYPOINT or CMD binary (%q); gorepro runs the image's entrypoint and reads its build info", tag, binary)
	}
	if err := c.Engine.CopyFrom(ctx, tag, binary[0], output); err != nil {
		return oneLine(err.Error())
	}
	if err := r.readBinary(output); err != nil {
		return fmt.Sprintf("%s in image %s: %v", binary[0], tag, err)
	}
	return ""
}

// imageTag names the image built for one cell: stable for the cell, so a
// rebuild replaces it.
func imageTag(target, output string) string {
	sum := sha256.Sum256([]byte(output))
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, target)
	return container.CellImagePrefix + name + ":" + hex.EncodeToString(sum[:6])
}

// engineErrorLine is the last "Error: ..." line an engine printed, which
// says which step of a Dockerfile failed.
func engineErrorLine(out []byte) string {
	lines := strings.Split(string(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); strings.HasPrefix(l, "Error: ") || strings.HasPrefix(l, "ERROR: ") {
			return l
		}
	}
	return ""
}

// goVersionHint says where to look when the binary of a Dockerfile
// target was not built by the cell's toolchain.
func goVersionHint(rec *record.DockerfileCopy) string {
	if rec != nil {
		for _, f := range rec.Froms {
			if f.Role == "builder" {
				return fmt.Sprintf("; is the binary built in the stage whose FROM the builder image replaced (%s)?", f)
			}
		}
	}
	return "; does the Dockerfile build FROM the image passed as {{.Image}}, or FROM the line builderStage or builderFrom names?"
}
