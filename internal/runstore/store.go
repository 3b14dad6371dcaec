package runstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gorepro/gorepro/internal/atomicfile"
	"github.com/gorepro/gorepro/internal/filelock"
	"github.com/gorepro/gorepro/internal/gorootfiles"
	"github.com/gorepro/gorepro/internal/record"
)

// File names inside a run directory and a store root.
const (
	// JSONFile is the machine-readable record of a run.
	JSONFile = "results.json"
	// MarkdownFile is the report for bug trackers.
	MarkdownFile = "results.md"
	// JUnitFile is the report for CI systems.
	JUnitFile = "junit.xml"
	// HTMLFile is the self-contained report for CI artifacts and browsers.
	HTMLFile = "report.html"
	// LatestLink is the symbolic link in a store root that names the newest
	// committed run directory.
	LatestLink = "latest"
	// CellsDir is the directory of a run that holds one subdirectory of logs
	// per cell.
	CellsDir = "cells"

	// incompletePrefix starts the name of a run directory that has not been
	// committed yet.
	incompletePrefix = ".incomplete-"
)

// ReportFiles are the names of the reports that every committed run
// directory holds, which the caller renders and gives to Commit.
func ReportFiles() []string {
	return []string{JSONFile, MarkdownFile, JUnitFile, HTMLFile}
}

// File is one file of a run directory, made by the caller: a rendered
// report, a comparison.
type File struct {
	// Name is a plain file name.
	Name string
	Data []byte
}

// Store is a results directory (gorepro's --out, "results" by default). Each
// committed run is a subdirectory named by its run ID; LatestLink points at the
// newest one.
type Store struct {
	// Root is the directory holding the runs.
	Root string
}

// NewRunID returns a sortable, unique-enough run ID for a run started at t:
// the UTC time to the second and four random hex digits, e.g.
// "20261127T113000Z-3f2a".
func NewRunID(t time.Time) string {
	var random [2]byte
	_, _ = rand.Read(random[:]) // crypto/rand.Read never fails
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(random[:])
}

// Begin starts recording run id: it creates Root if needed and the hidden
// directory <Root>/.incomplete-<id>, where logs and reports are written.
// Nothing appears under <Root>/<id> until Commit.
func (s Store) Begin(id string) (*Draft, error) {
	if err := checkFileName(id); err != nil {
		return nil, fmt.Errorf("starting run: invalid run id: %w", err)
	}
	if strings.HasPrefix(id, ".") || id == LatestLink {
		return nil, fmt.Errorf("starting run: invalid run id %q: reserved name", id)
	}
	if err := os.MkdirAll(s.Root, 0o755); err != nil {
		return nil, fmt.Errorf("creating results directory %s: %w", s.Root, err)
	}
	final := filepath.Join(s.Root, id)
	if _, err := os.Lstat(final); err == nil {
		return nil, fmt.Errorf("starting run %s: %s already exists", id, final)
	}
	s.removeAbandoned()
	dir := filepath.Join(s.Root, incompletePrefix+id)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("starting run %s: %w", id, err)
	}
	// The lock says the run is being written: a gorepro that dies (even by
	// SIGKILL) releases it, and the next Begin removes what it left.
	unlock, err := filelock.Lock(context.Background(), dir+lockSuffix)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("starting run %s: %w", id, err)
	}
	return &Draft{root: s.Root, id: id, dir: dir, unlock: unlock}, nil
}

// lockSuffix ends the name of the lock file next to an incomplete run's
// directory, held while the run is written.
const lockSuffix = ".lock"

// abandonedAge is how old an incomplete run without a lock file (written
// by a gorepro from before the lock files) must be to count as abandoned.
const abandonedAge = 24 * time.Hour

// removeAbandoned removes the incomplete runs under Root that no process
// is writing any more: their lock is free (the gorepro writing them was
// killed before it could clean up), or they have no lock and are old.
// Whatever cannot be removed is left for the next time.
func (s Store) removeAbandoned() {
	entries, err := os.ReadDir(s.Root)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, incompletePrefix) {
			continue
		}
		dir := filepath.Join(s.Root, name)
		unlock, held, err := filelock.TryLock(dir + lockSuffix)
		switch {
		case held:
			continue
		case err != nil:
			if info, statErr := e.Info(); !errors.Is(err, fs.ErrNotExist) || statErr != nil || time.Since(info.ModTime()) < abandonedAge {
				continue
			}
			_ = os.RemoveAll(dir)
		default:
			_ = os.RemoveAll(dir)
			_ = os.Remove(dir + lockSuffix)
			unlock()
		}
	}
}

// Draft is one run of a Store being written: its logs and files go into a
// temporary directory that Commit renames into place (or Abort removes).
// It is not safe for concurrent use except for WriteLog calls for
// different cells.
type Draft struct {
	root string
	id   string
	dir  string
	// done is set once the run was committed or aborted.
	done bool
	// unlock releases the lock that says the run is being written.
	unlock func()
}

// release drops the run's lock and its lock file.
func (w *Draft) release() {
	if w.unlock != nil {
		_ = os.Remove(w.dir + lockSuffix)
		w.unlock()
		w.unlock = nil
	}
}

// Dir returns the directory the run is being written to before Commit
// (<Root>/.incomplete-<id>).
func (w *Draft) Dir() string { return w.dir }

// ID returns the run ID the Draft was started with.
func (w *Draft) ID() string { return w.id }

// WriteLog writes a log of cell cellID, e.g. "build.log" or "run-1.log", to
// cells/<cellID>/<name> and returns that path relative to the run directory
// (slash-separated, as recorded in Cell.Logs). cellID and name must be plain
// file names.
func (w *Draft) WriteLog(cellID, name string, data []byte) (string, error) {
	if err := checkFileName(name); err != nil {
		return "", fmt.Errorf("writing log of cell %s: invalid log name: %w", cellID, err)
	}
	return w.WriteCellFile(cellID, name, data)
}

// WriteCellFile writes a file of a cell under cells/<cellID>/, where rel is
// a slash-separated path whose every element is a safe file name (for
// example "reproducer/go.mod"), and returns its path relative to the run
// dir.
func (w *Draft) WriteCellFile(cellID, rel string, data []byte) (string, error) {
	if w.done {
		return "", fmt.Errorf("writing %s of cell %s: run %s already finished", rel, cellID, w.id)
	}
	if err := checkFileName(cellID); err != nil {
		return "", fmt.Errorf("writing %s of cell %q: invalid cell id: %w", rel, cellID, err)
	}
	elems := strings.Split(rel, "/")
	for _, e := range elems {
		if err := checkFileName(e); err != nil {
			return "", fmt.Errorf("writing %s of cell %s: invalid file name: %w", rel, cellID, err)
		}
	}
	target := filepath.Join(append([]string{w.dir, CellsDir, cellID}, elems...)...)
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", fmt.Errorf("creating directory for %s: %w", rel, err)
	}
	if err := writeFileAtomic(target, data); err != nil {
		return "", err
	}
	return path.Join(append([]string{CellsDir, cellID}, elems...)...), nil
}

// WriteFile writes a file at the top of the run directory, atomically, e.g.
// the diff.json of `gorepro matrix --baseline`; it becomes part of the run
// at Commit. name must be a plain file name and not one of the reports
// Commit writes (results.json, results.md, junit.xml, report.html).
func (w *Draft) WriteFile(name string, data []byte) error {
	if w.done {
		return fmt.Errorf("writing %s: run %s already finished", name, w.id)
	}
	if err := checkFileName(name); err != nil {
		return fmt.Errorf("writing %s of run %s: invalid file name: %w", name, w.id, err)
	}
	if slices.Contains(ReportFiles(), name) {
		return fmt.Errorf("writing %s of run %s: Commit writes it", name, w.id)
	}
	if name == CellsDir || strings.HasPrefix(name, ".") {
		return fmt.Errorf("writing %s of run %s: reserved name", name, w.id)
	}
	return writeFileAtomic(filepath.Join(w.dir, name), data)
}

// Stamp makes run the document of this run before its reports are
// rendered: it fills in run.ID and run.SchemaVersion when they are zero,
// and refuses a run document of another ID.
func (w *Draft) Stamp(run *record.Run) error {
	if w.done {
		return fmt.Errorf("committing run %s: already finished", w.id)
	}
	if run.ID == "" {
		run.ID = w.id
	}
	if run.ID != w.id {
		return fmt.Errorf("committing run %s: the run document has id %q", w.id, run.ID)
	}
	if run.SchemaVersion == 0 {
		run.SchemaVersion = record.SchemaVersion
	}
	return nil
}

// Commit finishes the run: it writes reports, which must be the files
// ReportFiles names (rendered by the caller from the run, stamped with
// Stamp, and the files already in Dir), into the run directory, renames it
// to <Root>/<id> and points <Root>/latest at it. It returns the final run
// directory. If Commit fails before the rename, the run stays incomplete
// and Abort removes it; if only updating latest fails, the committed
// directory is returned with the error.
func (w *Draft) Commit(reports []File) (string, error) {
	if w.done {
		return "", fmt.Errorf("committing run %s: already finished", w.id)
	}
	for _, name := range ReportFiles() {
		if !slices.ContainsFunc(reports, func(f File) bool { return f.Name == name }) {
			return "", fmt.Errorf("committing run %s: no %s given", w.id, name)
		}
	}
	for _, f := range reports {
		if !slices.Contains(ReportFiles(), f.Name) {
			return "", fmt.Errorf("committing run %s: %s is not a report of a run", w.id, f.Name)
		}
	}
	for _, f := range reports {
		if err := writeFileAtomic(filepath.Join(w.dir, f.Name), f.Data); err != nil {
			return "", err
		}
	}
	// Every file of the run reaches the disk before the run appears under
	// its name; a crash before the rename leaves an incomplete run, which
	// the next Begin removes.
	if err := syncTree(w.dir, syncPath); err != nil {
		return "", fmt.Errorf("committing run %s: %w", w.id, err)
	}

	final := filepath.Join(w.root, w.id)
	if _, err := os.Lstat(final); err == nil {
		return "", fmt.Errorf("committing run %s: %s already exists", w.id, final)
	}
	if err := os.Rename(w.dir, final); err != nil {
		return "", fmt.Errorf("committing run %s: %w", w.id, err)
	}
	w.done = true
	w.release()
	if err := syncPath(w.root); err != nil {
		return "", err
	}
	if err := pointLatest(w.root, w.id); err != nil {
		return final, err
	}
	return final, nil
}

// Abort discards the run: it removes the incomplete directory and everything
// in it. Abort after Commit does nothing, so it can be deferred.
func (w *Draft) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	defer w.release()
	if err := os.RemoveAll(w.dir); err != nil {
		return fmt.Errorf("removing incomplete run %s: %w", w.id, err)
	}
	return nil
}

// pointLatest makes <root>/latest a relative symbolic link to id, replacing
// an existing link atomically (a temporary link renamed over it).
func pointLatest(root, id string) error {
	link := filepath.Join(root, LatestLink)
	var random [4]byte
	_, _ = rand.Read(random[:])
	tmp := filepath.Join(root, ".latest-"+hex.EncodeToString(random[:]))
	if err := os.Symlink(id, tmp); err != nil {
		return fmt.Errorf("pointing %s at %s: %w", link, id, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("pointing %s at %s: %w", link, id, err)
	}
	return syncPath(root)
}

// Load reads a run. path may be a run directory, a results.json file or a
// store root, in which case the run its latest link points at is read. It
// returns the run and its directory. A document with a newer schemaVersion
// than this gorepro supports is an error.
func Load(path string) (*record.Run, string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, "", fmt.Errorf("loading results: %w", err)
	}
	var runDir, file string
	switch {
	case !info.IsDir():
		file, runDir = path, filepath.Dir(path)
	case exists(filepath.Join(path, JSONFile)):
		file, runDir = filepath.Join(path, JSONFile), path
	default:
		link := filepath.Join(path, LatestLink)
		target, err := os.Readlink(link)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, "", fmt.Errorf("loading results: %s has neither %s nor %s", path, JSONFile, LatestLink)
			}
			return nil, "", fmt.Errorf("loading results: %w", err)
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(path, target)
		}
		file, runDir = filepath.Join(target, JSONFile), target
	}
	run, err := record.ReadFile(file)
	if err != nil {
		return nil, "", err
	}
	loadManifests(run, runDir)
	return run, runDir, nil
}

// loadManifests sets the Files of run's toolchains from the manifests
// stored in runDir, and their ReadFile to read the GOROOT's files while
// they are still the ones listed. A manifest that is not a plain file name in the run
// directory, or cannot be read, is left out: the analysis then names no
// files.
func loadManifests(run *record.Run, runDir string) {
	for i := range run.Toolchains {
		t := &run.Toolchains[i]
		if t.Manifest == "" || checkFileName(t.Manifest) != nil {
			continue
		}
		p := filepath.Join(runDir, t.Manifest)
		if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() || fi.Size() > 64<<20 {
			continue
		}
		if data, err := os.ReadFile(p); err == nil {
			if m, err := gorootfiles.Decode(data); err == nil {
				t.Files = m
				if t.GOROOT != "" && (t.Container == nil || t.Container.Image == "") { // a host toolchain, maybe run in a runtime image
					t.ReadFile = gorootfiles.Reader(t.GOROOT, m)
				}
			}
		}
	}
}

// writeFileAtomic writes data to name, a file of a run being written, so
// that readers see either the old or the new content, never a partial
// file. It does not wait for the disk: Commit syncs the whole run at once
// (syncTree), where a sync per file would wait for the disk once per log
// on the cell's path.
func writeFileAtomic(name string, data []byte) error {
	return atomicfile.WriteCache(name, data, 0o644)
}

// syncTree calls syncOne on every regular file and directory under dir
// (dir included), several at once: a file system that commits its journal for
// one of them commits the others that wait with it, so a run of hundreds
// of files waits for the disk about once. It returns the first error.
func syncTree(dir string, syncOne func(path string) error) error {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	var g errgroup.Group
	g.SetLimit(16)
	for _, p := range paths {
		g.Go(func() error { return syncOne(p) })
	}
	return g.Wait()
}

// syncPath flushes the file or directory at path to disk (a directory:
// its entries, new names and renames).
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("syncing %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", path, err)
	}
	return nil
}

// checkFileName rejects names that are not a single, ordinary path element.
func checkFileName(name string) error { return record.CheckName(name) }

// exists reports whether name exists (following symbolic links).
func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// RunFS is a run directory's files for reports to quote logs from,
// confined to the directory: a path with "..", an absolute path, or a
// symbolic link that points out of it (a crafted run from a fork's CI
// artifact) cannot be opened, so no report quotes a file from elsewhere.
// When the directory cannot be opened, nothing can be.
func RunFS(dir string) fs.FS {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return emptyFS{err: err}
	}
	return root.FS()
}

// emptyFS opens nothing, saying why.
type emptyFS struct{ err error }

func (e emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: e.err}
}
