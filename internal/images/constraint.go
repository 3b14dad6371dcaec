package images

import (
	"fmt"
	"go/version"
	"strings"
)

// Constraint is a Go version range: comma-separated terms, each an
// operator (>=, >, <=, <, =; none means =) and a version with or without
// "go" (1.24, go1.25.3). A language version such as 1.26 sorts before its
// releases: "<1.26" excludes go1.26.0 and later, ">=1.24" includes go1.24.0.
type Constraint struct {
	terms []term
}

type term struct {
	op      string
	version string
}

// ParseConstraint parses a range such as ">=1.24,<1.26"; "" is no range.
func ParseConstraint(s string) (Constraint, error) {
	var c Constraint
	if strings.TrimSpace(s) == "" {
		return c, nil
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		op := ""
		for _, o := range []string{">=", "<=", ">", "<", "="} {
			if strings.HasPrefix(part, o) {
				op = o
				break
			}
		}
		v := "go" + strings.TrimPrefix(strings.TrimSpace(part[len(op):]), "go")
		if op == "" {
			op = "="
		}
		if !version.IsValid(v) {
			return Constraint{}, &OptionError{Err: fmt.Errorf("--go: invalid term %q in %q (want e.g. '>=1.24,<1.26' or 1.26.8; operators >= > <= < =)", part, s)}
		}
		c.terms = append(c.terms, term{op: op, version: v})
	}
	return c, nil
}

// Empty reports whether c allows every version.
func (c Constraint) Empty() bool { return len(c.terms) == 0 }

// Allows reports whether goVersion (e.g. "go1.25.3") is in the range.
func (c Constraint) Allows(goVersion string) bool {
	for _, t := range c.terms {
		cmp := version.Compare(goVersion, t.version)
		ok := false
		switch t.op {
		case ">=":
			ok = cmp >= 0
		case ">":
			ok = cmp > 0
		case "<=":
			ok = cmp <= 0
		case "<":
			ok = cmp < 0
		case "=":
			ok = cmp == 0
		}
		if !ok {
			return false
		}
	}
	return true
}
