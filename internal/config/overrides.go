package config

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Overrides narrows or replaces the axes of a Config from the command line.
// Each string slice holds the raw flag values; every value may itself be a
// comma-separated list, and spaces around items are ignored. Zero fields
// leave the config unchanged.
type Overrides struct {
	Toolchains []string      // --toolchain: names that must exist in the config; keeps config order
	Protobuf   []string      // --protobuf: replaces the axis (validated like the file's)
	Cover      []string      // --cover: values off|on|false|true (also "both" = off,on)
	Targets    []string      // --target: names that must exist
	Arch       []string      // --arch: native or GOARCH values
	Runs       int           // --runs (0 = unchanged)
	Timeout    time.Duration // --timeout (0 = unchanged); replaces the run timeout of the config and of every target
	Engine     string        // --engine: podman or docker ("" = unchanged); wins over the config's and every toolchain's engine
	Pull       string        // --pull: never, missing or always ("" = unchanged); replaces the config's pull policy
	// Prepare holds the values of --prepare, one command line each, split
	// into words by SplitCommand. When given, they replace the prepare
	// commands of every selected target of kind package (in flag order);
	// a matrix without such a target is a problem.
	Prepare []string
}

// Apply applies o to c. It checks every flag and reports all problems, each
// as a *FlagError (joined with errors.Join when there are several); on error
// c is left unchanged.
func (c *Config) Apply(o Overrides) error {
	next := *c
	var toolchains, targets flagProblems
	next.Toolchains, toolchains = selectByName(o.Toolchains, c.Toolchains, "--toolchain", "toolchain", func(tc Toolchain) string { return tc.Name })
	next.Targets, targets = selectByName(o.Targets, c.Targets, "--target", "target", func(t Target) string { return t.Name })
	// In flag order: the later steps see the selected toolchains and
	// targets.
	problems := slices.Concat(toolchains, targets, next.applyAxes(o), next.applyRuns(o), next.applyEngine(o), next.applyPrepare(o))
	if len(problems) > 0 {
		return errors.Join(problems...)
	}
	*c = next
	return nil
}

// flagProblems are the problems of command-line flags, each a *FlagError.
type flagProblems []error

// add records a problem of flag.
func (p *flagProblems) add(flag, format string, args ...any) {
	*p = append(*p, &FlagError{Flag: flag, Msg: fmt.Sprintf(format, args...)})
}

// selectByName keeps the items of configured (toolchains or targets) that
// the values of flag name, in config order; every value may be a
// comma-separated list. No values keep them all. A name that is not
// configured, or values that name nothing, are problems.
func selectByName[T any](values []string, configured []T, flag, noun string, name func(T) string) ([]T, flagProblems) {
	if len(values) == 0 {
		return configured, nil
	}
	names := make([]string, len(configured))
	for i, item := range configured {
		names[i] = name(item)
	}
	keep, unknown := selectNames(values, names)
	var problems flagProblems
	for _, n := range unknown {
		problems.add(flag, "unknown %s %q (configured: %s)", noun, n, strings.Join(names, ", "))
	}
	if len(keep) == 0 && len(unknown) == 0 {
		problems.add(flag, "no %s name given (configured: %s)", noun, strings.Join(names, ", "))
	}
	return slices.DeleteFunc(slices.Clone(configured), func(item T) bool { return !keep[name(item)] }), problems
}

// applyAxes applies --protobuf, --cover and --arch, which replace their
// axes.
func (c *Config) applyAxes(o Overrides) flagProblems {
	var problems flagProblems
	if len(o.Protobuf) > 0 {
		versions := uniq(splitList(o.Protobuf))
		for _, v := range versions {
			if problem := moduleVersionProblem(v); problem != "" {
				problems.add("--protobuf", "%s", problem)
			}
		}
		if len(versions) == 0 {
			problems.add("--protobuf", `no version given (use a semantic version such as "v1.36.10")`)
		}
		c.Protobuf = versions
	}
	if len(o.Cover) > 0 {
		values, err := ParseCover(strings.Join(o.Cover, ","))
		if err != nil {
			problems.add("--cover", "%v", err)
		}
		c.Cover = values
	}
	if len(o.Arch) > 0 {
		arches := uniq(splitList(o.Arch))
		for _, a := range arches {
			if problem := archProblem(a); problem != "" {
				problems.add("--arch", "%s", problem)
			}
		}
		if len(arches) == 0 {
			problems.add("--arch", "no arch given (valid: %s, %s)", ArchNative, strings.Join(KnownArches(), ", "))
		}
		c.Arch = arches
	}
	return problems
}

// applyRuns applies --runs and --timeout.
func (c *Config) applyRuns(o Overrides) flagProblems {
	var problems flagProblems
	if o.Runs != 0 {
		if o.Runs < 1 || o.Runs > MaxRuns {
			problems.add("--runs", "must be between 1 and %d (got %d)", MaxRuns, o.Runs)
		}
		c.Runs = o.Runs
	}
	if o.Timeout == 0 {
		return problems
	}
	if o.Timeout < 0 {
		problems.add("--timeout", "must be greater than 0 (got %v)", o.Timeout)
		return problems
	}
	// The flag wins over every target's own timeout too: a user who types
	// --timeout means it for every run.
	c.Timeout = Duration(o.Timeout)
	c.Targets = slices.Clone(c.Targets)
	for i := range c.Targets {
		c.Targets[i].Timeout = 0
	}
	for _, t := range c.Targets {
		if t.Pass.AliveFor > 0 && t.Pass.AliveFor.D() >= t.RunTimeout(c) {
			problems.add("--timeout", "%v is not longer than pass.aliveFor %v of target %q: its runs would time out first", t.RunTimeout(c), t.Pass.AliveFor.D(), t.Name)
		}
	}
	return problems
}

// applyEngine applies --engine and --pull.
func (c *Config) applyEngine(o Overrides) flagProblems {
	var problems flagProblems
	if o.Engine != "" {
		engine := strings.TrimSpace(o.Engine)
		if problem := engineProblem(engine, ""); problem != "" {
			problems.add("--engine", "%s", problem)
		}
		// The flag wins over every toolchain's own engine too.
		c.Engine = engine
		c.Toolchains = slices.Clone(c.Toolchains)
		for i := range c.Toolchains {
			c.Toolchains[i].Engine = ""
		}
	}
	if o.Pull != "" {
		pull := strings.TrimSpace(o.Pull)
		if problem := pullProblem(pull, ""); problem != "" {
			problems.add("--pull", "%s", problem)
		}
		c.Pull = pull
	}
	return problems
}

// applyPrepare applies --prepare, which replaces the prepare commands of
// the package targets.
func (c *Config) applyPrepare(o Overrides) flagProblems {
	if len(o.Prepare) == 0 {
		return nil
	}
	var problems flagProblems
	commands := make([][]string, 0, len(o.Prepare))
	for _, line := range o.Prepare {
		argv, err := SplitCommand(line)
		switch {
		case err != nil:
			problems.add("--prepare", "%q: %v", line, err)
		case len(argv) == 0:
			problems.add("--prepare", "empty command: give the program and its arguments, such as --prepare 'go generate ./...'")
		case strings.TrimSpace(argv[0]) == "":
			problems.add("--prepare", "%q: %q is not a program: name the program to run first, such as go", line, argv[0])
		default:
			commands = append(commands, argv)
		}
	}
	c.Targets = slices.Clone(c.Targets)
	var packages int
	for i := range c.Targets {
		if c.Targets[i].Kind == TargetPackage {
			c.Targets[i].Prepare = commands
			packages++
		}
	}
	if packages == 0 {
		problems.add("--prepare", "prepares the module of a target of kind %q, and no selected target is one (targets: %s)", TargetPackage, strings.Join(targetKindList(c.Targets), ", "))
	}
	return problems
}

// targetKindList lists targets as name (kind), for messages.
func targetKindList(targets []Target) []string {
	list := make([]string, len(targets))
	for i, t := range targets {
		list[i] = fmt.Sprintf("%s (%s)", t.Name, t.Kind)
	}
	return list
}

// selectNames splits the flag values into names and returns the set of
// configured names among them and, in flag order, those not configured.
func selectNames(values, configured []string) (keep map[string]bool, unknown []string) {
	keep = map[string]bool{}
	for _, name := range uniq(splitList(values)) {
		if slices.Contains(configured, name) {
			keep[name] = true
		} else {
			unknown = append(unknown, name)
		}
	}
	return keep, unknown
}

// uniq drops repeated items, keeping the first of each.
func uniq(items []string) []string {
	var out []string
	for _, item := range items {
		if !slices.Contains(out, item) {
			out = append(out, item)
		}
	}
	return out
}

// String describes the overrides in flag syntax, for logs and reports; it
// is empty when o changes nothing.
func (o Overrides) String() string {
	var parts []string
	add := func(flag string, values []string) {
		if items := splitList(values); len(items) > 0 {
			parts = append(parts, flag+"="+strings.Join(items, ","))
		}
	}
	add("--toolchain", o.Toolchains)
	add("--protobuf", o.Protobuf)
	add("--cover", o.Cover)
	add("--target", o.Targets)
	add("--arch", o.Arch)
	if o.Runs != 0 {
		parts = append(parts, "--runs="+strconv.Itoa(o.Runs))
	}
	if o.Timeout != 0 {
		parts = append(parts, "--timeout="+o.Timeout.String())
	}
	if engine := strings.TrimSpace(o.Engine); engine != "" {
		parts = append(parts, "--engine="+engine)
	}
	if pull := strings.TrimSpace(o.Pull); pull != "" {
		parts = append(parts, "--pull="+pull)
	}
	for _, line := range o.Prepare {
		parts = append(parts, "--prepare="+QuoteWord(line))
	}
	return strings.Join(parts, " ")
}
