package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// suggestionMarkers introduce the value an error message suggests writing
// instead of the offending key or value: did you mean "./cmd/x"?, write
// [["go", "generate"]], as in "30s".
var suggestionMarkers = []string{"did you mean ", "write each argument as its own string: ", "write ", "as in "}

// suggestion returns the JSON text that msg suggests writing in place of
// the element it is about, or false when msg suggests nothing.
func suggestion(msg string) (string, bool) {
	for _, marker := range suggestionMarkers {
		for rest := msg; ; {
			i := strings.Index(rest, marker)
			if i < 0 {
				break
			}
			rest = rest[i+len(marker):]
			var v json.RawMessage
			if err := json.NewDecoder(strings.NewReader(rest)).Decode(&v); err == nil && strings.ContainsAny(rest[:1], `"[{`) {
				return string(v), true
			}
		}
	}
	return "", false
}

// TestSuggestionsAreValid takes every suggestion that the validator prints
// for the configs in testdata/errors, writes it in place of the element the
// error is about, and validates the result again: the error must be gone,
// and no new error may appear at or under that element. Every message in
// the package that can carry a suggestion must have been checked so.
func TestSuggestionsAreValid(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "errors", "*.json"))
	require.NoError(t, err)
	var applied []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		_, err = Parse(file, data)
		var errs Errors
		require.True(t, errors.As(err, &errs), "%s: %v", file, err)
		for _, e := range errs {
			replacement, ok := suggestion(e.Msg)
			if !ok {
				assert.NotRegexp(t, `did you mean|write \[|as in "`, e.Msg, "a suggestion this test cannot read")
				continue
			}
			t.Run(filepath.Base(file)+":"+e.Path, func(t *testing.T) {
				fixed := replaceElement(t, data, e.Line, e.Col, replacement)
				_, err := Parse(file, fixed)
				var after Errors
				if err != nil {
					require.True(t, errors.As(err, &after), "%v", err)
				}
				for _, a := range after {
					if a.Path == e.Path || strings.HasPrefix(a.Path, e.Path+".") || strings.HasPrefix(a.Path, e.Path+"[") {
						t.Errorf("%s: applying %s left %s", e, replacement, a)
					}
				}
				assert.LessOrEqual(t, len(after), len(errs)-1, "applying %s fixes one error and makes none", replacement)
			})
			applied = append(applied, e.Msg)
		}
	}

	// Every format string of the package that suggests something must have
	// produced a message checked above.
	formats := suggestionFormats(t)
	t.Logf("%d suggestions applied, %d suggesting format strings in the sources", len(applied), len(formats))
	for _, format := range formats {
		re := formatRegexp(format)
		found := false
		for _, msg := range applied {
			if re.MatchString(msg) {
				found = true
				break
			}
		}
		assert.True(t, found, "no config in testdata/errors makes the suggestion %q: add one", format)
	}
}

// replaceElement replaces the JSON value (or object key) that starts at
// line:col of data with replacement.
func replaceElement(t *testing.T, data []byte, line, col int, replacement string) []byte {
	t.Helper()
	require.Positive(t, line)
	lines := bytes.SplitAfter(data, []byte("\n"))
	start := col - 1
	for _, l := range lines[:line-1] {
		start += len(l)
	}
	dec := json.NewDecoder(bytes.NewReader(data[start:]))
	var v json.RawMessage
	require.NoError(t, dec.Decode(&v), "a JSON value at %d:%d", line, col)
	end := start + int(dec.InputOffset())
	return bytes.Join([][]byte{data[:start], []byte(replacement), data[end:]}, nil)
}

// suggestionFormats returns the string literals in the package's sources
// that carry a suggestion marker.
func suggestionFormats(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var formats []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			require.NoError(t, err)
			if regexp.MustCompile(`did you mean |write each argument|write \[|as in "`).MatchString(s) {
				formats = append(formats, s)
			}
			return true
		})
	}
	require.NotEmpty(t, formats)
	return formats
}

// formatRegexp matches the messages a format string (or a piece of one)
// can produce.
func formatRegexp(format string) *regexp.Regexp {
	verb := regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)
	var b strings.Builder
	last := 0
	for _, loc := range verb.FindAllStringIndex(format, -1) {
		b.WriteString(regexp.QuoteMeta(format[last:loc[0]]))
		b.WriteString(`.*`)
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(format[last:]))
	return regexp.MustCompile(b.String())
}
