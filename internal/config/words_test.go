package config

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gorepro/gorepro/internal/proc"
)

var splitCommandCases = []struct {
	line string
	want []string
}{
	{"go generate ./...", []string{"go", "generate", "./..."}},
	{"  go\tgenerate\n./pkg/audit  ", []string{"go", "generate", "./pkg/audit"}},
	{"", nil},
	{"   ", nil},
	{`sh -c 'echo x > data.txt'`, []string{"sh", "-c", "echo x > data.txt"}},
	{`"/opt/my tools/gen" -v`, []string{"/opt/my tools/gen", "-v"}},
	{`/opt/my\ tools/gen`, []string{"/opt/my tools/gen"}},
	{`a'b'"c"d`, []string{"abcd"}},
	{`'' ""`, []string{"", ""}},
	{`"a\"b\\c\$d\e"`, []string{`a"b\c$d\e`}},
	{`'a\b'`, []string{`a\b`}},
	{"a\\\nb", []string{"ab"}},
	{"\"a\\\nb\"", []string{"ab"}},
	{`'it'\''s'`, []string{"it's"}},
	{`go run -ldflags='-X main.v=1' .`, []string{"go", "run", "-ldflags=-X main.v=1", "."}},
	{`echo '$HOME' "a|b" \; \&\&`, []string{"echo", "$HOME", "a|b", ";", "&&"}},
}

func TestSplitCommand(t *testing.T) {
	for _, tc := range splitCommandCases {
		t.Run(tc.line, func(t *testing.T) {
			got, err := SplitCommand(tc.line)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.want, mustSplit(t, JoinCommand(got)), "JoinCommand %q", JoinCommand(got))
		})
	}
}

// TestSplitCommandAsShell checks SplitCommand against the shell itself:
// sh must see the same words.
func TestSplitCommandAsShell(t *testing.T) {
	for _, tc := range splitCommandCases {
		if strings.Contains(strings.ReplaceAll(tc.line, "\\\n", ""), "\n") {
			continue // a newline ends a shell command; SplitCommand takes it for a space
		}
		res, err := proc.Run(context.Background(), proc.Cmd{Argv: []string{"sh", "-c", `printf '%s\0' - ` + tc.line}})
		require.NoError(t, err, tc.line)
		require.Equal(t, 0, res.ExitCode, "%s: %s", tc.line, res.Output)
		words := strings.Split(string(bytes.TrimSuffix(res.Output, []byte{0})), "\x00")[1:]
		if len(words) == 0 {
			words = nil
		}
		assert.Equal(t, tc.want, words, "sh splits %q", tc.line)
	}
}

func TestSplitCommandErrors(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{`go generate 'x`, "unterminated single quote at byte 13"},
		{`go "generate`, "unterminated double quote at byte 4"},
		{`go "a\"`, "unterminated double quote at byte 4"},
		{`go generate \`, "ends with a backslash that escapes nothing"},
		{`go generate ./... && touch x`, `unquoted "&" at byte 19: the command runs without a shell`},
		{`go generate | tee log`, `unquoted "|" at byte 13`},
		{`echo x > data.txt`, `unquoted ">" at byte 8`},
		{`echo $HOME`, `unquoted "$" at byte 6`},
		{"echo `date`", "unquoted \"`\" at byte 6"},
		{`a; b`, `unquoted ";" at byte 2`},
	} {
		t.Run(tc.line, func(t *testing.T) {
			_, err := SplitCommand(tc.line)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestJoinCommand(t *testing.T) {
	assert.Equal(t, `go generate ./...`, JoinCommand([]string{"go", "generate", "./..."}))
	assert.Equal(t, `sh -c 'echo x > "y"' '' 'it'\''s'`, JoinCommand([]string{"sh", "-c", `echo x > "y"`, "", "it's"}))
}

func FuzzSplitCommand(f *testing.F) {
	for _, tc := range splitCommandCases {
		f.Add(tc.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words, err := SplitCommand(line)
		if err != nil {
			return
		}
		again, err := SplitCommand(JoinCommand(words))
		require.NoError(t, err)
		if len(words) == 0 {
			assert.Empty(t, again)
			return
		}
		assert.Equal(t, words, again)
	})
}

func mustSplit(t *testing.T, line string) []string {
	t.Helper()
	words, err := SplitCommand(line)
	require.NoError(t, err)
	return words
}
