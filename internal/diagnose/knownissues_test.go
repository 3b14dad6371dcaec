package diagnose

import (
	"go/version"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKnownIssuesAreWellFormed(t *testing.T) {
	issues := KnownIssues()
	require.NotEmpty(t, issues)
	assert.Equal(t, "golang/go#69255", issues[0].ID, "the taggedPointerPack issue comes first")
	ids := map[string]bool{}
	for _, issue := range issues {
		t.Run(issue.ID, func(t *testing.T) {
			assert.False(t, ids[issue.ID], "duplicate ID")
			ids[issue.ID] = true
			repo, number, ok := strings.Cut(issue.ID, "#")
			require.True(t, ok, "ID is owner/repo#number")
			assert.Equal(t, "https://github.com/"+repo+"/issues/"+number, issue.URL)
			assert.NotEmpty(t, issue.Title)
			_, err := regexp.Compile(issue.SignatureRegexp)
			assert.NoError(t, err)
			if issue.DetailRegexp != "" {
				_, err := regexp.Compile(issue.DetailRegexp)
				assert.NoError(t, err)
			}
			if issue.Affected != "" {
				_, err := versionIn("go1.0", issue.Affected)
				assert.NoError(t, err)
			}
			if issue.Fixed != "" {
				assert.True(t, version.IsValid(issue.Fixed), "Fixed %q", issue.Fixed)
				affected, err := versionIn(issue.Fixed, issue.Affected)
				require.NoError(t, err)
				assert.False(t, affected, "the fixed release is not affected")
			}
			assert.NotEmpty(t, issue.Conditions.Description)
			assert.NotEmpty(t, issue.Workaround)
			require.NotEmpty(t, issue.Source)
			assert.Contains(t, issue.Source[0], issue.URL, "the first source is the issue itself")
		})
	}
	// A fresh copy every call: callers cannot change the database.
	issues[0].ID = "changed"
	assert.Equal(t, "golang/go#69255", KnownIssues()[0].ID)
}

func TestMatchIssues(t *testing.T) {
	yes, no := true, false
	const tpp = "fatal error: taggedPointerPack in runtime.netpollopen"
	tests := []struct {
		name  string
		facts Facts
		// want is the matching IDs with "cause" or "similar".
		want map[string]string
		// why are substrings some Why line must contain.
		why []string
	}{
		{
			name:  "the seed: host arch and Go version unknown",
			facts: Facts{Signature: tpp, BinaryArch: "amd64"},
			want:  map[string]string{"golang/go#69255": "similar"},
			why:   []string{"host architecture unknown", "Go version unknown", "binary architecture is amd64"},
		},
		{
			name:  "the seed with its host and Go version",
			facts: Facts{Signature: tpp, BinaryArch: "amd64", HostArch: "arm64", GoVersion: "go1.25.3"},
			want:  map[string]string{"golang/go#69255": "cause"},
			why:   []string{"go1.25.3 is affected (< go1.25.5)", "host architecture is arm64", "the binary ran under emulation"},
		},
		{
			name:  "a distribution's version string",
			facts: Facts{Signature: tpp, BinaryArch: "amd64", HostArch: "arm64", GoVersion: "go1.25.3 (Red Hat 1.25.3-1.el9_7)"},
			want:  map[string]string{"golang/go#69255": "cause"},
		},
		{
			name:  "the fixed release",
			facts: Facts{Signature: tpp, BinaryArch: "amd64", HostArch: "arm64", GoVersion: "go1.25.5"},
			want:  map[string]string{"golang/go#69255": "similar"},
			why:   []string{"go1.25.5 is not affected (< go1.25.5; fixed in go1.25.5)"},
		},
		{
			name:  "Go 1.26",
			facts: Facts{Signature: tpp, BinaryArch: "amd64", HostArch: "arm64", GoVersion: "go1.26.0"},
			want:  map[string]string{"golang/go#69255": "similar"},
		},
		{
			name:  "Go 1.24 throws lfstack.push: the same issue, never fixed in 1.24",
			facts: Facts{Signature: "fatal error: lfstack.push in runtime.(*spanSet).reset", BinaryArch: "amd64", HostArch: "arm64", GoVersion: "go1.24.6"},
			want:  map[string]string{"golang/go#69255": "cause"},
		},
		{
			name:  "a native arm64 binary is not this issue",
			facts: Facts{Signature: tpp, BinaryArch: "arm64", HostArch: "arm64", GoVersion: "go1.25.3"},
			want:  map[string]string{"golang/go#69255": "similar"},
			why:   []string{"binary architecture is arm64, not amd64", "the binary did not run under emulation"},
		},
		{
			name:  "emulation stated outright",
			facts: Facts{Signature: tpp, BinaryArch: "amd64", HostArch: "arm64", GoVersion: "go1.25.3", Emulated: &no},
			want:  map[string]string{"golang/go#69255": "similar"},
			why:   []string{"the binary did not run under emulation"},
		},
		{
			name:  "qemu refusing a signal handler",
			facts: Facts{Signature: "fatal error: rt_sigaction failure in runtime.setsig", Emulated: &yes},
			want:  map[string]string{"golang/go#13024": "cause"},
		},
		{
			name:  "newosproc with EINVAL under emulation",
			facts: Facts{Signature: "fatal error: newosproc in runtime.newm", RuntimeDetail: "runtime: failed to create new OS thread (have 2 already; errno=22)", BinaryArch: "arm64", HostArch: "amd64"},
			want:  map[string]string{"golang/go#20763": "cause"},
		},
		{
			name:  "newosproc with EAGAIN is a limit, not the emulator",
			facts: Facts{Signature: "fatal error: newosproc in runtime.newm", RuntimeDetail: "runtime: failed to create new OS thread (have 2 already; errno=11)", BinaryArch: "arm64", HostArch: "amd64"},
			want:  map[string]string{},
		},
		{
			name:  "a 386 binary on amd64 is native",
			facts: Facts{Signature: "fatal error: rt_sigaction failure in runtime.setsig", BinaryArch: "386", HostArch: "amd64"},
			want:  map[string]string{"golang/go#13024": "similar"},
			why:   []string{"the binary did not run under emulation"},
		},
		{
			name:  "an unrelated crash",
			facts: Facts{Signature: "panic: boom in main.explode", BinaryArch: "amd64", HostArch: "arm64"},
			want:  map[string]string{},
		},
		{
			name:  "no signature",
			facts: Facts{},
			want:  map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			var why []string
			for _, m := range MatchIssues(tt.facts) {
				got[m.Issue.ID] = m.Verdict()
				assert.Equal(t, m.ConditionsHold, m.Verdict() == "cause")
				why = append(why, m.Why...)
			}
			assert.Equal(t, tt.want, got)
			for _, w := range tt.why {
				assert.Contains(t, strings.Join(why, "\n"), w)
			}
		})
	}
}

func TestNormaliseGoVersion(t *testing.T) {
	for in, want := range map[string]string{
		"go1.25.3":                           "go1.25.3",
		"1.25.3":                             "go1.25.3",
		" go1.26.0 ":                         "go1.26.0",
		"go version go1.25.5 linux/arm64":    "go1.25.5",
		"go1.25.3 (Red Hat 1.25.3-1.el9_7)":  "go1.25.3",
		"go1.27rc1":                          "go1.27rc1",
		"devel go1.27-abcdef Mon Jan 1 2026": "go1.27",
		"":                                   "",
		"latest":                             "",
	} {
		assert.Equal(t, want, NormaliseGoVersion(in), "NormaliseGoVersion(%q)", in)
	}
}

func TestVersionIn(t *testing.T) {
	tests := []struct {
		version, rng string
		want         bool
	}{
		{"go1.24.6", "< go1.25.5", true},
		{"go1.25.4", "< go1.25.5", true},
		{"go1.25.5", "< go1.25.5", false},
		{"go1.25.3", ">= go1.25, < go1.25.5", true},
		{"go1.24.6", ">= go1.25, < go1.25.5", false},
		{"go1.25.5", "<= go1.25.5", true},
		{"go1.25.5", "= go1.25.5", true},
		{"go1.26.0", "> go1.25.5", true},
	}
	for _, tt := range tests {
		got, err := versionIn(tt.version, tt.rng)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%s in %q", tt.version, tt.rng)
	}
	_, err := versionIn("go1.25.3", "~ go1.25")
	assert.Error(t, err)
	_, err = versionIn("go1.25.3", "< 1.25")
	assert.Error(t, err)
}
