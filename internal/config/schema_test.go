package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
)

// duplicateKeyRE matches Parse's message for a repeated key.
var duplicateKeyRE = regexp.MustCompile(`^duplicate key `)

// parseOnlyRules are the rules of Parse that the schema cannot state, each
// with the messages of Parse that report it. A config the schema accepts
// and Parse rejects must be rejected only by these; a config Parse accepts
// must always be accepted by the schema. Keep the list short: a rule a
// schema can state belongs in the schema.
var parseOnlyRules = []struct {
	why string
	msg *regexp.Regexp
}{
	{"a JSON Schema sees an object after decoding, where the last of repeated keys wins (Parse decodes the first, so its other errors are void then)",
		duplicateKeyRE},
	{"uniqueItems compares whole objects, not one property of them",
		regexp.MustCompile(`^duplicate (toolchain|target) name `)},
	{"the files and directories named must exist, which only the file system knows",
		regexp.MustCompile(`which does not exist|which is not a directory|which is a directory|which has no go.mod|cannot be read|cannot read go.mod`)},
	{"a Dockerfile target's builderStage/builderFrom/runtimeStage/runtimeFrom must match FROM lines of the Dockerfile, which only its content says",
		regexp.MustCompile(`matches no FROM line|FROM line|names an earlier stage`)},
	{"module paths and import paths follow golang.org/x/mod/module's rules, and a package must lie inside the module of dir",
		regexp.MustCompile(`is not a module path|is an absolute path: use|leaves the module: use|is a pattern: name one main package|is not a clean relative path|^invalid package |is not inside module`)},
	{"regular expressions must compile with RE2, and build args as Go templates over known fields",
		regexp.MustCompile(`^invalid regular expression|\(valid fields: `)},
	{"aliveFor must be shorter than the timeout that applies, the target's, the config's or the default",
		regexp.MustCompile(`is not shorter than the run timeout`)},
	{"JSON Schema counts 1.0 and 1e2 as integers",
		regexp.MustCompile(`^must be a whole number`)},
	{"a prepare program with spaces is a command line only when its first word is not a path",
		regexp.MustCompile(`is not a program: commands run without a shell`)},
}

// compileSchema compiles Schema() with a real validator.
func compileSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	data, err := Schema()
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource(SchemaID, doc))
	sch, err := c.Compile(SchemaID)
	require.NoError(t, err)
	return sch
}

// validateSchema validates data against sch; a file that is not JSON is
// rejected like one that breaks the schema.
func validateSchema(sch *jsonschema.Schema, data []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(doc)
}

// checkAgrees checks that the schema accepts data iff Parse does, but for
// parseOnlyRules; path is where Parse is told the file is.
func checkAgrees(t *testing.T, sch *jsonschema.Schema, path string, data []byte) {
	t.Helper()
	schemaErr := validateSchema(sch, data)
	_, parseErr := Parse(path, data)
	switch {
	case parseErr == nil && schemaErr != nil:
		t.Errorf("%s: Parse accepts it, the schema rejects it: %v", path, schemaErr)
	case parseErr != nil && schemaErr == nil:
		var errs Errors
		if !errors.As(parseErr, &errs) {
			t.Errorf("%s: Parse failed: %v", path, parseErr)
			return
		}
		if slices.ContainsFunc(errs, func(e *Error) bool { return duplicateKeyRE.MatchString(e.Msg) }) {
			return // Parse decoded the first of the repeated keys, the schema saw the last
		}
		for _, e := range errs {
			if !parseOnly(e.Msg) {
				t.Errorf("%s: the schema accepts it, Parse rejects it by a rule the schema states: %v", path, e)
			}
		}
	}
}

func parseOnly(msg string) bool {
	for _, r := range parseOnlyRules {
		if r.msg.MatchString(msg) {
			return true
		}
	}
	return false
}

// corpus returns the configs of the fuzz corpus: the seeds of FuzzParse
// and the inputs saved under testdata/fuzz, by file.
func corpus(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	var paths []string
	for _, pattern := range []string{"../../toolchains.json", "testdata/valid/*.json", "testdata/errors/*.json"} {
		m, err := filepath.Glob(pattern)
		require.NoError(t, err)
		paths = append(paths, m...)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		files[p] = data
	}
	saved, err := filepath.Glob("testdata/fuzz/*/*")
	require.NoError(t, err)
	for _, p := range saved {
		raw, err := os.ReadFile(p)
		require.NoError(t, err)
		files[p] = fuzzInput(t, p, raw)
	}
	require.Greater(t, len(files), 20, "the corpus is gone")
	return files
}

// fuzzInput decodes a saved fuzz input ("go test fuzz v1" and one
// []byte("…") line).
func fuzzInput(t *testing.T, path string, raw []byte) []byte {
	t.Helper()
	lines := strings.SplitN(strings.TrimSpace(string(raw)), "\n", 2)
	require.Len(t, lines, 2, "%s: not a go test fuzz v1 file", path)
	lit, ok := strings.CutPrefix(lines[1], "[]byte(")
	require.True(t, ok, "%s: not one []byte input", path)
	s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
	require.NoError(t, err, path)
	return []byte(s)
}

// TestSchemaAgreesWithParse checks on the fuzz corpus that the schema
// accepts a config iff Parse does, but for parseOnlyRules.
func TestSchemaAgreesWithParse(t *testing.T) {
	sch := compileSchema(t)
	accepted, rejected := 0, 0
	for path, data := range corpus(t) {
		checkAgrees(t, sch, path, data)
		if validateSchema(sch, data) == nil {
			accepted++
		} else {
			rejected++
		}
	}
	t.Logf("the schema accepts %d and rejects %d configs of the corpus", accepted, rejected)
	require.Positive(t, accepted)
	require.Positive(t, rejected)
}

// FuzzSchema checks on arbitrary inputs what TestSchemaAgreesWithParse
// checks on the corpus (make fuzz runs it).
func FuzzSchema(f *testing.F) {
	for _, pattern := range []string{"../../toolchains.json", "testdata/valid/*.json", "testdata/errors/*.json"} {
		m, err := filepath.Glob(pattern)
		require.NoError(f, err)
		for _, p := range m {
			data, err := os.ReadFile(p)
			require.NoError(f, err)
			f.Add(data)
		}
	}
	sch := compileSchema(f)
	path := filepath.Join(f.TempDir(), "toolchains.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAgrees(t, sch, path, data)
	})
}

// TestSchemaAcceptsSchemaField checks that "$schema" is accepted and
// ignored by Parse and by the schema, and that it must be a string.
func TestSchemaAcceptsSchemaField(t *testing.T) {
	sch := compileSchema(t)
	path := filepath.Join(t.TempDir(), "toolchains.json")
	base := `"toolchains": [{"name": "local", "kind": "local"}], "protobuf": ["v1.36.10"], "targets": [{"name": "repro", "kind": "repro"}]`
	plain, err := Parse(path, []byte("{"+base+"}"))
	require.NoError(t, err)

	named := []byte(`{"$schema": "./docs/toolchains.schema.json", ` + base + "}")
	c, err := Parse(path, named)
	require.NoError(t, err)
	require.Equal(t, plain.MatrixHash(), c.MatrixHash(), "$schema must not change the matrix")
	require.NoError(t, validateSchema(sch, named))

	bad := []byte(`{"$schema": 1, ` + base + "}")
	_, err = Parse(path, bad)
	require.ErrorContains(t, err, `["$schema"]: must be a string (the URL or path of the JSON Schema, for editors) (got number 1)`)
	require.Error(t, validateSchema(sch, bad))
}

// fullConfig uses every field of the format, as a base for
// TestSchemaAgreesOnMutations (its paths are relative to testdata/valid).
const fullConfig = `{
  "$schema": "../../../../docs/toolchains.schema.json",
  "toolchains": [
    {"name": "local", "kind": "local", "expectGo": "go1.26.8"},
    {"name": "go1.27.3", "kind": "gotoolchain", "version": "go1.27.3"},
    {"name": "old", "kind": "gotoolchain", "version": "go1.20.5"},
    {"name": "sdk", "kind": "goroot", "goroot": "sdk/go"},
    {"name": "img", "kind": "image", "image": "docker.io/library/golang:1.25", "runtimeImage": "x/y:1",
     "platform": "linux/arm64", "engine": "docker", "expectGo": "go1.25.5"}
  ],
  "protobuf": ["v1.36.10", "v1.36.11-rc.1"],
  "cover": [true],
  "arch": ["native", "arm64"],
  "targets": [
    {"name": "repro", "kind": "repro", "args": ["-v"], "env": {"A": "1"}, "buildEnv": {"GOFLAGS": "-mod=mod"},
     "buildFlags": ["-trimpath"], "cgo": true, "pass": {"exitCodes": [0, 2]}, "timeout": "5s"},
    {"name": "app", "kind": "package", "dir": "../app", "package": "./cmd/app",
     "modules": {"golang.org/x/text": "v0.14.0"}, "prepare": [["go", "generate", "./..."]], "prepareWith": "local",
     "pass": {"logMatches": "^ready$", "aliveFor": "2s"}, "timeout": "1m"},
    {"name": "probe", "kind": "probe", "timeout": "10s"}
  ],
  "runs": 3,
  "timeout": "30s",
  "buildTimeout": "5m",
  "engine": "podman",
  "pull": "always"
}`

// mutationValues replace each value of a base config in
// TestSchemaAgreesOnMutations: the edge values of the rules of the format.
func mutationValues() []any {
	return []any{
		nil, true, false, json.Number("0"), json.Number("1"), json.Number("-1"), json.Number("255"), json.Number("256"),
		json.Number("1000"), json.Number("1001"), json.Number("1.5"), json.Number("1.0"),
		"", " ", "x", "a b", "~/sdk", "/abs", "0", "0s", "-1s", "+2s", "1.5h", "1h30m", "1sm", ".s", "1", "90s", "2m",
		"native", "amd64", "x86_64", "ARM64", "local", "goroot", "gotoolchain", "image", "repro", "package", "dockerfile",
		"probe", "Local", "v1.36.10", "v1.36", "1.36.10", "v2.0.0", "v1.36.10+meta", "v1.2.3-01", "v0.14.0",
		"go1.27.3", "go1.21", "go1.21.0", "go1.20.0", "go1.20", "go1.27rc1", "go1.27.3-custom", "go2", "1.27.3",
		"linux/arm64", "linux/arm/v7", "Linux/arm64", "podman", "docker", "Docker", "never", "missing", "always",
		"toolchain", "-cover", "--cover=1", "-o=x", "-overlay=x", "A-B", "_ok", "(", "{{.GOARCH}}", "{{.Nope}}",
		[]any{}, []any{"x"}, []any{json.Number("0")}, []any{[]any{}}, []any{[]any{"go", "vet"}}, []any{[]any{"go vet"}},
		[]any{[]any{" "}}, []any{"v1.36.10", "v1.36.10"}, []any{true, true}, []any{"native", "native"},
		map[string]any{}, map[string]any{"GOARCH": "x"}, map[string]any{"1A": "x"}, map[string]any{"A": json.Number("1")},
		map[string]any{"google.golang.org/protobuf": "v1.36.10"}, map[string]any{"example.com/m": "v1"},
	}
}

// fieldValues are a plausible value of each field, added to every object
// of a base config to check which kinds take which fields.
func fieldValues() map[string]any {
	return map[string]any{
		"version": "go1.27.3", "goroot": "/usr/local/go", "image": "a/b:1", "runtimeImage": "a/b:1",
		"platform": "linux/amd64", "engine": "podman", "expectGo": "go1.26.8", "args": []any{"-v"},
		"env": map[string]any{"A": "1"}, "buildEnv": map[string]any{"A": "1"}, "buildFlags": []any{"-v"},
		"modules": map[string]any{"example.com/m": "v1.0.0"}, "prepare": []any{[]any{"go", "vet"}},
		"prepareWith": "local", "cgo": true, "pass": map[string]any{}, "timeout": "5s", "dir": "../app",
		"package": ".", "dockerfile": "../dockerapp/Dockerfile", "context": "../dockerapp",
		"buildArgs": map[string]any{"A": "{{.GOARCH}}"}, "stage": "builder", "unknown": "x",
	}
}

// TestSchemaAgreesOnMutations checks, as TestSchemaAgreesWithParse does,
// every config made from a valid one by replacing one value with an edge
// value of the rules, by removing one field, or by adding one.
func TestSchemaAgreesOnMutations(t *testing.T) {
	sch := compileSchema(t)
	bases := map[string][]byte{"testdata/valid/full.json": []byte(fullConfig)}
	for _, p := range []string{"../../toolchains.json", "testdata/valid/example.json", "testdata/valid/dockerfile.json"} {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		bases[p] = data
	}
	accepted, total := 0, 0
	for path, data := range bases {
		_, err := Parse(path, data)
		require.NoError(t, err, path)
		for _, m := range mutations(t, data) {
			total++
			if validateSchema(sch, m) == nil {
				accepted++
			}
			checkAgrees(t, sch, path, m)
		}
	}
	t.Logf("%d mutations, %d accepted by the schema", total, accepted)
	require.Greater(t, accepted, 100)
	require.Greater(t, total-accepted, 1000)
}

// mutations returns the configs made from data by one change each.
func mutations(t *testing.T, data []byte) [][]byte {
	t.Helper()
	var out [][]byte
	add := func(doc any) {
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		out = append(out, b)
	}
	for _, set := range mutationSites(t, data) {
		for _, v := range mutationValues() {
			add(set(v))
		}
	}
	var objects func(v any, visit func(map[string]any))
	objects = func(v any, visit func(map[string]any)) {
		switch v := v.(type) {
		case map[string]any:
			visit(v)
			for _, e := range v {
				objects(e, visit)
			}
		case []any:
			for _, e := range v {
				objects(e, visit)
			}
		}
	}
	// Remove each key of each object, and add each field to each object.
	count := 0
	objects(decodeJSON(t, data), func(map[string]any) { count++ })
	for i := range count {
		var keys []string
		nth(decodeJSON(t, data), i, objects, func(o map[string]any) {
			for k := range o {
				keys = append(keys, k)
			}
		})
		for _, k := range keys {
			doc := decodeJSON(t, data)
			nth(doc, i, objects, func(o map[string]any) { delete(o, k) })
			add(doc)
		}
		for k, v := range fieldValues() {
			doc := decodeJSON(t, data)
			nth(doc, i, objects, func(o map[string]any) { o[k] = v })
			add(doc)
		}
	}
	return out
}

// nth calls visit on the i-th object of doc in the order of objects.
func nth(doc any, i int, objects func(any, func(map[string]any)), visit func(map[string]any)) {
	n := 0
	objects(doc, func(o map[string]any) {
		if n == i {
			visit(o)
		}
		n++
	})
}

// mutationSites returns, for each value in data, a function that returns
// a fresh copy of data with that value replaced.
func mutationSites(t *testing.T, data []byte) []func(any) any {
	t.Helper()
	var paths [][]any
	var walk func(v any, path []any)
	walk = func(v any, path []any) {
		paths = append(paths, slices.Clone(path))
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(e, append(path, k))
			}
		case []any:
			for i, e := range v {
				walk(e, append(path, i))
			}
		}
	}
	walk(decodeJSON(t, data), nil)
	var sites []func(any) any
	for _, path := range paths[1:] { // not the root
		sites = append(sites, func(v any) any {
			doc := decodeJSON(t, data)
			parent := doc
			for _, step := range path[:len(path)-1] {
				switch s := step.(type) {
				case string:
					parent = parent.(map[string]any)[s]
				case int:
					parent = parent.([]any)[s]
				}
			}
			switch s := path[len(path)-1].(type) {
			case string:
				parent.(map[string]any)[s] = v
			case int:
				parent.([]any)[s] = v
			}
			return doc
		})
	}
	return sites
}

func decodeJSON(t *testing.T, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return v
}

// TestRepositoryConfigsAgreeWithSchema finds every config of the
// repository (a JSON object with "toolchains", in a .json file or in a
// testscript archive, whose other files are extracted beside it so that the
// paths it names exist) and checks that the schema accepts it iff Parse
// does: the shipped and example configs must pass both, the broken ones of
// the error tests fail both. (The README's and docs' examples are checked
// by package docstest.)
func TestRepositoryConfigsAgreeWithSchema(t *testing.T) {
	sch := compileSchema(t)
	root := filepath.Join("..", "..")
	found := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.IsDir() && (d.Name() == "results" || strings.HasPrefix(d.Name(), ".")) && p != root:
			return filepath.SkipDir
		case strings.HasSuffix(p, ".json"):
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			if isConfig(data) {
				found++
				checkAgrees(t, sch, p, data)
			}
		case strings.HasSuffix(p, ".txtar"):
			found += checkArchiveConfigs(t, sch, p)
		}
		return nil
	})
	require.NoError(t, err)
	t.Logf("%d configs", found)
	require.Greater(t, found, 30)
}

// isConfig reports whether data is a JSON object with "toolchains".
func isConfig(data []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return false
	}
	_, ok := top["toolchains"]
	return ok
}

// checkArchiveConfigs extracts the testscript archive at path and checks
// its configs, returning how many it has.
func checkArchiveConfigs(t *testing.T, sch *jsonschema.Schema, path string) int {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	require.NoError(t, err)
	dir := t.TempDir()
	var configs []string
	for _, f := range ar.Files {
		name := filepath.Join(dir, filepath.FromSlash(f.Name))
		require.NoError(t, os.MkdirAll(filepath.Dir(name), 0o755))
		require.NoError(t, os.WriteFile(name, f.Data, 0o644))
		if strings.HasSuffix(f.Name, ".json") && isConfig(f.Data) {
			configs = append(configs, f.Name)
		}
	}
	for _, name := range configs {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		checkAgrees(t, sch, filepath.Join(dir, name), data)
	}
	return len(configs)
}
