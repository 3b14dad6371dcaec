package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/gorepro/gorepro/internal/diagnose"
)

// DiagnoseOptions are the parsed flags of `gorepro diagnose`.
type DiagnoseOptions struct {
	// Path is the log file, "-" for stdin.
	Path string
	JSON bool
	// HostArch, BinaryArch and GoVersion are facts the log does not
	// contain; empty means unknown.
	HostArch   string
	BinaryArch string
	GoVersion  string
}

// NewCmdDiagnose builds `gorepro diagnose`, which reads a crash log someone
// already has and reports its signature, what the trace says about the
// binary, the known issues it matches and what to run next. runF, when not
// nil, replaces the command's work (tests use it to inspect parsed options).
func NewCmdDiagnose(deps Deps, runF func(*cobra.Command, *DiagnoseOptions) error) *cobra.Command {
	opts := &DiagnoseOptions{}
	cmd := &cobra.Command{
		Use:   "diagnose FILE|-",
		Short: "Read a crash log you already have: signature, binary arch, Go version, known issues, next command",
		Long: `Read a Go program's log — a file, or stdin with '-' — and report what it shows:
the crash signature and frames (as 'gorepro matrix' classifies them), whether
the trace is truncated, the binary's architecture as far as the trace tells
(a code offset that is not a multiple of 4 rules out arm64), the Go version
when the log reveals it, whether the Go build is a distribution's, the known
upstream issues the crash matches, and the gorepro commands to run next.

The log is unwrapped first, however it reached you: Markdown fences and stray
backticks of a paste, Kubernetes (CRI) and docker json-file framing, and any
prefix repeated over the lines (CI timestamps, BuildKit steps, kubectl
--prefix, compose services, Android logcat, journald), whose shape is read
from the log itself. Interleaved writers (logcat tags, compose services) are
read apart, the crashing one reported. qemu-user's death line is a crash under
emulation; go test's "panic: test timed out" is a timeout naming the tests
still running. Structured JSON log lines, a logged "http: panic serving" and
SIGQUIT dumps are never crashes.

A known issue is the likely cause only when all its conditions are known to
hold; a log cannot say which machine ran the binary, so pass --host-arch (and
--go-version when the log does not show it). Otherwise it is reported as
similar. The next steps follow from these facts: a Go version that already
has an issue's fix, or a binary that ran natively, rules the issue out, and
the steps compare the crashing build with the official build of the same
version instead of bisecting releases; emulated cells are proposed only when
the facts suggest emulation.

Exit status: 0 when the log was read (whatever it shows), 2 when it could not
be read or a flag is bad.`,
		Example: `  kubectl logs deploy/controller --previous > crash.log && gorepro diagnose crash.log
  gorepro diagnose --host-arch arm64 --go-version go1.25.3 crash.log
  podman logs controller 2>&1 | gorepro diagnose --json -`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &UsageError{Err: fmt.Errorf("diagnose needs one argument: a log file, or - for stdin (got %d)", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[0]
			if runF != nil {
				return runF(cmd, opts)
			}
			return runDiagnose(cmd, deps, opts)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	f.StringVar(&opts.HostArch, "host-arch", "", "architecture of the machine that ran the binary (GOARCH or uname -m: arm64, aarch64, amd64, x86_64)")
	f.StringVar(&opts.BinaryArch, "binary-arch", "", "GOARCH of the crashing binary, when known (default: inferred from the trace)")
	f.StringVar(&opts.GoVersion, "go-version", "", "Go version the binary was built with, when the log does not show it (e.g. go1.25.3)")
	return cmd
}

// runDiagnose reads the log and writes the report.
func runDiagnose(cmd *cobra.Command, deps Deps, opts *DiagnoseOptions) error {
	supplied := diagnose.Facts{}
	for _, a := range []struct {
		flag  string
		value string
		dst   *string
	}{{"--host-arch", opts.HostArch, &supplied.HostArch}, {"--binary-arch", opts.BinaryArch, &supplied.BinaryArch}} {
		if a.value == "" {
			continue
		}
		arch, ok := diagnose.NormaliseArch(a.value)
		if !ok {
			return &UsageError{Err: fmt.Errorf("%s: unknown architecture %q (e.g. amd64, arm64, x86_64, aarch64)", a.flag, a.value)}
		}
		*a.dst = arch
	}
	if opts.GoVersion != "" {
		supplied.GoVersion = diagnose.NormaliseGoVersion(opts.GoVersion)
		if supplied.GoVersion == "" {
			return &UsageError{Err: fmt.Errorf("--go-version: invalid Go version %q (e.g. go1.25.3)", opts.GoVersion)}
		}
	}

	var data []byte
	var err error
	if opts.Path == "-" {
		data, err = io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return fmt.Errorf("reading stdin: %w", err)
		}
	} else {
		data, err = os.ReadFile(opts.Path)
		if err != nil {
			return &UsageError{Err: fmt.Errorf("reading the log: %w", err)}
		}
	}

	report := diagnose.LogWith(data, supplied)
	if opts.JSON {
		return report.WriteJSON(deps.Stdout)
	}
	return report.WriteText(deps.Stdout)
}
