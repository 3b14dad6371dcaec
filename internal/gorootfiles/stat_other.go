//go:build !unix

package gorootfiles

import (
	"io/fs"
	"os"
)

// statIn stats de, an entry of the open directory dir; rel is its
// manifest path. Without fstatat it stats the whole path, and there is no
// inode number.
func statIn(_ *os.File, de fs.DirEntry, rel string) (entry, error) {
	fi, err := de.Info()
	if err != nil {
		return entry{}, err
	}
	return entry{rel: rel, size: fi.Size(), mod: fi.ModTime().UnixNano()}, nil
}
