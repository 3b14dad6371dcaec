package cli

import (
	"bytes"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiffParsesArguments(t *testing.T) {
	parse := func(args ...string) *DiffOptions {
		var got *DiffOptions
		var stdout, stderr bytes.Buffer
		cmd := NewCmdDiff(Deps{Stdout: &stdout, Stderr: &stderr}, func(_ *cobra.Command, o *DiffOptions) error {
			got = o
			return nil
		})
		cmd.SetArgs(args)
		require.NoError(t, cmd.Execute())
		return got
	}
	assert.Equal(t, &DiffOptions{Base: "base.json", New: "results", Format: "markdown", FailOn: "new-crash"},
		parse("base.json", "results", "--format", "markdown", "--fail-on", "new-crash"))
	assert.Equal(t, &DiffOptions{Base: "a", New: "b", Format: "text", FailOn: "none"}, parse("a", "b"),
		"diff never fails unless asked")
}

func TestMatrixBaselinePolicies(t *testing.T) {
	tests := []struct {
		failOn, baseline string
		wantErr          string
	}{
		{"crash", "", ""},
		{"crash", "base.json", ""},
		{"new-crash", "base.json", ""},
		{"any-change", "base.json", ""},
		{"new-crash", "", "--fail-on new-crash compares with a baseline: it needs --baseline FILE"},
		{"any-change", "", "--fail-on any-change compares with a baseline: it needs --baseline FILE"},
		{"change", "base.json", `--fail-on: unknown policy "change" (valid: crash, any, none; with --baseline also new-crash, any-change)`},
	}
	for _, tt := range tests {
		t.Run(tt.failOn+"/"+tt.baseline, func(t *testing.T) {
			opts := &MatrixOptions{Format: "text", FailOn: tt.failOn, Baseline: tt.baseline, Jobs: 1, Out: "results"}
			err := opts.validate()
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tt.wantErr, err.Error())
			assert.Equal(t, ExitUsage, ExitCode(err))
		})
	}
}
