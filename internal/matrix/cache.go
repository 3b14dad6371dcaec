package matrix

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/gorepro/gorepro/internal/modtree"
	"github.com/gorepro/gorepro/internal/record"
)

// cacheFormat changes whenever what a cached cell means changes, so that old
// entries are never reused.
const cacheFormat = "gorepro-cell-cache-1"

// Cache stores finished cells by content key under Dir: <Dir>/<kk>/<key>/
// holds cell.json and the cell's log files. Entries are written to a temporary
// directory and renamed into place, so a reader never sees half an entry.
type Cache struct{ Dir string }

// cachedCell is what a cache entry holds.
type cachedCell struct {
	Format string      `json:"format"`
	Cell   record.Cell `json:"cell"`
	// Logs maps a log's file name to the name it had in the cell ("build.log").
	Logs []string `json:"logs"`
}

func (c Cache) entryDir(key string) string {
	return filepath.Join(c.Dir, key[:2], key)
}

// Get returns the cell stored under key and the contents of its logs by
// name, or ok=false when there is none (or it is unreadable: a broken entry
// is treated as absent and overwritten by the next Put).
func (c Cache) Get(key string) (cell record.Cell, logs map[string][]byte, ok bool) {
	cell, logs, ok, _ = c.Lookup(key)
	return cell, logs, ok
}

// Lookup is Get that also says, in problem, why an entry that is there
// could not be used (corrupt or truncated: the next Put replaces it).
func (c Cache) Lookup(key string) (cell record.Cell, logs map[string][]byte, ok bool, problem string) {
	dir := c.entryDir(key)
	data, err := os.ReadFile(filepath.Join(dir, "cell.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return cell, nil, false, ""
	}
	if err != nil {
		return cell, nil, false, fmt.Sprintf("cache entry %s is unreadable (%v); building the cell again", dir, err)
	}
	var entry cachedCell
	if err := json.Unmarshal(data, &entry); err != nil {
		return cell, nil, false, fmt.Sprintf("cache entry %s is corrupt (%v); building the cell again", dir, err)
	}
	if entry.Format != cacheFormat {
		return cell, nil, false, ""
	}
	logs = make(map[string][]byte, len(entry.Logs))
	for _, name := range entry.Logs {
		if !fs.ValidPath(name) {
			return cell, nil, false, fmt.Sprintf("cache entry %s names a log outside it (%q); building the cell again", dir, name)
		}
		b, err := os.ReadFile(filepath.Join(dir, "logs", filepath.FromSlash(name)))
		if err != nil {
			return cell, nil, false, fmt.Sprintf("cache entry %s is incomplete (%v); building the cell again", dir, err)
		}
		logs[name] = b
	}
	return entry.Cell, logs, true, ""
}

// Put stores cell and its logs under key, replacing any older entry.
func (c Cache) Put(key string, cell record.Cell, logs map[string][]byte) error {
	final := c.entryDir(key)
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return fmt.Errorf("creating cache dir: %w", err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(final), ".tmp-"+key[:8]+"-")
	if err != nil {
		return fmt.Errorf("creating cache entry: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Mkdir(filepath.Join(tmp, "logs"), 0o755); err != nil {
		return err
	}
	entry := cachedCell{Format: cacheFormat, Cell: cell}
	for name, b := range logs {
		file := filepath.Join(tmp, "logs", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return fmt.Errorf("writing cache entry: %w", err)
		}
		if err := os.WriteFile(file, b, 0o644); err != nil {
			return fmt.Errorf("writing cache entry: %w", err)
		}
		entry.Logs = append(entry.Logs, name)
	}
	sort.Strings(entry.Logs)
	data, err := json.MarshalIndent(entry, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "cell.json"), data, 0o644); err != nil {
		return fmt.Errorf("writing cache entry: %w", err)
	}
	// Replace an old entry: move it aside first, since rename cannot replace
	// a non-empty directory.
	if _, err := os.Stat(final); err == nil {
		old := tmp + ".old"
		if err := os.Rename(final, old); err == nil {
			defer os.RemoveAll(old)
		}
	}
	if err := os.Rename(tmp, final); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("storing cache entry %s: %w", final, err)
	}
	return nil
}

// keyOf hashes v, a JSON-encodable description of everything that can change
// a cell's result.
func keyOf(v any) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	_ = enc.Encode(struct {
		Format string `json:"format"`
		V      any    `json:"v"`
	}{cacheFormat, v})
	return hex.EncodeToString(h.Sum(nil))
}

// hashTree hashes the tree under dir for a cache key, leaving out hidden
// directories (.git) so that VCS state does not matter: the names and
// contents of its regular files and the targets of its symbolic links
// (modtree.Content, the format every stored key was made with).
func hashTree(dir string) (string, error) {
	return modtree.Hash(dir, modtree.HashOptions{Format: modtree.Content})
}

// hashTreeSkipping is hashTree leaving out, instead of the hidden
// directories, those below dir whose names skip accepts.
func hashTreeSkipping(dir string, skip func(name string) bool) (string, error) {
	return modtree.Hash(dir, modtree.HashOptions{Format: modtree.Content, Skip: skip})
}
