// Package toolchain turns a configured toolchain (config.Toolchain) into a
// Resolved one: the go command to execute, the environment every build with
// it must set, the Go version and GOROOT it reports, and an identity string
// that changes whenever the toolchain is replaced on disk.
//
// Resolution asks the go command itself, never guesses: it runs
// `go env -json GOVERSION GOROOT GOHOSTOS GOHOSTARCH` through proc.Run with
// an explicit GOTOOLCHAIN so the go command cannot silently switch to another
// release:
//
//   - local: the go on PATH with GOTOOLCHAIN=local.
//   - goroot: <goroot>/bin/go with GOTOOLCHAIN=local and GOROOT=<goroot>.
//   - gotoolchain: the local go with GOTOOLCHAIN=<version>; the go command
//     downloads that release into the module cache on first use. The go
//     binary of the downloaded GOROOT is then executed directly, and builds
//     keep GOTOOLCHAIN=<version> so they stay exact.
//   - gosource: a commit of a Go repository (a local clone, only read, or
//     a URL mirrored into the cache), built with make.bash into gorepro's
//     cache by internal/gosource (or found there: once per commit's
//     sources), then used as a goroot toolchain. Resolved.GoSource records
//     the commit, full or fast, and whether this run built it. A commit
//     whose toolchain does not build is unavailable, with make.bash's last
//     lines as the reason.
//   - image: a builder image under Podman or Docker (Options.Engine): the
//     image is made present as Options.Pull allows, its Go version is asked
//     from the image itself, and Container records the engine, platform and
//     resolved images. From then on the images are named by ID, never by
//     tag (builds and runs use Container.Builder.ID), and the IDs are part
//     of Identity: a tag that moved to another image between two runs
//     gives its cells other cache keys.
//
// A host toolchain (local, goroot, gotoolchain, gosource) with a
// runtimeImage builds on this host but runs its binaries in that image:
// Resolved.RunsIn records the engine, the platform (the configured one,
// else the engine host's) and the runtime image, made present as
// Options.Pull allows and named by ID from then on (its ID is part of
// Identity), and HostGOOS and HostGOARCH become the platform's, so that
// builds target it; GoEnv is what the go command reports for the
// platform. A platform's variant is parsed once, by config.ParsePlatform,
// for host and image toolchains alike: "linux/arm/v7" (v6, v5) builds
// with GOARM=7 (6, 5); "linux/arm64/v8" sets nothing more.
// Resolved.RunContainer is where a toolchain's binaries run, whichever
// kind it is.
//
// A toolchain that cannot be used is not an error: Resolve returns it with
// Available false and a one-line Reason that says how to fix it, so the
// matrix can record its cells as unavailable. An expectGo mismatch is a
// loud Warning, not a failure.
//
// HostArch reports the machine's architecture as a GOARCH value from
// `uname -m`, which, unlike runtime.GOARCH, is not fooled by the harness
// itself running under emulation.
package toolchain
