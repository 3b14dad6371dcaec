package cellbuild

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/gorepro/gorepro/internal/container"
)

// reown makes the regular files directly in dirs that belong to another
// user (a container build runs as root, and on a rootful engine what root
// writes in a bind-mounted directory is root's) the current user's: each
// is copied, with its mode, to a new file beside it, renamed over it. The
// directories are the user's, so the user may replace the files in them.
// It returns the files it could not take over; the build still stands.
func reown(dirs ...string) []string {
	uid := os.Getuid()
	var failed []string
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			fi, err := e.Info()
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			st, ok := fi.Sys().(*syscall.Stat_t)
			if !ok || int(st.Uid) == uid {
				continue
			}
			path := filepath.Join(dir, e.Name())
			if err := copyOver(path, fi.Mode().Perm()); err != nil {
				failed = append(failed, fmt.Sprintf("%s: %v", path, err))
			}
		}
	}
	return failed
}

// copyOver replaces path by a copy of itself, with mode perm, that this
// process owns.
func copyOver(path string, perm os.FileMode) error {
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.CreateTemp(filepath.Dir(path), ".reown-")
	if err != nil {
		return err
	}
	defer os.Remove(dst.Name()) // gone once renamed
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Chmod(perm); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Close(); err != nil {
		return err
	}
	return os.Rename(dst.Name(), path)
}

// reownMounts is reown of the host directories spec mounts writable,
// logging the files it could not take over.
func reownMounts(spec container.RunSpec, log io.Writer) {
	var dirs []string
	for _, m := range spec.Mounts {
		if !m.ReadOnly && !m.Volume {
			dirs = append(dirs, m.Source)
		}
	}
	for _, f := range reown(dirs...) {
		fmt.Fprintf(log, "gorepro: cannot make a file the build wrote yours: %s\n", f)
	}
}
