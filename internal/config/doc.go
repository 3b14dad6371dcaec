// Package config reads and validates toolchains.json, the file that
// describes gorepro's matrix: which Go toolchains build which targets,
// against which google.golang.org/protobuf versions, with and without
// -cover, for which GOARCH values, and how each binary is run and judged.
//
// This comment is the reference for the file format.
//
// # Example
//
//	{
//	  "toolchains": [
//	    {"name": "local", "kind": "local"},
//	    {"name": "go1.27.3", "kind": "gotoolchain", "version": "go1.27.3"},
//	    {"name": "sdk-1.25.5", "kind": "goroot", "goroot": "/home/me/sdk/go1.25.5"},
//	    {"name": "ubi9-go-1.25", "kind": "image", "image": "registry.access.redhat.com/ubi9/go-toolset:1.25",
//	     "runtimeImage": "registry.access.redhat.com/ubi9/ubi-minimal:latest", "expectGo": "go1.25.3"}
//	  ],
//	  "protobuf": ["v1.33.0", "v1.36.10"],
//	  "cover": [false, true],
//	  "targets": [
//	    {"name": "repro", "kind": "repro"},
//	    {"name": "controller", "kind": "package", "dir": "../app", "package": "./cmd/controller",
//	     "args": ["--metrics-bind-address=0"], "env": {"FOO": "1"},
//	     "pass": {"exitCodes": [0], "logMatches": "Starting workers"}, "timeout": "30s"}
//	  ],
//	  "runs": 1,
//	  "timeout": "60s"
//	}
//
// # Top level
//
// The file holds exactly one JSON object with these fields:
//
//   - toolchains (required, non-empty array of objects): the Go toolchains
//     to build with; see Toolchains.
//   - protobuf (required, non-empty array of strings): the
//     google.golang.org/protobuf versions to build against. Each must be a
//     canonical semantic version of the v1 module: "v1.36.10", not "1.36.10"
//     or "v1.36".
//   - cover (optional array of booleans, default [false]): the values of
//     the -cover build flag to try; [false, true] tries both.
//   - arch (optional array of strings, default ["native"]): the GOARCH values
//     to build for. "native" is the host's own architecture; the others must
//     be GOARCH values Go supports on linux: 386, amd64, arm, arm64, loong64,
//     mips, mips64, mips64le, mipsle, ppc64, ppc64le, riscv64, s390x.
//     ["native", "amd64"] is "as the host builds, and as an amd64
//     Dockerfile default builds": on an arm64 host the amd64 cells run
//     emulated; on an amd64 host both name the same cells, which run once
//     (the run says so in one line and records it as "collapsed").
//   - targets (required, non-empty array of objects): what to build and run;
//     see Targets.
//   - runs (optional number, 1 to 1000, default 1): how often each binary
//     is run.
//   - timeout (optional duration, default "60s"): bounds one run of a binary
//     unless the target sets its own timeout.
//   - buildTimeout (optional duration, default "10m"): bounds one build.
//   - engine (optional string): the container engine, "podman" or "docker",
//     for image toolchains and dockerfile targets; a toolchain's own engine
//     wins over it. Left out (or ""), whichever is installed is used.
//   - pull (optional string, default "missing"): when the container engine
//     pulls images: "never" (use only images already present), "missing"
//     (pull those not present) or "always".
//   - $schema (optional string): the JSON Schema of the file, for editors
//     (the shipped toolchains.json names "./docs/toolchains.schema.json");
//     gorepro ignores it.
//
// Durations are strings in Go's time.ParseDuration syntax ("30s", "2m",
// "1m30s") and must be greater than zero. A field left out gets its
// default; null is not accepted in place of leaving a field out.
//
// Values in protobuf, cover and arch must each appear once.
//
// # Toolchains
//
// Every toolchain has:
//
//   - name (required): unique among toolchains; used in file and directory
//     names, so it must be 1 to 64 characters from A-Z a-z 0-9 . _ + -,
//     starting with a letter or digit (^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$).
//   - kind (required): one of local, goroot, gotoolchain, image, gosource.
//   - expectGo (optional): the Go version the toolchain must turn out to
//     have, such as "go1.25.3"; a different one is reported loudly. It must
//     be a Go version in the "go" form (go/version.IsValid).
//
// and, depending on its kind, these fields (a field of another kind is an
// error):
//
//   - local: nothing else. The go command on PATH, run with
//     GOTOOLCHAIN=local.
//   - goroot: goroot (required, non-empty), the directory of an installed
//     Go; <goroot>/bin/go is used. A relative path is relative to the
//     config file's directory and "~" is not expanded. It need not exist
//     when the file is read: cells of a missing GOROOT are reported as
//     unavailable.
//   - gotoolchain: version (required), the exact release the go command
//     fetches with GOTOOLCHAIN=<version>. It must be a release or release
//     candidate in the "go" form: "go1.27.3", "go1.27.0" or "go1.27rc1".
//     Language versions such as "go1.27" are rejected for Go 1.21 and later
//     (whose first release is "go1.27.0"), as are betas and suffixed
//     versions such as "go1.27.3-custom".
//   - gosource: repo (required), a Go repository: a local clone (only
//     read; relative to the config file's directory) or a URL (cloned once
//     into gorepro's cache); rev (required), the commit to build: a hash, a
//     tag such as "go1.25.5" or a branch; bootstrap (optional), the
//     GOROOT_BOOTSTRAP of its make.bash (default: the GOROOT of the go on
//     PATH); fast (optional, default false), allow a fast build on the
//     tools of an already built commit when only library files differ.
//     gorepro builds the commit's toolchain with make.bash into its cache,
//     once per commit's sources (see internal/gosource), and uses it as a
//     goroot toolchain; each cell records the commit and whether the
//     toolchain was built, reused, full or fast.
//   - local, goroot, gotoolchain and gosource (the host kinds) may also
//     have runtimeImage (optional), an image their binaries run in instead
//     of this host, with platform and engine (optional, only with
//     runtimeImage) as for kind image: the build runs on this host with
//     GOOS and GOARCH of the platform (default: the engine host's native
//     one) and GOARM of its variant ("linux/arm/v7", v6 and v5 set GOARM
//     7, 6 and 5, for kind image too; other arm variants are refused;
//     "linux/arm64/v8" sets nothing more), CGO_ENABLED=0 unless the
//     target sets cgo, and the binary runs
//     in the runtime image of that platform under the engine, emulated
//     (qemu-user through binfmt_misc, Rosetta) when the platform is not
//     the engine host's architecture. So a Mac's own Go, or a Go commit
//     built on a Mac, builds linux binaries that run where a Linux-only
//     crash lives: {"name": "local-linux", "kind": "local", "runtimeImage":
//     "registry.access.redhat.com/ubi9/ubi-minimal:latest", "platform":
//     "linux/amd64"}. The arch axis's "native" is the platform's
//     architecture, as for image toolchains; each cell records the engine,
//     the platform and the runtime image (results.json "container", with
//     no builder image) and whether it ran emulated, and its reproduce
//     commands run the binary in the runtime image.
//   - image: image (required), the container image that builds the binary;
//     runtimeImage (optional), the image it runs in (default: the builder
//     image); platform (optional), "os/arch[/variant]" such as "linux/arm64"
//     or "linux/arm/v7", where binaries run (default: the engine host's
//     native platform; with a runtimeImage the builder runs natively and
//     cross-compiles for it); engine (optional), "podman" or "docker" (default:
//     the top-level engine, else whichever is installed). Image references
//     must not contain spaces.
//
// # Targets
//
// Every target has:
//
//   - name (required): unique among targets, with the same rule as
//     toolchain names.
//   - kind (required): "repro", the generated minimal reproducer that
//     imports protobuf's detrand; "package", a main package of your own
//     module; "dockerfile", your own Dockerfile (see Dockerfile
//     targets); or "probe", gorepro's built-in environment probe (see
//     Probe targets).
//   - args (optional array of strings): arguments for the binary.
//   - env (optional object of strings): environment variables for the
//     binary. Names must match ^[A-Za-z_][A-Za-z0-9_]*$.
//   - pass (optional object): what counts as a passing run; see Pass rules.
//   - timeout (optional duration): bounds one run of this target's binary
//     instead of the top-level timeout.
//
// Targets of kind "repro" and "package" (not "dockerfile") may also have:
//
//   - buildEnv (optional object of strings): environment variables for go
//     build, with the same rule for names. GOARCH, GOTOOLCHAIN and
//     CGO_ENABLED are set by gorepro (from arch, the toolchain and cgo) and
//     are rejected here.
//   - buildFlags (optional array of strings): extra go build flags. -cover
//     (set from the cover axis) and -o (gorepro picks the output) are
//     rejected.
//   - cgo (optional boolean, default false): build with CGO_ENABLED=1
//     instead of 0.
//
// Targets of kind "package" also have (and only they may have):
//
//   - dir (required): the root of your Go module, relative to the config
//     file's directory (or absolute). It must exist, be a directory and
//     contain go.mod. After parsing, Target.Dir is absolute.
//   - package (required): the main package to build: "." or a clean
//     relative path starting with "./" ("./cmd/controller"), or an import
//     path inside the module named by dir's go.mod. Absolute paths, ".."
//     and "..." patterns are rejected.
//   - prepare (optional non-empty array of commands): what makes the module
//     buildable from a bare checkout, such as
//     [["go", "generate", "./pkg/audit"]] when a //go:embed file is
//     produced by go generate and ignored by git. Each command is a
//     non-empty array of strings, the program and its arguments, run
//     without a shell (write ["sh", "-c", "..."] for one), in order; a
//     program written with its arguments in one string, such as
//     "go generate ./...", is rejected. The commands run in a copy of the
//     module in gorepro's work directory, which the cell then builds: dir
//     itself is never written. The copy holds the module tree without
//     hidden directories such as .git, with file modes kept and relative
//     replace directories in go.mod made absolute (they keep pointing at
//     the originals); other relative paths that leave the module do not
//     resolve from the copy. A command whose program is "go" runs the
//     cell's toolchain's go command (for image toolchains: the go on PATH,
//     on the host); each command gets gorepro's environment with the
//     toolchain's GOTOOLCHAIN (and GOROOT) and GOWORK=off, and each is
//     bounded by buildTimeout. A command that fails (non-zero exit,
//     timeout, or cannot start) makes the cell a build-error naming the
//     command and its first error line; its whole output is in the build
//     log. The copy is re-used, without running the commands again, by
//     every cell with the same module tree, commands and toolchain. When
//     the build of a package target fails on a missing //go:embed file,
//     or, for a target without prepare, the failing package (or the main
//     package) has //go:generate lines, the reason says so and suggests
//     the prepare step. On the command line, the --prepare flags of
//     gorepro matrix and check (Overrides.Prepare: command lines split by
//     SplitCommand) replace the prepare of every selected package target.
//     the prepare step.
//   - prepareWith (optional, "toolchain" or "local"; only with prepare):
//     which Go runs a prepare command whose program is "go". "toolchain",
//     the default, is the cell's toolchain, as a Dockerfile that runs go
//     generate in its builder stage would: generated code then comes from
//     the Go under test, and a program that go run or go generate builds
//     (a generator) is built by it too, so a toolchain whose runtime
//     crashes crashes the generator, and the cell is a build-error that
//     names the crash ("a program built by the toolchain crashed while
//     preparing: taggedPointerPack …", recorded as the cell's buildCrash
//     with the stage, command and signature) rather than the target's own
//     crash. "local" runs the go on PATH (GOTOOLCHAIN=local, its own
//     GOROOT) instead: for generated code that does not depend on the
//     toolchain, so that every cell builds and the target itself runs.
//     Image toolchains always run prepare commands with the go on PATH,
//     on the host.
//
// # Probe targets
//
// A target of kind "probe" is a small program built into gorepro, built by
// every toolchain of the matrix for every arch like the reproducer. Neither
// the protobuf nor the cover axis applies: one cell per toolchain and
// arch, asking for no protobuf version and built without -cover (a -cover
// binary writes its coverage meta-data at exit through package os, which
// reaches the network poller: on an affected runtime the probe would die
// of the crash it is there to explain). It links no module, opens no file
// through package os (so it never reaches the network poller whose
// taggedPointerPack check crashed emulated binaries) and prints one JSON
// line of what it sees of the machine it runs on: the architecture it was
// compiled for, uname, the page size, the highest address of a few
// anonymous mmaps (and whether bit 47 is set: the address width an amd64
// runtime before Go 1.25.5 cannot pack), the CPU vendor from
// /proc/cpuinfo and the binfmt_misc handlers. The results show it as an
// Environment section. Besides name and kind, it allows only timeout.
//
// # Dockerfile targets
//
// A target of kind "dockerfile" is your own Dockerfile, built for every
// cell by the container engine (docker build or podman build) and run from
// the image it produces. The Dockerfile decides how to build, so dir,
// package, buildFlags, buildEnv, cgo and prepare are rejected; args, env,
// pass and timeout apply to the binary as for the other kinds. Its fields (only
// dockerfile targets may have them):
//
//   - dockerfile (required): the path of the Dockerfile, relative to the
//     config file's directory (or absolute). It must exist and be a file.
//     After parsing, Target.Dockerfile is absolute.
//   - context (optional): the build context directory, relative to the
//     config file's directory (or absolute); it must exist. Default: the
//     Dockerfile's directory. After parsing, Target.Context is absolute and
//     set.
//   - buildArgs (optional object of strings): the --build-arg values. Names
//     must match ^[A-Za-z_][A-Za-z0-9_]*$. Each value is a Go text/template
//     (https://pkg.go.dev/text/template) over the cell, with these fields:
//     {{.GOFLAGS}} ("-cover" in cells with cover on, else ""), {{.GOARCH}}
//     and {{.GOOS}} (the cell's target platform, such as "amd64" and
//     "linux"), {{.Image}} (the builder image of the cell's image
//     toolchain, pinned: the image the cell is keyed by, as
//     "repo@sha256:…" when a registry knows it, else its image ID; never
//     the configured tag, which may have moved), {{.GoVersion}} (the toolchain's Go version, such as
//     "go1.25.3") and {{.Protobuf}} (the cell's protobuf version, such as
//     "v1.36.10"). A template that does not parse, names another field (in
//     any branch) or fails to execute with sample values is rejected when
//     the file is read. See Target.RenderBuildArgs.
//   - stage (optional non-empty string): the stage to build (--target), as
//     named after AS in a FROM line; it must match
//     ^[A-Za-z0-9][A-Za-z0-9._-]*$. Left out, the last stage is built.
//   - builderStage or builderFrom (optional, at most one): the FROM lines
//     whose image the cell's builder image (the toolchain's "image")
//     replaces, for a Dockerfile that names its builder in a FROM line
//     rather than through {{.Image}}. builderStage is a stage name (the
//     word after AS, compared without regard to case, with stage's
//     syntax); builderFrom an image pattern, in which "*" stands for any
//     characters ("registry.access.redhat.com/ubi9/go-toolset:*"); a
//     pattern with neither tag nor digest matches the repository under
//     any tag or digest ("registry.access.redhat.com/ubi9/go-toolset"). A
//     pattern may select several FROM lines and replaces them all; it
//     never selects a FROM that names an earlier stage.
//   - runtimeStage or runtimeFrom (optional, at most one): the same for
//     the toolchain's runtimeImage, typically the last stage, which is
//     often unnamed: runtimeFrom "registry.access.redhat.com/ubi9/ubi-minimal".
//     With a toolchain without runtimeImage those FROM lines keep the
//     Dockerfile's image, and the cell says so. The images replace those
//     FROM lines pinned, as {{.Image}} is: by repository digest, else (an
//     image no registry knows) by image ID, never by the configured tag.
//
// When the file is read, the Dockerfile's FROM lines are parsed (package
// dockerfile: FROM [--platform=…] image [AS name], FROM and AS in any case,
// line continuations, comments, here-documents, the escape directive) and
// each of these fields must select at least one; the error names the
// Dockerfile, the field and lists the FROM lines there are. A stage built
// FROM another stage, a FROM line both a builder and a runtime field
// select, and an image word cut by a line continuation are errors too. A
// FROM whose image is a variable ("ARG BUILDER=golang:1.25" then "FROM
// ${BUILDER} AS builder") is matched by the variable's ARG default, and
// the whole reference is replaced, variable and all, whatever the build
// args say.
//
// For each cell gorepro writes a copy of the Dockerfile with those images
// replaced (nothing else of it changes) to its work directory
// (dockerfiles/<hash>.<name>), and builds that copy (--file) with the
// target's context; the Dockerfile itself is never written. The cell
// records the copy and each replaced FROM line (results.json "dockerfile":
// line, stage, role, from, to), the build log says it, and the cell's
// reproduce script remakes the copy from the Dockerfile with sed in a
// temporary directory before the build, so it runs on another machine.
// The Dockerfile's own .dockerignore in the context applies as before; a
// <name>.dockerignore next to the Dockerfile does not (the copy is
// elsewhere). The cache key of a cell includes these fields, and the
// Dockerfile and the images as ever.
//
// The protobuf axis cannot be applied to a Dockerfile target: the Dockerfile
// decides its modules, so gorepro cannot pin google.golang.org/protobuf in
// it, and such cells say so. A Dockerfile that wants to honour the axis can
// read {{.Protobuf}} through a build arg.
//
// For example, the postmortem's Dockerfile as it is: its builder stage
// "FROM registry.access.redhat.com/ubi9/go-toolset:1.25 AS builder" takes
// each toolchain's builder image, and its last stage "FROM
// registry.access.redhat.com/ubi9/ubi-minimal:latest" the runtime image:
//
//	{"name": "controller-image", "kind": "dockerfile", "dockerfile": "../kubernaut/docker/workflowexecution-controller.Dockerfile",
//	 "context": "../kubernaut", "builderStage": "builder", "runtimeFrom": "registry.access.redhat.com/ubi9/ubi-minimal",
//	 "buildArgs": {"GOARCH": "{{.GOARCH}}"}}
//
// Or, a controller built by a kubernaut-style Dockerfile, checked
// to get past package initialisation: the first line its main logs proves
// it, and without a cluster (cells run with no network) the controller then
// exits 1 for want of a kubeconfig, which passes too:
//
//	{"name": "controller-image", "kind": "dockerfile", "dockerfile": "../kubernaut/docker/workflowexecution-controller.Dockerfile",
//	 "context": "../kubernaut", "buildArgs": {"GOFLAGS": "{{.GOFLAGS}}", "GOARCH": "{{.GOARCH}}", "TARGETARCH": "{{.GOARCH}}"},
//	 "pass": {"exitCodes": [0, 1], "logMatches": "Starting WorkflowExecution Controller"}}
//
// # Pass rules
//
// The zero pass rule means: the run passes when the binary exits with
// status 0. Its fields:
//
//   - exitCodes (optional non-empty array of numbers 0 to 255, each once,
//     default [0]): the exit statuses that pass.
//   - logMatches (optional non-empty string): a regular expression (Go's
//     RE2 syntax) that some line of stdout or stderr must match, proving
//     start-up got past package initialisation.
//   - aliveFor (optional duration): the run passes when the process is
//     still alive after this long (for servers), and is then stopped;
//     logMatches, if set, must have matched by then. It must be shorter
//     than the target's run timeout.
//
// # Errors
//
// Parse and Load report every problem they find, not only the first, as
// Errors: one *Error per problem, in file order, each formatted as
//
//	toolchains.json:7:18: toolchains[2].kind: unknown kind "foo" (valid: local, goroot, gotoolchain, image, gosource)
//
// that is file:line:column (of the offending key or value; columns count
// bytes from 1), the JSON path of the element, and a message that says
// what would be valid. JSON syntax errors, trailing data after the object,
// unknown fields, repeated keys in one object, values of the wrong type,
// missing required fields and every rule above are reported this way.
//
// # JSON Schema
//
// Schema returns the JSON Schema (draft 2020-12) of the file, which
// `gorepro config schema` prints and docs/toolchains.schema.json holds. It
// is generated from the types of types.go (embedded, so the binary needs
// no source tree): their doc comments become the descriptions, and the
// kinds, the fields each kind takes, the enums, patterns, bounds and
// defaults are those Parse checks and applies. A config the schema accepts
// is one Parse accepts and the reverse, but for the rules a schema cannot
// state and Parse alone checks: unique names, repeated keys, paths that
// must exist, module and import paths, regular expressions and build-arg
// templates that must compile, aliveFor shorter than the run timeout, and
// whole numbers written as 1.0. The tests check that on the fuzz corpus, on
// one-value changes of valid configs, and on every config of the
// repository.
//
// # Command-line overrides
//
// Config.Apply narrows or replaces the axes from command-line flags
// (--toolchain, --target, --protobuf, --cover, --arch, --runs, --timeout,
// --engine, --pull; see Overrides) and reports bad values as *FlagError.
// --timeout replaces the run timeout of the config and of every target;
// --engine replaces the top-level engine and every toolchain's own (see
// Config.EngineFor); --pull replaces the pull policy. Config.MatrixHash
// identifies the applied matrix (recorded as matrixSHA256 in results.json).
//
// ParseToolchainSpec reads one toolchain written on the command line, as
// gorepro check's --toolchain takes it: local, goroot:PATH,
// gotoolchain:VERSION, a Go release (go1.27.3), or a configured name.
//
// # One cell
//
// OneCell is the matrix of one cell that gorepro check builds: a
// toolchain spec, a target (PackageTarget: the main package of a module
// directory, named after it; or a target named in an optional config,
// whose runs, timeouts, engine and pull policy are then the defaults), and
// one value of each other axis. OneCell.Config makes it a Config of exactly
// that cell; values that name no cell are *OptionError, --runs and
// --timeout out of range *FlagError. Target.WorkKey names a target's work
// directory, so that two checks of different modules never share binaries.
package config
