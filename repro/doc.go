// Package repro generates gorepro's minimal reproducer: a one-file Go module
// that imports google.golang.org/protobuf/encoding/prototext, and so links
// internal/detrand, whose package-level initialiser opens os.Executable()
// before main runs. That open is where the taggedPointerPack crash of
// emulated amd64 binaries happened; a binary that reaches main prints one
// JSON line of facts about itself (Go version, GOOS/GOARCH, whether it was
// built with -cover, the module versions linked) and exits 0. ParseFacts
// finds that line in captured output.
//
// Generate writes the module for one protobuf version under
// <workDir>/repro/<version>-<templatehash>/:
//
//   - main.go comes from the embedded template/main.go.tmpl (kept out of
//     the Go package tree so the go tool never compiles it in place);
//   - go.mod is written with golang.org/x/mod/modfile: module
//     gorepro.local/repro, requiring google.golang.org/protobuf at that
//     version, with the go directive of protobuf's own go.mod at that
//     version (found with `go mod download -json`), so that every toolchain
//     able to build protobuf can build the reproducer, and no toolchain line;
//   - go.sum is completed by `go mod tidy` run with the local go command
//     (GOTOOLCHAIN=local, GOFLAGS=-mod=mod, GOWORK=off), after which the
//     module builds offline with -mod=readonly.
//
// Generation happens in a temporary directory renamed into place, so
// concurrent and repeated calls are safe; a complete directory is reused
// without starting any process. The template hash in the directory name makes
// a changed template produce a new directory.
package repro
