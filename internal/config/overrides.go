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
}

// Apply applies o to c. It checks every flag and reports all problems, each
// as a *FlagError (joined with errors.Join when there are several); on error
// c is left unchanged.
func (c *Config) Apply(o Overrides) error {
	next := *c
	var errs []error
	fail := func(flag, format string, args ...any) {
		errs = append(errs, &FlagError{Flag: flag, Msg: fmt.Sprintf(format, args...)})
	}

	if len(o.Toolchains) > 0 {
		configured := make([]string, len(c.Toolchains))
		for i, tc := range c.Toolchains {
			configured[i] = tc.Name
		}
		keep, unknown := selectNames(o.Toolchains, configured)
		for _, name := range unknown {
			fail("--toolchain", "unknown toolchain %q (configured: %s)", name, strings.Join(configured, ", "))
		}
		if len(keep) == 0 && len(unknown) == 0 {
			fail("--toolchain", "no toolchain name given (configured: %s)", strings.Join(configured, ", "))
		}
		next.Toolchains = slices.DeleteFunc(slices.Clone(c.Toolchains), func(tc Toolchain) bool { return !keep[tc.Name] })
	}

	if len(o.Targets) > 0 {
		configured := make([]string, len(c.Targets))
		for i, t := range c.Targets {
			configured[i] = t.Name
		}
		keep, unknown := selectNames(o.Targets, configured)
		for _, name := range unknown {
			fail("--target", "unknown target %q (configured: %s)", name, strings.Join(configured, ", "))
		}
		if len(keep) == 0 && len(unknown) == 0 {
			fail("--target", "no target name given (configured: %s)", strings.Join(configured, ", "))
		}
		next.Targets = slices.DeleteFunc(slices.Clone(c.Targets), func(t Target) bool { return !keep[t.Name] })
	}

	if len(o.Protobuf) > 0 {
		versions := uniq(splitList(o.Protobuf))
		for _, v := range versions {
			if problem := moduleVersionProblem(v); problem != "" {
				fail("--protobuf", "%s", problem)
			}
		}
		if len(versions) == 0 {
			fail("--protobuf", `no version given (use a semantic version such as "v1.36.10")`)
		}
		next.Protobuf = versions
	}

	if len(o.Cover) > 0 {
		values, err := ParseCover(strings.Join(o.Cover, ","))
		if err != nil {
			fail("--cover", "%v", err)
		}
		next.Cover = values
	}

	if len(o.Arch) > 0 {
		arches := uniq(splitList(o.Arch))
		for _, a := range arches {
			if problem := archProblem(a); problem != "" {
				fail("--arch", "%s", problem)
			}
		}
		if len(arches) == 0 {
			fail("--arch", "no arch given (valid: %s, %s)", ArchNative, strings.Join(KnownArches(), ", "))
		}
		next.Arch = arches
	}

	if o.Runs != 0 {
		if o.Runs < 1 || o.Runs > MaxRuns {
			fail("--runs", "must be between 1 and %d (got %d)", MaxRuns, o.Runs)
		}
		next.Runs = o.Runs
	}

	if o.Timeout != 0 {
		if o.Timeout < 0 {
			fail("--timeout", "must be greater than 0 (got %v)", o.Timeout)
		} else {
			// The flag wins over every target's own timeout too: a user who
			// types --timeout means it for every run.
			next.Timeout = Duration(o.Timeout)
			next.Targets = slices.Clone(next.Targets)
			for i := range next.Targets {
				next.Targets[i].Timeout = 0
			}
			for _, t := range next.Targets {
				if t.Pass.AliveFor > 0 && t.Pass.AliveFor.D() >= t.RunTimeout(&next) {
					fail("--timeout", "%v is not longer than pass.aliveFor %v of target %q: its runs would time out first", t.RunTimeout(&next), t.Pass.AliveFor.D(), t.Name)
				}
			}
		}
	}

	if o.Engine != "" {
		engine := strings.TrimSpace(o.Engine)
		if problem := engineProblem(engine, ""); problem != "" {
			fail("--engine", "%s", problem)
		}
		// The flag wins over every toolchain's own engine too.
		next.Engine = engine
		next.Toolchains = slices.Clone(next.Toolchains)
		for i := range next.Toolchains {
			next.Toolchains[i].Engine = ""
		}
	}

	if o.Pull != "" {
		pull := strings.TrimSpace(o.Pull)
		if problem := pullProblem(pull, ""); problem != "" {
			fail("--pull", "%s", problem)
		}
		next.Pull = pull
	}

	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	*c = next
	return nil
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
	return strings.Join(parts, " ")
}
