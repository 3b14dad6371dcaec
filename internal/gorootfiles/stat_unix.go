//go:build unix

package gorootfiles

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// statIn stats de, an entry of the open directory dir, relative to dir
// (fstatat, no lookup of the whole path); rel is its manifest path.
func statIn(dir *os.File, de fs.DirEntry, rel string) (entry, error) {
	raw, err := dir.SyscallConn()
	if err != nil {
		return entry{}, err
	}
	var st unix.Stat_t
	var statErr error
	if err := raw.Control(func(fd uintptr) {
		for {
			if statErr = unix.Fstatat(int(fd), de.Name(), &st, unix.AT_SYMLINK_NOFOLLOW); statErr != unix.EINTR {
				return
			}
		}
	}); err != nil {
		return entry{}, err
	}
	if statErr != nil {
		return entry{}, &fs.PathError{Op: "stat", Path: rel, Err: statErr}
	}
	return entry{rel: rel, size: st.Size, mod: st.Mtim.Nano(), ino: uint64(st.Ino)}, nil
}
