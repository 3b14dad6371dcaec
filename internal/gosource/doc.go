// Package gosource builds Go toolchains from the sources of a Go
// repository at a commit, and keeps them in gorepro's cache, so that a
// toolchain of kind gosource ({"kind": "gosource", "repo": "PATH|URL",
// "rev": "REV"}) and `gorepro bisect --axis go-commit` can build and run
// cells with the Go of any commit.
//
// # Repositories
//
// A repository is a local path or a URL. A local path is only read
// (git rev-parse, ls-tree, archive): its working tree, index, refs and
// worktree list are never changed. A URL is cloned once into the cache as
// a bare mirror (CACHE/gosource/repos/HASH.git) and fetched again when a
// revision is missing from it.
//
// # Builds
//
// A toolchain is built in one of two ways, and the Build says which:
//
//   - full: the commit's tree (git archive) is unpacked and src/make.bash
//     runs in it with GOROOT_BOOTSTRAP set to Builder.Bootstrap (the GOROOT
//     of the go on PATH when empty). A tree without a VERSION file (any
//     commit of the real Go repository between releases) gets one,
//     "devel go1.N-HASH DATE", as cmd/dist would write from git. Full
//     builds are keyed by the content of the commit's src/ and VERSION
//     (SourceKey): two commits that differ only in doc/, test/, api/ or
//     lib/ share one build. An installed Go (Builder.Installed; the
//     bootstrap GOROOT by default) whose src/ and VERSION equal a commit's
//     counts as that commit's full build: a release tag and the release
//     installed from it are one toolchain.
//   - fast: when every file that differs between the probed commit and
//     an available full build (a cached one or an installed Go) lies
//     outside the contract files (see below), the probed commit's tree is
//     unpacked and the full build's bin/ and pkg/tool, pkg/include are
//     hard-linked into it. The go command then compiles the standard
//     library, runtime included, from the probed commit's sources, exactly
//     as an edited src/runtime takes effect in a copy of a GOROOT. Nothing
//     runs make.bash. The tools, and so the version the toolchain and its
//     binaries report, are the base build's.
//
// # The contract files
//
// A fast build is only as good as the assumption that the probed
// commit's tools would be the base's. A change to a file of the contract
// (ContractReason) breaks it, and forces a full build:
//
//   - VERSION: the version the tools report and stamp into binaries.
//   - src/cmd/: the sources of the tools themselves (compiler, linker,
//     assembler, go command, cgo, cover, vet...).
//   - src/internal/abi, internal/buildcfg, internal/goarch,
//     internal/goos, internal/goexperiment: what the compiler and linker
//     agree on with the runtime (type and function layout, ABI, the
//     architecture's sizes, the enabled experiments). They are compiled
//     into the tools as well as into the programs, and a change on one
//     side only produces binaries that neither Go would build.
//   - src/internal/pkgbits, src/internal/exportdata,
//     src/internal/coverage: the export-data and coverage-counter formats
//     the tools write and the library reads.
//   - src/internal/goversion, src/internal/platform,
//     src/internal/godebugs, src/internal/cfg, src/internal/syslist,
//     src/internal/gover, src/internal/types, src/go/build,
//     src/go/constant: compiled into the go command or the compiler, they
//     decide which files and flags a build uses (release tags, the
//     supported platforms, the GODEBUG defaults) and how constants are
//     evaluated.
//   - src/runtime/*.h: make.bash copies them to pkg/include, where the
//     assembler finds them; a fast build reuses the base's copies.
//
// Every other file of the standard library is compiled from the probed
// commit's sources. The tools are built from the base's sources of the
// rest of the library too (fmt, strings...), so a change there that
// alters how the compiler behaves would not be seen: that is why a
// bisection confirms the two commits of its answer with full builds.
//
// # The cache
//
// Under CACHE/gosource: full/KEY/ (go/: the GOROOT, build.json: how it was
// made, files: the source listing) and fast/COMMIT/ (go/, build.json). A
// directory counts only once its build.json exists, which is written last.
// Each build holds a lock (internal/filelock) on full/KEY.lock or
// fast/COMMIT.lock: a second gorepro wanting the same toolchain waits and
// then reuses it, and a build a killed gorepro left half done is removed
// and made again by the next one to take the lock. A second run builds
// nothing: Build.Reused says so. A make.bash that failed is remembered
// too (full/KEY/failed holds its output; remove the directory to try
// again): the same sources fail the same way, and a commit whose runtime
// is broken often fails exactly so, its go_bootstrap crashing as it
// builds the rest of the toolchain (MakeError.Output shows the crash).
package gosource
