package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/bisection"
	"github.com/gorepro/gorepro/internal/config"
)

func TestCheckExitCodes(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"good", nil, 0},
		{"bad", &CheckVerdictError{Code: ExitCheckBad, Summary: "bad: crash"}, 1},
		{"skip", &CheckVerdictError{Code: ExitCheckSkip, Summary: "skip: build-error"}, 125},
		{"verdict codes are only 1 or 125", &CheckVerdictError{Code: 7}, 1},
		{"usage", checkError(&UsageError{Err: errors.New("--bad-if: nope")}), 128},
		{"config", checkError(config.Errors{{File: "x.json", Msg: "cannot read the config"}}), 128},
		{"flag", checkError(&config.FlagError{Flag: "--runs", Msg: "must be between 1 and 1000"}), 128},
		{"cobra flag error", checkError(&UsageError{Err: errors.New("unknown flag: --bogus")}), 128},
		{"an error that merely reads like one of cobra's", checkError(errors.New("unknown flag: --bogus")), 129},
		{"storage", checkError(&StorageError{What: "results", Err: errors.New("no space left on device")}), 129},
		{"infrastructure", checkError(errors.New("creating the run directory: permission denied")), 129},
		{"abort below 128 is raised to 128", &CheckAbortError{Code: 2, Err: errors.New("x")}, 128},
		{"interrupted", checkError(&InterruptedError{Total: 1}), 130},
		{"wrapped verdict", fmt.Errorf("wrapped: %w", &CheckVerdictError{Code: ExitCheckSkip}), 125},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ExitCode(tt.err))
		})
	}
	// Other commands keep their statuses: a storage failure or any other
	// failure of gorepro is 3, never 1 ("a cell crashed").
	assert.Equal(t, ExitUsage, ExitCode(&UsageError{Err: errors.New("x")}))
	assert.Equal(t, ExitInfra, ExitCode(&StorageError{What: "results", Err: errors.New("read-only file system")}))
	assert.Equal(t, ExitInfra, ExitCode(errors.New("x")))
	assert.Equal(t, ExitUsage, ExitCode(fmt.Errorf("wrapped: %w", &UsageError{Err: errors.New("x")})))
}

// TestBisectionExitCodes: the engine's and package verdict's typed errors
// get their statuses in ExitCode, and an option error becomes the command's usage error.
func TestBisectionExitCodes(t *testing.T) {
	err := errors.New("x")
	assert.Equal(t, ExitUsage, ExitCode(&bisection.OptionError{Err: err}))
	assert.Equal(t, ExitUsage, ExitCode(&bisection.RangeError{Err: err}))
	assert.Equal(t, ExitFailPolicy, ExitCode(&bisection.UndecidedError{Conclusion: "flaky"}))
	assert.Equal(t, ExitInfra, ExitCode(&bisection.InfraError{Err: err}))
	assert.Equal(t, ExitFailPolicy, ExitCode(&UnexplainedError{Count: 2}))
	assert.Equal(t, ExitFailPolicy, ExitCode(&FailPolicyError{Policy: "new-crash", Count: 1}))
	assert.Equal(t, ExitNothingRan, ExitCode(&NothingRanError{Reason: "no cell ran a binary"}))
	assert.Equal(t, ExitInterrupted, ExitCode(fmt.Errorf("wrapped: %w", &InterruptedError{Total: 3})))
	var usage *UsageError
	require.ErrorAs(t, usageOf(&bisection.OptionError{Err: err}), &usage)
	assert.Same(t, err, usage.Err)
	rangeErr := &bisection.RangeError{Err: err}
	assert.Same(t, error(rangeErr), usageOf(rangeErr), "only option errors are usage errors")
}

// TestUsageArgs checks that what an argument validator refuses is a
// UsageError, typed where it arises.
func TestUsageArgs(t *testing.T) {
	err := usageArgs(cobra.ExactArgs(2))(&cobra.Command{Use: "diff"}, []string{"a"})
	var usage *UsageError
	require.ErrorAs(t, err, &usage)
	assert.Equal(t, "accepts 2 arg(s), received 1", err.Error())
	assert.NoError(t, usageArgs(cobra.ExactArgs(2))(&cobra.Command{Use: "diff"}, []string{"a", "b"}))
}

// TestCheckToolchain: --toolchain is parsed by config.ParseToolchainSpec
// (whose table test has every form); what it refuses is a usage error,
// which stops git bisect run (128).
func TestCheckToolchain(t *testing.T) {
	opts := &CheckOptions{Toolchain: "go1.27.3", Dir: ".", Package: ".", Arch: "native", Runs: 1, Timeout: time.Second}
	cfg, err := checkConfig(opts, false, false, false, false)
	require.NoError(t, err)
	assert.Equal(t, config.Toolchain{Name: "go1.27.3", Kind: config.KindGotoolchain, Version: "go1.27.3"}, cfg.Toolchains[0])
	for _, value := range []string{"go1.27", "goroot:", "nope"} {
		opts.Toolchain = value
		_, err := checkConfig(opts, false, false, false, false)
		require.Error(t, err, value)
		var usage *UsageError
		assert.ErrorAs(t, err, &usage, value)
		assert.Equal(t, ExitCheckUsage, ExitCode(checkError(err)), value)
	}
}

func TestCheckFlags(t *testing.T) {
	var got *CheckOptions
	cmd := NewCmdCheck(Deps{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}, func(_ *cobra.Command, o *CheckOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs(nil)
	require.NoError(t, cmd.ExecuteContext(context.Background()))
	assert.Equal(t, &CheckOptions{
		Toolchain: "local", Dir: ".", Package: ".", Arch: "native", Runs: 1, Timeout: 60 * time.Second, BadIf: "crash",
	}, got, "defaults: local go, this module, no protobuf override, nothing stored")

	cmd.SetArgs([]string{"--toolchain", "goroot:/go", "--package", "./cmd/c", "--args", "a,b", "--args", "c",
		"--bad-if", "crash,signature~x,y", "--bad-threshold", "2/3", "--protobuf", "v1.36.10", "--cover", "--out", "res", "--json", "--no-cache"})
	require.NoError(t, cmd.ExecuteContext(context.Background()))
	assert.Equal(t, []string{"a,b", "c"}, got.Args, "--args is not split at commas")
	assert.Equal(t, "goroot:/go", got.Toolchain)
	assert.Equal(t, "crash,signature~x,y", got.BadIf)
	assert.True(t, got.Cover && got.JSON && got.NoCache)
	assert.Equal(t, "res", got.Out)
}
