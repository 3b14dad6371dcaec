package config

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
)

// This file generates the JSON Schema of toolchains.json from the types of
// types.go and their doc comments, and adds what reflection cannot see:
// the enums, patterns, bounds and defaults that Parse checks and applies,
// and which fields each toolchain and target kind takes.

// SchemaID is the $id of the generated schema: where the file
// docs/toolchains.schema.json of the repository is served.
const SchemaID = "https://raw.githubusercontent.com/gorepro/gorepro/main/docs/toolchains.schema.json"

// SchemaField is the top-level field naming the JSON Schema of the file
// ("$schema": "./docs/toolchains.schema.json"), for editors. Parse accepts
// it when it is a string and ignores it.
const SchemaField = "$schema"

// typesSource is types.go, whose doc comments become the schema's
// descriptions, so that gorepro config schema needs no source tree.
//
//go:embed types.go
var typesSource []byte

// Patterns of the schema for rules Parse checks in code. Each is written
// in the subset of regular expressions that RE2 and ECMA-262 share.
const (
	// semverV1Pattern matches a canonical google.golang.org/protobuf version
	// (semver.Canonical(v) == v and major version v1).
	semverV1Pattern = `^v1\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?$`
	// semverPattern matches any canonical module version.
	semverPattern = `^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?$`
	// goVersionPattern matches what go/version.IsValid accepts.
	goVersionPattern = `^go(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)|[a-z]+(0|[1-9][0-9]*)?)?)?(-[\s\S]*)?$`
	// goReleasePattern matches a release or release candidate GOTOOLCHAIN
	// can fetch: go1.N before 1.21 (no ".0"), go1.N.P from 1.21 on.
	goReleasePattern = `^go1\.(((0|[1-9]|1[0-9]|20)(\.[1-9][0-9]*)?)|((2[1-9]|[3-9][0-9]|[1-9][0-9]{2,})\.(0|[1-9][0-9]*))|((0|[1-9][0-9]*)rc[1-9][0-9]*))$`
	// durationPattern matches a Go duration without a sign (or with "+");
	// zeroDurationPattern one that is zero, which Parse rejects too.
	durationPattern     = `^\+?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$`
	zeroDurationPattern = `^\+?((0+(\.0*)?|\.0+)(ns|us|µs|μs|ms|s|m|h))+$`
	// noSpacePattern matches an image reference: no spaces or control
	// characters.
	noSpacePattern = "^[^\u0000- ]+$"
	// gorootPattern matches a goroot that does not start with "~".
	gorootPattern = `^[^~]`
	// reservedFlagPattern matches the build flags gorepro sets itself.
	reservedFlagPattern = `^(-|--)?(cover|o)(=|$)`
)

// Schema returns the JSON Schema (draft 2020-12) of toolchains.json,
// indented, as `gorepro config schema` prints it and
// docs/toolchains.schema.json holds it. Its descriptions are the doc
// comments of Config, Toolchain, Target and PassRule; its enums, patterns,
// bounds, defaults and per-kind fields are those Parse checks and applies.
// A config the schema accepts is one Parse accepts, but for the rules a
// schema cannot state, which Parse alone checks: unique names, duplicate
// keys, paths that must exist, module paths, regular expressions and
// build-arg templates that must compile, and aliveFor shorter than the run
// timeout.
func Schema() ([]byte, error) {
	comments, err := typeComments(typesSource)
	if err != nil {
		return nil, fmt.Errorf("reading the doc comments of the config types: %w", err)
	}
	r := &jsonschema.Reflector{
		ExpandedStruct: true,
		LookupComment: func(t reflect.Type, field string) string {
			if field == "" {
				return comments[t.Name()]
			}
			return comments[t.Name()+"."+field]
		},
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if t == durationType {
				return durationSchema("")
			}
			return nil
		},
	}
	s := r.Reflect(&Config{})
	s.ID = SchemaID
	s.Title = "gorepro toolchains.json"
	if err := refine(s, comments); err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding the schema: %w", err)
	}
	return append(data, '\n'), nil
}

// durationSchema is the schema of a positive Go duration string.
func durationSchema(dflt string) *jsonschema.Schema {
	s := &jsonschema.Schema{
		Type:     "string",
		Pattern:  durationPattern,
		Not:      &jsonschema.Schema{Pattern: zeroDurationPattern},
		Examples: []any{"30s", "1m30s"},
	}
	if dflt != "" {
		s.Default = dflt
	}
	return s
}

// refine adds to the reflected schema s what Parse checks beyond the Go
// types.
func refine(s *jsonschema.Schema, comments map[string]string) error {
	defs := map[string]*jsonschema.Schema{}
	for _, name := range []string{"Toolchain", "Target", "PassRule"} {
		d, ok := s.Definitions[name]
		if !ok {
			return fmt.Errorf("the reflected schema has no definition of %s", name)
		}
		defs[name] = d
	}
	refineConfig(s)
	refineToolchain(defs["Toolchain"], comments)
	refineTarget(defs["Target"], comments)
	refinePassRule(defs["PassRule"])
	return nil
}

func refineConfig(s *jsonschema.Schema) {
	s.Required = []string{"toolchains", "protobuf", "targets"}
	p := props(s)
	p(SchemaField).Type = "string"
	p(SchemaField).Description = "The JSON Schema of the file (this schema), for editors; gorepro ignores it."
	minOne(p("toolchains"))
	minOne(p("protobuf")).UniqueItems = true
	p("protobuf").Items.Pattern = semverV1Pattern
	p("protobuf").Examples = []any{[]string{"v1.33.0", "v1.36.10"}}
	minOne(p("cover")).UniqueItems = true
	p("cover").Default = []bool{false}
	minOne(p("arch")).UniqueItems = true
	p("arch").Default = []string{ArchNative}
	p("arch").Items.Enum = toAny(append([]string{ArchNative}, KnownArches()...))
	minOne(p("targets"))
	p("runs").Minimum, p("runs").Maximum = "1", json.Number(strconv.Itoa(MaxRuns))
	p("runs").Default = DefaultRuns
	p("timeout").Default = DefaultTimeout.String()
	p("buildTimeout").Default = DefaultBuildTimeout.String()
	p("engine").Enum = toAny([]string{EnginePodman, EngineDocker, ""})
	p("pull").Enum = toAny([]string{"never", "missing", "always", ""})
	p("pull").Default = DefaultPull
}

// refineKinded states the name and kind of a toolchain or target (noun),
// the fields each of kinds requires (required) and takes, and returns
// the property lookup of s.
func refineKinded(s *jsonschema.Schema, noun string, kinds map[string][]string, kindDoc string, required map[string][]string) func(string) *jsonschema.Schema {
	s.Required = []string{"name", "kind"}
	p := props(s)
	p("name").Pattern = nameRE.String()
	p("name").Description = fmt.Sprintf("The %s's name: 1 to 64 letters, digits, \".\", \"_\", \"+\" or \"-\", starting with a letter or digit, unique among the %ss.", noun, noun)
	p("kind").Enum = toAny(slices.Sorted(maps.Keys(kinds)))
	p("kind").Description = fmt.Sprintf("The kind of %s: %s", noun, kindDoc)
	s.AllOf = kindRules(kinds, required)
	return p
}

func refineToolchain(s *jsonschema.Schema, comments map[string]string) {
	required := map[string][]string{KindGoroot: {"goroot"}, KindGotoolchain: {"version"}, KindImage: {"image"}}
	p := refineKinded(s, "toolchain", toolchainKinds(), comments["kinds:Kind"], required)
	p("version").Pattern = goReleasePattern
	p("expectGo").Pattern = goVersionPattern
	p("goroot").Pattern = gorootPattern
	p("image").Pattern = noSpacePattern
	p("runtimeImage").Pattern = noSpacePattern
	p("platform").Pattern = platformRE.String()
	p("platform").Not = &jsonschema.Schema{Pattern: armBadVariantPattern}
	p("engine").Enum = toAny([]string{EnginePodman, EngineDocker, ""})
	// A host toolchain's platform and engine say where its runtimeImage
	// runs, and need it.
	for _, rule := range s.AllOf {
		if kind, _ := rule.If.Properties.Get("kind"); kind.Const != KindImage {
			rule.Then.DependentRequired = map[string][]string{"platform": {"runtimeImage"}, "engine": {"runtimeImage"}}
		}
	}
}

func refineTarget(s *jsonschema.Schema, comments map[string]string) {
	required := map[string][]string{TargetPackage: {"dir", "package"}, TargetDockerfile: {"dockerfile"}}
	p := refineKinded(s, "target", targetKinds(), comments["kinds:Target"], required)
	envNames := &jsonschema.Schema{Pattern: envNameRE.String()}
	p("env").PropertyNames = envNames
	p("buildEnv").PropertyNames = &jsonschema.Schema{
		Pattern: envNameRE.String(),
		Not:     &jsonschema.Schema{Enum: toAny([]string{"GOARCH", "GOTOOLCHAIN", "CGO_ENABLED"})},
	}
	p("buildArgs").PropertyNames = envNames
	p("buildFlags").Items.Not = &jsonschema.Schema{Pattern: reservedFlagPattern}
	p("modules").PropertyNames = &jsonschema.Schema{Not: &jsonschema.Schema{Const: "google.golang.org/protobuf"}}
	p("modules").AdditionalProperties.Pattern = semverPattern
	minOne(p("prepare"))
	minOne(p("prepare").Items)
	p("prepare").Items.PrefixItems = []*jsonschema.Schema{{Type: "string", Pattern: `[^\s]`}}
	p("prepareWith").Enum = toAny([]string{PrepareToolchain, PrepareLocal})
	p("prepareWith").Default = PrepareToolchain
	p("dir").MinLength = ptr(1)
	p("package").MinLength = ptr(1)
	p("dockerfile").MinLength = ptr(1)
	p("context").MinLength = ptr(1)
	p("stage").Pattern = stageRE.String()
	s.DependentRequired = map[string][]string{"prepareWith": {"prepare"}}
}

func refinePassRule(s *jsonschema.Schema) {
	s.Required = nil
	p := props(s)
	codes := minOne(p("exitCodes"))
	codes.UniqueItems = true
	codes.Default = []int{0}
	codes.Items.Minimum, codes.Items.Maximum = "0", "255"
	p("logMatches").MinLength = ptr(1)
}

// kindRules states, for each kind, the fields it requires (required) and
// that the fields only other kinds take are not allowed.
func kindRules(kinds map[string][]string, required map[string][]string) []*jsonschema.Schema {
	var others []string
	for _, fields := range kinds {
		others = append(others, fields...)
	}
	slices.Sort(others)
	others = slices.Compact(others)
	var rules []*jsonschema.Schema
	for _, kind := range slices.Sorted(maps.Keys(kinds)) {
		then := &jsonschema.Schema{Required: required[kind], Properties: jsonschema.NewProperties()}
		for _, f := range others {
			if !slices.Contains(kinds[kind], f) {
				then.Properties.Set(f, jsonschema.FalseSchema)
			}
		}
		cond := &jsonschema.Schema{Required: []string{"kind"}, Properties: jsonschema.NewProperties()}
		cond.Properties.Set("kind", &jsonschema.Schema{Const: kind})
		rules = append(rules, &jsonschema.Schema{If: cond, Then: then})
	}
	return rules
}

// props returns a function that looks up the property schemas of s,
// adding a missing one.
func props(s *jsonschema.Schema) func(string) *jsonschema.Schema {
	return func(name string) *jsonschema.Schema {
		if p, ok := s.Properties.Get(name); ok {
			return p
		}
		p := &jsonschema.Schema{}
		s.Properties.Set(name, p)
		return p
	}
}

// minOne makes the array schema s require at least one item.
func minOne(s *jsonschema.Schema) *jsonschema.Schema {
	s.MinItems = ptr(1)
	return s
}

func ptr(n uint64) *uint64 { return &n }

func toAny[T any](values []T) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

// typeComments reads the doc comments of the Go source src: "Type" for a
// type, "Type.Field" for a field (a field without its own comment shares
// that of the field on the line before it, as in "Timeout bounds one run;
// BuildTimeout one build"), and "kinds:Prefix" for the line comments of
// the constants whose names start with Prefix, listed as "value": comment.
func typeComments(src []byte) (map[string]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "types.go", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	comments := map[string]string{}
	consts := map[string][]string{}
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gen.Specs {
			switch spec := spec.(type) {
			case *ast.TypeSpec:
				typeSpecComments(fset, gen, spec, comments)
			case *ast.ValueSpec:
				constComment(spec, consts)
			}
		}
	}
	for prefix, list := range consts {
		comments["kinds:"+prefix] = strings.Join(list, "; ") + "."
	}
	return comments, nil
}

func typeSpecComments(fset *token.FileSet, gen *ast.GenDecl, spec *ast.TypeSpec, comments map[string]string) {
	doc := spec.Doc
	if doc == nil {
		doc = gen.Doc
	}
	comments[spec.Name.Name] = oneLine(doc.Text())
	st, ok := spec.Type.(*ast.StructType)
	if !ok {
		return
	}
	prev, prevLine := "", 0
	for _, field := range st.Fields.List {
		text := oneLine(field.Doc.Text())
		if text == "" && fset.Position(field.Pos()).Line == prevLine+1 {
			text = prev
		}
		for _, name := range field.Names {
			comments[spec.Name.Name+"."+name.Name] = text
		}
		prev, prevLine = text, fset.Position(field.End()).Line
	}
}

// constComment records `KindLocal = "local" // the go command on PATH`
// under the name's prefix up to its second capital ("Kind", "Target").
func constComment(spec *ast.ValueSpec, consts map[string][]string) {
	if spec.Comment == nil || len(spec.Names) != 1 || len(spec.Values) != 1 {
		return
	}
	lit, ok := spec.Values[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return
	}
	value, err := strconv.Unquote(lit.Value)
	if err != nil {
		return
	}
	name := spec.Names[0].Name
	i := strings.IndexFunc(name[1:], func(r rune) bool { return 'A' <= r && r <= 'Z' }) + 1
	if i <= 0 {
		return
	}
	prefix := name[:i]
	consts[prefix] = append(consts[prefix], fmt.Sprintf("%q: %s", value, oneLine(spec.Comment.Text())))
}

// oneLine joins the lines of a comment.
func oneLine(text string) string {
	return strings.Join(strings.Fields(text), " ")
}
