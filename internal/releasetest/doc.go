// Package releasetest checks that gorepro ships like a Go tool, end to end
// (make release-test; it needs GOREPRO_RELEASE_TEST=1, since it builds
// goreleaser from the Go module proxy, which takes minutes the first time).
//
// Its test clones the repository at HEAD, tags the clone v0.0.1 two commits
// back and v0.1.0 at HEAD, and releases it with goreleaser and
// scripts/goreleaser.yaml (publishing skipped). Then:
//
//   - dist/ holds gorepro_0.1.0_OS_ARCH.tar.gz for linux and darwin on amd64
//     and arm64, and checksums.txt; scripts/release-check.sh -v v0.1.0 passes
//     on them (checksums; every binary's build info says v0.1.0 for its
//     platform; the linux binaries run and `gorepro version --json` says
//     v0.1.0, arm64 under qemu-aarch64-static);
//   - the release notes (dist/CHANGELOG.md) are the commits since v0.0.1;
//   - `go install github.com/gorepro/gorepro/cmd/gorepro@v0.1.0` from a
//     module proxy that serves the clone's module zip (file://, beside the
//     local module cache for the dependencies) installs a gorepro whose
//     `version --json` says module github.com/gorepro/gorepro at v0.1.0: the
//     module path, the import paths and the install line agree, and nothing
//     in the build needs files outside the module;
//   - the released linux/amd64 binary runs a matrix with the injected
//     GOROOT (internal/crashfixture) and finds the real taggedPointerPack
//     crash in the injected toolchain's cell.
//
// The package holds no code besides its test.
package releasetest
