// Package atomicfile writes files so that a reader sees either the old
// content or the new, never a part: the data goes to a temporary file in
// the same directory, which is then renamed over the name. A failed write
// leaves the old file as it was and no temporary file behind.
//
// Write also syncs the data to disk before the rename, for files a user
// keeps (results, configs); WriteCache does not, for caches that are
// rebuilt when lost.
package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces name with data, mode perm, synced to disk first.
func Write(name string, data []byte, perm fs.FileMode) error {
	return write(name, data, perm, true)
}

// WriteCache replaces name with data, mode perm, without waiting for the
// disk: a crash may lose it, never half-write it.
func WriteCache(name string, data []byte, perm fs.FileMode) error {
	return write(name, data, perm, false)
}

func write(name string, data []byte, perm fs.FileMode, sync bool) (err error) {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
			err = fmt.Errorf("writing %s: %w", name, err)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	// CreateTemp makes 0600 whatever the umask; set the mode asked for.
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if sync {
		if err := tmp.Sync(); err != nil {
			return err
		}
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
