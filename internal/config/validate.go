package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/mod/semver"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// This file holds the semantic checks Parse runs after decoding. They use
// the decoder's record of where each value is to point at it, and skip
// values that are absent or failed to decode (those are reported already).

// validate checks c, decoded from the file, and resolves relative paths
// against the config directory dir.
func (d *decoder) validate(c *Config, dir string) {
	d.requireList("toolchains", len(c.Toolchains), `at least one toolchain, such as {"name": "local", "kind": "local"}`)
	d.requireList("protobuf", len(c.Protobuf), `at least one google.golang.org/protobuf version, such as ["v1.36.10"]`)
	d.requireList("targets", len(c.Targets), `at least one target, such as {"name": "repro", "kind": "repro"}`)

	toolchainNames := map[string]string{}
	for i := range c.Toolchains {
		d.validateToolchain(&c.Toolchains[i], indexPath("toolchains", i), dir, toolchainNames)
	}
	for i, v := range c.Protobuf {
		if p := indexPath("protobuf", i); d.has(p) {
			if problem := moduleVersionProblem(v); problem != "" {
				d.errorValue(p, problem)
			}
		}
	}
	d.noDuplicates("protobuf", len(c.Protobuf), func(i int) string { return c.Protobuf[i] }, "version")
	d.nonEmptyList("cover", len(c.Cover), "[false, true]", "[false]")
	d.noDuplicates("cover", len(c.Cover), func(i int) string { return fmt.Sprint(c.Cover[i]) }, "value")
	d.nonEmptyList("arch", len(c.Arch), `["native", "amd64"]`, `["native"]`)
	for i, a := range c.Arch {
		if p := indexPath("arch", i); d.has(p) {
			if problem := archProblem(a); problem != "" {
				d.errorValue(p, problem)
			}
		}
	}
	d.noDuplicates("arch", len(c.Arch), func(i int) string { return c.Arch[i] }, "arch")

	targetNames := map[string]string{}
	for i := range c.Targets {
		d.validateTarget(&c.Targets[i], indexPath("targets", i), dir, targetNames, c)
	}
	if d.has("runs") && (c.Runs < 1 || c.Runs > MaxRuns) {
		d.errorValue("runs", fmt.Sprintf("must be between 1 and %d (got %d)", MaxRuns, c.Runs))
	}
	if d.has("engine") && c.Engine != "" {
		if problem := engineProblem(c.Engine, "; leave the field out to use whichever is installed"); problem != "" {
			d.errorValue("engine", problem)
		}
	}
	if d.has("pull") && c.Pull != "" {
		if problem := pullProblem(c.Pull, "; leave the field out for "+DefaultPull); problem != "" {
			d.errorValue("pull", problem)
		}
	}
}

// requireList reports a list that is missing or empty.
func (d *decoder) requireList(path string, length int, what string) {
	switch {
	case d.bad[path]:
	case !d.has(path):
		d.errorValue(path, "missing required field: list "+what)
	case length == 0:
		d.errorValue(path, "empty: list "+what)
	}
}

// nonEmptyList reports an optional list that is present but empty.
func (d *decoder) nonEmptyList(path string, length int, example, dflt string) {
	if d.has(path) && length == 0 {
		d.errorValue(path, fmt.Sprintf("empty: list the values to try, such as %s, or leave the field out for %s", example, dflt))
	}
}

// noDuplicates reports list elements equal to an earlier one.
func (d *decoder) noDuplicates(list string, length int, value func(int) string, noun string) {
	first := map[string]int{}
	for i := range length {
		p := indexPath(list, i)
		if !d.has(p) {
			continue
		}
		v := value(i)
		if j, ok := first[v]; ok {
			q := indexPath(list, j)
			d.errorValue(p, fmt.Sprintf("duplicate %s %s (also at %s, %s); list each once", noun, quoteIfString(d.values[p], v), q, d.lineColOf(q)))
			continue
		}
		first[v] = i
	}
}

func quoteIfString(n *node, v string) string {
	if n.kind == nodeString {
		return fmt.Sprintf("%q", v)
	}
	return v
}

// checkName validates the name of a toolchain or target and that it is
// unique among names (name → path of its first use).
func (d *decoder) checkName(path, noun, name, example string, names map[string]string) {
	p := path + ".name"
	switch {
	case d.bad[p]:
		return
	case !d.has(p):
		d.errorValue(p, fmt.Sprintf("missing required field: a %s name such as %q", noun, example))
		return
	}
	if problem := nameProblem(name); problem != "" {
		d.errorValue(p, problem)
		return
	}
	if other, ok := names[name]; ok {
		d.errorValue(p, fmt.Sprintf("duplicate %s name %q (also used by %s at %s); names must be unique", noun, name, other, d.lineColOf(other+".name")))
		return
	}
	names[name] = path
}

// checkKind validates an object's kind and the fields present for it, and
// reports whether the kind is known. kinds maps each kind to the fields it
// allows besides common; reasons explains (by field) why a field of another
// kind is not allowed for this one.
func (d *decoder) checkKind(path, kind string, kinds map[string][]string, common []string, reasons map[string]string, valid string) bool {
	p := path + ".kind"
	switch {
	case d.bad[p]:
		return false
	case !d.has(p):
		d.errorValue(p, fmt.Sprintf("missing required field (valid: %s)", valid))
		return false
	}
	own, ok := kinds[kind]
	if !ok {
		d.errorValue(p, fmt.Sprintf("unknown kind %q (valid: %s)", kind, valid))
		return false
	}
	allowed := slices.Concat(common, own)
	var only []string // fields of other kinds
	for _, fields := range kinds {
		only = append(only, fields...)
	}
	for _, f := range d.values[path].fields {
		if slices.Contains(only, f.key) && !slices.Contains(allowed, f.key) {
			why := ""
			if reason, ok := reasons[f.key]; ok {
				why = ": " + reason
			}
			d.errorKey(fieldPath(path, f.key), fmt.Sprintf("not allowed for kind %q%s (fields for kind %q: %s)", kind, why, kind, strings.Join(allowed, ", ")))
		}
	}
	return true
}

// requireString reports a string field required by kind that is missing or
// empty.
func (d *decoder) requireString(path, value, kind, what string) bool {
	switch {
	case d.bad[path]:
		return false
	case !d.has(path):
		d.errorValue(path, fmt.Sprintf("missing required field for kind %q: %s", kind, what))
		return false
	case value == "":
		d.errorValue(path, "must not be empty: "+what)
		return false
	}
	return true
}

func (d *decoder) validateToolchain(tc *Toolchain, path, dir string, names map[string]string) {
	if !d.has(path) {
		return
	}
	d.checkName(path, "toolchain", tc.Name, "go1.27.3", names)
	if p := path + ".expectGo"; d.has(p) {
		if problem := goVersionProblem(tc.ExpectGo, false); problem != "" {
			d.errorValue(p, problem)
		}
	}
	if !d.checkKind(path, tc.Kind, toolchainKinds(), []string{"name", "kind", "expectGo"}, nil, validToolchainKinds) {
		return
	}
	switch tc.Kind {
	case KindGotoolchain:
		p := path + ".version"
		if d.requireString(p, tc.Version, tc.Kind, `the exact Go release to fetch, such as "go1.27.3"`) {
			if problem := goVersionProblem(tc.Version, true); problem != "" {
				d.errorValue(p, problem)
			}
		}
	case KindGosource:
		d.checkGosource(path, tc, dir)
	case KindGoroot:
		p := path + ".goroot"
		if d.requireString(p, tc.GOROOT, tc.Kind, `the directory of an installed Go, such as "/usr/local/go" (absolute or relative to the config file)`) {
			if strings.HasPrefix(tc.GOROOT, "~") {
				d.errorValue(p, fmt.Sprintf("%q starts with \"~\", which is not expanded: write the absolute path", tc.GOROOT))
			} else if !filepath.IsAbs(tc.GOROOT) {
				tc.GOROOT = filepath.Join(dir, tc.GOROOT)
			}
		}
	case KindImage:
		p := path + ".image"
		if d.requireString(p, tc.Image, tc.Kind, `the builder image, such as "docker.io/library/golang:1.25"`) {
			d.checkImage(p, tc.Image)
		}
	}
	d.checkRunFields(path, tc)
}

// checkRunFields checks where a toolchain's binaries run: its
// runtimeImage, platform and engine. A host toolchain (every kind but
// image) runs them on this host unless it names a runtimeImage, which
// its platform and engine then need.
func (d *decoder) checkRunFields(path string, tc *Toolchain) {
	leaveOut := "or leave the field out to run it in the builder image"
	if tc.Kind != KindImage {
		leaveOut = "or leave the field out to run it on this host"
	}
	if p := path + ".runtimeImage"; d.has(p) {
		if tc.RuntimeImage == "" {
			d.errorValue(p, "must not be empty: the image the binary runs in, "+leaveOut)
		} else {
			d.checkImage(p, tc.RuntimeImage)
		}
	}
	if p := path + ".platform"; d.has(p) && !platformRE.MatchString(tc.Platform) {
		d.errorValue(p, fmt.Sprintf(`invalid platform %q: use os/arch[/variant] such as "linux/arm64" or "linux/arm/v7"`, tc.Platform))
	} else if problem := ParsePlatform(tc.Platform).variantProblem(); d.has(p) && problem != "" {
		d.errorValue(p, fmt.Sprintf("invalid platform %q: %s", tc.Platform, problem))
	}
	if p := path + ".engine"; d.has(p) && tc.Engine != "" {
		if problem := engineProblem(tc.Engine, "; leave the field out to use whichever is installed"); problem != "" {
			d.errorValue(p, problem)
		}
	}
	if tc.Kind == KindImage || d.has(path+".runtimeImage") {
		return
	}
	for _, f := range []string{"platform", "engine"} {
		if p := path + "." + f; d.has(p) {
			d.errorKey(p, fmt.Sprintf(`needs "runtimeImage" for kind %q: a %s toolchain runs its binaries on this host, or, given a runtimeImage, in that image for this platform under the engine (to build for another arch and run here, use the "arch" axis)`, tc.Kind, tc.Kind))
		}
	}
}

func (d *decoder) checkImage(path, image string) {
	if strings.ContainsFunc(image, func(r rune) bool { return r <= ' ' }) {
		d.errorValue(path, fmt.Sprintf(`invalid image reference %q: it must not contain spaces (such as "docker.io/library/golang:1.25")`, image))
	}
}

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (d *decoder) validateTarget(t *Target, path, dir string, names map[string]string, c *Config) {
	if !d.has(path) {
		return
	}
	d.checkName(path, "target", t.Name, "controller", names)
	d.checkEnv(path+".env", t.Env, nil)
	d.checkEnv(path+".buildEnv", t.BuildEnv, map[string]string{
		"GOARCH":      `set by gorepro from the "arch" axis; remove it`,
		"GOTOOLCHAIN": `set by gorepro from the toolchain; remove it`,
		"CGO_ENABLED": `set by gorepro from the target's "cgo" field; remove it`,
	})
	for i, flag := range t.BuildFlags {
		p := indexPath(path+".buildFlags", i)
		name, _, _ := strings.Cut(strings.TrimPrefix(flag, "-"), "=")
		switch name {
		case "-cover", "-o":
			name = name[1:]
		}
		switch name {
		case "cover":
			d.errorValue(p, fmt.Sprintf(`%q is set by gorepro from the "cover" axis; remove it`, flag))
		case "o":
			d.errorValue(p, fmt.Sprintf("%q is set by gorepro, which chooses where binaries go; remove it", flag))
		}
	}
	for _, mod := range slices.Sorted(maps.Keys(t.Modules)) {
		p := path + ".modules." + mod
		v := t.Modules[mod]
		switch {
		case module.CheckPath(mod) != nil:
			d.errorValue(p, fmt.Sprintf("%q is not a module path: %v", mod, module.CheckPath(mod)))
		case mod == "google.golang.org/protobuf":
			d.errorValue(p, `protobuf versions come from the "protobuf" axis; remove it here`)
		case !semver.IsValid(v) || semver.Canonical(v) != v:
			d.errorValue(p, fmt.Sprintf("%q is not a canonical module version such as v0.30.0", v))
		}
	}
	d.validatePass(t, path, c)
	if !d.checkKind(path, t.Kind, targetKinds(), []string{"name", "kind"}, targetFieldReasons()[t.Kind], validTargetKinds) {
		return
	}
	switch t.Kind {
	case TargetPackage:
		d.validatePackageTarget(t, path, dir)
	case TargetDockerfile:
		d.validateDockerfileTarget(t, path, dir)
	}
}

// validatePackageTarget checks the fields of a target of kind package.
func (d *decoder) validatePackageTarget(t *Target, path, dir string) {
	modulePath := ""
	p := path + ".dir"
	if d.requireString(p, t.Dir, t.Kind, `the root of your Go module, relative to the config file (such as "../app"; "." is the config file's directory)`) {
		if !filepath.IsAbs(t.Dir) {
			t.Dir = filepath.Join(dir, t.Dir)
		}
		given := d.values[p].text
		modulePath = d.checkModuleDir(p, given, t.Dir)
	}
	p = path + ".package"
	if d.requireString(p, t.Package, t.Kind, `the main package to build, such as "." or "./cmd/controller"`) {
		if problem := packageProblem(t.Package, modulePath); problem != "" {
			d.errorValue(p, problem)
		}
	}
	d.validatePrepare(t, path+".prepare")
	if p := path + ".prepareWith"; d.has(p) {
		switch t.PrepareWith {
		case PrepareToolchain, PrepareLocal:
			if len(t.Prepare) == 0 {
				d.errorValue(p, `prepareWith says which Go runs the prepare commands, and there are none: add "prepare" or remove it`)
			}
		default:
			d.errorValue(p, fmt.Sprintf(`unknown value %q; use "toolchain" (the cell's toolchain runs the prepare commands' go, the default) or "local" (the go on PATH)`, t.PrepareWith))
		}
	}
}

// validatePrepare checks the prepare commands of a package target: a
// non-empty list of non-empty argv arrays whose program is named.
func (d *decoder) validatePrepare(t *Target, path string) {
	if !d.has(path) {
		return
	}
	const example = `["go", "generate", "./pkg/audit"]`
	if len(t.Prepare) == 0 {
		d.errorValue(path, "empty: list the commands that make the module buildable, such as ["+example+"], or leave the field out")
		return
	}
	for i, argv := range t.Prepare {
		p := indexPath(path, i)
		if !d.has(p) {
			continue
		}
		if len(argv) == 0 {
			d.errorValue(p, "empty command: write the program and its arguments, one string each, such as "+example+", or remove it")
			continue
		}
		q := indexPath(p, 0)
		if !d.has(q) {
			continue
		}
		// A command line written as one string is replaced as a whole.
		if problem, whole := programProblem(argv); whole {
			d.errorValue(p, problem)
		} else if problem != "" {
			d.errorValue(q, problem)
		}
	}
}

// validateDockerfileTarget checks the fields of a target of kind
// dockerfile and makes its paths absolute.
func (d *decoder) validateDockerfileTarget(t *Target, path, dir string) {
	p := path + ".dockerfile"
	if d.requireString(p, t.Dockerfile, t.Kind, `the path of your Dockerfile, relative to the config file (such as "../app/Dockerfile")`) {
		if !filepath.IsAbs(t.Dockerfile) {
			t.Dockerfile = filepath.Join(dir, t.Dockerfile)
		}
		d.checkPath(p, t.Dockerfile, false, "dockerfile must be the path of a Dockerfile, relative to the config file")
	}
	if p := path + ".context"; d.has(p) {
		if t.Context == "" {
			d.errorValue(p, "must not be empty: the build context directory, relative to the config file, or leave the field out to use the Dockerfile's directory")
		} else {
			if !filepath.IsAbs(t.Context) {
				t.Context = filepath.Join(dir, t.Context)
			}
			d.checkPath(p, t.Context, true, "context must be the build context directory, relative to the config file")
		}
	}
	if p := path + ".buildArgs"; d.has(p) {
		for _, f := range d.values[p].fields {
			q := fieldPath(p, f.key)
			if !envNameRE.MatchString(f.key) {
				d.errorKey(q, fmt.Sprintf("invalid build-arg name %q (names must match %s)", f.key, envNameRE))
				continue
			}
			if !d.has(q) {
				continue
			}
			if problem := buildArgProblem(f.key, t.BuildArgs[f.key]); problem != "" {
				d.errorValue(q, problem)
			}
		}
	}
	if p := path + ".stage"; d.has(p) {
		switch {
		case t.Stage == "":
			d.errorValue(p, "must not be empty: the Dockerfile stage to build (--target), or leave the field out to build the last stage")
		case stageNameProblem(t.Stage) != "":
			d.errorValue(p, stageNameProblem(t.Stage))
		}
	}
	d.validateFromFields(t, path)
}

// checkPath checks that abs, the absolute form of the value at path,
// exists and is a directory (wantDir) or a file; what says what the field
// must be.
func (d *decoder) checkPath(path, abs string, wantDir bool, what string) {
	where := abs
	if given := d.values[path].text; given != abs {
		where = fmt.Sprintf("%q resolves to %s", given, abs)
	}
	info, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.errorValue(path, fmt.Sprintf("%s, which does not exist (%s)", where, what))
	case err != nil:
		d.errorValue(path, fmt.Sprintf("%s, which cannot be read: %v", where, err))
	case wantDir && !info.IsDir():
		d.errorValue(path, fmt.Sprintf("%s, which is not a directory (%s)", where, what))
	case !wantDir && info.IsDir():
		d.errorValue(path, fmt.Sprintf("%s, which is a directory (%s)", where, what))
	}
}

// checkModuleDir checks that abs (written as given) is the root of a Go
// module and returns the module path, or "" if it cannot be read.
func (d *decoder) checkModuleDir(path, given, abs string) string {
	where := fmt.Sprintf("%q resolves to %s", given, abs)
	if given == abs {
		where = abs
	}
	info, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.errorValue(path, where+", which does not exist (dir must be the root of a Go module, relative to the config file)")
		return ""
	case err != nil:
		d.errorValue(path, fmt.Sprintf("%s, which cannot be read: %v", where, err))
		return ""
	case !info.IsDir():
		d.errorValue(path, where+", which is not a directory (dir must be the root of a Go module)")
		return ""
	}
	gomod := filepath.Join(abs, "go.mod")
	data, err := os.ReadFile(gomod)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.errorValue(path, where+", which has no go.mod (dir must be the root of a Go module)")
		return ""
	case err != nil:
		d.errorValue(path, fmt.Sprintf("%s: cannot read go.mod: %v", where, err))
		return ""
	}
	return modfile.ModulePath(data)
}

// packageProblem explains why pkg cannot name the main package of module
// modulePath ("" when unknown), or returns "".
func packageProblem(pkg, modulePath string) string {
	const valid = `use "." or a path starting with "./" inside dir, or an import path inside the module`
	if pkg == "." {
		return ""
	}
	if strings.HasPrefix(pkg, "/") || filepath.IsAbs(pkg) {
		return fmt.Sprintf("%q is an absolute path: %s", pkg, valid)
	}
	elems := strings.Split(pkg, "/")
	if slices.Contains(elems, "..") {
		return fmt.Sprintf("%q leaves the module: %s", pkg, valid)
	}
	if strings.Contains(pkg, "...") {
		return fmt.Sprintf("%q is a pattern: name one main package (%s)", pkg, valid)
	}
	if rest, ok := strings.CutPrefix(pkg, "./"); ok {
		if clean := path.Clean(rest); clean != rest || clean == "." {
			suggestion := "./" + clean
			if clean == "." {
				suggestion = "."
			}
			return fmt.Sprintf("%q is not a clean relative path: did you mean %q?", pkg, suggestion)
		}
		return ""
	}
	if err := module.CheckImportPath(pkg); err != nil {
		return fmt.Sprintf("invalid package %q: %v (%s)", pkg, err, valid)
	}
	if modulePath != "" && pkg != modulePath && !strings.HasPrefix(pkg, modulePath+"/") {
		return fmt.Sprintf("%q is not inside module %q (from dir's go.mod): did you mean %q?", pkg, modulePath, "./"+pkg)
	}
	return ""
}

// checkEnv validates the variable names of an env object; reserved maps
// names that may not be set to the reason.
func (d *decoder) checkEnv(path string, env map[string]string, reserved map[string]string) {
	if !d.has(path) {
		return
	}
	for _, f := range d.values[path].fields {
		p := fieldPath(path, f.key)
		if !envNameRE.MatchString(f.key) {
			d.errorKey(p, fmt.Sprintf("invalid environment variable name %q (names must match %s)", f.key, envNameRE))
		} else if why, ok := reserved[f.key]; ok {
			d.errorKey(p, why)
		}
	}
}

func (d *decoder) validatePass(t *Target, path string, c *Config) {
	p := path + ".pass"
	if !d.has(p) {
		return
	}
	codes := p + ".exitCodes"
	if d.has(codes) && len(t.Pass.ExitCodes) == 0 {
		d.errorValue(codes, "empty: list the exit statuses that pass, such as [0], or leave the field out for [0]")
	}
	for i, code := range t.Pass.ExitCodes {
		if q := indexPath(codes, i); d.has(q) && (code < 0 || code > 255) {
			d.bad[q] = true
			d.errorValue(q, fmt.Sprintf("exit code %d out of range (valid: 0 to 255)", code))
		}
	}
	d.noDuplicates(codes, len(t.Pass.ExitCodes), func(i int) string { return fmt.Sprint(t.Pass.ExitCodes[i]) }, "exit code")
	if q := p + ".logMatches"; d.has(q) {
		if t.Pass.LogMatches == "" {
			d.errorValue(q, "must not be empty: a regular expression (RE2) that some output line must match, or leave the field out")
		} else if _, err := regexp.Compile(t.Pass.LogMatches); err != nil {
			d.errorValue(q, fmt.Sprintf("invalid regular expression: %v (RE2 syntax: https://golang.org/s/re2syntax)", err))
		}
	}
	alive := p + ".aliveFor"
	if !d.has(alive) || d.bad[path+".timeout"] || d.bad["timeout"] {
		return
	}
	timeoutPath, timeout := path+".timeout", t.Timeout.D()
	if !d.has(timeoutPath) {
		timeoutPath, timeout = "timeout", c.Timeout.D()
		if !d.has(timeoutPath) {
			timeoutPath, timeout = "the default timeout", DefaultTimeout
		}
	}
	if t.Pass.AliveFor.D() >= timeout {
		d.errorValue(alive, fmt.Sprintf("%v is not shorter than the run timeout %v (%s): the run would time out first; make aliveFor shorter", t.Pass.AliveFor.D(), timeout, timeoutPath))
	}
}

// checkGosource validates the fields of a kind gosource toolchain: repo
// and rev required; a local repo and a bootstrap made absolute against
// the config's directory.
func (d *decoder) checkGosource(path string, tc *Toolchain, dir string) {
	p := path + ".repo"
	if d.requireString(p, tc.Repo, tc.Kind, `the Go repository: a local clone such as "../go" or a URL such as "https://go.googlesource.com/go"`) {
		if strings.HasPrefix(tc.Repo, "~") {
			d.errorValue(p, fmt.Sprintf("%q starts with \"~\", which is not expanded: write the absolute path", tc.Repo))
		} else if !strings.Contains(tc.Repo, "://") && !strings.HasPrefix(tc.Repo, "git@") && !filepath.IsAbs(tc.Repo) {
			tc.Repo = filepath.Join(dir, tc.Repo)
		}
	}
	p = path + ".rev"
	if d.requireString(p, tc.Rev, tc.Kind, `the commit to build: a hash, a tag such as "go1.25.5" or a branch`) && strings.HasPrefix(tc.Rev, "-") {
		d.errorValue(p, fmt.Sprintf("%q is not a revision", tc.Rev))
	}
	if p := path + ".bootstrap"; d.has(p) && tc.Bootstrap != "" && !filepath.IsAbs(tc.Bootstrap) {
		tc.Bootstrap = filepath.Join(dir, tc.Bootstrap)
	}
}
