package config

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
)

// buildArgFields lists the fields of BuildArgValues, in declaration order.
func buildArgFields() []string {
	t := reflect.TypeFor[BuildArgValues]()
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = t.Field(i).Name
	}
	return names
}

// validBuildArgFields lists the fields for messages: ".GOFLAGS, .GOARCH, …".
func validBuildArgFields() string {
	return "." + strings.Join(buildArgFields(), ", .")
}

// sampleBuildArgValues are the values buildArgs templates are tried with
// when the file is read.
func sampleBuildArgValues() BuildArgValues {
	return BuildArgValues{GOFLAGS: "-cover", GOARCH: "amd64", GOOS: "linux",
		Image: "docker.io/library/golang:1.25", GoVersion: "go1.25.3", Protobuf: "v1.36.10"}
}

// parseBuildArg parses the template of build arg name.
func parseBuildArg(name, text string) (*template.Template, error) {
	return template.New(name).Option("missingkey=error").Parse(text)
}

// buildArgProblem explains why text is not a usable template for build arg
// name: it does not parse, names a field BuildArgValues lacks (in any
// branch), or fails to execute. It returns "" for a good template.
func buildArgProblem(name, text string) string {
	tmpl, err := parseBuildArg(name, text)
	if err == nil {
		err = checkTemplateFields(tmpl)
	}
	if err == nil {
		err = tmpl.Execute(&strings.Builder{}, sampleBuildArgValues())
	}
	if err != nil {
		return fmt.Sprintf("%v (valid fields: %s)", err, validBuildArgFields())
	}
	return ""
}

// checkTemplateFields reports the first field reference in any template of
// tmpl, executed or not, that BuildArgValues does not have, so that a typo
// in a branch not taken for one cell is caught when the file is read.
func checkTemplateFields(tmpl *template.Template) error {
	known := buildArgFields()
	for _, t := range tmpl.Templates() {
		if t.Tree == nil || t.Root == nil {
			continue
		}
		var bad parse.Node
		var badField string
		check := func(n parse.Node, idents []string) {
			if bad != nil || len(idents) == 0 {
				return
			}
			if !slices.Contains(known, idents[0]) {
				bad, badField = n, idents[0]
			} else if len(idents) > 1 {
				bad, badField = n, strings.Join(idents[:2], ".")
			}
		}
		walkTemplate(t.Root, check)
		if bad != nil {
			location, _ := t.ErrorContext(bad)
			if strings.Contains(badField, ".") {
				first, rest, _ := strings.Cut(badField, ".")
				return fmt.Errorf("template: %s: .%s is a string and has no field %s", location, first, rest)
			}
			return fmt.Errorf("template: %s: unknown field .%s", location, badField)
		}
	}
	return nil
}

// walkTemplate calls visit for every field reference under n with the
// chain of field names it selects from dot (or from $).
func walkTemplate(n parse.Node, visit func(parse.Node, []string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, child := range n.Nodes {
			walkTemplate(child, visit)
		}
	case *parse.ActionNode:
		walkTemplate(n.Pipe, visit)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.TemplateNode:
		walkTemplate(n.Pipe, visit)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, cmd := range n.Cmds {
			walkTemplate(cmd, visit)
		}
	case *parse.CommandNode:
		for _, arg := range n.Args {
			walkTemplate(arg, visit)
		}
	case *parse.FieldNode:
		visit(n, n.Ident)
	case *parse.VariableNode:
		if len(n.Ident) > 1 && n.Ident[0] == "$" {
			visit(n, n.Ident[1:])
		}
	case *parse.ChainNode:
		walkTemplate(n.Node, visit)
		if _, ok := n.Node.(*parse.DotNode); ok {
			visit(n, n.Field)
		}
	}
}

func walkBranch(n *parse.BranchNode, visit func(parse.Node, []string)) {
	walkTemplate(n.Pipe, visit)
	walkTemplate(n.List, visit)
	walkTemplate(n.ElseList, visit)
}

// RenderBuildArgs executes the target's buildArgs templates for one cell
// and returns the --build-arg values by name (nil when there are none).
func (t Target) RenderBuildArgs(v BuildArgValues) (map[string]string, error) {
	if len(t.BuildArgs) == 0 {
		return nil, nil
	}
	args := make(map[string]string, len(t.BuildArgs))
	for _, name := range slices.Sorted(maps.Keys(t.BuildArgs)) {
		tmpl, err := parseBuildArg(name, t.BuildArgs[name])
		if err != nil {
			return nil, fmt.Errorf("build arg %s of target %s: %w", name, t.Name, err)
		}
		var value strings.Builder
		if err := tmpl.Execute(&value, v); err != nil {
			return nil, fmt.Errorf("build arg %s of target %s: %w (valid fields: %s)", name, t.Name, err, validBuildArgFields())
		}
		args[name] = value.String()
	}
	return args, nil
}
