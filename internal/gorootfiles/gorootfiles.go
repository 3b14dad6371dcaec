// Package gorootfiles lists the files of a Go installation by content, so
// that two builds of one Go version can be told apart file by file: a
// vendor's patch, a rebuilt tool, the injected runtime of the tests.
//
// A Manifest holds a content hash of every regular file under GOROOT's
// src/ and pkg/tool/ that a build can read: what the go command compiles
// programs from, and the compiler, linker and other tools it runs. Test
// files (*_test.go) and the directories the go command never builds from
// (testdata, and names starting with "." or "_") are left out: they cannot
// change a program gorepro builds, and they are about half of a GOROOT's
// files, which a cached run would stat every time. Of computes it, re-using a
// cached copy while a stat signature of those files (paths, sizes,
// modification times, inodes) is unchanged; a run stores each toolchain's
// manifest (Encode) so that runs can be compared later. Compare says which
// files differ, and UnifiedDiff shows a small differing source.
package gorootfiles

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/gorepro/gorepro/internal/statcache"
)

// Manifest maps the slash-separated path of a file, relative to GOROOT
// ("src/runtime/tagptr_64bit.go"), to the first 16 hex digits of the
// SHA-256 of its content.
type Manifest map[string]string

// Dirs are the directories of GOROOT a manifest covers.
func Dirs() []string { return []string{"src", "pkg/tool"} }

// entry is one file found by the walk.
type entry struct {
	rel  string
	size int64
	mod  int64
	ino  uint64
}

// walk lists the regular files under goroot's Dirs, sorted by path. It
// reads directories a few at a time and stats each file relative to its
// open directory (fstatat), which spares the kernel a lookup of every
// component of every path: a GOROOT has about 5,600 such files, and a cached
// run pays for this walk every time.
func walk(goroot string) ([]entry, error) {
	var (
		mu       sync.Mutex
		out      []entry
		firstErr error
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, max(2, min(8, 2*runtime.NumCPU())))
	var visit func(rel string)
	visit = func(rel string) {
		defer wg.Done()
		sem <- struct{}{}
		files, dirs, err := readDir(goroot, rel)
		<-sem
		mu.Lock()
		out = append(out, files...)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		for _, d := range dirs {
			wg.Add(1)
			go visit(d)
		}
	}
	for _, d := range Dirs() {
		if _, err := os.Lstat(filepath.Join(goroot, filepath.FromSlash(d))); os.IsNotExist(err) {
			continue
		}
		wg.Add(1)
		go visit(d)
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	slices.SortFunc(out, func(a, b entry) int { return strings.Compare(a.rel, b.rel) })
	return out, nil
}

// readDir lists the directory goroot/rel: its regular files, statted
// through the open directory, and the slash-separated paths of its
// subdirectories. Symbolic links are neither followed nor listed.
func readDir(goroot, rel string) (files []entry, dirs []string, err error) {
	dir := filepath.Join(goroot, filepath.FromSlash(rel))
	f, err := os.Open(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("listing %s: %w", dir, err)
	}
	defer f.Close()
	des, err := f.ReadDir(-1)
	if err != nil {
		return nil, nil, fmt.Errorf("listing %s: %w", dir, err)
	}
	for _, de := range des {
		name := rel + "/" + de.Name()
		switch {
		case de.IsDir():
			if !ignoredDir(de.Name()) {
				dirs = append(dirs, name)
			}
			continue
		case !de.Type().IsRegular() || strings.HasSuffix(de.Name(), "_test.go"):
			continue
		}
		e, err := statIn(f, de, name)
		if err != nil {
			return nil, nil, fmt.Errorf("listing %s: %w", dir, err)
		}
		files = append(files, e)
	}
	return files, dirs, nil
}

// ignoredDir reports whether the go command ignores a directory of this
// name when it looks for packages (go help packages): testdata, and names
// that start with "." or "_".
func ignoredDir(name string) bool {
	return name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// Included reports whether a manifest lists the file at rel, a
// slash-separated path relative to GOROOT: not a test file, and in no
// directory the go command ignores. Decode drops what it excludes, so that
// a manifest stored before the rule (by an older gorepro, in an older run)
// compares with a new one file for file instead of listing every test
// file as removed.
func Included(rel string) bool {
	if strings.HasSuffix(rel, "_test.go") {
		return false
	}
	dir, _ := path.Split(rel)
	for _, part := range strings.Split(strings.Trim(dir, "/"), "/") {
		if ignoredDir(part) {
			return false
		}
	}
	return true
}

// Of returns the manifest of the Go installation at goroot. With a
// cacheDir it re-uses the manifest stored there for the same goroot and
// stat signature, and stores a new one (a cache that cannot be written is
// not an error: the manifest is returned all the same).
func Of(goroot, cacheDir string) (Manifest, error) {
	m, _, err := OfEncoded(goroot, cacheDir)
	return m, err
}

// OfEncoded is Of that also returns the manifest as Encode writes it: the
// cached copy's bytes when there is one, so that a run storing the
// manifest does not compress 5,600 lines again each time.
func OfEncoded(goroot, cacheDir string) (Manifest, []byte, error) {
	l, err := List(goroot)
	if err != nil {
		return nil, nil, err
	}
	return l.Manifest(cacheDir)
}

// Listing is what one walk of a Go installation found: the path, size,
// modification time and inode of every file a manifest covers. Its Stamp
// changes whenever one of those files is added, removed, replaced or
// written to, so it says whether anything a build reads from GOROOT
// changed; its Manifest hashes the files' content.
type Listing struct {
	goroot  string
	entries []entry
	// manifest is Manifest's answer, made once (the toolchain's build
	// fingerprint and the run's stored manifest both ask for it).
	manifest struct {
		once sync.Once
		m    Manifest
		data []byte
		err  error
	}
}

// List walks the Go installation at goroot (made absolute): a stat of each
// file a manifest covers, no reads.
func List(goroot string) (*Listing, error) {
	goroot, err := filepath.Abs(goroot)
	if err != nil {
		return nil, err
	}
	entries, err := walk(goroot)
	if err != nil {
		return nil, err
	}
	return &Listing{goroot: goroot, entries: entries}, nil
}

// Files is the number of files l lists.
func (l *Listing) Files() int { return len(l.entries) }

// Stamp is a hash of the GOROOT's path and of every listed file's path,
// size, modification time and inode number (32 hex digits).
func (l *Listing) Stamp() string { return signature(l.goroot, l.entries) }

// Manifest returns the content manifest of the files l lists, and its
// encoding: with a cacheDir, the one stored there under l's Stamp when
// there is one (no file is read), else it hashes every file and stores
// the result (a cache that cannot be written is not an error). It is made
// once per Listing, with the cacheDir of the first call.
func (l *Listing) Manifest(cacheDir string) (Manifest, []byte, error) {
	l.manifest.once.Do(func() {
		l.manifest.m, l.manifest.data, l.manifest.err = l.makeManifest(cacheDir)
	})
	return l.manifest.m, l.manifest.data, l.manifest.err
}

// makeManifest is Manifest, made.
func (l *Listing) makeManifest(cacheDir string) (Manifest, []byte, error) {
	var cached string
	if cacheDir != "" {
		cached = filepath.Join(cacheDir, "goroot-manifests", l.Stamp()+".gz")
		if data, ok := statcache.Load(cached); ok {
			if m, err := Decode(data); err == nil && len(m) == len(l.entries) {
				return m, data, nil
			}
		}
	}
	m, err := hashAll(l.goroot, l.entries)
	if err != nil {
		return nil, nil, err
	}
	data, err := m.Encode()
	if err != nil {
		return nil, nil, err
	}
	if cached != "" {
		statcache.Store(cached, data)
	}
	return m, data, nil
}

// signature is the name of the cached manifest of goroot while its files
// are entries: a hash of their paths, sizes, modification times and inode
// numbers (32 hex digits).
func signature(goroot string, entries []entry) string {
	sig := statcache.New("gorootfiles-v2\n" + goroot)
	for _, e := range entries {
		sig.Entry(e.rel, e.size, e.mod, e.ino)
	}
	return sig.Name()
}

// hashAll hashes the files of entries, a few at a time.
func hashAll(goroot string, entries []entry) (Manifest, error) {
	hashes := make([]string, len(entries))
	errs := make([]error, len(entries))
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, min(4, runtime.NumCPU())) {
		wg.Go(func() {
			for i := range next {
				hashes[i], errs[i] = hashFile(filepath.Join(goroot, filepath.FromSlash(entries[i].rel)))
			}
		})
	}
	for i := range entries {
		next <- i
	}
	close(next)
	wg.Wait()
	m := make(Manifest, len(entries))
	for i, e := range entries {
		if errs[i] != nil {
			return nil, errs[i]
		}
		m[e.rel] = hashes[i]
	}
	return m, nil
}

// hashFile returns the manifest hash of the file at path.
func hashFile(path string) (string, error) {
	sum, err := SHA256File(path)
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	return hex.EncodeToString(sum[:8]), nil
}

// Reader returns a function that reads a file of the Go installation at
// goroot by its manifest path, but only while its content is still what m
// recorded: a GOROOT replaced since (a symbolic link now pointing at
// another build) is never read as the one m lists.
func Reader(goroot string, m Manifest) func(path string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		want, ok := m[p]
		if !ok {
			return nil, fmt.Errorf("%s is not in the manifest of %s", p, goroot)
		}
		data, err := os.ReadFile(filepath.Join(goroot, filepath.FromSlash(p)))
		if err != nil {
			return nil, err
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:8]) != want {
			return nil, fmt.Errorf("%s in %s changed since its manifest was made", p, goroot)
		}
		return data, nil
	}
}

// SHA256File returns the SHA-256 of the content of the file at path.
func SHA256File(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// Encode writes m as gzip-compressed lines "<hash> <path>", sorted by
// path.
func (m Manifest) Encode() ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	for _, p := range slices.Sorted(mapsKeys(m)) {
		fmt.Fprintf(zw, "%s %s\n", m[p], p)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Decode reads a manifest written by Encode.
func Decode(data []byte) (Manifest, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading manifest: %w", err)
	}
	m := Manifest{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		hash, p, ok := strings.Cut(sc.Text(), " ")
		if !ok || len(hash) != 16 || p == "" {
			return nil, fmt.Errorf("reading manifest: line %d is not \"<hash> <path>\"", n)
		}
		if Included(p) {
			m[p] = hash
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading manifest: %w", err)
	}
	return m, nil
}

// mapsKeys returns the keys of m.
func mapsKeys(m Manifest) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
