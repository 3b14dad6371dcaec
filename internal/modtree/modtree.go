// Package modtree works on the file tree of a Go module (or of a GOROOT)
// as a whole: hashing it, copying it and rewriting the directory
// replacements of a copy's go.mod.
//
// Hidden directories (".git", ".cache": Hidden) are left out of hashes and
// copies, as the go command ignores them in a module tree (a copy can keep
// them: a GOROOT is copied whole).
//
// # Hashing
//
// Hash digests a tree with SHA-256 in one of two formats. Both are stored
// keys, so neither may change: a change would make every existing key miss.
//
//   - Content is the cell cache's format (package matrix's cache keys): the
//     slash-separated names, sizes and contents of the regular files and
//     the targets of the symbolic links. Directories and permission bits
//     do not count.
//   - Exact is the prepared copies' format (package cellbuild's prepare
//     keys): every directory too, and each file's permission bits, with
//     every name length-prefixed. A command run in the tree (go generate)
//     can see all of that.
//
// # Copying
//
// Copy recreates a tree elsewhere: real copies of the regular files, or
// hard links where the caller shares files it will never write through
// (CopyOptions.Link), symbolic links as links (a relative one that leaves
// the tree made absolute, so that it still resolves), and directories
// writable by their owner so that the copy can be changed and removed.
//
// # Replacements
//
// AbsoluteReplaces makes the relative directory replacements of a copied
// module's go.mod (replace x => ../lib) absolute, so that they keep
// naming the original's neighbours; ReplaceDirs lists the directory
// replacements of a go.mod.
package modtree

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Hidden reports whether a directory name is hidden (".git", ".cache"):
// the go command ignores such directories in a module tree.
func Hidden(name string) bool { return strings.HasPrefix(name, ".") }

// Within reports whether path is dir or lies below it, by their names
// alone.
func Within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// Format is what Hash writes of a tree; see the package documentation.
type Format int

// The formats of Hash.
const (
	// Content hashes the names, sizes and contents of the regular files
	// and the targets of the symbolic links: the cell cache's keys.
	Content Format = iota
	// Exact hashes the directories, the regular files' names, permission
	// bits and contents, and the symbolic links' targets, every name
	// length-prefixed: the prepared copies' keys.
	Exact
)

// HashOptions tune Hash.
type HashOptions struct {
	Format Format
	// Skip reports whether a directory below the root, by its name, is
	// left out; nil means Hidden.
	Skip func(name string) bool
	// Exclude is a directory left out whatever its name (gorepro's work
	// directory, should it be inside the tree); "" for none.
	Exclude string
}

// Hash returns the hex SHA-256 of the tree under dir in opts.Format.
// Kinds of files other than directories, regular files and symbolic links
// do not count.
func Hash(dir string, opts HashOptions) (string, error) {
	skip := opts.Skip
	if skip == nil {
		skip = Hidden
	}
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != dir && (skip(d.Name()) || path == opts.Exclude) {
			return filepath.SkipDir
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		return opts.Format.entry(h, path, filepath.ToSlash(rel), d)
	})
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", dir, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// entry writes one entry of the tree, at path and named rel, to h.
func (f Format) entry(h hash.Hash, path, rel string, d fs.DirEntry) error {
	switch t := d.Type(); {
	case d.IsDir():
		if f == Exact {
			fmt.Fprintf(h, "D %d %s\n", len(rel), rel)
		}
	case t&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if f == Content {
			// The cache's format has always hashed an unreadable link
			// as one without a target.
			fmt.Fprintf(h, "L %s %s\n", rel, target)
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "L %d %s %d %s\n", len(rel), rel, len(target), target)
	case t.IsRegular():
		file, err := os.Open(path)
		if err != nil {
			return err
		}
		defer file.Close()
		fi, err := file.Stat()
		if err != nil {
			return err
		}
		// The size keeps one file's content from passing for the next
		// file's name.
		if f == Exact {
			fmt.Fprintf(h, "F %d %s %o %d\n", len(rel), rel, fi.Mode().Perm(), fi.Size())
		} else {
			fmt.Fprintf(h, "F %s %d\n", rel, fi.Size())
		}
		_, err = io.Copy(h, file)
		return err
	}
	return nil
}

// CopyOptions tune Copy.
type CopyOptions struct {
	// Exclude is a directory under the source left out whatever its name
	// (gorepro's work directory, should it be inside); "" for none.
	Exclude string
	// KeepHidden copies the hidden directories too (a GOROOT, whose
	// testdata has some, is copied whole).
	KeepHidden bool
	// Link hard-links the regular files instead of copying them, where
	// the two trees share a file system and links are allowed (a copy
	// otherwise). The caller must never write through them: replace a
	// file it changes.
	Link bool
}

// Copy recreates the tree src at dst, which must not exist: directories
// (with their permission bits, made writable by their owner), regular
// files (copies with their permission bits, or hard links with
// opts.Link), symbolic links as links (a relative one leaving the tree
// made absolute); no hidden directories unless opts.KeepHidden, not
// opts.Exclude and no other kinds of files.
func Copy(src, dst string, opts CopyOptions) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch t := d.Type(); {
		case d.IsDir():
			if path != src && (Hidden(d.Name()) && !opts.KeepHidden || path == opts.Exclude) {
				return filepath.SkipDir
			}
			return copyDir(d, target)
		case t&fs.ModeSymlink != 0:
			return copyLink(path, target, src)
		case t.IsRegular() && opts.Link:
			return linkFile(path, target)
		case t.IsRegular():
			return copyFile(path, target)
		}
		return nil
	})
}

// copyDir makes the directory target with the permission bits of d, the
// source directory, and writable by its owner.
func copyDir(d fs.DirEntry, target string) error {
	fi, err := d.Info()
	if err != nil {
		return err
	}
	if err := os.Mkdir(target, fi.Mode().Perm()|0o700); err != nil {
		return err
	}
	return os.Chmod(target, fi.Mode().Perm()|0o700) // past the umask
}

// copyLink makes target a symbolic link to where the link path, in the
// tree src, points; a relative target that leaves src is made absolute.
func copyLink(path, target, src string) error {
	link, err := os.Readlink(path)
	if err != nil {
		return err
	}
	if !filepath.IsAbs(link) && !Within(filepath.Join(filepath.Dir(path), link), src) {
		link = filepath.Join(filepath.Dir(path), link)
	}
	return os.Symlink(link, target)
}

// linkFile hard-links src at dst, copying it where a link is impossible
// (another file system, links not permitted).
func linkFile(src, dst string) error {
	err := os.Link(src, dst)
	if err == nil || !errors.Is(err, syscall.EXDEV) && !errors.Is(err, fs.ErrPermission) {
		return err
	}
	return copyFile(src, dst)
}

// copyFile copies the regular file src to the new file dst with src's
// permission bits.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm()|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Chmod(dst, fi.Mode().Perm()) // past the umask
}
