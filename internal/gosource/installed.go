package gosource

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Key is the content key of a listing: equal listings, equal keys. Full
// builds are kept under it.
func (l Listing) Key() string {
	paths := make([]string, 0, len(l))
	for p := range l {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	h := sha256.New()
	for _, p := range paths {
		fmt.Fprintf(h, "%s %s\n", l[p], p)
	}
	return hex.EncodeToString(h.Sum(nil))[:20]
}

// DirListing is the listing of an installed GOROOT: the git blob hash of
// each file of its src/ and of its VERSION, as git would hash them.
func DirListing(goroot string) (Listing, error) {
	l := Listing{}
	if h, err := blobHash(filepath.Join(goroot, "VERSION")); err == nil {
		l["VERSION"] = h
	}
	src := filepath.Join(goroot, "src")
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		rel, err := filepath.Rel(goroot, path)
		if err != nil {
			return err
		}
		h, err := blobHash(path)
		if err != nil {
			return err
		}
		l[filepath.ToSlash(rel)] = h
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing the sources of %s: %w", goroot, err)
	}
	return l, nil
}

// blobHash is git's SHA-1 object hash of the file (of the link's target
// for a symbolic link, as git stores it).
func blobHash(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", err
	}
	h := sha1.New()
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "blob %d\x00%s", len(target), target)
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fmt.Fprintf(h, "blob %d\x00", fi.Size())
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
